"""The emerging health roles the platform ships as local extensions, and loading them.

Each profile lists real ESCO v1.1.1 skills (a test checks every URI against the shipped copy).
The definitions are a starting point for the partnership's working group: the secretariat edits
them like any other local role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from skillspact.taxonomy import health, importer
from skillspact.taxonomy.importer import ImportReport, ProgressCallback
from skillspact.taxonomy.models import (
    LOCAL_URI_PREFIX,
    EscoVersion,
    LocalRole,
    LocalRoleSkill,
    Relation,
    Skill,
)

SKILL = "http://data.europa.eu/esco/skill/"
ESSENTIAL, OPTIONAL = Relation.ESSENTIAL, Relation.OPTIONAL
SEED_SOURCE = (
    "skillspact seed definition (emerging roles of the Pact for Skills health ecosystem); "
    "to be reviewed by the partnership's working group."
)


@dataclass(frozen=True)
class RoleSeed:
    slug: str
    preferred_label: str
    alt_labels: list[str]
    isco_group: str
    description: str
    skills: list[tuple[str, str]]
    source: str = SEED_SOURCE
    content_version: str = "1.0"


LOCAL_ROLES: list[RoleSeed] = [
    RoleSeed(
        slug="clinical-informatics-specialist",
        preferred_label="clinical informatics specialist",
        alt_labels=[
            "clinical informaticist",
            "health informatics specialist",
            "nurse informaticist",
        ],
        isco_group="2269",
        description=(
            "Clinical informatics specialists bridge clinical care and information technology. "
            "They analyse clinical workflows, configure and optimise electronic health records "
            "and clinical information systems, train and support clinicians in their use, and "
            "turn routinely collected data into information that improves the quality and "
            "safety of care."
        ),
        skills=[
            (f"{SKILL}fb82ae25-b59f-43fd-aacf-a8308afbe85e", ESSENTIAL),  # health informatics
            (f"{SKILL}b21e2984-c6b2-4352-bbe8-8f3b03bd50f6", ESSENTIAL),  # medical informatics
            (
                f"{SKILL}53141450-2fa9-4890-a64e-7ffd4e1144be",
                ESSENTIAL,
            ),  # use EHR management system
            (
                f"{SKILL}6c3e28d6-e3cc-4b25-a5da-a0dce043cf17",
                ESSENTIAL,
            ),  # manage information in care
            (
                f"{SKILL}ad008df3-dcaf-45ee-8892-2319a3b66c98",
                ESSENTIAL,
            ),  # oversee clinical info systems
            (f"{SKILL}99814cb0-5f6c-4663-99a4-af28b11d5d2f", ESSENTIAL),  # healthcare data systems
            (f"{SKILL}3e8e862d-2f1a-40c6-bb6d-d1d7eeb78854", OPTIONAL),  # analyse large-scale data
            (f"{SKILL}3c03ee71-4a23-448f-b79e-81fd75d27dca", OPTIONAL),  # apply change management
            (
                f"{SKILL}418a56a2-7cfc-4b6d-8cf5-5c2add99a849",
                OPTIONAL,
            ),  # provide ICT system training
            (
                f"{SKILL}76395873-7fe2-4f9a-b4b6-9932f8cbd0b4",
                OPTIONAL,
            ),  # follow clinical guidelines
            (
                f"{SKILL}557c86b8-a0bc-4545-bb30-d141b1d60bc1",
                OPTIONAL,
            ),  # clinical software research
            (f"{SKILL}2806260f-6399-4add-8f11-070141423f9d", OPTIONAL),  # medical terminology
        ],
    ),
    RoleSeed(
        slug="digital-clinical-safety-officer",
        preferred_label="digital clinical safety officer",
        alt_labels=["clinical safety officer (digital health)", "health IT clinical safety lead"],
        isco_group="2269",
        description=(
            "Digital clinical safety officers are registered clinicians who make sure that "
            "digital health systems do not harm patients. They run clinical risk management "
            "for the deployment and change of health IT: identifying hazards, assessing and "
            "controlling risks, keeping the hazard log and safety case, investigating "
            "incidents involving digital systems and signing off systems as safe to use."
        ),
        skills=[
            (f"{SKILL}16284f84-15c9-4542-b122-a6d584f937ee", ESSENTIAL),  # manage clinical risk
            (f"{SKILL}79fc83a3-9c76-4e21-b766-2e9c0f8d31eb", ESSENTIAL),  # patient safety theories
            (f"{SKILL}594bd121-9614-4e87-9ecf-6ccb95507efe", ESSENTIAL),  # draw up risk assessment
            (f"{SKILL}32ac6bfb-8b86-4312-9421-dcb8e0203ab5", ESSENTIAL),  # process incident reports
            (
                f"{SKILL}9fcf9918-fdef-49c3-aedc-518eb1e7e1f5",
                ESSENTIAL,
            ),  # comply with health legislation
            (f"{SKILL}99814cb0-5f6c-4663-99a4-af28b11d5d2f", ESSENTIAL),  # healthcare data systems
            (
                f"{SKILL}ef539e4d-8907-4a88-b2f7-8f8fa95e3117",
                OPTIONAL,
            ),  # medical device regulations
            (f"{SKILL}98eb1f3b-3480-416b-bd4b-811946f7e347", OPTIONAL),  # quality standards in care
            (
                f"{SKILL}14d1e367-3efe-4ec5-86ae-eca48710ee4e",
                OPTIONAL,
            ),  # implement ICT safety policies
            (f"{SKILL}24310a7b-5db1-4917-a705-4835630227ca", OPTIONAL),  # create incident reports
            (f"{SKILL}0c8c1e58-1c48-4efc-9359-9a28f803c52d", OPTIONAL),  # undertake clinical audit
        ],
    ),
    RoleSeed(
        slug="health-data-steward",
        preferred_label="health data steward",
        alt_labels=["clinical data steward", "health data custodian"],
        isco_group="2529",
        description=(
            "Health data stewards look after the quality, protection and lawful reuse of "
            "health data. They define and monitor data quality rules, maintain metadata and "
            "coding standards, apply data protection and information governance rules to "
            "requests for access, and prepare data to be findable, accessible, interoperable "
            "and reusable, for example for the European Health Data Space."
        ),
        skills=[
            (f"{SKILL}a4346013-a967-4a58-a533-6b32ad1364c5", ESSENTIAL),  # data protection
            (f"{SKILL}d3e9b00a-0891-4fa8-836d-8240ec3d2758", ESSENTIAL),  # GDPR
            (
                f"{SKILL}51ece34f-c24e-4183-9bf4-9b6f28748aec",
                ESSENTIAL,
            ),  # healthcare data confidentiality
            (
                f"{SKILL}4d614c92-0c48-4a11-a5ed-416b34fd50d2",
                ESSENTIAL,
            ),  # manage healthcare users' data
            (
                f"{SKILL}54c9c155-9293-4329-8ed2-2e76e8b519d4",
                ESSENTIAL,
            ),  # define data quality criteria
            (f"{SKILL}4f5c1208-62fd-4e5a-a51e-306c06947e11", ESSENTIAL),  # manage FAIR data
            (f"{SKILL}9a0d0abc-010d-440b-8242-7e31510471ba", ESSENTIAL),  # information governance
            (f"{SKILL}713fb616-118e-40bc-9366-4a69879a49d5", OPTIONAL),  # data quality processes
            (f"{SKILL}5d7890d5-d229-4b79-a5da-6819e38a52b6", OPTIONAL),  # health records management
            (f"{SKILL}cf0b92de-4bd0-46ee-b383-7765b4cbcac9", OPTIONAL),  # clinical coding
            (f"{SKILL}03a74eee-2dc6-4147-8667-5cdeb65f122d", OPTIONAL),  # ICT data classification
            (f"{SKILL}50b100ea-74fd-4706-99db-3e4ca55e51b8", OPTIONAL),  # perform data cleansing
        ],
    ),
    RoleSeed(
        slug="telehealth-coordinator",
        preferred_label="telehealth coordinator",
        alt_labels=["telemedicine coordinator", "virtual care coordinator"],
        isco_group="3259",
        description=(
            "Telehealth coordinators organise care delivered at a distance. They schedule and "
            "prepare video consultations and remote monitoring, help patients and clinicians "
            "use the technology, make sure the right information reaches the care team, "
            "protect the confidentiality of the exchange and follow up so that remote care "
            "stays continuous with care in person."
        ),
        skills=[
            (
                f"{SKILL}16636767-c215-4cf0-b126-e144fea20926",
                ESSENTIAL,
            ),  # e-health and mobile health
            (
                f"{SKILL}7110bf9f-b245-4adc-9159-5081013fd64d",
                ESSENTIAL,
            ),  # communicate in healthcare
            (
                f"{SKILL}220b7796-c5d8-4b8e-a0d8-fd1934f0f0dd",
                ESSENTIAL,
            ),  # appointment administration
            (
                f"{SKILL}13724e7d-b946-4773-915e-9621340237bc",
                ESSENTIAL,
            ),  # continuity of health care
            (
                f"{SKILL}51ece34f-c24e-4183-9bf4-9b6f28748aec",
                ESSENTIAL,
            ),  # healthcare data confidentiality
            (f"{SKILL}7785cf38-b45e-4e5a-a88c-d693842bfd35", OPTIONAL),  # encourage self-monitoring
            (f"{SKILL}04880044-9668-45b8-b888-f3d9894bac9f", OPTIONAL),  # organise homecare
            (
                f"{SKILL}418a56a2-7cfc-4b6d-8cf5-5c2add99a849",
                OPTIONAL,
            ),  # provide ICT system training
            (
                f"{SKILL}eba85523-6ad2-4cd9-9b27-a0b6a39b8cfa",
                OPTIONAL,
            ),  # multidisciplinary health teams
            (f"{SKILL}53141450-2fa9-4890-a64e-7ffd4e1144be", OPTIONAL),  # use EHR management system
        ],
    ),
    RoleSeed(
        slug="sustainability-lead-in-healthcare",
        preferred_label="sustainability lead in healthcare",
        alt_labels=["healthcare sustainability manager", "green hospital coordinator"],
        isco_group="1342",
        description=(
            "Sustainability leads in healthcare steer a hospital's or care provider's path to "
            "lower emissions and less waste without lowering the quality of care. They measure "
            "the organisation's environmental footprint, set its environmental policy and "
            "targets, bring sustainability into procurement, energy and waste management, "
            "involve clinical teams in greener models of care and report on progress."
        ),
        skills=[
            (
                f"{SKILL}e6bf6e73-230a-434c-97b2-a0c042a8b7ac",
                ESSENTIAL,
            ),  # sustainability in health care
            (
                f"{SKILL}507e2b21-1285-47e9-bf09-0db794df1bf0",
                ESSENTIAL,
            ),  # develop environmental policy
            (f"{SKILL}6962058d-9808-4820-a6bc-d7cabce60cde", ESSENTIAL),  # sustainable procurement
            (
                f"{SKILL}29bfe2cd-f011-4f94-a3aa-f77768e60460",
                ESSENTIAL,
            ),  # analyse energy consumption
            (f"{SKILL}bbcc7e1b-3d4d-4422-9fac-efd636eb9de4", ESSENTIAL),  # sustainability reporting
            (
                f"{SKILL}30a494f3-117e-4181-949f-9b11ef5da730",
                ESSENTIAL,
            ),  # lead healthcare services changes
            (f"{SKILL}22c45bf7-e52b-475f-847b-c32a87f65a5d", OPTIONAL),  # circular economy
            (f"{SKILL}40f65a56-ccbe-4601-9f32-1cc6cdd24f28", OPTIONAL),  # waste management
            (f"{SKILL}1565b401-1754-4b07-8f1a-eb5869e64d95", OPTIONAL),  # climate change impact
            (
                f"{SKILL}b13e0689-636d-42d0-86c3-df9d6f85a882",
                OPTIONAL,
            ),  # environmental management system
            (f"{SKILL}1af2db15-2af9-44dd-9639-bf1fc69d4c34", OPTIONAL),  # stakeholder relationships
        ],
    ),
]


@dataclass
class SeedResult:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)


@transaction.atomic
def local_roles_seed(*, version: EscoVersion) -> SeedResult:
    """Create the shipped local roles that do not exist yet, against `version`'s skills.

    Roles that exist are kept as they are, since the secretariat may have edited them; skills
    missing from `version` are left out of the profile and listed in the result.
    """
    result = SeedResult()
    wanted = {uri for seed in LOCAL_ROLES for uri, _relation in seed.skills}
    present = set(
        Skill.objects.filter(version=version, uri__in=wanted).values_list("uri", flat=True)
    )
    existing = set(LocalRole.objects.values_list("slug", flat=True))
    for seed in LOCAL_ROLES:
        if seed.slug in existing:
            result.kept.append(seed.slug)
            continue
        role = LocalRole(
            slug=seed.slug,
            uri=f"{LOCAL_URI_PREFIX}{seed.slug}",
            preferred_label=seed.preferred_label,
            alt_labels=seed.alt_labels,
            description=seed.description,
            isco_group=seed.isco_group,
            source=seed.source,
            content_version=seed.content_version,
            esco_version=version,
        )
        role.full_clean()
        role.save()
        LocalRoleSkill.objects.bulk_create(
            LocalRoleSkill(role=role, skill_uri=uri, esco_version=version, relation=relation)
            for uri, relation in seed.skills
            if uri in present
        )
        result.missing_skills += [
            f"{seed.slug}: {uri}" for uri, _relation in seed.skills if uri not in present
        ]
        result.created.append(seed.slug)
    return result


SHIPPED_ZIP = Path(__file__).resolve().parent / "data" / "esco-v1.1.1-en.zip"
# French and Spanish labels: ESCO v1.1.1 French occupations, and French and Spanish labels of
# skills and Spanish of occupations from a trimmed ESCO v1.0.x export (labels only), by URI.
SHIPPED_LABELS_ZIP = Path(__file__).resolve().parent / "data" / "esco-v1.1.1-labels-fr-es.zip"
SHIPPED_VERSION = "v1.1.1"


@dataclass
class ShippedLoad:
    report: ImportReport | None
    health_overrides_created: int
    roles: SeedResult


def shipped_esco_load(
    *, is_if_empty: bool = False, progress: ProgressCallback | None = None
) -> ShippedLoad | None:
    """Import the shipped ESCO v1.1.1 (English), apply the health lens, seed the local roles.

    With `is_if_empty`, does nothing (returns None) when a ready version exists already. The
    shipped version becomes the default unless another version is the default.
    """
    if is_if_empty and EscoVersion.objects.filter(status=EscoVersion.Status.READY).exists():
        return None
    has_other_default = (
        EscoVersion.objects.filter(is_default=True).exclude(code=SHIPPED_VERSION).exists()
    )
    report = importer.esco_import(
        [SHIPPED_ZIP, SHIPPED_LABELS_ZIP],
        version=SHIPPED_VERSION,
        make_default=not has_other_default,
        progress=progress,
    )
    created = health.seed_default_curation()
    health.apply()
    version = EscoVersion.objects.get(code=SHIPPED_VERSION)
    return ShippedLoad(report, created, local_roles_seed(version=version))
