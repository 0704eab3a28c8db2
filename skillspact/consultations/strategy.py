"""Writes for strategy documents and their versions, the set-up of consultations, and "you said,
we did" (the changes between the consulted and the next version, outcomes, published results).

Only the secretariat calls these. Published versions never change: every section edit checks
that its version is a draft. A consultation moves draft → open → analysis → results; results
need a result version (a later published version of the same document) and e-mail each
respondent with an account what became of their comments, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillspact.accounts.models import User
from skillspact.consultations import analysis, parsing
from skillspact.consultations.models import (
    Amendment,
    Comment,
    Consultation,
    GeneralQuestion,
    Outcome,
    Respondent,
    Section,
    SectionChange,
    StrategyDocument,
    StrategyVersion,
)
from skillspact.core import audit, emails, uploads
from skillspact.core.errors import InvalidInput, InvalidState
from skillspact.core.permissions import ensure_secretariat
from skillspact.core.validation import full_clean as _full_clean

CONSULTATION_FIELDS = [
    "version",
    "title",
    "slug",
    "introduction",
    "opens_at",
    "closes_at",
    "allows_anonymous",
]
MAX_CHOICES = 20
# "/secretariat/consultations/new/" is the page that creates one.
RESERVED_SLUGS = frozenset({"new"})
MAX_CHOICE_LENGTH = 200
# Positions are moved out of the way by this much while sections are reordered, so that the
# unique (version, position) constraint holds at every step on every database.
_POSITION_OFFSET = 1_000_000


class VersionPublished(InvalidState):
    code = "version_published"
    default_message = gettext_lazy(
        "This version is published and can no longer change. Create a new version to edit it."
    )


class WrongPhase(InvalidState):
    code = "wrong_phase"
    default_message = gettext_lazy("The consultation is not in the phase this needs.")


# -- helpers -----------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _free_slug(model: type[StrategyDocument] | type[Consultation], base: str) -> str:
    base = (slugify(base) or "strategy")[:100].strip("-") or "strategy"
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    return parsing.unique_key(base, taken)


def _read_upload(upload: UploadedFile, *, field: str = "upload") -> tuple[str, bytes]:
    """The name and bytes of an uploaded strategy file, after the site's upload checks."""
    name = upload.name or ""
    extension = PurePath(name).suffix.lower()
    if extension not in parsing.TEXT_EXTENSIONS | parsing.DOCX_EXTENSIONS:
        raise parsing.ParseError(
            _("Upload a Markdown (.md), text (.txt) or Word (.docx) file."), field=field
        )
    try:
        uploads.validate_document(upload)
    except ValidationError as error:
        # For text the parser says on which line it stops being UTF-8; let it.
        if not (error.code == "bad_content" and extension in parsing.TEXT_EXTENSIONS):
            raise parsing.ParseError(error.messages[0], field=field) from error
    upload.seek(0)
    return name, upload.read()


def _parse(
    *,
    text: str,
    upload: UploadedFile | None,
    previous: Iterable[tuple[str, str]] = (),
) -> tuple[list[parsing.ParsedSection], str]:
    """The sections of an upload or of pasted text, and the name they came from."""
    if upload is not None and _text(text):
        raise _invalid("text", _("Upload a file or paste the text, not both."))
    if upload is not None:
        name, data = _read_upload(upload)
        return parsing.parse_upload(name, data, previous=previous), PurePath(name).name[:200]
    if not _text(text):
        raise _invalid("text", _("Upload a file or paste the text of the strategy."))
    return parsing.parse_markdown(text, previous=previous, field="text"), ""


def _sections_create(version: StrategyVersion, parsed: list[parsing.ParsedSection]) -> None:
    Section.objects.bulk_create(
        Section(
            version=version,
            position=index,
            number=section.number,
            level=section.level,
            heading=section.heading,
            body=section.body,
            key=section.key,
        )
        for index, section in enumerate(parsed, start=1)
    )


