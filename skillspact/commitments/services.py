"""Writes for commitments, reporting windows, progress reports and overlap decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillspact.accounts import selectors as account_selectors
from skillspact.accounts.models import User
from skillspact.commitments import tasks
from skillspact.commitments.models import (
    FIGURE_FIELDS,
    FIRST_YEAR,
    METRICS,
    TARGET_YEAR,
    Commitment,
    CommitmentConcept,
    CommitmentRevision,
    CommitmentTarget,
    KpiState,
    OverlapResolution,
    Principle,
    ProgressReport,
    ProgressStatus,
    ReportInclusion,
    ReportingWindow,
    ReportOccupation,
    ReportReopening,
)
from skillspact.core import audit, emails
from skillspact.core.errors import DomainError, InvalidInput, InvalidState
from skillspact.core.permissions import ensure_secretariat
from skillspact.core.text import search_text
from skillspact.core.validation import full_clean as _full_clean
from skillspact.organisations import regions
from skillspact.organisations import selectors as organisation_selectors
from skillspact.organisations.models import Organisation
from skillspact.taxonomy import selectors as taxonomy_selectors
from skillspact.taxonomy.models import ConceptType

COMMITMENT_FIELDS = ["title", "description", "principles", "countries", "regions"]
REPORT_FIELDS = [
    "progress_status",
    "people_trained",
    "trained_women",
    "trained_men",
    "trained_other_gender",
    "trained_gender_unknown",
    "people_reached",
    "programmes",
    "stakeholders",
    "euros",
    "narrative",
    "evidence_links",
    "includes_other_organisations",
]
MAX_EVIDENCE_LINKS = 10


class WindowClosed(DomainError):
    code = "window_closed"
    status = 409
    default_message = gettext_lazy("The reporting window for this year is closed.")


def kpis_changed(year: int) -> None:
    """Mark the KPIs of `year` stale and rebuild them after the transaction commits."""
    KpiState.objects.update_or_create(
        year=year, defaults={"is_stale": True, "changed_at": timezone.now()}
    )
    transaction.on_commit(lambda: tasks.kpis_rebuild.enqueue(year=year))


# -- commitments -------------------------------------------------------------------------------


def _clean_targets(targets: Mapping[int, Mapping[str, Any]]) -> dict[int, dict[str, int]]:
    cleaned: dict[int, dict[str, int]] = {}
    errors: dict[str, list[str]] = {}
    for year, figures in targets.items():
        if not FIRST_YEAR <= int(year) <= TARGET_YEAR:
            errors[f"targets_{year}"] = [
                _("Targets run from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": TARGET_YEAR}
            ]
            continue
        row: dict[str, int] = {}
        for name in ("people", "programmes", "euros"):
            value = figures.get(name)
            if value in (None, ""):
                value = 0
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors[f"target_{name}_{year}"] = [_("Enter a whole number.")]
                continue
            if number < 0:
                errors[f"target_{name}_{year}"] = [
                    _("A target cannot be negative (%(year)s).") % {"year": year}
                ]
                continue
            row[name] = number
        if any(row.values()):
            cleaned[int(year)] = row
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return cleaned


def _concepts(
    uris: Iterable[str], *, concept_type: str, field: str
) -> list[taxonomy_selectors.ConceptBrief]:
    wanted = list(dict.fromkeys(u.strip() for u in uris if u and u.strip()))
    found = taxonomy_selectors.concepts_describe(wanted, concept_type=concept_type)
    missing = [uri for uri in wanted if uri not in found]
    if missing:
        raise InvalidInput(
            _("Not a known concept: %(uri)s") % {"uri": missing[0]},
            fields={field: [_("Not a known concept: %(uri)s") % {"uri": ", ".join(missing)}]},
        )
    return [found[uri] for uri in wanted]


def commitment_content(commitment: Commitment) -> dict[str, Any]:
    """Everything an amendment can change, as JSON: what a revision keeps."""
    return {
        "title": commitment.title,
        "description": commitment.description,
        "principles": list(commitment.principles),
        "countries": [str(c) for c in commitment.countries],
        "regions": list(commitment.regions),
        "partners": sorted(str(p.public_id) for p in commitment.partners.all()),
        "partner_names": sorted(p.legal_name for p in commitment.partners.all()),
        "occupations": [
            {"uri": c.uri, "label": c.label}
            for c in commitment.concepts.filter(kind=CommitmentConcept.Kind.OCCUPATION)
        ],
        "skills": [
            {"uri": c.uri, "label": c.label}
            for c in commitment.concepts.filter(kind=CommitmentConcept.Kind.SKILL)
        ],
        "targets": {
            str(t.year): {"people": t.people, "programmes": t.programmes, "euros": t.euros}
            for t in commitment.targets.all()
        },
    }


CONTENT_LABELS = {
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "principles": gettext_lazy("Charter principles"),
    "countries": gettext_lazy("Countries covered"),
    "regions": gettext_lazy("Regions covered"),
    "partner_names": gettext_lazy("Partner organisations"),
    "occupations": gettext_lazy("Target groups"),
    "skills": gettext_lazy("Target skills"),
    "targets": gettext_lazy("Yearly targets"),
}


def content_changes(older: Mapping[str, Any], newer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What differs between two contents of a commitment, field by field, for the history."""

    def shown(name: str, value: Any) -> str:
        if name in ("occupations", "skills"):
            return "; ".join(item["label"] for item in value or [])
        if name == "principles":
            return "; ".join(str(Principle(p).label) for p in value or [] if p in Principle.values)
        if name == "targets":
            return "; ".join(
                f"{year}: {figures['people']} / {figures['programmes']} / {figures['euros']} €"
                for year, figures in sorted((value or {}).items())
            )
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value or "")

    changes = []
    for name, label in CONTENT_LABELS.items():
        if older.get(name) != newer.get(name):
            changes.append(
                {
                    "label": str(label),
                    "before": shown(name, older.get(name)),
                    "after": shown(name, newer.get(name)),
                }
            )
    return changes


