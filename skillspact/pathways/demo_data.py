"""The demo's upskilling pathways, for `seed_demo` (after the training catalogue and the
credentials).

* The five local roles the taxonomy ships (`taxonomy/seed.py`) already carry full skill
  profiles; nothing is added to them.
* Three demo health workers (a nurse in Germany, a hospital technician in Spain, a pharmacist in
  France) with profiles (occupation, languages, constraints, skills from their occupation's
  profile) and a saved plan each, at different stages: just planned; first course enrolled;
  first course completed, its credential issued and the plan refreshed.
* The demo worker (`worker@demo.skillspact.eu`) gets a plan toward clinical informatics
  specialist.

The people are bulk-created without a usable password (only the published demo logins sign in;
the demo health worker's plan shows the journey) and no e-mail goes out: the demo enrolments are
written as rows, the credential is issued with `notify=False`.
Without ESCO or the local roles, no plan is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from skillspact.accounts.models import User
from skillspact.pathways import selectors, services
from skillspact.pathways.models import Plan, ProfileSkill
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import LOCAL_URI_PREFIX, ConceptType

ESCO = "http://data.europa.eu/esco"
JUST_PLANNED, ENROLLED, COMPLETED = "planned", "enrolled", "completed"


@dataclass(frozen=True)
class Worker:
    email: str
    full_name: str
    job_title: str
    occupation_uri: str
    country: str
    languages: tuple[str, ...]
    hours_per_week: int
    target_slug: str
    stage: str
    skills_from_profile: int = 4


WORKERS = [
    Worker(
        "nurse.pathway@demo.skillspact.eu",
        "Jana Becker",
        "Krankenschwester",
        f"{ESCO}/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50",
        "DE",
        ("de", "en"),
        6,
        "clinical-informatics-specialist",
        COMPLETED,
    ),
    Worker(
        "technician.pathway@demo.skillspact.eu",
        "Diego Ruiz",
        "técnico de electromedicina",
        f"{ESCO}/occupation/2e8820ba-5b2d-4572-92a1-942dbd02a6d6",
        "ES",
        ("es", "en"),
        5,
        "sustainability-lead-in-healthcare",
        ENROLLED,
    ),
    Worker(
        "pharmacist.pathway@demo.skillspact.eu",
        "Claire Dubois",
        "pharmacienne",
        f"{ESCO}/occupation/5fd099da-218a-460e-bd5b-b42f1b76c67c",
        "FR",
        ("fr", "en"),
        4,
        "health-data-steward",
        JUST_PLANNED,
    ),
]
WORKER_TARGET = "clinical-informatics-specialist"


@dataclass
class Seeded:
    """What `seed()` created, for the command's closing report."""

    people: int = 0
    profiles: int = 0
    plans: int = 0
    enrolled: int = 0
    credentials: int = 0
    achieved: int = 0

    def text(self) -> str:
        return (
            f"  pathways        {self.profiles} learner profiles ({self.people} new people), "
            f"{self.plans} saved plans ({self.enrolled} with a course enrolled, "
            f"{self.credentials} with a credential earned, {self.achieved} achieved)"
        )


def seed(
    *,
    seed: int = 0,
    secretariat: User,
    worker: User | None = None,
    stdout: Any = None,
    now: datetime | None = None,
) -> Seeded:
    """Add the demo's learner profiles and plans (see the module's docstring). `seed` is kept
    for the command's interface: the demo pathways are the same every time."""
    seeded = Seeded()
    moment = now or timezone.now()
    existing = {u.email: u for u in User.objects.filter(email__in=[w.email for w in WORKERS])}
    new = [
        User(
            email=w.email,
            full_name=w.full_name,
            password=make_password(None),
            has_confirmed_email=True,
            date_joined=moment,
        )
        for w in WORKERS
        if w.email not in existing
    ]
    User.objects.bulk_create(new)
    seeded.people = len(new)
    people = {u.email: u for u in User.objects.filter(email__in=[w.email for w in WORKERS])}
    roles = {
        role.slug: role.uri for role in taxonomy_selectors.local_roles_visible() if role.is_active
    }
    for item in WORKERS:
        plan = _worker(item, people[item.email], roles, seeded)
        if plan is not None:
            _advance(plan, item.stage, secretariat, seeded, moment)
    if worker is not None:
        demo = Worker(
            worker.email,
            worker.full_name,
            "nurse",
            WORKERS[0].occupation_uri,
            "SI",
            ("en",),
            5,
            WORKER_TARGET,
            JUST_PLANNED,
        )
        _worker(demo, worker, roles, seeded)
    if stdout is not None:
        stdout.write(seeded.text())
    return seeded


def _worker(item: Worker, user: User, roles: dict[str, str], seeded: Seeded) -> Plan | None:
    profile = services.profile_ensure(actor=user)
    seeded.profiles += 1
    profile = services.profile_update(
        actor=user,
        profile=profile,
        country=item.country,
        languages=list(item.languages),
        hours_per_week=item.hours_per_week,
    )
    known = taxonomy_selectors.concepts_describe(
        [item.occupation_uri], concept_type=ConceptType.OCCUPATION
    )
    if item.occupation_uri in known:
        services.profile_set_occupation(
            actor=user,
            profile=profile,
            job_title=item.job_title,
            occupation_uri=item.occupation_uri,
        )
        choices = selectors.occupation_profile_skills(uri=item.occupation_uri)
        essential = [choice.uri for choice in choices if choice.is_essential]
        services.profile_skills_add(
            actor=user,
            profile=profile,
            skill_uris=essential[: item.skills_from_profile],
            source=ProfileSkill.Source.DECLARED,
        )
    target = roles.get(item.target_slug) or f"{LOCAL_URI_PREFIX}{item.target_slug}"
    if item.target_slug not in roles:
        return None
    if Plan.objects.filter(user=user, target_uri=target).exists():
        return None
    proposal = services.plan_propose(profile=profile, target_uri=target)
    if not proposal.courses and profile.languages:
        # The demo catalogue may teach the gap in none of the person's languages: any language
        # then, so that every demo plan has courses.
        profile = services.profile_update(actor=user, profile=profile, languages=[])
        proposal = services.plan_propose(profile=profile, target_uri=target)
    plan = services.plan_save(actor=user, profile=profile, proposal=proposal)
    seeded.plans += 1
    return plan


def _advance(plan: Plan, stage: str, secretariat: User, seeded: Seeded, moment: datetime) -> None:
    """Take the plan's first course to the stage: enrolled, or completed with its credential."""
    from skillspact.credentials import services as credential_services
    from skillspact.training.models import Enrolment

    if stage == JUST_PLANNED:
        return
    step = plan.steps.select_related("course").order_by("position").first()
    if step is None or step.course is None:
        return
    enrolment, _created = Enrolment.objects.get_or_create(
        course=step.course,
        user=plan.user,
        defaults={"status": Enrolment.Status.ENROLLED, "enrolled_at": moment},
    )
    seeded.enrolled += 1
    if stage != COMPLETED:
        return
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.result = Enrolment.Result.PASSED
    enrolment.completed_at = moment
    enrolment.save(update_fields=["status", "result", "completed_at", "updated_at"])
    credential_services.credential_issue(enrolment=enrolment, actor=secretariat, notify=False)
    seeded.credentials += 1
    refreshed = services.plan_refresh(actor=plan.user, plan=plan)
    if refreshed.status == Plan.Status.ACHIEVED:
        seeded.achieved += 1