def _ensure_draft(version: StrategyVersion) -> StrategyVersion:
    """The version, locked; refuses a published one."""
    locked = StrategyVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published:
        raise VersionPublished
    return locked


def _latest(document: StrategyDocument) -> StrategyVersion | None:
    return (
        StrategyVersion.objects.select_for_update()
        .filter(document=document)
        .order_by("-number")
        .first()
    )


# -- strategy documents and versions -----------------------------------------------------------


@transaction.atomic
def strategy_import(
    *,
    actor: User,
    title: str,
    text: str = "",
    upload: UploadedFile | None = None,
    slug: str = "",
) -> StrategyVersion:
    """A new strategy document with its first (draft) version, split from Markdown text or an
    uploaded .md, .txt or .docx file."""
    ensure_secretariat(actor)
    title = _text(title)
    if not title:
        raise _invalid("title", _("Give the strategy a title."))
    parsed, source = _parse(text=text, upload=upload)
    slug = slugify(slug)
    if slug and StrategyDocument.objects.filter(slug=slug).exists():
        raise _invalid("slug", _("Another strategy already has this address."))
    document = StrategyDocument(
        title=title, slug=slug or _free_slug(StrategyDocument, title), created_by=actor
    )
    _full_clean(document, exclude=["created_by"])
    document.save()
    version = StrategyVersion(
        document=document, number=1, title=title, source_name=source, created_by=actor
    )
    _full_clean(version, exclude=["created_by", "previous"])
    version.save()
    _sections_create(version, parsed)
    audit.record(
        document,
        "consultations.strategy.imported",
        actor=actor,
        after={"title": title, "sections": len(parsed), "source": source},
    )
    return version


@transaction.atomic
def version_import(
    *,
    actor: User,
    document: StrategyDocument,
    text: str = "",
    upload: UploadedFile | None = None,
    title: str = "",
) -> StrategyVersion:
    """The next (draft) version of `document` from a revised file or text; a section keeps the
    key of the previous version's section with the same heading, so the two pair up."""
    ensure_secretariat(actor)
    latest = _latest(document)
    if latest is not None and not latest.is_published:
        raise InvalidState(
            _("Version %(number)s is still a draft: publish or edit it first.")
            % {"number": latest.number}
        )
    previous = (
        list(latest.sections.order_by("position").values_list("heading", "key")) if latest else []
    )
    parsed, source = _parse(text=text, upload=upload, previous=previous)
    version = StrategyVersion(
        document=document,
        number=(latest.number + 1) if latest else 1,
        title=_text(title) or (latest.title if latest else document.title),
        previous=latest,
        source_name=source,
        created_by=actor,
    )
    _full_clean(version, exclude=["created_by", "previous"])
    version.save()
    _sections_create(version, parsed)
    audit.record(
        version,
        "consultations.version.imported",
        actor=actor,
        after={"number": version.number, "sections": len(parsed), "source": source},
    )
    return version


@transaction.atomic
def version_create_next(*, actor: User, document: StrategyDocument) -> StrategyVersion:
    """A draft copy of the latest published version, sections and keys kept, to edit."""
    ensure_secretariat(actor)
    latest = _latest(document)
    if latest is None:
        raise InvalidState(_("This strategy has no version yet."))
    if not latest.is_published:
        raise InvalidState(
            _("Version %(number)s is still a draft: edit it, or publish it first.")
            % {"number": latest.number}
        )
    version = StrategyVersion.objects.create(
        document=document,
        number=latest.number + 1,
        title=latest.title,
        previous=latest,
        created_by=actor,
    )
    Section.objects.bulk_create(
        Section(
            version=version,
            position=section.position,
            number=section.number,
            level=section.level,
            heading=section.heading,
            body=section.body,
            key=section.key,
        )
        for section in latest.sections.order_by("position")
    )
    audit.record(
        version,
        "consultations.version.created",
        actor=actor,
        after={"number": version.number, "from": latest.number},
    )
    return version