@transaction.atomic
def commitment_save(
    *,
    actor: User,
    organisation: Organisation | None = None,
    commitment: Commitment | None = None,
    data: Mapping[str, Any],
    occupations: Iterable[str] | None = None,
    skills: Iterable[str] | None = None,
    partners: Iterable[Organisation] | None = None,
    targets: Mapping[int, Mapping[str, Any]] | None = None,
    amendment_reason: str = "",
) -> Commitment:
    """Create a draft commitment, or change one; a published one is amended with its history."""
    if commitment is None:
        if organisation is None:
            raise InvalidInput(_("Choose the organisation the commitment belongs to."))
        organisation_selectors.ensure_can_act_for(user=actor, organisation=organisation)
        if not organisation.is_member:
            raise InvalidState(_("Only member organisations make commitments."))
        commitment = Commitment(organisation=organisation, created_by=actor)
    else:
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        organisation_selectors.ensure_can_act_for(user=actor, organisation=commitment.organisation)
        if not commitment.is_editable:
            raise InvalidState(_("This commitment can no longer be changed."))
    is_amendment = commitment.status == Commitment.Status.PUBLISHED
    if is_amendment and not amendment_reason.strip():
        raise InvalidInput(
            _("Say why the published commitment changes."),
            fields={"amendment_reason": [_("Say why the published commitment changes.")]},
        )
    previous = commitment_content(commitment) if is_amendment else None

    for name in COMMITMENT_FIELDS:
        if name in data:
            value = data[name]
            setattr(commitment, name, value.strip() if isinstance(value, str) else value)
    unknown = [p for p in commitment.principles if p not in Principle.values]
    if unknown:
        raise InvalidInput(
            _("Unknown principle: %(value)s") % {"value": unknown[0]},
            fields={"principles": [_("Choose among the charter's principles.")]},
        )
    commitment.principles = [p for p in Principle.values if p in commitment.principles]
    countries = {str(c) for c in commitment.countries}
    region_codes = sorted({r.strip().upper() for r in commitment.regions if r and r.strip()})
    for code in region_codes:
        if not any(regions.is_valid_region(code, country) for country in countries):
            message = _("%(code)s is not a NUTS-2 region of the countries covered.") % {
                "code": code
            }
            raise InvalidInput(message, fields={"regions": [message]})
    commitment.regions = region_codes
    commitment.search_text = search_text(f"{commitment.title} {commitment.description}")
    _full_clean(commitment, exclude=["organisation", "created_by", "partners"])
    occupation_briefs = (
        _concepts(occupations, concept_type=ConceptType.OCCUPATION, field="occupations")
        if occupations is not None
        else None
    )
    skill_briefs = (
        _concepts(skills, concept_type=ConceptType.SKILL, field="skills")
        if skills is not None
        else None
    )
    cleaned_targets = _clean_targets(targets) if targets is not None else None
    partner_list = list(partners) if partners is not None else None
    if partner_list is not None and any(p.pk == commitment.organisation_id for p in partner_list):
        raise InvalidInput(
            _("An organisation cannot be its own partner."),
            fields={"partners": [_("An organisation cannot be its own partner.")]},
        )

    is_new = commitment.pk is None
    if is_amendment:
        commitment.revision += 1
    commitment.save()
    version = taxonomy_selectors.version_default()
    version_code = version.code if version else ""
    for kind, briefs in (
        (CommitmentConcept.Kind.OCCUPATION, occupation_briefs),
        (CommitmentConcept.Kind.SKILL, skill_briefs),
    ):
        if briefs is None:
            continue
        commitment.concepts.filter(kind=kind).exclude(uri__in=[b.uri for b in briefs]).delete()
        kept = set(commitment.concepts.filter(kind=kind).values_list("uri", flat=True))
        CommitmentConcept.objects.bulk_create(
            CommitmentConcept(
                commitment=commitment,
                kind=kind,
                uri=b.uri,
                esco_version="local" if b.is_local else version_code,
                label=b.label[:300],
                is_green=b.is_green,
                is_digital=b.is_digital,
                isco_major=b.isco_major,
            )
            for b in briefs
            if b.uri not in kept
        )
    if partner_list is not None:
        commitment.partners.set(partner_list)
    if cleaned_targets is not None:
        commitment.targets.all().delete()
        CommitmentTarget.objects.bulk_create(
            CommitmentTarget(commitment=commitment, year=year, **figures)
            for year, figures in sorted(cleaned_targets.items())
        )

    if is_new:
        audit.record(
            commitment,
            "commitments.commitment.created",
            actor=actor,
            organisation=commitment.organisation,
        )
    elif previous is not None:
        after = commitment_content(commitment)
        before, after = audit.changed(previous, after)
        CommitmentRevision.objects.create(
            commitment=commitment,
            number=commitment.revision - 1,
            content=previous,
            reason=amendment_reason.strip(),
            amended_by=actor,
        )
        audit.record(
            commitment,
            "commitments.commitment.amended",
            actor=actor,
            organisation=commitment.organisation,
            before=before,
            after=after,
            message=amendment_reason.strip(),
        )
        emails.send_templated(
            "commitments/emails/commitment_amended.txt",
            to=account_selectors.secretariat_emails(),
            context={
                "commitment": commitment,
                "reason": amendment_reason.strip(),
                "link": _link(commitment),
            },
        )
        # Principles, occupations and skills feed the KPI breakdowns of every year reported.
        for year in commitment.reports.values_list("window__year", flat=True).distinct():
            kpis_changed(year)
    else:
        audit.record(
            commitment,
            "commitments.commitment.changed",
            actor=actor,
            organisation=commitment.organisation,
        )
    return commitment


