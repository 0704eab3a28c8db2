"""Writes for the respondent's side of a consultation (profile, ratings, comments, amendments,
answers, submitting) and for moderation (reports, the secretariat's decisions).

Respondents write only while the consultation accepts answers (`Consultation.is_accepting`);
otherwise every write raises `ConsultationClosed` and nothing changes. Comments and amendments
start as drafts; `contributions_submit` publishes them all. Comments and amendments are rate
limited per respondent and per client address.

Callers (pages, the API) find the respondent with `selectors.respondent_for()` and pass it in;
the services check that what is touched belongs to that respondent and to its consultation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillspact.accounts import selectors as account_selectors
from skillspact.accounts.models import User
from skillspact.consultations import selectors
from skillspact.consultations.models import (
    HIDE_AFTER_REPORTS,
    Amendment,
    Answer,
    Comment,
    Consultation,
    ContentReport,
    GeneralQuestion,
    ModerationDecision,
    Rating,
    Respondent,
    Section,
)
from skillspact.core import audit, emails, ratelimit
from skillspact.core.errors import DomainError, InvalidInput, InvalidState, NotPermitted
from skillspact.core.permissions import ensure_secretariat
from skillspact.core.validation import full_clean as _full_clean

# Floods: this many comments and amendments per respondent, and per client address, per window.
WRITE_LIMIT = 30
WRITE_WINDOW = 10 * 60
# Reports: this many per reporter and per client address per window.
REPORT_LIMIT = 20
REPORT_WINDOW = 60 * 60
# An anonymous reporter's address may report one item once in this time, whatever the cookie.
REPORT_ADDRESS_WINDOW = 30 * 24 * 60 * 60

PROFILE_FIELDS = [
    "stakeholder_type",
    "country",
    "answers_for_organisation",
    "organisation_name",
    "is_anonymised",
]


class ConsultationClosed(InvalidState):
    code = "consultation_closed"
    default_message = gettext_lazy("This consultation is not open for contributions.")


class AnonymousNotAllowed(NotPermitted):
    code = "sign_in_required"
    default_message = gettext_lazy("Sign in to take part in this consultation.")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = gettext_lazy(
        "You have written a lot in a short time. Please wait a few minutes and try again."
    )


class AlreadyReported(InvalidState):
    code = "already_reported"
    default_message = gettext_lazy("You have already reported this. Thank you.")


# -- helpers -----------------------------------------------------------------------------------


def _ensure_accepting(consultation: Consultation) -> None:
    if not consultation.is_accepting():
        raise ConsultationClosed


def _ensure_section_of(respondent: Respondent, section: Section) -> None:
    if section.version_id != respondent.consultation.version_id:
        raise InvalidInput(
            _("This section is not part of the consultation."),
            fields={"section": [_("This section is not part of the consultation.")]},
        )


def _actor(respondent: Respondent) -> User | None:
    return respondent.user


def _count_write(respondent: Respondent, client_address: str) -> None:
    """Refuse a comment or amendment past the flood limit, else count it."""
    identities = [f"respondent:{respondent.pk}"]
    if client_address:
        identities.append(f"address:{client_address}")
    if any(
        ratelimit.is_limited("consultations.write", identity, limit=WRITE_LIMIT)
        for identity in identities
    ):
        raise RateLimited(
            _(
                "You have written %(limit)s comments and amendments in the last %(minutes)s "
                "minutes. Please wait a few minutes and try again; your text is kept below."
            )
            % {"limit": WRITE_LIMIT, "minutes": WRITE_WINDOW // 60}
        )
    for identity in identities:
        ratelimit.hit("consultations.write", identity, window=WRITE_WINDOW)


def _clean_text(value: str) -> str:
    return (value or "").replace("\r\n", "\n").strip()


# -- respondents -------------------------------------------------------------------------------


@transaction.atomic
def respondent_save(
    *,
    consultation: Consultation,
    actor: User | None,
    anonymous_key: str = "",
    data: Mapping[str, Any],
) -> Respondent:
    """Create or update the profile of the person answering `consultation`: the signed-in
    `actor`, else the anonymous cookie's hash `anonymous_key` (only where anonymous answers are
    allowed). `data` holds stakeholder_type, country, answers_for_organisation,
    organisation_name and is_anonymised."""
    _ensure_accepting(consultation)
    is_person = actor is not None and actor.is_authenticated
    if not is_person:
        if not consultation.allows_anonymous:
            raise AnonymousNotAllowed
        if not anonymous_key:
            raise InvalidState(_("Your browser must accept cookies to answer without an account."))
    respondent = selectors.respondent_for(
        consultation=consultation,
        user=actor if is_person else None,
        anonymous_key="" if is_person else anonymous_key,
    )
    is_new = respondent is None
    if respondent is None:
        respondent = Respondent(
            consultation=consultation,
            user=actor if is_person else None,
            anonymous_key="" if is_person else anonymous_key,
        )
    before = audit.snapshot(respondent, PROFILE_FIELDS) if not is_new else {}
    respondent.stakeholder_type = str(data.get("stakeholder_type") or "")
    respondent.country = str(data.get("country") or "").upper()
    respondent.answers_for_organisation = bool(data.get("answers_for_organisation"))
    respondent.organisation_name = (
        str(data.get("organisation_name") or "").strip()
        if respondent.answers_for_organisation
        else ""
    )
    respondent.is_anonymised = bool(data.get("is_anonymised", True))
    if respondent.answers_for_organisation and not respondent.organisation_name:
        message = _("Give the name of the organisation you answer for.")
        raise InvalidInput(message, fields={"organisation_name": [message]})
    _full_clean(respondent, validate_constraints=False)
    try:
        with transaction.atomic():
            respondent.save()
    except IntegrityError:
        # Two tabs filled the profile at once: the other one won; update that one instead.
        raise InvalidState(_("Your profile was just saved elsewhere. Reload the page.")) from None
    after = audit.snapshot(respondent, PROFILE_FIELDS)
    before, after = audit.changed(before, after)
    audit.record(
        respondent,
        "consultations.respondent.created" if is_new else "consultations.respondent.updated",
        actor=actor if is_person else None,
        before=before,
        after=after,
    )
    return respondent


# -- ratings -----------------------------------------------------------------------------------


@transaction.atomic
def rating_set(*, respondent: Respondent, section: Section, stance: str) -> Rating:
    """Record the respondent's stance on `section`; a second rating replaces the first, so one
    person's rating counts once."""
    _ensure_accepting(respondent.consultation)
    _ensure_section_of(respondent, section)
    if stance not in Rating.Stance.values:
        message = _("Choose whether you support, are neutral about or oppose this section.")
        raise InvalidInput(message, fields={"stance": [message]})
    rating = (
        Rating.objects.select_for_update().filter(respondent=respondent, section=section).first()
    )
    before = rating.stance if rating else ""
    if rating is None:
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    respondent=respondent, section=section, stance=stance
                )
        except IntegrityError:
            # A parallel request created it first: the unique constraint keeps one row.
            rating = Rating.objects.select_for_update().get(respondent=respondent, section=section)
    if rating.stance != stance:
        rating.stance = stance
        rating.save(update_fields=["stance", "updated_at"])
    if before != stance:
        audit.record(
            rating,
            "consultations.rating.set",
            actor=_actor(respondent),
            before={"stance": before} if before else {},
            after={"stance": stance},
        )
    return rating