@transaction.atomic
def version_update(
    *, actor: User, version: StrategyVersion, title: str, summary: str = ""
) -> StrategyVersion:
    """Change a draft version's title and its note of what changed."""
    ensure_secretariat(actor)
    version = _ensure_draft(version)
    before = audit.snapshot(version, ["title", "summary"])
    version.title = _text(title)
    version.summary = _text(summary)
    _full_clean(version, exclude=["created_by", "previous", "document"])
    version.save(update_fields=["title", "summary", "updated_at"])
    old, new = audit.changed(before, audit.snapshot(version, ["title", "summary"]))
    if new:
        audit.record(version, "consultations.version.changed", actor=actor, before=old, after=new)
    return version


@transaction.atomic
def version_publish(*, actor: User, version: StrategyVersion) -> StrategyVersion:
    """Publish a draft version; from now on it never changes."""
    ensure_secretariat(actor)
    version = _ensure_draft(version)
    if not version.sections.exists():
        raise InvalidState(_("A version without sections cannot be published."))
    version.is_published = True
    version.published_at = timezone.now()
    version.save(update_fields=["is_published", "published_at", "updated_at"])
    audit.record(
        version, "consultations.version.published", actor=actor, after={"number": version.number}
    )
    return version


# -- sections of a draft version ---------------------------------------------------------------


def _resequence(version: StrategyVersion, ordered: list[Section]) -> None:
    """Store `ordered` as the version's sections in that order, numbered from their levels."""
    Section.objects.filter(version=version).update(position=F("position") + _POSITION_OFFSET)
    levels = [section.level for section in ordered]
    if ordered and ordered[0].key == parsing.PREAMBLE_KEY:
        # The preamble is not a numbered part; the parts after it count from 1.
        numbers = [parsing.PREAMBLE_NUMBER, *parsing.number_sections(levels[1:])]
    else:
        numbers = parsing.number_sections(levels)
    for index, section in enumerate(ordered):
        section.position = index + 1
        section.number = numbers[index]
    Section.objects.bulk_update(ordered, ["position", "number"])


def _sections_of(version: StrategyVersion) -> list[Section]:
    return list(Section.objects.filter(version=version).order_by("position"))