def _link(commitment: Commitment) -> str:
    return reverse("commitments:detail", args=[commitment.public_id])


def _missing_for_submission(commitment: Commitment) -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    if not commitment.description.strip():
        missing["description"] = [_("Describe the actions you commit to.")]
    if not commitment.principles:
        missing["principles"] = [_("Choose at least one of the charter's principles.")]
    if not commitment.countries:
        missing["countries"] = [_("Choose at least one country covered.")]
    if not commitment.targets.exists():
        missing["targets"] = [_("Give a target for at least one year.")]
    return missing


@transaction.atomic
def commitment_submit(*, commitment: Commitment, actor: User) -> Commitment:
    """Send a draft or returned commitment to the secretariat for review."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    organisation_selectors.ensure_can_act_for(user=actor, organisation=commitment.organisation)
    if commitment.status not in (Commitment.Status.DRAFT, Commitment.Status.RETURNED):
        raise InvalidState(_("Only a draft or a returned commitment can be submitted."))
    missing = _missing_for_submission(commitment)
    if missing:
        raise InvalidInput(
            _("Complete the commitment before submitting it: %(first)s")
            % {"first": next(iter(missing.values()))[0]},
            fields=missing,
        )
    commitment.status = Commitment.Status.SUBMITTED
    commitment.submitted_at = timezone.now()
    commitment.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(
        commitment,
        "commitments.commitment.submitted",
        actor=actor,
        organisation=commitment.organisation,
    )
    emails.send_templated(
        "commitments/emails/commitment_submitted.txt",
        to=account_selectors.secretariat_emails(),
        context={"commitment": commitment, "link": _link(commitment)},
    )
    return commitment


def _review_lock(commitment: Commitment, actor: User) -> Commitment:
    ensure_secretariat(actor)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != Commitment.Status.SUBMITTED:
        raise InvalidState(_("Only a submitted commitment can be reviewed."))
    return commitment


def _notify_contacts(commitment: Commitment) -> None:
    emails.send_templated(
        "commitments/emails/commitment_status.txt",
        to=organisation_selectors.contact_emails(organisation=commitment.organisation),
        context={"commitment": commitment, "link": _link(commitment)},
    )


def _decide(commitment: Commitment, actor: User, *, status: str, note: str) -> Commitment:
    """Publish or return a submitted commitment, audit it and tell its contacts."""
    commitment = _review_lock(commitment, actor)
    commitment.status = status
    commitment.review_note = note.strip()
    fields = ["status", "review_note", "updated_at"]
    if status == Commitment.Status.PUBLISHED:
        commitment.published_at = timezone.now()
        fields.append("published_at")
    commitment.save(update_fields=fields)
    audit.record(
        commitment,
        f"commitments.commitment.{status}",
        actor=actor,
        organisation=commitment.organisation,
        message=commitment.review_note,
    )
    _notify_contacts(commitment)
    return commitment


@transaction.atomic
def commitment_publish(*, commitment: Commitment, actor: User, note: str = "") -> Commitment:
    """The secretariat accepts a submitted commitment; it becomes public and reportable."""
    return _decide(commitment, actor, status=Commitment.Status.PUBLISHED, note=note)


@transaction.atomic
def commitment_return(*, commitment: Commitment, actor: User, note: str) -> Commitment:
    """The secretariat sends a submitted commitment back, saying what to change."""
    ensure_secretariat(actor)
    if not note.strip():
        raise InvalidInput(
            _("Say what should change."), fields={"note": [_("Say what should change.")]}
        )
    return _decide(commitment, actor, status=Commitment.Status.RETURNED, note=note)


@transaction.atomic
def commitment_withdraw(*, commitment: Commitment, actor: User, reason: str = "") -> Commitment:
    """The organisation (or the secretariat) withdraws a commitment; its reports stay counted."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    organisation_selectors.ensure_can_act_for(user=actor, organisation=commitment.organisation)
    if commitment.status == Commitment.Status.WITHDRAWN:
        raise InvalidState(_("This commitment is already withdrawn."))
    commitment.status = Commitment.Status.WITHDRAWN
    commitment.review_note = reason.strip() or commitment.review_note
    commitment.save(update_fields=["status", "review_note", "updated_at"])
    audit.record(
        commitment,
        "commitments.commitment.withdrawn",
        actor=actor,
        organisation=commitment.organisation,
        message=reason.strip(),
    )
    return commitment