_Draftable = TypeVar("_Draftable", Comment, Amendment)


def _own_draft(item: _Draftable, respondent: Respondent, not_a_draft: str) -> _Draftable:
    """`item` locked, if it is one of `respondent`'s drafts and the consultation is open."""
    _ensure_accepting(respondent.consultation)
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.respondent_id != respondent.pk:
        raise NotPermitted
    if item.status != item.Status.DRAFT:
        raise InvalidState(not_a_draft)
    return item


def _publish_draft(item: _Draftable, respondent: Respondent, not_a_draft: str) -> _Draftable:
    item = _own_draft(item, respondent, not_a_draft)
    item.status = item.Status.PUBLISHED
    item.published_at = timezone.now()
    item.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(item, f"consultations.{_kind(item)}.published", actor=_actor(respondent))
    return item


def _discard_draft(item: _Draftable, respondent: Respondent, not_a_draft: str) -> None:
    item = _own_draft(item, respondent, not_a_draft)
    audit.record(item, f"consultations.{_kind(item)}.discarded", actor=_actor(respondent))
    item.delete()


# -- comments ----------------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *,
    respondent: Respondent,
    section: Section,
    body: str,
    parent: Comment | None = None,
    publish: bool = False,
    client_address: str = "",
) -> Comment:
    """Write a comment on `section` (a reply when `parent` is given): a draft, or published at
    once with `publish`. Rate limited per respondent and per `client_address`."""
    _ensure_accepting(respondent.consultation)
    _ensure_section_of(respondent, section)
    if parent is not None and (
        parent.section_id != section.pk
        or parent.status != Comment.Status.PUBLISHED
        or parent.respondent.consultation_id != respondent.consultation_id
    ):
        message = _("You can only reply to a published comment on this section.")
        raise InvalidInput(message, fields={"parent": [message]})
    body = _clean_text(body)
    if not body:
        message = _("Write your comment.")
        raise InvalidInput(message, fields={"body": [message]})
    comment = Comment(respondent=respondent, section=section, parent=parent, body=body)
    if publish:
        comment.status = Comment.Status.PUBLISHED
        comment.published_at = timezone.now()
    _full_clean(comment)
    _count_write(respondent, client_address)
    comment.save()
    audit.record(
        comment,
        "consultations.comment.published" if publish else "consultations.comment.drafted",
        actor=_actor(respondent),
    )
    return comment


