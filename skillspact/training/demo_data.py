"""The demo partnership's training catalogue, for `seed_demo`.

* About 560 published courses of the demo providers — the member organisations that are VET
  schools, universities, other training providers and hospitals — across their countries and
  languages, EQF levels 3 to 8, online, in person and blended, free and paid, dated and
  self-paced. Titles follow the provider's language; every course is also described in English.
* Learning outcomes mapped to real ESCO v1.1.1 skills and target occupations when ESCO is
  loaded (`esco_load_default` runs first); without ESCO the outcomes carry no skills.
* "The pilot training programme on digital skills": a featured series of six courses.
* Two drafts of the demo contact's organisation, for its course management page.

Rows are bulk-created with the values `services.course_save()` computes (the same
`services.index_values()`), so the demo loads in seconds.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from skillspact.accounts.models import User
from skillspact.organisations.models import Organisation, StakeholderType
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType
from skillspact.training import search_index, services
from skillspact.training.models import (
    AssessmentType,
    Course,
    CourseOccupation,
    CourseSeries,
    CourseSkill,
    LearningOutcome,
    Mode,
    Supervision,
)

COURSES = 560
PILOT_SERIES_SLUG = "pilot-training-programme-digital-skills"
PILOT_SERIES_TITLE = "The pilot training programme on digital skills"
PILOT_COURSES = 6
PROVIDER_TYPES = (
    StakeholderType.EDUCATION_VET,
    StakeholderType.EDUCATION_HIGHER,
    StakeholderType.EDUCATION_OTHER,
    StakeholderType.HEALTHCARE_PROVIDER,
)
LANGUAGE_OF_COUNTRY = {
    "DE": "de", "AT": "de", "FR": "fr", "LU": "fr", "BE": "fr", "ES": "es", "IT": "it",
    "PL": "pl", "NL": "nl", "PT": "pt", "SE": "sv", "CZ": "cs", "GR": "el", "RO": "ro",
}  # fmt: skip

ESCO = "http://data.europa.eu/esco"
# ESCO v1.1.1 skills by preferred label and URI: the URI is tried first, the label second.
SKILLS = {
    "ehealth": ("use e-health and mobile health technologies", f"{ESCO}/skill/16636767-c215-4cf0-b126-e144fea20926"),  # noqa: E501
    "informatics": ("health informatics", f"{ESCO}/skill/fb82ae25-b59f-43fd-aacf-a8308afbe85e"),
    "ehr": ("use electronic health records in nursing", f"{ESCO}/skill/a46743b7-ff8c-49b6-99f7-7fa5bc241771"),  # noqa: E501
    "data_protection": ("data protection", f"{ESCO}/skill/a4346013-a967-4a58-a533-6b32ad1364c5"),
    "privacy": ("protect personal data and privacy", f"{ESCO}/skill/33a82b83-c838-4889-ae62-fae1317481eb"),  # noqa: E501
    "cyber": ("cyber security", f"{ESCO}/skill/8088750d-8388-4170-a76f-48354c469c44"),
    "ai": ("principles of artificial intelligence", f"{ESCO}/skill/e465a154-93f7-4973-9ce1-31659fe16dd2"),  # noqa: E501
    "analytics": ("data analytics", f"{ESCO}/skill/97bd1c21-66b2-4b7e-ad0f-e3cda590e378"),
    "manage_data": ("manage data", f"{ESCO}/skill/9ff9db9d-d14b-426e-83f3-e7449af6c79f"),
    "digital_literacy": ("teach digital literacy", f"{ESCO}/skill/c8fa4313-80b0-4f37-8b1b-1739707bc362"),  # noqa: E501
    "images": ("interpret medical images", f"{ESCO}/skill/1be9dd4c-ea8d-485e-8a45-28e8a7ab36d3"),
    "radiology": ("radiology", f"{ESCO}/skill/30281a0e-a82a-4d13-bd74-4b0fd9964e02"),
    "risk": ("manage clinical risk", f"{ESCO}/skill/16284f84-15c9-4542-b122-a6d584f937ee"),
    "safety": ("patient safety theories", f"{ESCO}/skill/79fc83a3-9c76-4e21-b766-2e9c0f8d31eb"),
    "infection": ("infection control", f"{ESCO}/skill/6d13053b-ee35-492c-8976-8178420df398"),
    "guidelines": ("follow clinical guidelines", f"{ESCO}/skill/76395873-7fe2-4f9a-b4b6-9932f8cbd0b4"),  # noqa: E501
    "wounds": ("carry out wound care", f"{ESCO}/skill/1c6736c2-77de-419c-9b84-8932e15abc21"),
    "first_aid": ("provide first aid", f"{ESCO}/skill/1d21f6ad-340f-45da-a0a3-4e83867f47a6"),
    "simulation": ("simulation-based clinical education", f"{ESCO}/skill/436b8f31-1a12-408a-be5f-a951942fbf92"),  # noqa: E501
    "ebn": ("evidence-based nursing care", f"{ESCO}/skill/b729d6bc-326b-46cd-aa63-ea280024b116"),
    "palliative": ("palliative care", f"{ESCO}/skill/c5a80bb0-31e6-4de0-868c-00a0f9b88b47"),
    "geriatrics": ("geriatrics", f"{ESCO}/skill/52c19dc8-651f-4095-98fe-dcb2799d702e"),
    "mental_health": ("promote mental health", f"{ESCO}/skill/c634630b-210b-4da5-b0f3-894cc292d6e3"),  # noqa: E501
    "empathy": ("show empathy", f"{ESCO}/skill/77b636e8-fab3-41a8-8022-1e0a354059dc"),
    "communicate": ("communicate in healthcare", f"{ESCO}/skill/7110bf9f-b245-4adc-9159-5081013fd64d"),  # noqa: E501
    "teams": ("work in multidisciplinary health teams", f"{ESCO}/skill/eba85523-6ad2-4cd9-9b27-a0b6a39b8cfa"),  # noqa: E501
    "lead": ("lead a team", f"{ESCO}/skill/1f1d2ff8-c4c1-45cc-9812-6a7ee84a73cb"),
    "leadership": ("leadership principles", f"{ESCO}/skill/d5145a9a-602e-40bf-b3e1-f04cf9c3ef86"),
    "legislation": ("health care legislation", f"{ESCO}/skill/1709f408-9965-489b-9805-8e1e5d9e483b"),  # noqa: E501
    "waste": ("manage waste", f"{ESCO}/skill/73a9561d-112c-4d8a-9d5f-b2c11c5bbd5f"),
    "hazardous": ("dispose of hazardous waste", f"{ESCO}/skill/40fa39b5-0f69-432a-b5ea-b01b5d98649a"),  # noqa: E501
    "procurement": ("implement sustainable procurement", f"{ESCO}/skill/6962058d-9808-4820-a6bc-d7cabce60cde"),  # noqa: E501
    "energy": ("energy efficiency", f"{ESCO}/skill/83fc0b2b-6cd2-46af-b1ff-d3fc83604c26"),
    "environment": ("environmental policy", f"{ESCO}/skill/081d7679-5070-4777-bece-a28c49f15636"),
    "statistics": ("statistics", f"{ESCO}/skill/7ee4c2ea-b349-4bd2-81a3-ec31475d4833"),
}  # fmt: skip
OCCUPATIONS = {
    "nurse": f"{ESCO}/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50",
    "specialist_nurse": f"{ESCO}/occupation/18e14e61-495b-44cc-a7c6-df4c625934ba",
    "advanced_nurse": f"{ESCO}/occupation/36494988-69d2-4420-9db4-eb56605ac983",
    "radiographer": f"{ESCO}/occupation/7639a601-6db0-41ed-9fb0-813d9b8beb05",
    "physiotherapist": f"{ESCO}/occupation/006cc1f9-2841-41c3-991a-dc3f2f3bd533",
    "midwife": f"{ESCO}/occupation/95cda6a9-a70a-4a93-9442-11d573cb4a02",
    "assistant": f"{ESCO}/occupation/d38c2107-98f2-47b7-8bb4-f69750d51082",
    "gp": f"{ESCO}/occupation/71f09c8b-a172-408c-b9e7-32e580e39ff6",
    "pharmacist": f"{ESCO}/occupation/5fd099da-218a-460e-bd5b-b42f1b76c67c",
    "manager": f"{ESCO}/occupation/4a29eab1-5f02-4723-a863-e2d5a0614dfa",
    "records": f"{ESCO}/occupation/983c2816-a339-4817-97f4-151a9ff3e64d",
    "safety_officer": f"{ESCO}/occupation/789517fb-95ee-43d1-9530-c2860be1a439",
    "home_care": f"{ESCO}/occupation/f4525ed8-54eb-4a3b-90db-55cc01b0d9fd",
    "biomedical": f"{ESCO}/occupation/2e8820ba-5b2d-4572-92a1-942dbd02a6d6",
}


@dataclass(frozen=True)
class Topic:
    """A course subject: its titles by language, outcomes with skill keys, the occupations
    it serves, its EQF range and whether it belongs in the digital pilot."""

    titles: dict[str, str]
    outcomes: list[tuple[str, list[str]]]
    occupations: list[str]
    eqf: tuple[int, int]
    is_digital_pilot: bool = False


TOPICS = [
    Topic(
        {"en": "Telehealth consultations in practice", "fr": "La téléconsultation en pratique",
         "de": "Telekonsultation in der Praxis", "es": "Teleconsulta en la práctica",
         "it": "Televisita nella pratica clinica", "pl": "Teleporady w praktyce",
         "nl": "Teleconsultatie in de praktijk"},
        [("Run a video consultation with a patient and document it in the record", ["ehealth", "communicate"]),  # noqa: E501
         ("Choose the remote care channel that suits the patient's condition", ["ehealth"]),
         ("Protect the patient's data during a remote consultation", ["data_protection", "privacy"])],  # noqa: E501
        ["nurse", "gp", "advanced_nurse"], (4, 6), True),
    Topic(
        {"en": "Electronic health records for nurses", "fr": "Le dossier patient informatisé pour les infirmiers",  # noqa: E501
         "de": "Elektronische Patientenakte für Pflegekräfte", "es": "Historia clínica electrónica para enfermería",  # noqa: E501
         "it": "Fascicolo sanitario elettronico per infermieri", "pl": "Elektroniczna dokumentacja medyczna dla pielęgniarek",  # noqa: E501
         "nl": "Elektronisch patiëntendossier voor verpleegkundigen"},
        [("Record assessments, care plans and outcomes in the electronic record", ["ehr"]),
         ("Find and share the information a colleague needs safely", ["ehr", "privacy"]),
         ("Use structured data to follow a patient's progress", ["manage_data"])],
        ["nurse", "specialist_nurse", "assistant"], (4, 6), True),
    Topic(
        {"en": "Cybersecurity awareness for hospital staff", "fr": "Sensibilisation à la cybersécurité à l'hôpital",  # noqa: E501
         "de": "Cybersicherheit im Krankenhausalltag", "es": "Ciberseguridad para el personal hospitalario",  # noqa: E501
         "it": "Sicurezza informatica per il personale ospedaliero", "pl": "Cyberbezpieczeństwo w szpitalu",  # noqa: E501
         "nl": "Cyberveiligheid voor ziekenhuispersoneel"},
        [("Recognise phishing and social engineering aimed at health staff", ["cyber"]),
         ("Handle patient data according to the GDPR", ["data_protection", "privacy"]),
         ("Report a security incident through the right channel", ["cyber"])],
        ["nurse", "assistant", "records", "manager"], (3, 5), True),
    Topic(
        {"en": "Artificial intelligence in radiology", "fr": "L'intelligence artificielle en radiologie",  # noqa: E501
         "de": "Künstliche Intelligenz in der Radiologie", "es": "Inteligencia artificial en radiología",  # noqa: E501
         "it": "Intelligenza artificiale in radiologia", "pl": "Sztuczna inteligencja w radiologii",
         "nl": "Kunstmatige intelligentie in de radiologie"},
        [("Explain how image-analysis algorithms are trained and validated", ["ai"]),
         ("Interpret AI-assisted findings together with the medical image", ["images", "radiology"]),  # noqa: E501
         ("Assess the risks and limits of an AI tool before clinical use", ["ai", "risk"])],
        ["radiographer", "gp"], (6, 8), True),
    Topic(
        {"en": "Health data analytics for managers", "fr": "Analyse des données de santé pour les cadres",  # noqa: E501
         "de": "Gesundheitsdatenanalyse für Führungskräfte", "es": "Analítica de datos sanitarios para gestores",  # noqa: E501
         "it": "Analisi dei dati sanitari per dirigenti", "pl": "Analityka danych medycznych dla kadry zarządzającej",  # noqa: E501
         "nl": "Data-analyse in de zorg voor managers"},
        [("Build indicators of quality and activity from hospital data", ["analytics", "statistics"]),  # noqa: E501
         ("Read and question a dashboard before a decision", ["analytics"]),
         ("Organise data governance in a department", ["manage_data", "data_protection"])],
        ["manager", "records"], (6, 7), True),
    Topic(
        {"en": "Digital skills for healthcare assistants", "fr": "Compétences numériques des aides-soignants",  # noqa: E501
         "de": "Digitale Kompetenzen für Pflegehilfskräfte", "es": "Competencias digitales para auxiliares de enfermería",  # noqa: E501
         "it": "Competenze digitali per operatori socio-sanitari", "pl": "Kompetencje cyfrowe opiekunów medycznych",  # noqa: E501
         "nl": "Digitale vaardigheden voor zorgassistenten"},
        [("Use the ward's digital tools to record care given", ["ehr"]),
         ("Help patients use health apps and portals", ["ehealth", "digital_literacy"]),
         ("Keep devices and accounts secure", ["cyber"])],
        ["assistant", "home_care"], (3, 4), True),
    Topic(
        {"en": "Health informatics foundations", "fr": "Fondamentaux de l'informatique de santé",
         "de": "Grundlagen der Medizininformatik", "es": "Fundamentos de informática sanitaria",
         "it": "Fondamenti di informatica sanitaria", "pl": "Podstawy informatyki medycznej",
         "nl": "Basis van de medische informatiekunde"},
        [("Describe the information systems of a hospital and how they exchange data", ["informatics"]),  # noqa: E501
         ("Apply interoperability standards to a clinical information flow", ["informatics", "manage_data"])],  # noqa: E501
        ["records", "nurse", "biomedical"], (5, 7)),
    Topic(
        {"en": "Patient safety and clinical risk management", "fr": "Sécurité des patients et gestion des risques",  # noqa: E501
         "de": "Patientensicherheit und klinisches Risikomanagement", "es": "Seguridad del paciente y gestión de riesgos clínicos",  # noqa: E501
         "it": "Sicurezza del paziente e gestione del rischio clinico", "pl": "Bezpieczeństwo pacjenta i zarządzanie ryzykiem klinicznym",  # noqa: E501
         "nl": "Patiëntveiligheid en klinisch risicomanagement"},
        [("Analyse an adverse event and propose actions", ["risk", "safety"]),
         ("Apply clinical guidelines to prevent avoidable harm", ["guidelines"]),
         ("Lead a safety huddle with the care team", ["teams", "lead"])],
        ["nurse", "specialist_nurse", "gp", "manager"], (5, 7)),
    Topic(
        {"en": "Infection prevention and control", "fr": "Prévention et contrôle des infections",
         "de": "Infektionsprävention und Hygiene", "es": "Prevención y control de infecciones",
         "it": "Prevenzione e controllo delle infezioni", "pl": "Profilaktyka i kontrola zakażeń",
         "nl": "Infectiepreventie"},
        [("Apply standard and transmission-based precautions", ["infection"]),
         ("Train colleagues in hand hygiene and protective equipment", ["infection", "guidelines"])],  # noqa: E501
        ["nurse", "assistant", "midwife"], (3, 5)),
    Topic(
        {"en": "Advanced wound care", "fr": "Soins de plaies avancés", "de": "Moderne Wundversorgung",  # noqa: E501
         "es": "Cuidado avanzado de heridas", "it": "Gestione avanzata delle lesioni",
         "pl": "Zaawansowane leczenie ran", "nl": "Gespecialiseerde wondzorg"},
        [("Assess a chronic wound and choose a dressing", ["wounds"]),
         ("Apply evidence-based protocols for pressure ulcers", ["wounds", "ebn"])],
        ["nurse", "specialist_nurse", "home_care"], (4, 6)),
    Topic(
        {"en": "Simulation-based emergency training", "fr": "Formation aux urgences par simulation",  # noqa: E501
         "de": "Simulationstraining für Notfälle", "es": "Formación en urgencias con simulación",
         "it": "Formazione sulle emergenze con simulazione", "pl": "Symulacja medyczna w stanach nagłych",  # noqa: E501
         "nl": "Simulatietraining spoedeisende zorg"},
        [("Perform first aid and basic life support under pressure", ["first_aid"]),
         ("Work as a team in a simulated emergency and debrief it", ["simulation", "teams"])],
        ["nurse", "gp", "midwife", "physiotherapist"], (4, 6)),
    Topic(
        {"en": "Palliative care at home", "fr": "Soins palliatifs à domicile", "de": "Palliativversorgung zu Hause",  # noqa: E501
         "es": "Cuidados paliativos en el domicilio", "it": "Cure palliative a domicilio",
         "pl": "Opieka paliatywna w domu", "nl": "Palliatieve zorg thuis"},
        [("Plan palliative care with the patient and the family", ["palliative", "empathy"]),
         ("Communicate bad news with compassion", ["communicate", "empathy"])],
        ["nurse", "home_care", "gp"], (4, 6)),
    Topic(
        {"en": "Caring for older people", "fr": "Accompagner les personnes âgées", "de": "Pflege älterer Menschen",  # noqa: E501
         "es": "Atención a personas mayores", "it": "Assistenza alle persone anziane",
         "pl": "Opieka nad osobami starszymi", "nl": "Zorg voor ouderen"},
        [("Assess frailty and plan care for an older person", ["geriatrics"]),
         ("Support mental well-being in long-term care", ["mental_health", "empathy"])],
        ["assistant", "home_care", "nurse"], (3, 5)),
    Topic(
        {"en": "The green hospital: waste, energy and procurement", "fr": "L'hôpital durable : déchets, énergie et achats",  # noqa: E501
         "de": "Das grüne Krankenhaus: Abfall, Energie und Beschaffung", "es": "Hospital sostenible: residuos, energía y compras",  # noqa: E501
         "it": "L'ospedale sostenibile: rifiuti, energia e acquisti", "pl": "Zielony szpital: odpady, energia i zakupy",  # noqa: E501
         "nl": "Het groene ziekenhuis: afval, energie en inkoop"},
        [("Sort and reduce clinical and hazardous waste on the ward", ["waste", "hazardous"]),
         ("Propose energy savings in a hospital department", ["energy"]),
         ("Apply sustainability criteria when buying supplies", ["procurement", "environment"])],
        ["manager", "safety_officer", "nurse"], (4, 7)),
    Topic(
        {"en": "Leading care teams through change", "fr": "Manager une équipe de soins dans le changement",  # noqa: E501
         "de": "Pflegeteams im Wandel führen", "es": "Liderar equipos asistenciales en el cambio",
         "it": "Guidare i team di cura nel cambiamento", "pl": "Przywództwo w zespołach opieki",
         "nl": "Zorgteams leiden in verandering"},
        [("Lead a multidisciplinary team through a digital transformation", ["lead", "leadership", "teams"]),  # noqa: E501
         ("Apply health care legislation to staffing decisions", ["legislation"])],
        ["manager", "advanced_nurse"], (6, 8)),
]  # fmt: skip
QUALIFIERS = {
    "en": ["", "for beginners", "advanced", "intensive", "refresher"],
    "fr": ["", "initiation", "approfondissement", "intensif", "mise à jour"],
    "de": ["", "Einführung", "Vertiefung", "Intensivkurs", "Auffrischung"],
    "es": ["", "iniciación", "avanzado", "intensivo", "actualización"],
    "it": ["", "base", "avanzato", "intensivo", "aggiornamento"],
    "pl": ["", "podstawy", "zaawansowany", "intensywny", "kurs odświeżający"],
    "nl": ["", "introductie", "verdieping", "intensief", "opfrissing"],
}
QUALITY = [
    "Internal quality assurance of the provider, accredited by the national agency",
    "Programme accredited by the national quality assurance agency for higher education",
    "ISO 9001 certified training department of the hospital",
    "External review by the professional council every three years",
]
RECOGNITION = [
    "",
    "Continuing professional development credits of the national nursing council",
    "Counts towards the postgraduate certificate in digital health",
    "Recognised for the re-registration of nurses",
    "CME credits for physicians",
]


@dataclass
class Seeded:
    """What `seed()` created, for the command's closing report."""

    courses: int = 0
    published: int = 0
    drafts: int = 0
    providers: int = 0
    outcomes: int = 0
    with_skills: int = 0
    languages: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    series: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(
            [
                f"  courses         {self.courses} ({self.published} published, {self.drafts} "
                f"drafts) from {self.providers} providers in {len(self.countries)} countries, "
                f"{len(self.languages)} languages",
                f"  outcomes        {self.outcomes} ({self.with_skills} courses mapped to ESCO "
                f"skills); series: {', '.join(self.series) or 'none'}",
            ]
        )