# -- reporting windows -------------------------------------------------------------------------


def _clean_reminder_days(days: Iterable[Any]) -> list[int]:
    cleaned = set()
    for value in days:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InvalidInput(
                _("Reminders are whole numbers of days before closing."),
                fields={
                    "reminder_days": [_("Reminders are whole numbers of days before closing.")]
                },
            ) from None
        if not 0 <= number <= 90:
            raise InvalidInput(
                _("Reminders go out between 0 and 90 days before closing."),
                fields={
                    "reminder_days": [_("Reminders go out between 0 and 90 days before closing.")]
                },
            )
        cleaned.add(number)
    return sorted(cleaned, reverse=True)


@transaction.atomic
def window_save(
    *,
    actor: User,
    year: int,
    opens_on: date,
    closes_on: date,
    reminder_days: Iterable[Any] = (14, 3),
    window: ReportingWindow | None = None,
) -> ReportingWindow:
    """Open (schedule) the reporting window of a year, or change its dates and reminders."""
    ensure_secretariat(actor)
    if window is None and not FIRST_YEAR <= year <= TARGET_YEAR:
        message = _("Reporting windows run from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR,
            "last": TARGET_YEAR,
        }
        raise InvalidInput(message, fields={"year": [message]})
    if window is None:
        if ReportingWindow.objects.filter(year=year).exists():
            raise InvalidInput(
                _("There is already a reporting window for %(year)s.") % {"year": year},
                fields={"year": [_("There is already a reporting window for this year.")]},
            )
        window = ReportingWindow(year=year, created_by=actor)
    else:
        window = ReportingWindow.objects.select_for_update().get(pk=window.pk)
    before = audit.snapshot(window, ["opens_on", "closes_on", "reminder_days"])
    if closes_on < opens_on:
        raise InvalidInput(
            _("The window must close on or after the day it opens."),
            fields={"closes_on": [_("The window must close on or after the day it opens.")]},
        )
    window.opens_on = opens_on
    window.closes_on = closes_on
    new_days = _clean_reminder_days(reminder_days)
    if new_days != window.reminder_days:
        window.reminders_sent = [d for d in window.reminders_sent if d in new_days]
    window.reminder_days = new_days
    is_new = window.pk is None
    _full_clean(window, exclude=["created_by"])
    window.save()
    after = audit.snapshot(window, ["opens_on", "closes_on", "reminder_days"])
    if is_new:
        audit.record(window, "commitments.window.created", actor=actor, after=after)
    else:
        old, new = audit.changed(before, after)
        audit.record(window, "commitments.window.changed", actor=actor, before=old, after=new)
    # Moving the dates can lock or unlock reports; the KPIs do not change, the pages do.
    return window