@transaction.atomic
def comment_update(*, respondent: Respondent, comment: Comment, body: str) -> Comment:
    """Change the text of one of the respondent's draft comments."""
    comment = _own_draft(comment, respondent, _("A published comment can no longer be changed."))
    body = _clean_text(body)
    if not body:
        message = _("Write your comment.")
        raise InvalidInput(message, fields={"body": [message]})
    comment.body = body
    _full_clean(comment)
    comment.save(update_fields=["body", "updated_at"])
    audit.record(comment, "consultations.comment.updated", actor=_actor(respondent))
    return comment


@transaction.atomic
def comment_publish(*, respondent: Respondent, comment: Comment) -> Comment:
    """Publish one of the respondent's draft comments."""
    return _publish_draft(comment, respondent, _("This comment is already published."))


@transaction.atomic
def comment_discard(*, respondent: Respondent, comment: Comment) -> None:
    """Delete one of the respondent's draft comments (published ones stay)."""
    _discard_draft(comment, respondent, _("A published comment cannot be deleted."))


# -- amendments --------------------------------------------------------------------------------


@transaction.atomic
def amendment_save(
    *,
    respondent: Respondent,
    section: Section,
    text: str,
    rationale: str = "",
    publish: bool = False,
    client_address: str = "",
) -> Amendment:
    """Propose replacement text for `section` (one amendment per respondent and section): a
    new draft, or a change to the existing draft; published at once with `publish`."""
    _ensure_accepting(respondent.consultation)
    _ensure_section_of(respondent, section)
    text = _clean_text(text)
    rationale = _clean_text(rationale)
    if not text:
        message = _("Write the text you propose for this section.")
        raise InvalidInput(message, fields={"text": [message]})
    if text == _clean_text(section.body):
        message = _("Your text is the same as the section's: change something first.")
        raise InvalidInput(message, fields={"text": [message]})
    amendment = (
        Amendment.objects.select_for_update().filter(respondent=respondent, section=section).first()
    )
    is_new = amendment is None
    if amendment is None:
        amendment = Amendment(respondent=respondent, section=section)
    elif amendment.status != Amendment.Status.DRAFT:
        raise InvalidState(
            _("You have already published an amendment to this section; it can’t be changed.")
        )
    amendment.text = text
    amendment.rationale = rationale
    if publish:
        amendment.status = Amendment.Status.PUBLISHED
        amendment.published_at = timezone.now()
    _full_clean(amendment, validate_constraints=False)
    if is_new:
        _count_write(respondent, client_address)
    try:
        with transaction.atomic():
            amendment.save()
    except IntegrityError:
        raise InvalidState(_("Your amendment was just saved elsewhere. Reload the page.")) from None
    code = "published" if publish else ("drafted" if is_new else "updated")
    audit.record(amendment, f"consultations.amendment.{code}", actor=_actor(respondent))
    return amendment


@transaction.atomic
def amendment_publish(*, respondent: Respondent, amendment: Amendment) -> Amendment:
    """Publish the respondent's draft amendment."""
    return _publish_draft(amendment, respondent, _("This amendment is already published."))