def _resolve_skills() -> dict[str, str]:
    """Skill key -> URI of the loaded ESCO; empty without ESCO."""
    if taxonomy_selectors.version_default() is None:
        return {}
    found = taxonomy_selectors.concepts_describe(
        [uri for _label, uri in SKILLS.values()], concept_type=ConceptType.SKILL
    )
    resolved: dict[str, str] = {}
    for key, (label, uri) in SKILLS.items():
        if uri in found:
            resolved[key] = uri
            continue
        hits = taxonomy_selectors.concept_search(
            text=label, concept_type=ConceptType.SKILL, limit=1
        )
        if hits.hits and hits.hits[0].preferred_label.strip().lower() == label.lower():
            resolved[key] = hits.hits[0].uri
    return resolved


def seed(
    *,
    seed: int,
    secretariat: User,
    contact_organisation: Organisation | None = None,
    count: int = COURSES,
    now: datetime.datetime | None = None,
) -> Seeded:
    """Add the demo catalogue; the same `seed` gives the same courses."""
    rng = random.Random(f"training-{seed}")
    today = timezone.localdate(now or timezone.now())
    seeded = Seeded()
    providers = list(
        Organisation.objects.filter(
            status=Organisation.Status.MEMBER, stakeholder_type__in=PROVIDER_TYPES
        ).order_by("slug")
    )
    if contact_organisation is not None and contact_organisation not in providers:
        providers.append(contact_organisation)
    if not providers:
        return seeded
    skills = _resolve_skills()
    occupations = taxonomy_selectors.concepts_describe(
        OCCUPATIONS.values(), concept_type=ConceptType.OCCUPATION
    )
    briefs = taxonomy_selectors.concepts_describe(skills.values(), concept_type=ConceptType.SKILL)
    pilot = CourseSeries.objects.create(
        slug=PILOT_SERIES_SLUG,
        title=PILOT_SERIES_TITLE,
        description=(
            "Six short courses that take health workers from everyday digital tools to "
            "telehealth, health data and artificial intelligence, with a micro-credential each."
        ),
        is_featured=True,
    )
    seeded.series.append(pilot.title)
    pilot_topics = [topic for topic in TOPICS if topic.is_digital_pilot]

    plans: list[tuple[Course, list[services.OutcomeIn]]] = []
    taken: set[str] = set()
    for index in range(count):
        provider = providers[index % len(providers)]
        is_pilot = index < PILOT_COURSES
        topic = pilot_topics[index % len(pilot_topics)] if is_pilot else rng.choice(TOPICS)
        plans.append(
            _plan(rng, index, provider, topic, skills, occupations, today, taken, pilot, is_pilot)
        )
    if contact_organisation is not None:
        for index in range(2):
            course, outcomes = _plan(
                rng, count + index, contact_organisation, TOPICS[index], skills, occupations,
                today, taken, None, False,
            )  # fmt: skip
            course.status = Course.Status.DRAFT
            course.published_at = None
            plans.append((course, outcomes))

    for course, outcomes in plans:
        provider = course.provider
        name = " ".join(part for part in (provider.legal_name, provider.acronym) if part)
        values = services.index_values(course, outcomes, skill_briefs=briefs, provider_name=name)
        course.skill_uris = values.skill_uris
        course.is_digital = values.is_digital
        course.is_green = values.is_green
        course.search_text = values.search_text
        course.search_title = values.search_title
        course.language_codes = values.language_codes
        course.sort_date = values.sort_date
        course.created_by = secretariat
    created = Course.objects.bulk_create([course for course, _o in plans], batch_size=500)
    search_index.store(created)
    LearningOutcome.objects.bulk_create(
        [
            LearningOutcome(course=course, position=position, text=o.text, skills=o.skills)
            for course, (_c, outcomes) in zip(created, plans, strict=True)
            for position, o in enumerate(outcomes)
        ],
        batch_size=1000,
    )
    CourseSkill.objects.bulk_create(
        [
            CourseSkill(course=course, skill_uri=uri)
            for course in created
            for uri in course.skill_uris
        ],
        batch_size=1000,
    )
    CourseOccupation.objects.bulk_create(
        [
            CourseOccupation(course=course, occupation_uri=uri)
            for course in created
            for uri in course.target_occupations
        ],
        batch_size=1000,
    )
    seeded.courses = len(created)
    seeded.published = sum(1 for c in created if c.status == Course.Status.PUBLISHED)
    seeded.drafts = seeded.courses - seeded.published
    seeded.providers = len({c.provider_id for c in created})
    seeded.outcomes = sum(len(outcomes) for _c, outcomes in plans)
    seeded.with_skills = sum(1 for c in created if c.skill_uris)
    seeded.languages = {code for c in created for code in c.languages}
    seeded.countries = {c.country for c in created if c.country}
    return seeded