def window_send_reminders(*, window: ReportingWindow, today: date | None = None) -> int:
    """Send the reminders that are due; returns how many organisations were reminded."""
    today = today or timezone.localdate()
    if not window.is_open(today):
        return 0
    days_left = (window.closes_on - today).days
    due = [d for d in window.reminder_days if d >= days_left and d not in window.reminders_sent]
    if not due:
        return 0
    with transaction.atomic():
        locked = ReportingWindow.objects.select_for_update().get(pk=window.pk)
        due = [d for d in locked.reminder_days if d >= days_left and d not in locked.reminders_sent]
        if not due:
            return 0
        missing = _organisations_without_reports(locked)
        reminded = 0
        for organisation, titles in missing.items():
            recipients = organisation_selectors.contact_emails(organisation=organisation)
            if not recipients:
                continue
            reminded += 1
            emails.send_templated(
                "commitments/emails/report_reminder.txt",
                to=recipients,
                context={
                    "organisation": organisation,
                    "window": locked,
                    "days_left": days_left,
                    "titles": titles,
                    "link": reverse("commitments:reports"),
                },
            )
        locked.reminders_sent = sorted({*locked.reminders_sent, *due}, reverse=True)
        locked.save(update_fields=["reminders_sent", "updated_at"])
        audit.record(
            locked,
            "commitments.window.reminded",
            actor=None,
            message=_("%(count)s organisations reminded") % {"count": reminded},
        )
    return reminded


def _organisations_without_reports(window: ReportingWindow) -> dict[Organisation, list[str]]:
    submitted = ProgressReport.objects.filter(
        window=window, status=ProgressReport.Status.SUBMITTED
    ).values("commitment_id")
    pending = (
        Commitment.objects.filter(
            status=Commitment.Status.PUBLISHED, organisation__status=Organisation.Status.MEMBER
        )
        .exclude(pk__in=submitted)
        .select_related("organisation")
        .order_by("organisation__legal_name", "title")
    )
    result: dict[Organisation, list[str]] = {}
    for commitment in pending:
        result.setdefault(commitment.organisation, []).append(commitment.title)
    return result


# -- progress reports --------------------------------------------------------------------------


def _number_error(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [message]})


