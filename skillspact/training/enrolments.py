"""Enrolments in courses: places and waitlists, cancellation, completion with results, the
provider's completions upload and the learners' export.

Places are scarce. Every change that takes or frees a place locks the course row before it
counts (on SQLite the writing transaction locks the whole database, which gives the same
guarantee), and the database's one-enrolment-per-person constraint is the last guard. The rules:

* People enrol while places last, else they join the waitlist. A course without `places` has
  no limit. Enrolled and completed learners hold a place (the provider admitted them); cancelled
  and waiting ones do not.
* Enrolment is open for a published course up to and including `enrolment_closes_on`, and never
  after `ends_on`. A draft or archived course takes nobody.
* Enrolling twice is refused. Someone who cancelled may enrol again and goes to the back of the
  queue (the same row is used again: one row per person and course). Someone who completed the
  course cannot enrol again.
* A freed place goes to the first person waiting, in order of arrival, who is told by e-mail;
  this happens while the course is published and not over, also after enrolment has closed
  (those people asked in time).
* Only the provider (its contacts) and the secretariat record completion. The result is
  `passed`, `failed` or `attended` (took part, no assessment). Every recorded result ends the
  enrolment as `completed`; a failed result is recorded like the others, but is not a
  successful completion. Successful (`is_successful()`, what a credential needs) is `passed`,
  or `attended` for a course without assessment; `attended` on an assessed course records that
  the learner took part without sitting the assessment.
  A completed enrolment can be corrected (result, grade, date); each correction is audited with
  the values before and after, and the learner is told.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from skillspact.accounts.models import User

# Reading CSV and XLSX files is shared with the other uploads: the same encodings, delimiters,
# formula guards and workbook limits.
from skillspact.commitments.bulk import (
    CellProblem,
    FileProblem,
    RowError,
    _csv_lines,
    _decode,
    _header_name,
    _is_blank,
    _xlsx_lines,
)
from skillspact.core import audit, emails
from skillspact.core.errors import DomainError, InvalidInput, InvalidState, NotPermitted
from skillspact.core.uploads import validate_document
from skillspact.core.validation import full_clean
from skillspact.training import selectors
from skillspact.training.models import AssessmentType, Course, Enrolment

Status = Enrolment.Status
Result = Enrolment.Result

# Who holds a place on the course.
HOLDING_A_PLACE = (Status.ENROLLED, Status.COMPLETED)


class EnrolmentClosed(DomainError):
    code = "enrolment_closed"
    status = 409
    default_message = gettext_lazy("Enrolment in this course is closed.")


class AlreadyEnrolled(DomainError):
    code = "already_enrolled"
    status = 409
    default_message = gettext_lazy("You are already enrolled in this course.")


# -- access ------------------------------------------------------------------------------------


def can_manage(*, user: Any, course: Course) -> bool:
    """Whether `user` runs the course: a contact of its provider, or the secretariat."""
    return selectors.can_manage(user=user, course=course)


def course_get_for_enrolment(*, user: Any, slug: str) -> Course:
    """The course at `slug` if the person may see it (drafts only for the provider); 404
    otherwise."""
    return selectors.course_get_for_view(user=user, slug=slug)


def course_get_for_learners(*, user: Any, slug: str) -> Course:
    """The course at `slug` for its provider's contacts and the secretariat; 404 for anyone
    else."""
    return selectors.course_get_for_edit(user=user, slug=slug)


def course_url(course: Course) -> str:
    """The course's page in the catalogue."""
    return reverse("training:detail", args=[course.slug])


# -- selectors ---------------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def is_over(course: Course) -> bool:
    """Whether the course's last day has passed."""
    return course.ends_on is not None and course.ends_on < _today()


def enrolment_block_reason(*, user: Any, course: Course) -> str:
    """Why the person cannot enrol in the course now, or "" when they can (an existing active
    enrolment is not a reason here; the panel shows it)."""
    if course.status == Course.Status.DRAFT:
        return _("This course is not published yet.")
    if course.status == Course.Status.ARCHIVED:
        return _("This course is no longer offered.")
    if is_over(course):
        return _("This course is over.")
    if course.enrolment_closes_on and course.enrolment_closes_on < _today():
        return _("Enrolment closed on %(date)s.") % {
            "date": course.enrolment_closes_on.strftime("%d/%m/%Y")
        }
    if not (user and user.is_authenticated):
        return _("Sign in to enrol.")
    return ""