def _plan(
    rng: random.Random,
    index: int,
    provider: Organisation,
    topic: Topic,
    skills: dict[str, str],
    occupations: dict[str, taxonomy_selectors.ConceptBrief],
    today: datetime.date,
    taken: set[str],
    pilot: CourseSeries | None,
    is_pilot: bool,
) -> tuple[Course, list[services.OutcomeIn]]:
    country = str(provider.country or "")
    local = LANGUAGE_OF_COUNTRY.get(country, "en")
    language = local if local in topic.titles and rng.random() < 0.75 else "en"
    languages = [language] if language == "en" or rng.random() < 0.6 else [language, "en"]
    qualifier = rng.choice(QUALIFIERS[language])
    title = topic.titles[language] + (f" — {qualifier}" if qualifier else "")
    base = slugify(title)[:110] or "course"
    slug = base
    while slug in taken:
        slug = f"{base}-{rng.randint(2, 99999)}"
    taken.add(slug)
    mode = rng.choices([Mode.ONLINE, Mode.IN_PERSON, Mode.BLENDED], weights=[5, 3, 3])[0]
    is_self_paced = mode == Mode.ONLINE and rng.random() < 0.45
    starts_on: datetime.date | None = today + datetime.timedelta(days=rng.randint(-20, 300))
    weeks = rng.choice([1, 2, 4, 6, 8, 12])
    ends_on = starts_on + datetime.timedelta(weeks=weeks) if starts_on else None
    if is_self_paced and rng.random() < 0.6:
        starts_on, ends_on = None, None
    hours = rng.choice([8, 12, 16, 25, 30, 50, 75, 125])
    ects = Decimal(hours // 25) if hours >= 25 and rng.random() < 0.7 else None
    eqf = rng.randint(*topic.eqf)
    outcomes = [
        services.OutcomeIn(text, [skills[key] for key in keys if key in skills])
        for text, keys in topic.outcomes
    ]
    place = f"{provider.legal_name}, {country}" if mode != Mode.ONLINE else ""
    english = topic.titles["en"]
    course = Course(
        slug=slug,
        provider=provider,
        series=pilot if is_pilot else None,
        title=title[:200],
        summary=(f"{english}: a course of {provider.legal_name}."[:300]),
        description=(
            f"{english}. {weeks} weeks, {hours} hours of study with "
            f"{'online modules' if mode == Mode.ONLINE else 'practical sessions'}."
        ),
        status=Course.Status.PUBLISHED,
        target_occupations=[
            OCCUPATIONS[key] for key in topic.occupations if OCCUPATIONS[key] in occupations
        ],  # noqa: E501
        eqf_level=eqf,
        hours=hours,
        ects=ects,
        mode=mode,
        country=country,
        place=place[:200],
        languages=languages,
        is_self_paced=is_self_paced,
        starts_on=starts_on,
        ends_on=ends_on,
        enrolment_closes_on=starts_on - datetime.timedelta(days=3) if starts_on else None,
        price_eur=Decimal(0)
        if rng.random() < 0.4
        else Decimal(rng.choice([40, 90, 150, 250, 400, 750, 1200])),  # noqa: E501
        places=None if rng.random() < 0.3 else rng.choice([12, 20, 24, 30, 60, 150]),
        prerequisites="" if eqf <= 4 else "A health professional qualification.",
        assessment_type=rng.choice(
            [
                AssessmentType.ONLINE_TEST,
                AssessmentType.PRACTICAL,
                AssessmentType.SIMULATION,
                AssessmentType.PROJECT,
                AssessmentType.WRITTEN_EXAM,
            ]
        ),  # fmt: skip
        supervision=Supervision.SUPERVISED_ONSITE
        if mode != Mode.ONLINE
        else rng.choice([Supervision.UNSUPERVISED, Supervision.SUPERVISED_ONLINE]),  # fmt: skip
        quality_assurance=rng.choice(QUALITY),
        recognition=rng.choice(RECOGNITION),
        stackability="Stackable towards the partnership's digital health certificate"
        if topic.is_digital_pilot
        else "",
        credential_validity_months=rng.choice([None, None, 24, 36]),
        is_featured=is_pilot or rng.random() < 0.02,
        published_at=timezone.now(),
    )
    return course, outcomes
