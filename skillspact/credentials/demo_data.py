"""The demo's learners: enrolments, completions and micro-credentials, for `seed_demo`.

Runs after the catalogue demo (`training.demo_data`). Some courses that have ended or are
self-paced get learners who completed them, most with a credential issued through the real
service (signed as VC-JWT and with a Data Integrity proof by the provider's key), a few of them
revoked; current courses get enrolled learners, and one small course is full with a waitlist.
The demo health worker holds a credential of the pilot programme on digital skills, is enrolled
in another of its courses and waits for a place in a full one.

Enrolments are bulk-created with the values the enrolment service writes; credentials go through
`credential_issue` with `notify=False`, because the demo must not e-mail invented people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from skillspact.accounts.models import User
from skillspact.credentials import services
from skillspact.credentials.models import Credential
from skillspact.training.models import AssessmentType, Course, Enrolment

COURSES_WITH_LEARNERS = 40
CREDENTIALS = 60
REVOKED = 4
REVOCATION_REASONS = [
    "Issued to the wrong learner.",
    "The assessment was found to be incomplete.",
    "Duplicate of a credential issued earlier.",
    "The learner's result was corrected after an appeal.",
]


@dataclass
class Seeded:
    """What `seed()` created, for the command's closing report."""

    enrolments: int = 0
    completed: int = 0
    waiting: int = 0
    credentials: int = 0
    revoked: int = 0

    def text(self) -> str:
        return (
            f"  learners        {self.enrolments} enrolments ({self.completed} completed, "
            f"{self.waiting} waiting); {self.credentials} micro-credentials issued, "
            f"{self.revoked} revoked"
        )


def seed(
    *, seed: int, secretariat: User, worker: User | None = None, now: datetime | None = None
) -> Seeded:
    """Add the demo's enrolments and credentials; the same `seed` gives the same ones."""
    rng = random.Random(f"credentials-{seed}")
    moment = (now or timezone.now()).replace(microsecond=0)
    today = timezone.localdate(moment)
    seeded = Seeded()
    courses = list(
        Course.objects.filter(status=Course.Status.PUBLISHED)
        .select_related("series")
        .order_by("-is_featured", "slug")
    )
    if not courses:
        return seeded
    everyone = User.objects.filter(is_active=True, is_secretariat=False).order_by("pk")
    people = list(everyone.exclude(pk=worker.pk) if worker is not None else everyone)
    if not people:
        return seeded
    finished = [c for c in courses if c.is_self_paced or (c.ends_on and c.ends_on < today)]
    current = [c for c in courses if c not in finished]
    chosen = finished[: COURSES_WITH_LEARNERS // 2] + current[: COURSES_WITH_LEARNERS // 2]
    rows: list[Enrolment] = []
    for course in chosen:
        is_finished = course in finished
        count = min(len(people), rng.randint(6, 14))
        if course.places is not None:
            count = min(count, course.places)
        for index, person in enumerate(rng.sample(people, count)):
            enrolled_at = moment - timedelta(days=rng.randint(20, 200), minutes=index)
            row = Enrolment(
                course=course,
                user=person,
                status=Enrolment.Status.ENROLLED,
                enrolled_at=enrolled_at,
            )
            if is_finished and rng.random() < 0.7:
                row.status = Enrolment.Status.COMPLETED
                row.completed_at = enrolled_at + timedelta(days=rng.randint(7, 60))
                row.completed_at = min(row.completed_at, moment - timedelta(days=1))
                row.result = (
                    Enrolment.Result.ATTENDED
                    if course.assessment_type == AssessmentType.NONE
                    else rng.choice([Enrolment.Result.PASSED] * 5 + [Enrolment.Result.FAILED])
                )
                row.recorded_by = secretariat
            rows.append(row)
    # One small current course is full, with people waiting in order of arrival.
    full = next((c for c in current if c not in chosen), None)
    if full is not None:
        full.places = 3
        full.save(update_fields=["places"])
        takers = rng.sample(people, min(len(people), 6))
        for index, person in enumerate(takers):
            when = moment - timedelta(days=10, minutes=-index * 30)
            rows.append(
                Enrolment(
                    course=full,
                    user=person,
                    status=Enrolment.Status.ENROLLED if index < 3 else Enrolment.Status.WAITLISTED,
                    enrolled_at=when if index < 3 else None,
                    waitlisted_at=when if index >= 3 else None,
                )
            )
    if worker is not None:
        rows += _worker_enrolments(worker, courses, finished, current, full, moment, secretariat)
    Enrolment.objects.bulk_create(rows)
    seeded.enrolments = len(rows)
    seeded.completed = sum(1 for row in rows if row.status == Enrolment.Status.COMPLETED)
    seeded.waiting = sum(1 for row in rows if row.status == Enrolment.Status.WAITLISTED)
    _issue(seeded, rng, secretariat, worker)
    return seeded


def _worker_enrolments(
    worker: User,
    courses: list[Course],
    finished: list[Course],
    current: list[Course],
    full: Course | None,
    moment: datetime,
    secretariat: User,
) -> list[Enrolment]:
    pilot = [c for c in courses if c.series_id and c.series and c.series.is_featured]
    done = next((c for c in pilot if c in finished), None) or (finished[0] if finished else None)
    going = next((c for c in pilot if c in current and c != done), None)
    rows = []
    if done is not None:
        rows.append(
            Enrolment(
                course=done,
                user=worker,
                status=Enrolment.Status.COMPLETED,
                enrolled_at=moment - timedelta(days=90),
                completed_at=moment - timedelta(days=30),
                result=(
                    Enrolment.Result.ATTENDED
                    if done.assessment_type == AssessmentType.NONE
                    else Enrolment.Result.PASSED
                ),
                grade="" if done.assessment_type == AssessmentType.NONE else "Very good",
                recorded_by=secretariat,
            )
        )
    if going is not None:
        rows.append(
            Enrolment(
                course=going,
                user=worker,
                status=Enrolment.Status.ENROLLED,
                enrolled_at=moment - timedelta(days=5),
            )
        )
    if full is not None and full not in (done, going):
        rows.append(
            Enrolment(
                course=full,
                user=worker,
                status=Enrolment.Status.WAITLISTED,
                waitlisted_at=moment - timedelta(days=1),
            )
        )
    return [row for row in rows if row.course_id]


def _issue(seeded: Seeded, rng: random.Random, secretariat: User, worker: User | None) -> None:
    eligible = list(
        Enrolment.objects.filter(
            status=Enrolment.Status.COMPLETED,
            result__in=[Enrolment.Result.PASSED, Enrolment.Result.ATTENDED],
        )
        .select_related("course", "user")
        .order_by("completed_at", "pk")
    )
    mine = [e for e in eligible if worker is not None and e.user_id == worker.pk]
    others = [e for e in eligible if e not in mine]
    issued: list[Credential] = []
    for enrolment in mine + others[: max(CREDENTIALS - len(mine), 0)]:
        issued.append(
            services.credential_issue(enrolment=enrolment, actor=secretariat, notify=False)
        )
    seeded.credentials = len(issued)
    revocable = [c for c in issued if worker is None or c.learner_id != worker.pk]
    for credential, reason in zip(
        rng.sample(revocable, min(REVOKED, len(revocable))), REVOCATION_REASONS, strict=False
    ):
        services.credential_revoke(
            credential=credential, actor=secretariat, reason=reason, notify=False
        )
        seeded.revoked += 1