def _validate_figures(
    report: ProgressReport,
    occupation_figures: list[tuple[str, str, int]],
    inclusions: list[tuple[Organisation, dict[str, int]]],
    *,
    is_submission: bool,
) -> None:
    """The rules a report's figures obey, each error naming its field and the reason."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    labels = {
        f.name: str(f.verbose_name)
        for f in ProgressReport._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    for name in FIGURE_FIELDS:
        value = getattr(report, name)
        if value is not None and value < 0:
            add(name, _("%(field)s cannot be negative.") % {"field": labels[name].capitalize()})
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)

    trained, reached = report.people_trained, report.people_reached
    if trained is not None and reached is not None and trained > reached:
        add(
            "people_trained",
            _(
                "%(trained)s people trained but only %(reached)s reached: everyone trained "
                "was also reached, so people reached must be at least people trained."
            )
            % {"trained": trained, "reached": reached},
        )
    breakdown = report.gender_breakdown()
    if any(v is not None for v in breakdown):
        total = sum(v or 0 for v in breakdown)
        if trained is None:
            add(
                "people_trained",
                _("Give the total of people trained as well as its breakdown by gender."),
            )
        elif total != trained:
            add(
                "trained_women",
                _(
                    "The breakdown by gender adds up to %(sum)s, but %(total)s people were "
                    "trained; the four figures must add up to the total (use “gender not known” "
                    "for the rest)."
                )
                % {"sum": total, "total": trained},
            )
    if occupation_figures:
        by_occupation = sum(people for _uri, _label, people in occupation_figures)
        if trained is None or by_occupation > trained:
            add(
                "occupations",
                _(
                    "The people trained by occupation add up to %(sum)s, more than the "
                    "%(total)s people trained in total."
                )
                % {"sum": by_occupation, "total": trained or 0},
            )
    if inclusions and not report.includes_other_organisations:
        add("inclusions", _("Tick “these figures include other organisations” to list them."))
    for metric in METRICS:
        included = sum(figures.get(metric, 0) for _org, figures in inclusions)
        own = getattr(report, metric)
        if included and (own is None or included > own):
            add(
                "inclusions",
                _(
                    "The figures of the other organisations add up to %(sum)s %(metric)s, more "
                    "than the report's total of %(total)s."
                )
                % {"sum": included, "metric": labels[metric], "total": own or 0},
            )
    organisations = [org.pk for org, _figures in inclusions]
    if report.organisation_id in organisations:
        add("inclusions", _("List other organisations only; your own figures are the rest."))
    if len(set(organisations)) != len(organisations):
        add("inclusions", _("Each organisation can be listed once."))
    if len(report.evidence_links) > MAX_EVIDENCE_LINKS:
        add(
            "evidence_links",
            _("Give at most %(count)s evidence links.") % {"count": MAX_EVIDENCE_LINKS},
        )
    validate_url = URLValidator(schemes=["http", "https"])
    for link in report.evidence_links:
        try:
            validate_url(link)
        except ValidationError:
            add(
                "evidence_links",
                _("“%(link)s” is not a web address (http or https).") % {"link": link[:100]},
            )
    if is_submission:
        if not report.progress_status:
            add("progress_status", _("Say how the commitment is progressing."))
        for metric in METRICS:
            if getattr(report, metric) is None:
                add(metric, _("Give %(field)s (0 if none).") % {"field": labels[metric]})
        if report.includes_other_organisations and not inclusions:
            add("inclusions", _("List the organisations whose figures you include."))
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, fields=errors)


def report_get_or_start(
    *, commitment: Commitment, window: ReportingWindow, actor: User
) -> ProgressReport:
    """The report on `commitment` for `window`'s year; an empty draft if there is none yet."""
    organisation_selectors.ensure_can_act_for(user=actor, organisation=commitment.organisation)
    report = ProgressReport.objects.filter(commitment=commitment, window=window).first()
    if report is not None:
        return report
    if commitment.status != Commitment.Status.PUBLISHED:
        raise InvalidState(_("Only published commitments are reported on."))
    if not window.is_open():
        raise WindowClosed(
            _("The reporting window for %(year)s is not open.") % {"year": window.year}
        )
    with transaction.atomic():
        report, _created = ProgressReport.objects.get_or_create(
            commitment=commitment, window=window, defaults={"organisation": commitment.organisation}
        )
    return report