@transaction.atomic
def amendment_discard(*, respondent: Respondent, amendment: Amendment) -> None:
    """Delete the respondent's draft amendment."""
    _discard_draft(amendment, respondent, _("A published amendment cannot be deleted."))


# -- general questions -------------------------------------------------------------------------


@transaction.atomic
def answers_save(*, respondent: Respondent, answers: Mapping[int, str]) -> list[Answer]:
    """Save the respondent's answers to the general questions, by question id; an empty answer
    removes an earlier one. Returns the answers kept."""
    _ensure_accepting(respondent.consultation)
    questions = {q.pk: q for q in selectors.questions_of(consultation=respondent.consultation)}
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, str] = {}
    for question_id, value in answers.items():
        question = questions.get(int(question_id))
        if question is None:
            errors["__all__"] = [_("One of the questions is not part of this consultation.")]
            continue
        text = _clean_text(value)
        if len(text) > 5000:
            errors[f"question_{question.pk}"] = [_("Keep your answer under 5,000 characters.")]
        elif (
            text
            and question.kind == GeneralQuestion.Kind.CHOICE
            and text not in [str(c) for c in question.choices]
        ):
            errors[f"question_{question.pk}"] = [_("Choose one of the answers offered.")]
        cleaned[question.pk] = text
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    kept: list[Answer] = []
    for question_id, text in cleaned.items():
        if not text:
            Answer.objects.filter(respondent=respondent, question_id=question_id).delete()
            continue
        answer, _created = Answer.objects.update_or_create(
            respondent=respondent, question_id=question_id, defaults={"text": text}
        )
        kept.append(answer)
    audit.record(
        respondent,
        "consultations.answers.saved",
        actor=_actor(respondent),
        after={"answered": len(kept)},
    )
    return kept


# -- submitting --------------------------------------------------------------------------------


@transaction.atomic
def contributions_submit(*, respondent: Respondent) -> int:
    """Publish all the respondent's draft comments and amendments and note when they submitted;
    returns how many were published."""
    _ensure_accepting(respondent.consultation)
    respondent = Respondent.objects.select_for_update().get(pk=respondent.pk)
    now = timezone.now()
    published = Comment.objects.filter(respondent=respondent, status=Comment.Status.DRAFT).update(
        status=Comment.Status.PUBLISHED, published_at=now, updated_at=now
    )
    published += Amendment.objects.filter(
        respondent=respondent, status=Amendment.Status.DRAFT
    ).update(status=Amendment.Status.PUBLISHED, published_at=now, updated_at=now)
    respondent.submitted_at = now
    respondent.save(update_fields=["submitted_at", "updated_at"])
    audit.record(
        respondent,
        "consultations.contributions.submitted",
        actor=respondent.user,
        after={"published": published},
    )
    return published


# -- moderation --------------------------------------------------------------------------------


def _locked(item: Comment | Amendment) -> Comment | Amendment:
    if isinstance(item, Comment):
        return Comment.objects.select_for_update().select_related("respondent").get(pk=item.pk)
    return Amendment.objects.select_for_update().select_related("respondent").get(pk=item.pk)


def _kind(item: Comment | Amendment) -> str:
    return "comment" if isinstance(item, Comment) else "amendment"


def _target(item: Comment | Amendment) -> dict[str, Any]:
    return {_kind(item): item}