def enrolment_of(*, user: Any, course: Course) -> Enrolment | None:
    """The person's enrolment in the course, in whatever state, or None."""
    if not (user and user.is_authenticated):
        return None
    return Enrolment.objects.filter(course=course, user=user).first()


def _ahead_in_queue() -> Subquery:
    """How many people wait before this enrolment on its course's waitlist."""
    ahead = (
        Enrolment.objects.filter(course=OuterRef("course"), status=Status.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead, output_field=IntegerField())


def enrolments_of(*, user: Any) -> QuerySet[Enrolment]:
    """The person's enrolments, the latest first, each with `queue_ahead` (people waiting
    before them; meaningful for waitlisted ones)."""
    if not (user and user.is_authenticated):
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(user=user)
        # The credential is shown beside each completed course.
        .select_related("course", "course__provider", "credential")
        .annotate(queue_ahead=Coalesce(_ahead_in_queue(), 0))
        .order_by("-created_at", "-id")
    )


def enrolment_get_for_owner(*, user: Any, public_id: Any) -> Enrolment:
    """The person's own enrolment; 404 for anyone else."""
    if not (user and user.is_authenticated):
        raise Http404
    try:
        enrolment = (
            Enrolment.objects.select_related("course", "course__provider")
            .filter(public_id=public_id, user=user)
            .first()
        )
    except ValidationError as error:
        raise Http404 from error
    if enrolment is None:
        raise Http404
    return enrolment


def enrolment_get_for_manage(
    *, user: Any, public_id: Any, course: Course | None = None
) -> Enrolment:
    """An enrolment for its course's provider (and the secretariat); 404 for anyone else."""
    try:
        queryset = Enrolment.objects.select_related("course", "course__provider", "user").filter(
            public_id=public_id
        )
        if course is not None:
            queryset = queryset.filter(course=course)
        enrolment = queryset.first()
    except ValidationError as error:
        raise Http404 from error
    if enrolment is None or not can_manage(user=user, course=enrolment.course):
        raise Http404
    return enrolment