@transaction.atomic
def report_save(
    *,
    report: ProgressReport,
    actor: User,
    data: Mapping[str, Any],
    occupation_figures: Iterable[tuple[str, int]] | None = None,
    inclusions: Iterable[tuple[Organisation, Mapping[str, Any]]] | None = None,
    submit: bool = False,
) -> ProgressReport:
    """Save a report's figures as a draft, or submit it; nothing is stored if any rule fails.

    Saving without submitting turns a submitted report back into a draft (it stops counting)
    until it is submitted again.
    """
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("window", "commitment")
        .get(pk=report.pk)
    )
    organisation_selectors.ensure_can_act_for(user=actor, organisation=report.organisation)
    if not report.is_editable:
        raise WindowClosed(
            _(
                "The reporting window for %(year)s closed on %(date)s; ask the secretariat to "
                "reopen this report."
            )
            % {"year": report.window.year, "date": report.window.closes_on.isoformat()}
        )
    before = audit.snapshot(report, ["status", *REPORT_FIELDS])
    was_submitted = report.status == ProgressReport.Status.SUBMITTED
    for name in REPORT_FIELDS:
        if name in data:
            value = data[name]
            if name == "evidence_links":
                value = [v.strip() for v in (value or []) if v and v.strip()]
            elif isinstance(value, str) and name in ("narrative", "progress_status"):
                value = value.strip()
            setattr(report, name, value)
    if report.progress_status and report.progress_status not in ProgressStatus.values:
        raise _number_error("progress_status", _("Choose one of the progress statuses."))

    figures: list[tuple[str, str, int]] | None = None
    if occupation_figures is not None:
        try:
            wanted = [
                (uri.strip(), int(people))
                for uri, people in occupation_figures
                if uri and str(uri).strip()
            ]
        except (TypeError, ValueError):
            raise _number_error(
                "occupations", _("People trained by occupation are whole numbers.")
            ) from None
        briefs = taxonomy_selectors.concepts_describe(
            [uri for uri, _p in wanted], concept_type=ConceptType.OCCUPATION
        )
        unknown = [uri for uri, _p in wanted if uri not in briefs]
        if unknown:
            raise _number_error(
                "occupations", _("Not a known occupation: %(uri)s") % {"uri": unknown[0]}
            )
        if any(people < 0 for _uri, people in wanted):
            raise _number_error(
                "occupations", _("People trained by occupation cannot be negative.")
            )
        if len({uri for uri, _p in wanted}) != len(wanted):
            raise _number_error("occupations", _("Each occupation can be listed once."))
        figures = [(uri, briefs[uri].label, people) for uri, people in wanted]
    included: list[tuple[Organisation, dict[str, int]]] | None = None
    if inclusions is not None:
        included = []
        for organisation, values in inclusions:
            row: dict[str, int] = {}
            for metric in METRICS:
                value = values.get(metric)
                try:
                    number = int(value) if value not in (None, "") else 0
                except (TypeError, ValueError):
                    raise _number_error(
                        "inclusions",
                        _("Figures of %(name)s are whole numbers.")
                        % {"name": organisation.legal_name},
                    ) from None
                if number < 0:
                    raise _number_error(
                        "inclusions",
                        _("Figures of %(name)s cannot be negative.")
                        % {"name": organisation.legal_name},
                    )
                row[metric] = number
            included.append((organisation, row))
    if not report.includes_other_organisations and included is None:
        included = []

    current_figures = (
        figures
        if figures is not None
        else [(o.uri, o.label, o.people_trained) for o in report.occupation_figures.all()]
    )
    current_inclusions = (
        included
        if included is not None
        else [
            (i.organisation, {m: getattr(i, m) for m in METRICS})
            for i in report.inclusions.select_related("organisation")
        ]
    )
    _validate_figures(report, current_figures, current_inclusions, is_submission=submit)
    _full_clean(report, exclude=["commitment", "window", "organisation", "submitted_by"])

    if submit:
        report.status = ProgressReport.Status.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = actor
        report.is_reopened = False
    else:
        report.status = ProgressReport.Status.DRAFT
        report.submitted_at = None
    report.save()
    if figures is not None:
        report.occupation_figures.all().delete()
        ReportOccupation.objects.bulk_create(
            ReportOccupation(report=report, uri=uri, label=label[:300], people_trained=people)
            for uri, label, people in figures
        )
    if included is not None:
        report.inclusions.all().delete()
        ReportInclusion.objects.bulk_create(
            ReportInclusion(report=report, organisation=organisation, **values)
            for organisation, values in included
        )
    after = audit.snapshot(report, ["status", *REPORT_FIELDS])
    old, new = audit.changed(before, after)
    code = "commitments.report.submitted" if submit else "commitments.report.saved"
    audit.record(report, code, actor=actor, organisation=report.organisation, before=old, after=new)
    if submit or was_submitted:
        kpis_changed(report.window.year)
    return report