def _clean_section(heading: str, body: str, level: int) -> tuple[str, str, int]:
    heading = " ".join(_text(heading).split())
    body = _text(body)
    errors: dict[str, list[str]] = {}
    if not heading:
        errors["heading"] = [_("Give the section a heading.")]
    elif len(heading) > parsing.MAX_HEADING:
        errors["heading"] = [
            _("A heading has at most %(limit)s characters.") % {"limit": parsing.MAX_HEADING}
        ]
    if len(body) > parsing.MAX_BODY:
        errors["body"] = [
            _("A section has at most %(limit)s characters.") % {"limit": f"{parsing.MAX_BODY:,}"}
        ]
    if level not in range(1, parsing.MAX_LEVEL + 1):
        errors["level"] = [_("Choose a level from 1 to 3.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return heading, body, level


@transaction.atomic
def section_add(
    *,
    actor: User,
    version: StrategyVersion,
    heading: str,
    body: str = "",
    level: int = 1,
    after: Section | None = None,
) -> Section:
    """Add a section to a draft version, after `after` (else at the end); numbers follow."""
    ensure_secretariat(actor)
    version = _ensure_draft(version)
    heading, body, level = _clean_section(heading, body, level)
    sections = _sections_of(version)
    if len(sections) >= parsing.MAX_SECTIONS:
        raise InvalidState(
            _("A version has at most %(limit)s sections.") % {"limit": parsing.MAX_SECTIONS}
        )
    if after is not None and after.version_id != version.pk:
        raise _invalid("after", _("That section is not part of this version."))
    key = parsing.unique_key(
        parsing.heading_key(heading), {s.key for s in sections} | parsing.RESERVED_KEYS
    )
    section = Section.objects.create(
        version=version,
        position=len(sections) + _POSITION_OFFSET * 2,  # placed for real just below
        number="0",
        level=level,
        heading=heading,
        body=body,
        key=key,
    )
    index = next((i + 1 for i, s in enumerate(sections) if after and s.pk == after.pk), None)
    ordered = sections[:index] + [section] + sections[index:] if index else [*sections, section]
    _resequence(version, ordered)
    audit.record(
        section,
        "consultations.section.added",
        actor=actor,
        after={"version": version.number, "number": section.number, "heading": heading},
    )
    return section


@transaction.atomic
def section_update(
    *, actor: User, section: Section, heading: str, body: str, level: int | None = None
) -> Section:
    """Change a section of a draft version; its key stays, so it still pairs with the previous
    version's section."""
    ensure_secretariat(actor)
    version = _ensure_draft(section.version)
    section = Section.objects.get(pk=section.pk)
    heading, body, level = _clean_section(heading, body, section.level if level is None else level)
    before = {"heading": section.heading, "level": section.level}
    body_changed = body != section.body
    section.heading, section.body = heading, body
    level_changed = level != section.level
    section.level = level
    section.save(update_fields=["heading", "body", "level"])
    if level_changed:
        _resequence(version, _sections_of(version))
        section.refresh_from_db()
    old, new = audit.changed(before, {"heading": heading, "level": level})
    if new or body_changed:
        audit.record(
            section,
            "consultations.section.changed",
            actor=actor,
            before=old,
            after=new,
            message=_("The text changed.") if body_changed else "",
        )
    return section


@transaction.atomic
def section_remove(*, actor: User, section: Section) -> None:
    """Remove a section from a draft version; the others are renumbered."""
    ensure_secretariat(actor)
    version = _ensure_draft(section.version)
    sections = _sections_of(version)
    if len(sections) <= 1:
        raise InvalidState(_("A version keeps at least one section."))
    remaining = [s for s in sections if s.pk != section.pk]
    audit.record(
        section,
        "consultations.section.removed",
        actor=actor,
        before={"number": section.number, "heading": section.heading, "key": section.key},
    )
    Section.objects.filter(pk=section.pk).delete()
    _resequence(version, remaining)


@transaction.atomic
def section_move(*, actor: User, section: Section, offset: int) -> Section:
    """Move a section of a draft version up (-1) or down (+1) one place; numbers follow."""
    ensure_secretariat(actor)
    if offset not in (-1, 1):
        raise _invalid("offset", _("A section moves one place up or down."))
    version = _ensure_draft(section.version)
    sections = _sections_of(version)
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    target = index + offset
    if not 0 <= target < len(sections):
        raise InvalidState(_("The section is already at that end."))
    sections[index], sections[target] = sections[target], sections[index]
    _resequence(version, sections)
    moved = sections[target]
    audit.record(
        moved,
        "consultations.section.moved",
        actor=actor,
        after={"number": moved.number, "position": moved.position},
    )
    return moved


# -- consultations -----------------------------------------------------------------------------


def _check_consultation(consultation: Consultation) -> None:
    errors: dict[str, list[str]] = {}
    if not consultation.title:
        errors["title"] = [_("Give the consultation a title.")]
    if not consultation.version.is_published:
        errors["version"] = [_("A consultation runs on a published version.")]
    opens_at, closes_at = consultation.opens_at, consultation.closes_at
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [_("The consultation must close after it opens.")]
    if consultation.slug in RESERVED_SLUGS:
        errors["slug"] = [_("This address is taken by a page of the site; choose another.")]
    elif (
        consultation.slug
        and Consultation.objects.filter(slug=consultation.slug).exclude(pk=consultation.pk).exists()
    ):
        errors["slug"] = [_("Another consultation already has this address.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)


@transaction.atomic
def consultation_create(
    *,
    actor: User,
    version: StrategyVersion,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    slug: str = "",
    introduction: str = "",
    allows_anonymous: bool = False,
) -> Consultation:
    """A consultation (in preparation) on a published version."""
    ensure_secretariat(actor)
    consultation = Consultation(
        version=version,
        title=_text(title),
        slug=slugify(slug) or _free_slug(Consultation, title),
        introduction=_text(introduction),
        opens_at=opens_at,
        closes_at=closes_at,
        allows_anonymous=allows_anonymous,
        created_by=actor,
    )
    _check_consultation(consultation)
    _full_clean(consultation, exclude=["created_by", "result_version"])
    consultation.save()
    audit.record(
        consultation,
        "consultations.consultation.created",
        actor=actor,
        after=audit.snapshot(consultation, CONSULTATION_FIELDS),
    )
    return consultation


@transaction.atomic
def consultation_update(
    *,
    actor: User,
    consultation: Consultation,
    version: StrategyVersion,
    title: str,
    slug: str,
    opens_at: datetime,
    closes_at: datetime,
    introduction: str = "",
    allows_anonymous: bool = False,
) -> Consultation:
    """Change a consultation while it is in preparation."""
    ensure_secretariat(actor)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.phase != Consultation.Phase.DRAFT:
        raise WrongPhase(_("Only a consultation in preparation can be changed."))
    before = audit.snapshot(consultation, CONSULTATION_FIELDS)
    consultation.version = version
    consultation.title = _text(title)
    consultation.slug = slugify(slug) or consultation.slug
    consultation.introduction = _text(introduction)
    consultation.opens_at = opens_at
    consultation.closes_at = closes_at
    consultation.allows_anonymous = allows_anonymous
    _check_consultation(consultation)
    _full_clean(consultation, exclude=["created_by", "result_version"])
    consultation.save()
    old, new = audit.changed(before, audit.snapshot(consultation, CONSULTATION_FIELDS))
    if new:
        audit.record(
            consultation, "consultations.consultation.changed", actor=actor, before=old, after=new
        )
    return consultation


def _clean_choices(kind: str, choices: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(" ".join(c.split()) for c in choices if c and c.strip()))
    if kind == GeneralQuestion.Kind.TEXT:
        return []
    if not 2 <= len(cleaned) <= MAX_CHOICES:
        raise _invalid(
            "choices", _("Give from 2 to %(limit)s different choices.") % {"limit": MAX_CHOICES}
        )
    if any(len(c) > MAX_CHOICE_LENGTH for c in cleaned):
        raise _invalid(
            "choices",
            _("A choice has at most %(limit)s characters.") % {"limit": MAX_CHOICE_LENGTH},
        )
    return cleaned


def _ensure_in_preparation(consultation: Consultation) -> Consultation:
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.phase != Consultation.Phase.DRAFT:
        raise WrongPhase(_("Questions change only while the consultation is in preparation."))
    return locked


@transaction.atomic
def question_save(
    *,
    actor: User,
    consultation: Consultation,
    text: str,
    kind: str = GeneralQuestion.Kind.TEXT,
    choices: Iterable[str] = (),
    question: GeneralQuestion | None = None,
) -> GeneralQuestion:
    """Add a general question to a consultation in preparation, or change one."""
    ensure_secretariat(actor)
    consultation = _ensure_in_preparation(consultation)
    if kind not in GeneralQuestion.Kind.values:
        raise _invalid("kind", _("Choose free text or one choice."))
    if question is not None and question.consultation_id != consultation.pk:
        raise _invalid("question", _("That question belongs to another consultation."))
    is_new = question is None
    if question is None:
        last = consultation.questions.aggregate(models.Max("position"))["position__max"]
        question = GeneralQuestion(consultation=consultation, position=(last or 0) + 1)
    question.text = " ".join(_text(text).split())
    question.kind = kind
    question.choices = _clean_choices(kind, choices)
    if not question.text:
        raise _invalid("text", _("Write the question."))
    _full_clean(question)
    question.save()
    audit.record(
        consultation,
        "consultations.question.added" if is_new else "consultations.question.changed",
        actor=actor,
        after={"question": question.text, "kind": kind, "choices": question.choices},
    )
    return question


@transaction.atomic
def question_remove(*, actor: User, question: GeneralQuestion) -> None:
    """Remove a general question from a consultation in preparation."""
    ensure_secretariat(actor)
    consultation = _ensure_in_preparation(question.consultation)
    audit.record(
        consultation,
        "consultations.question.removed",
        actor=actor,
        before={"question": question.text},
    )
    GeneralQuestion.objects.filter(pk=question.pk).delete()


# -- phases ------------------------------------------------------------------------------------


def _locked_in(consultation: Consultation, *phases: str) -> Consultation:
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.phase not in phases:
        raise WrongPhase(
            _("The consultation is “%(phase)s”; this cannot be done now.")
            % {"phase": locked.get_phase_display()}
        )
    return locked


def _move(consultation: Consultation, phase: str, code: str, actor: User) -> Consultation:
    before = consultation.phase
    consultation.phase = phase
    consultation.save(update_fields=["phase", "updated_at"])
    audit.record(consultation, code, actor=actor, before={"phase": before}, after={"phase": phase})
    return consultation


@transaction.atomic
def consultation_open(*, actor: User, consultation: Consultation) -> Consultation:
    """Open a consultation in preparation: respondents can write between its dates."""
    ensure_secretariat(actor)
    consultation = _locked_in(consultation, Consultation.Phase.DRAFT)
    if not consultation.version.is_published:
        raise InvalidState(_("Publish the version before opening the consultation on it."))
    if not consultation.version.sections.exists():
        raise InvalidState(_("The version has no sections to comment on."))
    if consultation.closes_at <= timezone.now():
        raise InvalidInput(
            _("The closing date is past: move it later before opening."),
            fields={"closes_at": [_("The closing date is past: move it later before opening.")]},
        )
    return _move(consultation, Consultation.Phase.OPEN, "consultations.consultation.opened", actor)


@transaction.atomic
def consultation_close(*, actor: User, consultation: Consultation) -> Consultation:
    """End the comments of an open consultation and start the analysis."""
    ensure_secretariat(actor)
    consultation = _locked_in(consultation, Consultation.Phase.OPEN)
    consultation = _move(
        consultation, Consultation.Phase.ANALYSIS, "consultations.consultation.closed", actor
    )
    # The analysis starts with themes across the comments, computed in the background.
    analysis.themes_request(consultation=consultation, actor=actor)
    return consultation


@transaction.atomic
def consultation_reopen(*, actor: User, consultation: Consultation) -> Consultation:
    """Open a consultation under analysis again (closed too early), if its closing date is
    still ahead."""
    ensure_secretariat(actor)
    consultation = _locked_in(consultation, Consultation.Phase.ANALYSIS)
    if consultation.closes_at <= timezone.now():
        raise InvalidState(_("The closing date is past; a closed consultation stays closed."))
    return _move(
        consultation, Consultation.Phase.OPEN, "consultations.consultation.reopened", actor
    )


# -- "you said, we did" ------------------------------------------------------------------------


def _differs(before: Section, after: Section) -> bool:
    return (before.heading, before.body.strip(), before.level) != (
        after.heading,
        after.body.strip(),
        after.level,
    )


def _changes_sync(consultation: Consultation) -> list[SectionChange]:
    """SectionChange rows between the consulted and the result version, sections paired by
    key; explanations (and links from outcomes) survive when the pairing still holds."""
    assert consultation.result_version_id is not None
    old = {s.key: s for s in Section.objects.filter(version_id=consultation.version_id)}
    new = list(
        Section.objects.filter(version_id=consultation.result_version_id).order_by("position")
    )
    new_keys = {s.key for s in new}
    wanted: dict[str, tuple[str, Section | None, Section | None]] = {}
    for section in new:
        before = old.get(section.key)
        if before is None:
            wanted[section.key] = (SectionChange.Kind.ADDED, None, section)
        elif _differs(before, section):
            wanted[section.key] = (SectionChange.Kind.CHANGED, before, section)
    for key, before in sorted(old.items(), key=lambda item: item[1].position):
        if key not in new_keys:
            wanted[key] = (SectionChange.Kind.REMOVED, before, None)
    existing = {
        (change.after or change.before).key: change  # type: ignore[union-attr]
        for change in SectionChange.objects.filter(consultation=consultation).select_related(
            "before", "after"
        )
    }
    kept: list[SectionChange] = []
    for key, (kind, before_section, after_section) in wanted.items():
        change = existing.pop(key, None)
        if change is None:
            change = SectionChange(consultation=consultation)
        change.kind = kind
        change.before = before_section
        change.after = after_section
        change.save()
        kept.append(change)
    SectionChange.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
    return kept


@transaction.atomic
def result_version_set(
    *, actor: User, consultation: Consultation, version: StrategyVersion
) -> list[SectionChange]:
    """Name the published version that answers the consultation and compute the changes from
    the consulted version, section by section."""
    ensure_secretariat(actor)
    consultation = _locked_in(consultation, Consultation.Phase.ANALYSIS)
    consulted = consultation.version
    version = StrategyVersion.objects.get(pk=version.pk)  # as stored, not as the caller saw it
    if (
        version.document_id != consulted.document_id
        or not version.is_published
        or version.number <= consulted.number
    ):
        raise _invalid(
            "version",
            _("Choose a published version of “%(title)s” later than version %(number)s.")
            % {"title": consulted.document.title, "number": consulted.number},
        )
    previous = consultation.result_version_id
    consultation.result_version = version
    consultation.save(update_fields=["result_version", "updated_at"])
    changes = _changes_sync(consultation)
    if previous != version.pk:
        audit.record(
            consultation,
            "consultations.consultation.result_version_set",
            actor=actor,
            after={"version": version.number, "changes": len(changes)},
        )
    return changes


@transaction.atomic
def change_explain(*, actor: User, change: SectionChange, explanation: str) -> SectionChange:
    """Say what changed in a section and why, for the results page."""
    ensure_secretariat(actor)
    _locked_in(change.consultation, Consultation.Phase.ANALYSIS, Consultation.Phase.RESULTS)
    change = SectionChange.objects.get(pk=change.pk)
    before = change.explanation
    change.explanation = _text(explanation)
    _full_clean(change)
    change.save(update_fields=["explanation"])
    if before != change.explanation:
        audit.record(
            change.consultation,
            "consultations.change.explained",
            actor=actor,
            after={"change": change.pk, "kind": change.kind},
        )
    return change


@transaction.atomic
def outcome_set(
    *,
    actor: User,
    consultation: Consultation,
    result: str,
    reply: str,
    comment: Comment | None = None,
    amendment: Amendment | None = None,
    change: SectionChange | None = None,
) -> Outcome:
    """Record what became of a published comment or amendment of this consultation, with the
    secretariat's reply, optionally linked to the change it led to."""
    ensure_secretariat(actor)
    consultation = _locked_in(consultation, Consultation.Phase.ANALYSIS, Consultation.Phase.RESULTS)
    target: Comment | Amendment
    if comment is not None and amendment is None:
        field, target = "comment", Comment.objects.select_related("respondent").get(pk=comment.pk)
    elif amendment is not None and comment is None:
        field = "amendment"
        target = Amendment.objects.select_related("respondent").get(pk=amendment.pk)
    else:
        raise InvalidInput(_("Choose one comment or one amendment."))
    if target.respondent.consultation_id != consultation.pk:
        raise _invalid(field, _("This belongs to another consultation."))
    if target.status != Comment.Status.PUBLISHED:
        raise InvalidState(_("Only published comments and amendments get an outcome."))
    errors: dict[str, list[str]] = {}
    if result not in Outcome.Result.values:
        errors["result"] = [_("Choose accepted, partly taken up or not taken up.")]
    if not _text(reply):
        errors["reply"] = [_("Write a reply: the respondent will read it.")]
    if change is not None and change.consultation_id != consultation.pk:
        errors["change"] = [_("This change belongs to another consultation.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    outcome = Outcome.objects.filter(**{field: target}).first() or Outcome(
        consultation=consultation, **{field: target}
    )
    before = audit.snapshot(outcome, ["result", "reply", "change"]) if outcome.pk else {}
    outcome.result = result
    outcome.reply = _text(reply)
    outcome.change = change
    outcome.decided_by = actor
    _full_clean(outcome, exclude=["decided_by", "notified_at"])
    outcome.save()
    old, new = audit.changed(before, audit.snapshot(outcome, ["result", "reply", "change"]))
    if new:
        audit.record(
            outcome,
            "consultations.outcome.set",
            actor=actor,
            before=old,
            after={**new, field: str(target.public_id)},
        )
    return outcome


@transaction.atomic
def results_publish(*, actor: User, consultation: Consultation) -> int:
    """Publish the results ("you said, we did") and e-mail each respondent with an account what
    became of their comments and amendments; publishing again only tells about new outcomes.
    Returns how many people are e-mailed."""
    ensure_secretariat(actor)
    consultation = _locked_in(consultation, Consultation.Phase.ANALYSIS, Consultation.Phase.RESULTS)
    if consultation.result_version_id is None:
        raise InvalidState(
            _("Choose the version that answers this consultation before publishing results.")
        )
    now = timezone.now()
    is_first = consultation.results_published_at is None
    if is_first:
        consultation.results_published_at = now
    phase_before = consultation.phase
    consultation.phase = Consultation.Phase.RESULTS
    consultation.save(update_fields=["phase", "results_published_at", "updated_at"])
    pending = Outcome.objects.filter(
        consultation=consultation, notified_at__isnull=True
    ).select_related(
        "comment__respondent", "amendment__respondent", "comment__section", "amendment__section"
    )
    pending_by_respondent: dict[int, list[Outcome]] = {}
    for outcome in pending:
        item = outcome.comment or outcome.amendment
        assert item is not None
        pending_by_respondent.setdefault(item.respondent_id, []).append(outcome)
    respondents = Respondent.objects.filter(
        consultation=consultation, user__isnull=False, user__is_active=True
    ).select_related("user")
    if is_first:
        # Everyone who took part hears of the results once, with or without an outcome.
        # Taking part means submitting, or publishing a comment or an amendment, or rating.
        respondents = respondents.filter(
            models.Q(submitted_at__isnull=False)
            | models.Q(pk__in=pending_by_respondent)
            | models.Q(comments__status__in=["published", "hidden", "removed"])
            | models.Q(amendments__status__in=["published", "hidden", "removed"])
            | models.Q(ratings__isnull=False)
        ).distinct()
    else:
        respondents = respondents.filter(pk__in=pending_by_respondent)
    undecided = _undecided_counts(consultation) if is_first else {}
    link = reverse("consultations:results", args=[consultation.slug])
    notified: list[int] = []
    mailed = 0
    for respondent in respondents:
        assert respondent.user is not None
        outcomes = pending_by_respondent.get(respondent.pk, [])
        emails.send_templated(
            "consultations/emails/outcome_summary.txt",
            to=[respondent.user.email],
            context={
                "consultation": consultation,
                "outcomes": outcomes,
                "undecided": undecided.get(respondent.pk, 0),
                "is_first": is_first,
                "link": link,
            },
        )
        mailed += 1
        notified.extend(o.pk for o in outcomes)
    Outcome.objects.filter(pk__in=notified).update(notified_at=now)
    audit.record(
        consultation,
        "consultations.consultation.results_published",
        actor=actor,
        before={"phase": phase_before},
        after={"phase": consultation.phase},
        message=_("%(count)s respondents e-mailed") % {"count": mailed},
    )
    return mailed


def _undecided_counts(consultation: Consultation) -> dict[int, int]:
    """Per respondent, how many of their published comments and amendments have no outcome."""
    counts: dict[int, int] = {}
    for model in (Comment, Amendment):
        rows = (
            model.objects.filter(  # type: ignore[attr-defined]
                respondent__consultation=consultation,
                status=Comment.Status.PUBLISHED,
                outcome__isnull=True,
            )
            .values_list("respondent_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for respondent_id, n in rows:
            counts[respondent_id] = counts.get(respondent_id, 0) + n
    return counts