@transaction.atomic
def content_report(
    *,
    item: Comment | Amendment,
    actor: User | None,
    anonymous_key: str = "",
    reason: str,
    client_address: str = "",
) -> ContentReport:
    """Report a published comment or amendment, once per person (the signed-in `actor`, else
    the anonymous cookie's hash). When HIDE_AFTER_REPORTS different people have reported it, it
    is hidden until the secretariat decides."""
    reporter_key = selectors.reporter_key_for(user=actor, anonymous_key=anonymous_key)
    if not reporter_key:
        raise InvalidState(_("Your browser must accept cookies to report without an account."))
    reason = _clean_text(reason)
    if not reason:
        message = _("Tell us what is wrong with it.")
        raise InvalidInput(message, fields={"reason": [message]})
    item = _locked(item)
    if item.status != Comment.Status.PUBLISHED:
        raise InvalidState(_("Only published contributions can be reported."))
    author = item.respondent
    if (author.user_id is not None and actor is not None and author.user_id == actor.pk) or (
        not author.user_id and anonymous_key and author.anonymous_key == anonymous_key
    ):
        raise NotPermitted(_("You cannot report your own contribution."))
    if ContentReport.objects.filter(**_target(item), reporter_key=reporter_key).exists():
        raise AlreadyReported
    is_anonymous = reporter_key.startswith("anon:")
    address_scope = f"consultations.report.{_kind(item)}.{item.pk}"
    # A fresh cookie makes a new anonymous reporter: the address counts too, so that one person
    # cannot hide a comment alone by clearing cookies.
    if (
        is_anonymous
        and client_address
        and ratelimit.is_limited(address_scope, client_address, limit=1)
    ):
        raise AlreadyReported
    identities = [reporter_key] + ([f"address:{client_address}"] if client_address else [])
    if any(
        ratelimit.is_limited("consultations.report", identity, limit=REPORT_LIMIT)
        for identity in identities
    ):
        raise RateLimited(_("You have sent many reports in a short time. Please try later."))
    report = ContentReport(**_target(item), reporter_key=reporter_key, reason=reason[:500])
    _full_clean(report, validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise AlreadyReported from None
    for identity in identities:
        ratelimit.hit("consultations.report", identity, window=REPORT_WINDOW)
    if is_anonymous and client_address:
        ratelimit.hit(address_scope, client_address, window=REPORT_ADDRESS_WINDOW)
    open_reports = ContentReport.objects.filter(**_target(item), is_resolved=False)
    item.report_count = open_reports.values("reporter_key").distinct().count()
    fields = ["report_count", "updated_at"]
    if item.report_count >= HIDE_AFTER_REPORTS:
        item.status = Comment.Status.HIDDEN
        fields.append("status")
    item.save(update_fields=fields)
    audit.record(
        item,
        f"consultations.{_kind(item)}.reported",
        actor=actor,
        after={"reports": item.report_count, "reason": report.reason},
    )
    if item.status == Comment.Status.HIDDEN:
        audit.record(item, f"consultations.{_kind(item)}.hidden", actor=None)
        emails.send_templated(
            "consultations/emails/content_hidden.txt",
            to=account_selectors.secretariat_emails(),
            context={"item": item, "kind": _kind(item), "reports": item.report_count},
        )
    return report


@transaction.atomic
def moderation_decide(
    *,
    item: Comment | Amendment,
    actor: User,
    decision: str,
    reason: str,
) -> ModerationDecision:
    """The secretariat keeps `item` (published again, its reports resolved) or removes it, with a
    reason; the decision is logged, and the author (if they have an account) is told of a
    removal by e-mail."""
    ensure_secretariat(actor)
    if decision not in ModerationDecision.Decision.values:
        message = _("Choose whether to keep or remove it.")
        raise InvalidInput(message, fields={"decision": [message]})
    reason = _clean_text(reason)
    if not reason:
        message = _("Give the reason for your decision; it is kept in the log.")
        raise InvalidInput(message, fields={"reason": [message]})
    item = _locked(item)
    if item.status == Comment.Status.DRAFT:
        raise InvalidState(_("A draft is not public and cannot be moderated."))
    before = item.status
    record = ModerationDecision(**_target(item), decision=decision, reason=reason, decided_by=actor)
    _full_clean(record)
    record.save()
    is_keep = decision == ModerationDecision.Decision.KEEP
    item.status = Comment.Status.PUBLISHED if is_keep else Comment.Status.REMOVED
    item.report_count = 0
    item.save(update_fields=["status", "report_count", "updated_at"])
    ContentReport.objects.filter(**_target(item), is_resolved=False).update(is_resolved=True)
    audit.record(
        item,
        f"consultations.{_kind(item)}.{'kept' if is_keep else 'removed'}",
        actor=actor,
        before={"status": before},
        after={"status": item.status},
        message=reason,
    )
    author = item.respondent.user
    if not is_keep and author is not None and author.is_active and author.email:
        emails.send_templated(
            "consultations/emails/content_removed.txt",
            to=[author.email],
            context={
                "item": item,
                "kind": _kind(item),
                "reason": reason,
                "consultation": item.respondent.consultation,
                "section": item.section,
            },
        )
    return record