@transaction.atomic
def report_reopen(*, report: ProgressReport, actor: User, reason: str) -> ProgressReport:
    """The secretariat lets a locked report change again; the contacts are told why."""
    ensure_secretariat(actor)
    if not reason.strip():
        raise _number_error("reason", _("Give the reason for reopening the report."))
    report = ProgressReport.objects.select_for_update().select_related("window").get(pk=report.pk)
    if report.window.is_open():
        raise InvalidState(_("The window is still open: the report can be changed as it is."))
    if report.is_reopened:
        raise InvalidState(_("This report is already reopened."))
    report.is_reopened = True
    report.reopen_reason = reason.strip()
    report.save(update_fields=["is_reopened", "reopen_reason", "updated_at"])
    ReportReopening.objects.create(report=report, reason=reason.strip(), reopened_by=actor)
    audit.record(
        report,
        "commitments.report.reopened",
        actor=actor,
        organisation=report.organisation,
        message=reason.strip(),
    )
    emails.send_templated(
        "commitments/emails/report_reopened.txt",
        to=organisation_selectors.contact_emails(organisation=report.organisation),
        context={
            "report": report,
            "reason": reason.strip(),
            "link": reverse("commitments:report", args=[report.public_id]),
        },
    )
    return report


@transaction.atomic
def report_lock(*, report: ProgressReport, actor: User) -> ProgressReport:
    """The secretariat locks a reopened report again without waiting for a resubmission."""
    ensure_secretariat(actor)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_reopened:
        raise InvalidState(_("This report is not reopened."))
    report.is_reopened = False
    report.save(update_fields=["is_reopened", "updated_at"])
    audit.record(report, "commitments.report.locked", actor=actor, organisation=report.organisation)
    return report


# -- overlaps between umbrellas and their members ---------------------------------------------


@transaction.atomic
def overlap_resolve(
    *,
    actor: User,
    year: int,
    organisation: Organisation,
    counted_report: ProgressReport | None,
    reason: str = "",
) -> OverlapResolution:
    """Decide which report counts an organisation's figures for `year` (None: its own reports)."""
    ensure_secretariat(actor)
    if counted_report is not None and (
        counted_report.window.year != year
        or counted_report.status != ProgressReport.Status.SUBMITTED
        or not counted_report.inclusions.filter(organisation=organisation).exists()
    ):
        raise InvalidInput(
            _("That report does not include %(name)s for %(year)s.")
            % {"name": organisation.legal_name, "year": year}
        )
    resolution, _created = OverlapResolution.objects.update_or_create(
        year=year,
        organisation=organisation,
        defaults={"counted_report": counted_report, "reason": reason.strip(), "decided_by": actor},
    )
    audit.record(
        resolution,
        "commitments.overlap.resolved",
        actor=actor,
        organisation=organisation,
        after={
            "year": year,
            "counted_report": str(counted_report.public_id) if counted_report else "",
        },
        message=reason.strip(),
    )
    kpis_changed(year)
    return resolution


@transaction.atomic
def overlap_reset(*, actor: User, resolution: OverlapResolution) -> None:
    """Drop a decision; the roll-up's default rules apply again."""
    ensure_secretariat(actor)
    year = resolution.year
    audit.record(
        resolution, "commitments.overlap.reset", actor=actor, organisation=resolution.organisation
    )
    resolution.delete()
    kpis_changed(year)