_STATUS_ORDER = Case(
    When(status=Status.ENROLLED, then=Value(0)),
    When(status=Status.WAITLISTED, then=Value(1)),
    When(status=Status.COMPLETED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def learners_for_manage(*, user: Any, course: Course, status: str = "") -> QuerySet[Enrolment]:
    """The course's learners for its provider: enrolled by name, then the waitlist in order of
    arrival, then completed and cancelled ones; 404 for anyone else."""
    if not can_manage(user=user, course=course):
        raise Http404
    queryset = Enrolment.objects.filter(course=course).select_related(
        "user", "recorded_by", "course", "credential"
    )
    if status in Status.values:
        queryset = queryset.filter(status=status)
    return queryset.annotate(
        status_order=_STATUS_ORDER,
        queue_at=Case(When(status=Status.WAITLISTED, then="waitlisted_at"), default=None),
    ).order_by("status_order", "queue_at", "user__full_name", "user__email", "id")


def waitlist_position(*, enrolment: Enrolment) -> int | None:
    """1 for the first person waiting, and so on; None when not waiting."""
    if enrolment.status != Status.WAITLISTED or enrolment.waitlisted_at is None:
        return None
    ahead = Enrolment.objects.filter(
        course_id=enrolment.course_id, status=Status.WAITLISTED
    ).filter(
        Q(waitlisted_at__lt=enrolment.waitlisted_at)
        | Q(waitlisted_at=enrolment.waitlisted_at, pk__lt=enrolment.pk)
    )
    return ahead.count() + 1


def waitlist_positions(*, course: Course) -> dict[int, int]:
    """Enrolment id → its place on the course's waitlist (1 is next), in one query."""
    ids = (
        Enrolment.objects.filter(course=course, status=Status.WAITLISTED)
        .order_by("waitlisted_at", "id")
        .values_list("pk", flat=True)
    )
    return {pk: position for position, pk in enumerate(ids, start=1)}


def enrolment_counts(*, course: Course) -> dict[str, Any]:
    """Enrolled, waiting, completed (and successful) and cancelled learners, and the places
    left (None: no limit), in one query."""
    counts = Enrolment.objects.filter(course=course).aggregate(
        enrolled=Count("pk", filter=Q(status=Status.ENROLLED)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        successful=Count("pk", filter=Q(status=Status.COMPLETED) & _successful(course)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
    )
    taken = counts["enrolled"] + counts["completed"]
    left = None if course.places is None else max(course.places - taken, 0)
    return {**counts, "places_taken": taken, "places_left": left, "is_full": left == 0}


def with_learner_counts(queryset: QuerySet[Course]) -> QuerySet[Course]:
    """Courses annotated with their enrolled, waiting and completed learners, so that a list
    of courses shows `training/includes/learners_panel.html` without a query per course."""
    return queryset.annotate(
        learners_enrolled=Count("enrolments", filter=Q(enrolments__status=Status.ENROLLED)),
        learners_waitlisted=Count("enrolments", filter=Q(enrolments__status=Status.WAITLISTED)),
        learners_completed=Count("enrolments", filter=Q(enrolments__status=Status.COMPLETED)),
    )


def _successful(course: Course) -> Q:
    condition = Q(result=Result.PASSED)
    if course.assessment_type == AssessmentType.NONE:
        condition |= Q(result=Result.ATTENDED)
    return condition


def is_successful(enrolment: Enrolment) -> bool:
    """Whether the learner completed the course successfully (passed, or attended a course
    without assessment): the condition for its credential."""
    if enrolment.status != Status.COMPLETED:
        return False
    if enrolment.result == Result.PASSED:
        return True
    return (
        enrolment.result == Result.ATTENDED
        and enrolment.course.assessment_type == AssessmentType.NONE
    )


# -- services ----------------------------------------------------------------------------------


def _places_taken(course: Course) -> int:
    return Enrolment.objects.filter(course=course, status__in=HOLDING_A_PLACE).count()


def _has_place(course: Course) -> bool:
    return course.places is None or _places_taken(course) < course.places


def _notify(enrolment: Enrolment, template: str, **context: Any) -> None:
    if enrolment.user is None or not enrolment.user.is_active:
        return
    emails.send_templated(
        f"training/email/{template}.txt",
        to=[enrolment.user.email],
        context={
            "course": enrolment.course,
            "enrolment": enrolment,
            "person": enrolment.user,
            "url": course_url(enrolment.course),
            "mine_url": reverse("training:my_courses"),
            **context,
        },
    )


@transaction.atomic
def enrolment_create(*, course: Course, user: User, actor: User) -> Enrolment:
    """Enrol `user` in `course`: enrolled while places last, else on the waitlist."""
    if actor.pk != user.pk and not can_manage(user=actor, course=course):
        raise NotPermitted
    # The lock on the course row orders every enrolment in this course.
    course = (
        Course.objects.select_for_update(of=("self",)).select_related("provider").get(pk=course.pk)
    )
    reason = enrolment_block_reason(user=user, course=course)
    if reason:
        raise EnrolmentClosed(reason)
    enrolment = Enrolment.objects.filter(course=course, user=user).first()
    if enrolment is not None:
        if enrolment.is_active:
            raise AlreadyEnrolled
        if enrolment.status == Status.COMPLETED:
            raise AlreadyEnrolled(_("You have already completed this course."))
    else:
        enrolment = Enrolment(course=course, user=user)
    now = timezone.now()
    enrolment.cancelled_at = None
    enrolment.promoted_at = None
    enrolment.result = ""
    enrolment.grade = ""
    enrolment.completed_at = None
    enrolment.recorded_by = None
    if _has_place(course):
        enrolment.status = Status.ENROLLED
        enrolment.enrolled_at = now
        enrolment.waitlisted_at = None
    else:
        enrolment.status = Status.WAITLISTED
        enrolment.waitlisted_at = now
        enrolment.enrolled_at = None
    full_clean(enrolment, validate_constraints=False)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:
        raise AlreadyEnrolled from error
    audit.record(
        enrolment,
        "training.enrolment.created",
        actor=actor,
        organisation=course.provider,
        after={"status": enrolment.status},
    )
    _notify(enrolment, f"enrolment_{enrolment.status}")
    return enrolment


def _promote_waiting(course: Course, *, actor: User | None) -> list[Enrolment]:
    """Give free places to the first people waiting (the caller holds the course lock)."""
    if course.status != Course.Status.PUBLISHED or is_over(course):
        return []
    promoted: list[Enrolment] = []
    while _has_place(course):
        nxt = (
            Enrolment.objects.select_for_update()
            .filter(course=course, status=Status.WAITLISTED)
            .order_by("waitlisted_at", "id")
            .first()
        )
        if nxt is None:
            break
        now = timezone.now()
        nxt.status = Status.ENROLLED
        nxt.enrolled_at = now
        nxt.promoted_at = now
        # waitlisted_at stays: the provider sees when the person joined the queue.
        nxt.save(update_fields=["status", "enrolled_at", "promoted_at", "updated_at"])
        promoted.append(nxt)
        audit.record(nxt, "training.enrolment.promoted", actor=actor, organisation=course.provider)
        _notify(nxt, "enrolment_promoted")
    return promoted


@transaction.atomic
def waitlist_promote(*, course: Course, actor: User | None) -> list[Enrolment]:
    """Fill the course's free places from its waitlist, e.g. after its places were raised."""
    course = (
        Course.objects.select_for_update(of=("self",)).select_related("provider").get(pk=course.pk)
    )
    return _promote_waiting(course, actor=actor)


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment, actor: User) -> Enrolment:
    """Cancel an enrolment (or leave the waitlist); a freed place goes to the first person
    waiting, who is told by e-mail."""
    course = (
        Course.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=enrolment.course_id)
    )
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    enrolment.course = course
    is_owner = enrolment.user_id is not None and enrolment.user_id == actor.pk
    if not (is_owner or can_manage(user=actor, course=course)):
        raise NotPermitted
    if enrolment.status == Status.COMPLETED:
        raise InvalidState(_("A completed course cannot be cancelled."))
    if enrolment.status == Status.CANCELLED:
        raise InvalidState(_("This enrolment is already cancelled."))
    if enrolment.status == Status.ENROLLED and is_over(course):
        raise InvalidState(_("The course is over; the enrolment can no longer be cancelled."))
    was_enrolled = enrolment.status == Status.ENROLLED
    before = enrolment.status
    enrolment.status = Status.CANCELLED
    enrolment.cancelled_at = timezone.now()
    enrolment.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit.record(
        enrolment,
        "training.enrolment.cancelled",
        actor=actor,
        organisation=course.provider,
        before={"status": before},
        after={"status": enrolment.status},
    )
    _notify(enrolment, "enrolment_cancelled", by_provider=not is_owner)
    if was_enrolled:
        _promote_waiting(course, actor=actor)
    return enrolment


COMPLETION_FIELDS = ["result", "grade", "completed_at"]


def _completion_moment(
    value: datetime.datetime | datetime.date | None, now: datetime.datetime
) -> datetime.datetime | None:
    """A date becomes midday of that day in the site's time zone (at most `now`, for today)."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    moment = timezone.make_aware(datetime.datetime.combine(value, datetime.time(12, 0)))
    return min(moment, now) if value == timezone.localdate(now) else moment


@transaction.atomic
def enrolment_complete(
    *,
    enrolment: Enrolment,
    actor: User,
    result: str,
    grade: str = "",
    completed_at: datetime.datetime | datetime.date | None = None,
) -> Enrolment:
    """Record how the learner completed the course (passed, failed or attended), with an
    optional grade; the provider's contacts (and the secretariat) only. Recording it again
    corrects it, with an audit entry of what changed."""
    course = (
        Course.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=enrolment.course_id)
    )
    if not can_manage(user=actor, course=course):
        raise NotPermitted(_("Only the course’s provider records completions."))
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=enrolment.pk)
    )
    enrolment.course = course
    if enrolment.status == Status.WAITLISTED:
        raise InvalidState(
            _("This person is on the waitlist and has no place on the course to complete.")
        )
    if enrolment.status == Status.CANCELLED:
        raise InvalidState(_("This enrolment is cancelled; there is nothing to complete."))
    if enrolment.user_id is None:
        raise InvalidState(_("This learner’s account was deleted."))
    result = (result or "").strip()
    if result not in Result.values:
        message = _("Choose the result: %(choices)s.") % {
            "choices": ", ".join(str(label) for label in Result.labels)
        }
        raise InvalidInput(message, fields={"result": [message]})
    is_correction = enrolment.status == Status.COMPLETED
    now = timezone.now()
    moment = _completion_moment(completed_at, now)
    if moment is None:
        moment = enrolment.completed_at if is_correction and enrolment.completed_at else now
    if moment > now:
        message = _("The completion date cannot be in the future.")
        raise InvalidInput(message, fields={"completed_at": [message]})
    if course.starts_on and timezone.localdate(moment) < course.starts_on:
        message = _("The course starts on %(date)s; it cannot be completed before.") % {
            "date": course.starts_on.strftime("%d/%m/%Y")
        }
        raise InvalidInput(message, fields={"completed_at": [message]})
    before = audit.snapshot(enrolment, COMPLETION_FIELDS) if is_correction else {}
    enrolment.status = Status.COMPLETED
    enrolment.result = result
    enrolment.grade = (grade or "").strip()
    enrolment.completed_at = moment
    after = audit.snapshot(enrolment, COMPLETION_FIELDS)
    if is_correction:
        changed_before, changed_after = audit.changed(before, after)
        if not changed_after:
            return enrolment
    enrolment.recorded_by = actor
    full_clean(enrolment, validate_constraints=False)
    enrolment.save()
    if is_correction:
        audit.record(
            enrolment,
            "training.enrolment.corrected",
            actor=actor,
            organisation=course.provider,
            before=changed_before,
            after=changed_after,
        )
    else:
        audit.record(
            enrolment,
            "training.enrolment.completed",
            actor=actor,
            organisation=course.provider,
            after=after,
        )
    _notify(
        enrolment,
        "enrolment_corrected" if is_correction else "enrolment_completed",
        is_successful=is_successful(enrolment),
    )
    return enrolment


# -- completions by the file -------------------------------------------------------------------

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 20
MAX_LINES = 100_000
EXTENSIONS = (".csv", ".xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of the completions file: its name (never translated), whether it is required
    and what to write in it."""

    name: str
    is_required: bool
    help: Promise
    example: str = ""


COLUMNS: list[Column] = [
    Column(
        "email",
        True,
        gettext_lazy("The learner’s e-mail address, as the template gives it."),
        "nurse@example.net",
    ),
    Column(
        "name",
        False,
        gettext_lazy("The learner’s name, to help you find your way; it is not read."),
    ),
    Column(
        "result",
        True,
        gettext_lazy(
            "passed, failed or attended (took part in a course without assessment). Leave it "
            "empty for a learner you have not assessed yet: the row is skipped."
        ),
        "passed",
    ),
    Column("grade", False, gettext_lazy("The grade or score, as you give it (optional)."), "B+"),
    Column(
        "completed_on",
        False,
        gettext_lazy(
            "The date of completion as YYYY-MM-DD; empty means today (or, for a result already "
            "recorded, the date recorded then)."
        ),
        "2026-06-30",
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.is_required]
COLUMN_ORDER = {name: index for index, name in enumerate(COLUMN_NAMES)}
FIELD_COLUMNS = {"result": "result", "grade": "grade", "completed_at": "completed_on"}
_FORMULA_GUARD = re.compile(r"'(?=[=+\-@])")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class ImportResult:
    """What an upload did: every problem found, or what it recorded."""

    file_name: str = ""
    errors: list[RowError] = field(default_factory=list)
    completed: int = 0
    corrected: int = 0
    unchanged: int = 0
    skipped: int = 0

    @property
    def is_stored(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One sentence on what was recorded, for the page."""
        parts = [
            ngettext(
                "%(count)s completion recorded", "%(count)s completions recorded", self.completed
            )
            % {"count": self.completed}
        ]
        if self.corrected:
            parts.append(
                ngettext("%(count)s corrected", "%(count)s corrected", self.corrected)
                % {"count": self.corrected}
            )
        if self.unchanged:
            parts.append(
                ngettext("%(count)s unchanged", "%(count)s unchanged", self.unchanged)
                % {"count": self.unchanged}
            )
        if self.skipped:
            parts.append(
                ngettext(
                    "%(count)s row without a result skipped",
                    "%(count)s rows without a result skipped",
                    self.skipped,
                )
                % {"count": self.skipped}
            )
        return ", ".join(parts) + "."


def _collect(lines: Iterable[list[Any]]) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header and the non-blank rows, each with the line a spreadsheet shows."""
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(lines, start=1):
        if number > MAX_LINES:
            raise FileProblem(
                _("The file runs to more than %(count)s lines; remove the empty ones.")
                % {"count": f"{MAX_LINES:,}"}
            )
        if header is None:
            if all(_is_blank(cell) for cell in cells):
                raise FileProblem(_("Line 1 must name the columns; it is empty."), line=1)
            values = list(cells)
            while values and _is_blank(values[-1]):
                values.pop()
            if len(values) > MAX_COLUMNS:
                raise FileProblem(
                    _("The file has %(count)s columns; a completions file has at most %(limit)s.")
                    % {"count": len(values), "limit": MAX_COLUMNS},
                    line=1,
                )
            header = [_header_name(value) for value in values]
            continue
        if all(_is_blank(cell) for cell in cells):
            continue
        rows.append((number, list(cells)))
        if len(rows) > MAX_ROWS:
            raise FileProblem(
                _(
                    "The file has more than %(limit)s rows; split it into files of at most "
                    "%(limit)s."
                )
                % {"limit": f"{MAX_ROWS:,}"}
            )
    if header is None:
        raise FileProblem(_("The file is empty."))
    return header, rows


def read_table(upload: UploadedFile) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header and rows of an uploaded CSV or XLSX file; FileProblem says what is wrong."""
    size = upload.size or 0
    if size > MAX_BYTES:
        raise FileProblem(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{size / 1_048_576:.1f}", "limit": MAX_BYTES // 1_048_576}
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in EXTENSIONS:
        raise FileProblem(
            _(
                "Upload a CSV or an XLSX file (this one is “%(ext)s”). Older .xls and .ods "
                "workbooks can be saved as XLSX."
            )
            % {"ext": extension or _("(none)")}
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    text = _decode(data) if extension == ".csv" else ""
    try:
        validate_document(upload)
    except ValidationError as error:
        raise FileProblem(error.messages[0]) from error
    return _collect(_csv_lines(text) if extension == ".csv" else _xlsx_lines(data))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value).strip()
    # Spreadsheet programs (and our CSV template) put ' before = + - @ to keep text from
    # becoming a formula; the apostrophe is not part of the text.
    return _FORMULA_GUARD.sub("", text, count=1) if text.startswith("'") else text


def _result_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for choice in Result:
        codes[choice.value] = choice.value
        codes[str(choice.label).strip().lower()] = choice.value
        with translation.override("en"):
            codes[str(choice.label).strip().lower()] = choice.value
    codes.update({"pass": Result.PASSED, "fail": Result.FAILED, "not passed": Result.FAILED})
    return codes


def _result(value: Any, codes: dict[str, str]) -> str:
    text = re.sub(r"\s+", " ", _text(value)).lower()
    if not text:
        return ""
    code = codes.get(text)
    if code is None:
        raise CellProblem(
            _("“%(value)s” is not a result; write passed, failed or attended.")
            % {"value": _text(value)[:40]}
        )
    return code


def _date(value: Any) -> datetime.date | None:
    if _is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if _ISO_DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise CellProblem(
        _("Write the date as YYYY-MM-DD, e.g. 2026-06-30, not “%(value)s”.") % {"value": text[:40]}
    )


def _header_errors(header: list[str]) -> list[RowError]:
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        letter = get_column_letter(index)
        if not name:
            errors.append(
                RowError(
                    1,
                    letter,
                    _("Column %(letter)s has no name; name it or delete the column.")
                    % {"letter": letter},
                )
            )
        elif name not in COLUMN_NAMES:
            errors.append(
                RowError(
                    1,
                    name[:60],
                    _("Unknown column “%(name)s”; the columns are %(columns)s.")
                    % {"name": name[:60], "columns": ", ".join(COLUMN_NAMES)},
                )
            )
        elif name in seen:
            errors.append(RowError(1, name, _("This column appears twice.")))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, _("This column is missing; it is required.")))
    return errors


@dataclass
class _Row:
    line: int
    cells: dict[str, Any]
    enrolment: Enrolment | None = None
    result: str = ""
    grade: str = ""
    completed_on: datetime.date | None = None
    errors: list[RowError] = field(default_factory=list)

    def problem(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))


def _read_rows(
    header: list[str], table_rows: list[tuple[int, list[Any]]], course: Course
) -> list[_Row]:
    rows: list[_Row] = []
    for line, cells in table_rows:
        padded = [*cells, *[None] * (len(header) - len(cells))]
        values = {name: padded[index] for index, name in enumerate(header) if name}
        if _text(values.get("email")).startswith("#"):
            continue  # a comment, like the template's explanation row
        rows.append(_Row(line=line, cells=values))
    enrolments = {
        enrolment.user.email.lower(): enrolment
        for enrolment in Enrolment.objects.filter(course=course, user__isnull=False).select_related(
            "user"
        )
        if enrolment.user is not None
    }
    codes = _result_codes()
    first_line: dict[str, int] = {}
    for row in rows:
        email = _text(row.cells.get("email")).lower()
        if not email:
            row.problem("email", _("Give the learner’s e-mail address."))
        elif email in first_line:
            row.problem(
                "email",
                _("This learner is on line %(line)s already; give each learner once.")
                % {"line": first_line[email]},
            )
        elif email not in enrolments:
            row.problem(
                "email",
                _("Nobody with the address “%(email)s” is enrolled in this course.")
                % {"email": email[:80]},
            )
        else:
            first_line[email] = row.line
            row.enrolment = enrolments[email]
        try:
            row.result = _result(row.cells.get("result"), codes)
        except CellProblem as problem:
            row.problem("result", problem.message)
        row.grade = _text(row.cells.get("grade"))
        try:
            row.completed_on = _date(row.cells.get("completed_on"))
        except CellProblem as problem:
            row.problem("completed_on", problem.message)
    return rows


def completions_import(*, actor: User, course: Course, upload: UploadedFile) -> ImportResult:
    """Record the completions of an uploaded CSV or XLSX file (columns email, result, grade,
    completed_on): every row, or — when any row has a problem — none, with every problem by
    line and column."""
    if not can_manage(user=actor, course=course):
        raise NotPermitted(_("Only the course’s provider records completions."))
    result = ImportResult(file_name=PurePath(upload.name or "").name)
    try:
        header, table_rows = read_table(upload)
    except FileProblem as problem:
        result.errors.append(problem.error)
        return result
    result.errors = _header_errors(header)
    if result.errors:
        return result
    rows = _read_rows(header, table_rows, course)
    if not rows:
        result.errors.append(
            RowError(None, "", _("The file has no learner rows: fill in one row per learner."))
        )
        return result

    with transaction.atomic():
        for row in rows:
            if row.errors or row.enrolment is None:
                result.errors += row.errors
                continue
            if not row.result:
                result.skipped += 1
                continue
            _store_row(row, actor=actor, result=result)
        if not result.errors and not (result.completed or result.corrected or result.unchanged):
            result.errors.append(
                RowError(
                    None,
                    "result",
                    _("No row has a result; write passed, failed or attended for each learner."),
                )
            )
        if result.errors:
            # Nothing from a file with errors is kept (nor are its e-mails sent): the provider
            # fixes the file and sends it again.
            transaction.set_rollback(True)
            result.completed = result.corrected = result.unchanged = 0
        else:
            audit.record(
                course,
                "training.completions.imported",
                actor=actor,
                organisation=course.provider,
                after={
                    "file": result.file_name,
                    "completed": result.completed,
                    "corrected": result.corrected,
                    "unchanged": result.unchanged,
                    "skipped": result.skipped,
                },
                message=result.file_name,
            )
    result.errors.sort(key=lambda error: (error.line or 0, COLUMN_ORDER.get(error.column, 99)))
    return result


def _store_row(row: _Row, *, actor: User, result: ImportResult) -> None:
    """Record the row's completion in a savepoint; add what the service refuses to the errors."""
    assert row.enrolment is not None
    was_completed = row.enrolment.status == Status.COMPLETED
    before = audit.snapshot(row.enrolment, COMPLETION_FIELDS)
    try:
        with transaction.atomic():
            saved = enrolment_complete(
                enrolment=row.enrolment,
                actor=actor,
                result=row.result,
                grade=row.grade,
                completed_at=row.completed_on,
            )
    except InvalidInput as error:
        fields = error.fields or {"": [error.message]}
        for name, messages in fields.items():
            column = FIELD_COLUMNS.get(name, "")
            result.errors += [RowError(row.line, column, message) for message in messages]
    except DomainError as error:
        result.errors.append(RowError(row.line, "email", error.message))
    else:
        if not was_completed:
            result.completed += 1
        elif audit.snapshot(saved, COMPLETION_FIELDS) == before:
            result.unchanged += 1
        else:
            result.corrected += 1


def import_notes() -> list[str]:
    """The rules of the completions file, as sentences."""
    return [
        _("Fill in one row per learner; the first row names the columns and stays as it is."),
        _(
            "Rows whose email starts with # are comments and are not read; empty rows are "
            "skipped, and so are learners whose result is left empty."
        ),
        _("Required columns: %(columns)s. The other columns may be left out.")
        % {"columns": ", ".join(REQUIRED_COLUMNS)},
        _(
            "A result already recorded can be corrected by uploading it again; each correction "
            "is kept in the audit log and the learner is told."
        ),
        _(
            "Only learners with a place can complete the course: people on the waitlist or who "
            "cancelled are refused."
        ),
        _(
            "If any row has a problem, nothing from the file is recorded and nobody is told: the "
            "page lists every problem by line and column, and you upload the corrected file."
        ),
        _(
            "At most %(rows)s rows and %(size)s MB. CSV files are read as UTF-8, separated by "
            "commas or semicolons; in an XLSX workbook, the first sheet is read."
        )
        % {"rows": f"{MAX_ROWS:,}", "size": MAX_BYTES // 1_048_576},
    ]


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in people's text (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return "" if value is None else value


def _local_date(moment: datetime.datetime | None) -> str:
    return timezone.localdate(moment).isoformat() if moment else ""


def template_rows(*, course: Course) -> list[list[Any]]:
    """The header, an explanation row, then one row per learner with a place: enrolled ones to
    fill in, completed ones with what is recorded (to correct)."""
    explanation = [str(column.help) for column in COLUMNS]
    explanation[0] = "# " + explanation[0]
    rows: list[list[Any]] = [COLUMN_NAMES, explanation]
    learners = (
        Enrolment.objects.filter(course=course, status__in=HOLDING_A_PLACE, user__isnull=False)
        .select_related("user")
        .annotate(status_order=_STATUS_ORDER)
        .order_by("status_order", "user__full_name", "user__email", "id")
    )
    for enrolment in learners:
        assert enrolment.user is not None
        rows.append(
            [
                enrolment.user.email,
                enrolment.user.full_name,
                enrolment.result,
                enrolment.grade,
                _local_date(enrolment.completed_at),
            ]
        )
    return rows


def template_csv(*, course: Course) -> str:
    """The completions template as CSV text (UTF-8 with a BOM, so that spreadsheets read it)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in template_rows(course=course):
        writer.writerow([_safe(value) for value in row])
    return buffer.getvalue()


def _xlsx_text(value: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def template_xlsx(*, course: Course) -> bytes:
    """The completions template as an XLSX workbook: the learners sheet, then the notes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Completions")[:31]
    for row in template_rows(course=course):
        sheet.append([_xlsx_text(value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="555555")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row_cells in sheet.iter_rows(min_row=3):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text that starts with = stays text
    for index, width in enumerate([34, 28, 14, 12, 16], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    guide = workbook.create_sheet(_("Notes")[:31])
    guide.append([_("Completions of “%(title)s”") % {"title": course.title}])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([])
    for sentence in import_notes():
        guide.append([sentence])
    guide.append([])
    guide.append([_("Column"), _("Required"), _("What to write"), _("Example")])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        guide.append(
            [
                column.name,
                _("yes") if column.is_required else _("no"),
                str(column.help),
                column.example,
            ]
        )
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- the learners' export ----------------------------------------------------------------------

EXPORT_COLUMNS = [
    "name",
    "email",
    "status",
    "waitlist_position",
    "enrolled_on",
    "joined_waitlist_on",
    "promoted_on",
    "cancelled_on",
    "result",
    "grade",
    "completed_on",
]


def export_rows(*, course: Course, learners: Iterable[Enrolment]) -> Iterator[list[Any]]:
    """The header, then one formula-safe row per learner."""
    positions = waitlist_positions(course=course)
    yield EXPORT_COLUMNS
    for enrolment in learners:
        user = enrolment.user
        yield [
            _safe(value)
            for value in [
                user.full_name if user else _("(account deleted)"),
                user.email if user else "",
                enrolment.status,
                positions.get(enrolment.pk, ""),
                _local_date(enrolment.enrolled_at),
                _local_date(enrolment.waitlisted_at),
                _local_date(enrolment.promoted_at),
                _local_date(enrolment.cancelled_at),
                enrolment.result,
                enrolment.grade,
                _local_date(enrolment.completed_at),
            ]
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv_stream(*, course: Course, learners: Iterable[Enrolment]) -> Iterator[str]:
    """The learners as CSV lines."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    for row in export_rows(course=course, learners=learners):
        yield writer.writerow(row)


def export_xlsx_bytes(*, course: Course, learners: Iterable[Enrolment]) -> bytes:
    """The learners as an XLSX workbook with one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Learners")[:31]
    for index, row in enumerate(export_rows(course=course, learners=learners)):
        sheet.append([_xlsx_text(value) for value in row])
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
