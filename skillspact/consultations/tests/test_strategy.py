"""Business rules of strategy documents and versions, consultation set-up, and "you said, we
did": who may act, phases and their checks, versions that freeze, changes and outcomes, and the
results e-mails that go out once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.consultations import strategy
from skillspact.consultations.factories import (
    AmendmentFactory,
    CommentFactory,
    ConsultationFactory,
    RespondentFactory,
    SectionFactory,
    StrategyVersionFactory,
)
from skillspact.consultations.models import (
    Comment,
    Consultation,
    GeneralQuestion,
    Outcome,
    Section,
    SectionChange,
    StrategyDocument,
    StrategyVersion,
    Theme,
)
from skillspact.consultations.parsing import ParseError
from skillspact.consultations.tests.test_parsing import docx_bytes
from skillspact.core.errors import InvalidInput, InvalidState
from skillspact.core.models import AuditEntry

pytestmark = pytest.mark.django_db

TEXT = """\
Why this strategy.

# Vision
Every health worker has the skills of tomorrow.

## Digital skills
Nurses learn telehealth.

# Funding
Erasmus+ pays.
"""
NOW = timezone.now


def audit_codes(prefix: str = "consultations.") -> list[str]:
    return list(
        AuditEntry.objects.filter(code__startswith=prefix)
        .order_by("id")
        .values_list("code", flat=True)
    )


def outline(version: StrategyVersion) -> list[tuple[int, str, int, str, str]]:
    return list(
        version.sections.order_by("position").values_list(
            "position", "number", "level", "heading", "key"
        )
    )


def published(officer, text: str = TEXT, title: str = "Skills strategy") -> StrategyVersion:
    version = strategy.strategy_import(actor=officer, title=title, text=text)
    return strategy.version_publish(actor=officer, version=version)


def in_analysis(version: StrategyVersion, **kwargs: object) -> Consultation:
    return ConsultationFactory(version=version, phase=Consultation.Phase.ANALYSIS, **kwargs)


# -- importing ----------------------------------------------------------------------------------


def test_the_secretariat_imports_markdown_as_a_draft_first_version(secretariat_officer):
    version = strategy.strategy_import(
        actor=secretariat_officer, title="Skills strategy 2030", text=TEXT
    )

    document = StrategyDocument.objects.get()
    assert (document.title, document.slug, document.created_by) == (
        "Skills strategy 2030",
        "skills-strategy-2030",
        secretariat_officer,
    )
    assert (version.number, version.is_published, version.published_at) == (1, False, None)
    assert outline(version) == [
        (1, "0", 1, "Preamble", "preamble"),
        (2, "1", 1, "Vision", "vision"),
        (3, "1.1", 2, "Digital skills", "digital-skills"),
        (4, "2", 1, "Funding", "funding"),
    ]
    assert audit_codes() == ["consultations.strategy.imported"]


def test_a_word_file_is_imported_with_its_name(secretariat_officer):
    upload = SimpleUploadedFile(
        "strategy-v1.docx",
        docx_bytes([("Heading1", "Vision"), ("", "Skills."), ("Heading2", "Nurses")]),
    )

    version = strategy.strategy_import(actor=secretariat_officer, title="Strategy", upload=upload)

    assert version.source_name == "strategy-v1.docx"
    assert outline(version) == [(1, "1", 1, "Vision", "vision"), (2, "1.1", 2, "Nurses", "nurses")]


def test_a_file_that_is_not_utf8_is_refused_with_its_line_and_nothing_is_stored(
    secretariat_officer,
):
    upload = SimpleUploadedFile("strategy.md", "# Vision\nCaf\xe9\n".encode("latin-1"))

    with pytest.raises(ParseError) as caught:
        strategy.strategy_import(actor=secretariat_officer, title="Strategy", upload=upload)

    assert caught.value.fields == {
        "upload": [
            "Line 2: the file is not UTF-8 text. Save it as UTF-8 (or as .docx) and upload it "
            "again."
        ]
    }
    assert StrategyDocument.objects.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("strategy.md", b"", "The file is empty."),
        ("strategy.md", b"\n  \n", "There is no text in it."),
        ("strategy.pdf", b"%PDF-1.4 text", "Upload a Markdown (.md), text (.txt) or Word"),
        ("strategy.docx", b"# Not Word", "does not match its “.docx” extension"),
    ],
)
def test_unusable_files_are_refused(secretariat_officer, name, content, message):
    with pytest.raises(ParseError) as caught:
        strategy.strategy_import(
            actor=secretariat_officer,
            title="Strategy",
            upload=SimpleUploadedFile(name, content),
        )

    assert message in caught.value.message
    assert StrategyDocument.objects.count() == StrategyVersion.objects.count() == 0


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(secretariat_officer):
    upload = SimpleUploadedFile("strategy.md", b"# Big\n" + b"x" * 2000)

    with pytest.raises(ParseError, match="the limit is"):
        strategy.strategy_import(actor=secretariat_officer, title="Strategy", upload=upload)

    assert StrategyDocument.objects.count() == 0


def test_a_file_and_pasted_text_together_are_refused(secretariat_officer):
    with pytest.raises(InvalidInput) as caught:
        strategy.strategy_import(
            actor=secretariat_officer,
            title="Strategy",
            text=TEXT,
            upload=SimpleUploadedFile("s.md", TEXT.encode()),
        )

    assert caught.value.fields == {"text": ["Upload a file or paste the text, not both."]}


def test_a_taken_address_is_refused_but_a_made_up_one_gets_a_suffix(secretariat_officer):
    published(secretariat_officer, title="Skills strategy")

    second = strategy.strategy_import(actor=secretariat_officer, title="Skills strategy", text=TEXT)
    with pytest.raises(InvalidInput) as caught:
        strategy.strategy_import(
            actor=secretariat_officer, title="Other", text=TEXT, slug="skills-strategy"
        )

    assert second.document.slug == "skills-strategy-2"
    assert caught.value.fields == {"slug": ["Another strategy already has this address."]}
    assert StrategyDocument.objects.count() == 2


def test_only_the_secretariat_imports_a_strategy(organisation_contact):
    with pytest.raises(PermissionDenied):
        strategy.strategy_import(actor=organisation_contact, title="Strategy", text=TEXT)

    assert StrategyDocument.objects.count() == 0


# -- versions -----------------------------------------------------------------------------------


def test_a_new_version_copies_the_latest_with_its_keys(secretariat_officer):
    first = published(secretariat_officer)

    second = strategy.version_create_next(actor=secretariat_officer, document=first.document)

    assert (second.number, second.previous, second.is_published) == (2, first, False)
    assert outline(second) == outline(first)
    assert audit_codes()[-1] == "consultations.version.created"


def test_no_second_draft_while_one_is_open(secretariat_officer):
    first = published(secretariat_officer)
    strategy.version_create_next(actor=secretariat_officer, document=first.document)

    with pytest.raises(InvalidState, match="Version 2 is still a draft"):
        strategy.version_create_next(actor=secretariat_officer, document=first.document)

    assert first.document.versions.count() == 2


def test_editing_a_draft_keeps_keys_and_renumbers(secretariat_officer):
    first = published(secretariat_officer)
    draft = strategy.version_create_next(actor=secretariat_officer, document=first.document)
    vision = draft.sections.get(key="vision")
    funding = draft.sections.get(key="funding")

    strategy.section_update(
        actor=secretariat_officer,
        section=vision,
        heading="Our vision",
        body="Every health worker, everywhere.",
    )
    added = strategy.section_add(
        actor=secretariat_officer,
        version=draft,
        heading="Green skills",
        body="Hospitals cut waste.",
        level=2,
        after=draft.sections.get(key="digital-skills"),
    )
    strategy.section_move(actor=secretariat_officer, section=funding, offset=-1)
    strategy.section_remove(actor=secretariat_officer, section=draft.sections.get(key="preamble"))

    assert added.key == "green-skills"
    assert outline(draft) == [
        (1, "1", 1, "Our vision", "vision"),
        (2, "1.1", 2, "Digital skills", "digital-skills"),
        (3, "2", 1, "Funding", "funding"),
        (4, "2.1", 2, "Green skills", "green-skills"),
    ]
    assert outline(first)[1] == (2, "1", 1, "Vision", "vision")
    assert audit_codes()[-4:] == [
        "consultations.section.changed",
        "consultations.section.added",
        "consultations.section.moved",
        "consultations.section.removed",
    ]


def test_a_new_section_with_a_taken_heading_gets_its_own_key(secretariat_officer):
    draft = strategy.strategy_import(actor=secretariat_officer, title="S", text=TEXT)

    section = strategy.section_add(actor=secretariat_officer, version=draft, heading="Vision")

    assert (section.key, section.number, section.position) == ("vision-2", "3", 5)


def test_a_published_version_never_changes(secretariat_officer):
    version = published(secretariat_officer)
    before = outline(version)
    section = version.sections.get(key="vision")

    attempts = [
        lambda: strategy.section_update(
            actor=secretariat_officer, section=section, heading="New", body=""
        ),
        lambda: strategy.section_add(actor=secretariat_officer, version=version, heading="New"),
        lambda: strategy.section_remove(actor=secretariat_officer, section=section),
        lambda: strategy.section_move(actor=secretariat_officer, section=section, offset=1),
        lambda: strategy.version_update(actor=secretariat_officer, version=version, title="New"),
        lambda: strategy.version_publish(actor=secretariat_officer, version=version),
    ]
    for attempt in attempts:
        with pytest.raises(strategy.VersionPublished):
            attempt()

    assert outline(version) == before
    assert StrategyVersion.objects.get().title == "Skills strategy"


def test_publishing_sets_the_date(secretariat_officer):
    draft = strategy.strategy_import(actor=secretariat_officer, title="S", text=TEXT)

    strategy.version_publish(actor=secretariat_officer, version=draft)

    draft.refresh_from_db()
    assert draft.is_published is True
    assert draft.published_at is not None
    assert audit_codes()[-1] == "consultations.version.published"


def test_the_last_section_cannot_be_removed_and_the_edges_do_not_move(secretariat_officer):
    draft = strategy.strategy_import(actor=secretariat_officer, title="S", text="# Only\nText.")
    only = draft.sections.get()

    with pytest.raises(InvalidState, match="at least one section"):
        strategy.section_remove(actor=secretariat_officer, section=only)
    with pytest.raises(InvalidState, match="already at that end"):
        strategy.section_move(actor=secretariat_officer, section=only, offset=-1)

    assert outline(draft) == [(1, "1", 1, "Only", "only")]


def test_a_section_needs_a_heading(secretariat_officer):
    draft = strategy.strategy_import(actor=secretariat_officer, title="S", text=TEXT)

    with pytest.raises(InvalidInput) as caught:
        strategy.section_add(actor=secretariat_officer, version=draft, heading="  ", body="x")

    assert caught.value.fields == {"heading": ["Give the section a heading."]}
    assert draft.sections.count() == 4


def test_an_imported_revision_pairs_its_sections_by_heading(secretariat_officer):
    first = published(secretariat_officer)

    second = strategy.version_import(
        actor=secretariat_officer,
        document=first.document,
        text="# 1 Funding\nMore.\n# 2 Vision\nSkills.\n# 3 Digital skills\nNurses.",
    )

    assert second.previous == first
    assert outline(second) == [
        (1, "1", 1, "Funding", "funding"),
        (2, "2", 1, "Vision", "vision"),
        (3, "3", 1, "Digital skills", "digital-skills"),
    ]


def test_only_the_secretariat_edits_versions(secretariat_officer, outsider):
    version = published(secretariat_officer)

    with pytest.raises(PermissionDenied):
        strategy.version_create_next(actor=outsider, document=version.document)

    assert StrategyVersion.objects.count() == 1


# -- consultations ------------------------------------------------------------------------------


def consultation_data(version: StrategyVersion, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": version,
        "title": "Consultation on the skills strategy",
        "opens_at": NOW() + datetime.timedelta(days=1),
        "closes_at": NOW() + datetime.timedelta(days=60),
        "introduction": "Tell us what you think.",
        "allows_anonymous": True,
    }
    data.update(overrides)
    return data


def test_the_secretariat_creates_a_consultation_in_preparation(secretariat_officer):
    version = published(secretariat_officer)

    consultation = strategy.consultation_create(
        actor=secretariat_officer, **consultation_data(version)
    )

    assert (consultation.slug, consultation.phase, consultation.created_by) == (
        "consultation-on-the-skills-strategy",
        Consultation.Phase.DRAFT,
        secretariat_officer,
    )
    assert audit_codes()[-1] == "consultations.consultation.created"


def test_a_consultation_runs_on_a_published_version_only(secretariat_officer):
    draft = strategy.strategy_import(actor=secretariat_officer, title="S", text=TEXT)

    with pytest.raises(InvalidInput) as caught:
        strategy.consultation_create(actor=secretariat_officer, **consultation_data(draft))

    assert caught.value.fields == {"version": ["A consultation runs on a published version."]}
    assert Consultation.objects.count() == 0


def test_a_consultation_closes_after_it_opens(secretariat_officer):
    version = published(secretariat_officer)

    with pytest.raises(InvalidInput) as caught:
        strategy.consultation_create(
            actor=secretariat_officer,
            **consultation_data(version, closes_at=NOW() - datetime.timedelta(days=5)),
        )

    assert caught.value.fields == {"closes_at": ["The consultation must close after it opens."]}
    assert Consultation.objects.count() == 0


def test_the_address_new_is_kept_for_the_page_that_creates_consultations(secretariat_officer):
    version = published(secretariat_officer)

    with pytest.raises(InvalidInput) as caught:
        strategy.consultation_create(
            actor=secretariat_officer, **consultation_data(version, slug="new")
        )

    assert list(caught.value.fields) == ["slug"]


def test_only_the_secretariat_sets_up_consultations(secretariat_officer, organisation_contact):
    version = published(secretariat_officer)

    with pytest.raises(PermissionDenied):
        strategy.consultation_create(actor=organisation_contact, **consultation_data(version))

    assert Consultation.objects.count() == 0


def test_a_consultation_changes_only_while_in_preparation(secretariat_officer):
    version = published(secretariat_officer)
    created = consultation_data(version)
    consultation = strategy.consultation_create(actor=secretariat_officer, **created)
    data = {**created, "title": "Renamed", "slug": "renamed"}

    strategy.consultation_update(actor=secretariat_officer, consultation=consultation, **data)
    strategy.consultation_open(actor=secretariat_officer, consultation=consultation)
    with pytest.raises(strategy.WrongPhase):
        strategy.consultation_update(
            actor=secretariat_officer, consultation=consultation, **{**data, "title": "Late"}
        )

    consultation.refresh_from_db()
    assert (consultation.title, consultation.slug) == ("Renamed", "renamed")
    entry = AuditEntry.objects.get(code="consultations.consultation.changed")
    assert entry.after == {"title": "Renamed", "slug": "renamed"}


def test_general_questions_with_choices(secretariat_officer):
    consultation = ConsultationFactory(phase=Consultation.Phase.DRAFT)

    text = strategy.question_save(
        actor=secretariat_officer,
        consultation=consultation,
        text="What is missing?",
        choices=["ignored"],
    )
    choice = strategy.question_save(
        actor=secretariat_officer,
        consultation=consultation,
        text="Is the timeline realistic?",
        kind=GeneralQuestion.Kind.CHOICE,
        choices=["Yes", " No ", "", "Yes", "Do not know"],
    )
    with pytest.raises(InvalidInput) as caught:
        strategy.question_save(
            actor=secretariat_officer,
            consultation=consultation,
            text="Pick one",
            kind=GeneralQuestion.Kind.CHOICE,
            choices=["Only one"],
        )

    assert (text.position, text.choices) == (1, [])
    assert (choice.position, choice.choices) == (2, ["Yes", "No", "Do not know"])
    assert caught.value.fields == {"choices": ["Give from 2 to 20 different choices."]}
    assert consultation.questions.count() == 2


def test_questions_change_only_in_preparation(secretariat_officer):
    consultation = ConsultationFactory(phase=Consultation.Phase.OPEN)
    question = GeneralQuestion.objects.create(consultation=consultation, text="Why?")

    with pytest.raises(strategy.WrongPhase):
        strategy.question_save(actor=secretariat_officer, consultation=consultation, text="New?")
    with pytest.raises(strategy.WrongPhase):
        strategy.question_remove(actor=secretariat_officer, question=question)

    assert list(consultation.questions.values_list("text", flat=True)) == ["Why?"]


# -- phases -------------------------------------------------------------------------------------


def test_a_consultation_moves_through_its_phases(secretariat_officer):
    version = published(secretariat_officer)
    consultation = strategy.consultation_create(
        actor=secretariat_officer, **consultation_data(version)
    )

    strategy.consultation_open(actor=secretariat_officer, consultation=consultation)
    strategy.consultation_close(actor=secretariat_officer, consultation=consultation)
    strategy.consultation_reopen(actor=secretariat_officer, consultation=consultation)
    strategy.consultation_close(actor=secretariat_officer, consultation=consultation)

    consultation.refresh_from_db()
    assert consultation.phase == Consultation.Phase.ANALYSIS
    assert audit_codes("consultations.consultation.") == [
        "consultations.consultation.created",
        "consultations.consultation.opened",
        "consultations.consultation.closed",
        "consultations.consultation.reopened",
        "consultations.consultation.closed",
    ]


def test_closing_a_consultation_groups_its_comments_into_themes(
    secretariat_officer, django_capture_on_commit_callbacks
):
    consultation = ConsultationFactory()
    section = SectionFactory(version=consultation.version)
    for body in [
        "Nurses need protected training time for digital skills.",
        "Protected training time on the ward is what nurses lack.",
        "Without protected training time nobody learns the new records system.",
        "Hospitals must cut the energy use of their buildings.",
        "The energy use of hospitals should fall by half.",
        "Energy use in operating theatres is far too high.",
    ]:
        CommentFactory(respondent__consultation=consultation, section=section, body=body)

    with django_capture_on_commit_callbacks(execute=True):
        strategy.consultation_close(actor=secretariat_officer, consultation=consultation)

    groups = {
        frozenset(theme.comments.values_list("body", flat=True))
        for theme in Theme.objects.filter(consultation=consultation)
    }
    assert sum(len(group) for group in groups) == 6
    assert all(len({"energy" in body.lower() for body in group}) == 1 for group in groups)


def test_phases_are_not_skipped(secretariat_officer):
    consultation = ConsultationFactory(phase=Consultation.Phase.DRAFT)

    with pytest.raises(strategy.WrongPhase, match="In preparation"):
        strategy.consultation_close(actor=secretariat_officer, consultation=consultation)
    with pytest.raises(strategy.WrongPhase):
        strategy.results_publish(actor=secretariat_officer, consultation=consultation)

    consultation.refresh_from_db()
    assert consultation.phase == Consultation.Phase.DRAFT


def test_opening_needs_a_closing_date_ahead(secretariat_officer):
    consultation = ConsultationFactory(
        version=published(secretariat_officer),
        phase=Consultation.Phase.DRAFT,
        opens_at=NOW() - datetime.timedelta(days=10),
        closes_at=NOW() - datetime.timedelta(days=1),
    )

    with pytest.raises(InvalidInput) as caught:
        strategy.consultation_open(actor=secretariat_officer, consultation=consultation)

    assert list(caught.value.fields) == ["closes_at"]
    consultation.refresh_from_db()
    assert consultation.phase == Consultation.Phase.DRAFT


def test_opening_needs_a_published_version(secretariat_officer):
    version = StrategyVersionFactory(is_published=False, published_at=None)
    SectionFactory(version=version)
    consultation = ConsultationFactory(version=version, phase=Consultation.Phase.DRAFT)

    with pytest.raises(InvalidState, match="Publish the version"):
        strategy.consultation_open(actor=secretariat_officer, consultation=consultation)

    consultation.refresh_from_db()
    assert consultation.phase == Consultation.Phase.DRAFT


def test_results_need_a_result_version(secretariat_officer):
    consultation = in_analysis(published(secretariat_officer))

    with pytest.raises(InvalidState, match="Choose the version that answers"):
        strategy.results_publish(actor=secretariat_officer, consultation=consultation)

    consultation.refresh_from_db()
    assert (consultation.phase, consultation.results_published_at) == (
        Consultation.Phase.ANALYSIS,
        None,
    )


def test_only_the_secretariat_moves_phases(secretariat_officer, outsider):
    consultation = ConsultationFactory(phase=Consultation.Phase.DRAFT)

    with pytest.raises(PermissionDenied):
        strategy.consultation_open(actor=outsider, consultation=consultation)

    consultation.refresh_from_db()
    assert consultation.phase == Consultation.Phase.DRAFT


# -- "you said, we did" -------------------------------------------------------------------------


@pytest.fixture
def answered(secretariat_officer) -> tuple[Consultation, StrategyVersion]:
    """A consultation under analysis on version 1, and version 2 published in answer: the
    preamble is the same, "Vision" changed, "Digital skills" removed, "Green skills" added."""
    first = published(secretariat_officer)
    consultation = in_analysis(first)
    second = strategy.version_create_next(actor=secretariat_officer, document=first.document)
    strategy.section_update(
        actor=secretariat_officer,
        section=second.sections.get(key="vision"),
        heading="Vision",
        body="Every health and care worker has the skills of tomorrow.",
    )
    strategy.section_remove(
        actor=secretariat_officer, section=second.sections.get(key="digital-skills")
    )
    strategy.section_add(
        actor=secretariat_officer,
        version=second,
        heading="Green skills",
        body="Less waste.",
        level=2,
    )
    strategy.version_publish(actor=secretariat_officer, version=second)
    return consultation, second


def changes(consultation: Consultation) -> list[tuple[str, str | None, str | None]]:
    return sorted(
        (
            change.kind,
            change.before.key if change.before else None,
            change.after.key if change.after else None,
        )
        for change in SectionChange.objects.filter(consultation=consultation)
    )


def test_the_result_version_gives_the_changes_section_by_section(secretariat_officer, answered):
    consultation, second = answered

    strategy.result_version_set(
        actor=secretariat_officer, consultation=consultation, version=second
    )

    assert changes(consultation) == [
        ("added", None, "green-skills"),
        ("changed", "vision", "vision"),
        ("removed", "digital-skills", None),
    ]
    consultation.refresh_from_db()
    assert consultation.result_version == second
    assert audit_codes()[-1] == "consultations.consultation.result_version_set"


def test_explanations_survive_comparing_again(secretariat_officer, answered):
    consultation, second = answered
    strategy.result_version_set(
        actor=secretariat_officer, consultation=consultation, version=second
    )
    change = SectionChange.objects.get(consultation=consultation, kind="changed")
    strategy.change_explain(
        actor=secretariat_officer, change=change, explanation="Care workers asked to be named."
    )

    strategy.result_version_set(
        actor=secretariat_officer, consultation=consultation, version=second
    )

    again = SectionChange.objects.get(consultation=consultation, kind="changed")
    assert (again.pk, again.explanation) == (change.pk, "Care workers asked to be named.")
    assert SectionChange.objects.filter(consultation=consultation).count() == 3


@pytest.mark.parametrize("problem", ["same", "other_document", "draft"])
def test_the_result_version_is_a_later_published_version_of_the_same_document(
    secretariat_officer, answered, problem
):
    consultation, second = answered
    candidates = {
        "same": consultation.version,
        "other_document": published(secretariat_officer, title="Another strategy"),
        "draft": strategy.version_create_next(actor=secretariat_officer, document=second.document),
    }

    with pytest.raises(InvalidInput) as caught:
        strategy.result_version_set(
            actor=secretariat_officer, consultation=consultation, version=candidates[problem]
        )

    assert list(caught.value.fields) == ["version"]
    consultation.refresh_from_db()
    assert consultation.result_version is None
    assert SectionChange.objects.count() == 0


def test_the_result_version_is_chosen_during_the_analysis(secretariat_officer, answered):
    consultation, second = answered
    Consultation.objects.filter(pk=consultation.pk).update(phase=Consultation.Phase.OPEN)

    with pytest.raises(strategy.WrongPhase):
        strategy.result_version_set(
            actor=secretariat_officer, consultation=consultation, version=second
        )

    assert SectionChange.objects.count() == 0


@pytest.fixture
def concluded(secretariat_officer, answered) -> Consultation:
    consultation, second = answered
    strategy.result_version_set(
        actor=secretariat_officer, consultation=consultation, version=second
    )
    return consultation


def test_an_outcome_answers_a_comment_and_links_the_change(secretariat_officer, concluded):
    section = concluded.version.sections.get(key="vision")
    comment = CommentFactory(respondent=RespondentFactory(consultation=concluded), section=section)
    change = SectionChange.objects.get(consultation=concluded, kind="changed")

    outcome = strategy.outcome_set(
        actor=secretariat_officer,
        consultation=concluded,
        comment=comment,
        result=Outcome.Result.ACCEPTED,
        reply="  We now name care workers.  ",
        change=change,
    )
    again = strategy.outcome_set(
        actor=secretariat_officer,
        consultation=concluded,
        comment=comment,
        result=Outcome.Result.PARTLY,
        reply="Partly: care workers only.",
    )

    assert again.pk == outcome.pk
    outcome.refresh_from_db()
    assert (outcome.result, outcome.reply, outcome.change, outcome.decided_by) == (
        Outcome.Result.PARTLY,
        "Partly: care workers only.",
        None,
        secretariat_officer,
    )
    assert audit_codes("consultations.outcome.") == [
        "consultations.outcome.set",
        "consultations.outcome.set",
    ]


def test_an_outcome_answers_an_amendment(secretariat_officer, concluded):
    section = concluded.version.sections.get(key="vision")
    amendment = AmendmentFactory(
        respondent=RespondentFactory(consultation=concluded), section=section
    )

    outcome = strategy.outcome_set(
        actor=secretariat_officer,
        consultation=concluded,
        amendment=amendment,
        result=Outcome.Result.NOT_TAKEN,
        reply="Out of scope.",
    )

    assert (outcome.amendment, outcome.comment, outcome.consultation) == (
        amendment,
        None,
        concluded,
    )


def test_an_outcome_needs_a_reply(secretariat_officer, concluded):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=concluded),
        section=concluded.version.sections.first(),
    )

    with pytest.raises(InvalidInput) as caught:
        strategy.outcome_set(
            actor=secretariat_officer,
            consultation=concluded,
            comment=comment,
            result=Outcome.Result.ACCEPTED,
            reply="   ",
        )

    assert caught.value.fields == {"reply": ["Write a reply: the respondent will read it."]}
    assert Outcome.objects.count() == 0


def test_an_outcome_answers_a_comment_of_this_consultation_only(secretariat_officer, concluded):
    elsewhere = CommentFactory()

    with pytest.raises(InvalidInput) as caught:
        strategy.outcome_set(
            actor=secretariat_officer,
            consultation=concluded,
            comment=elsewhere,
            result=Outcome.Result.ACCEPTED,
            reply="Yes.",
        )

    assert caught.value.fields == {"comment": ["This belongs to another consultation."]}
    assert Outcome.objects.count() == 0


def test_an_outcome_links_a_change_of_this_consultation_only(secretariat_officer, concluded):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=concluded),
        section=concluded.version.sections.first(),
    )
    other = ConsultationFactory()
    foreign = SectionChange.objects.create(
        consultation=other, kind="added", after=SectionFactory(version=other.version)
    )

    with pytest.raises(InvalidInput) as caught:
        strategy.outcome_set(
            actor=secretariat_officer,
            consultation=concluded,
            comment=comment,
            result=Outcome.Result.ACCEPTED,
            reply="Yes.",
            change=foreign,
        )

    assert caught.value.fields == {"change": ["This change belongs to another consultation."]}
    assert Outcome.objects.count() == 0


@pytest.mark.parametrize("status", [Comment.Status.HIDDEN, Comment.Status.DRAFT])
def test_only_published_comments_get_an_outcome(secretariat_officer, concluded, status):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=concluded),
        section=concluded.version.sections.first(),
        status=status,
    )

    with pytest.raises(InvalidState):
        strategy.outcome_set(
            actor=secretariat_officer,
            consultation=concluded,
            comment=comment,
            result=Outcome.Result.ACCEPTED,
            reply="Yes.",
        )

    assert Outcome.objects.count() == 0


def test_only_the_secretariat_sets_outcomes(concluded, health_worker):
    comment = CommentFactory(
        respondent=RespondentFactory(consultation=concluded, user=health_worker),
        section=concluded.version.sections.first(),
    )

    with pytest.raises(PermissionDenied):
        strategy.outcome_set(
            actor=health_worker,
            consultation=concluded,
            comment=comment,
            result=Outcome.Result.ACCEPTED,
            reply="I accept my own comment.",
        )

    assert Outcome.objects.count() == 0


# -- publishing the results ---------------------------------------------------------------------


def answer(officer, consultation: Consultation, comment: Comment, result: str, reply: str) -> None:
    strategy.outcome_set(
        actor=officer, consultation=consultation, comment=comment, result=result, reply=reply
    )


def test_publishing_results_emails_each_respondent_with_an_account_once(
    secretariat_officer, concluded, health_worker, organisation_contact, committed
):
    vision = concluded.version.sections.get(key="vision")
    nurse = RespondentFactory(consultation=concluded, user=health_worker, submitted_at=NOW())
    RespondentFactory(consultation=concluded, user=organisation_contact, submitted_at=NOW())
    anonymous = RespondentFactory(consultation=concluded, user=None, anonymous_key="a" * 64)
    nurse_comment = CommentFactory(respondent=nurse, section=vision, body="Name care workers.")
    CommentFactory(respondent=nurse, section=vision, body="A second thought.")
    anonymous_comment = CommentFactory(respondent=anonymous, section=vision)
    answer(secretariat_officer, concluded, nurse_comment, "accepted", "Done in 1.")
    answer(secretariat_officer, concluded, anonymous_comment, "not_taken", "No.")

    with committed():
        mailed = strategy.results_publish(actor=secretariat_officer, consultation=concluded)

    assert mailed == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [health_worker.email, organisation_contact.email]
    )
    to_nurse = next(m for m in mail.outbox if m.to == [health_worker.email])
    assert to_nurse.subject == f"Results of the consultation “{concluded.title}”"
    assert "Name care workers." in to_nurse.body
    assert "Accepted. Done in 1." in to_nurse.body
    assert "One of your contributions has no individual answer" in to_nurse.body
    assert f"http://testserver/consultations/{concluded.slug}/results/" in to_nurse.body
    concluded.refresh_from_db()
    assert concluded.phase == Consultation.Phase.RESULTS
    assert concluded.results_published_at is not None
    assert Outcome.objects.get(comment=nurse_comment).notified_at is not None
    assert Outcome.objects.get(comment=anonymous_comment).notified_at is None

    mail.outbox.clear()
    published_at = concluded.results_published_at
    with committed():
        again = strategy.results_publish(actor=secretariat_officer, consultation=concluded)

    assert (again, mail.outbox) == (0, [])
    concluded.refresh_from_db()
    assert concluded.results_published_at == published_at


def test_publishing_again_tells_only_about_new_outcomes(
    secretariat_officer, concluded, health_worker, organisation_contact, committed
):
    vision = concluded.version.sections.get(key="vision")
    nurse = RespondentFactory(consultation=concluded, user=health_worker, submitted_at=NOW())
    contact = RespondentFactory(
        consultation=concluded, user=organisation_contact, submitted_at=NOW()
    )
    first = CommentFactory(respondent=nurse, section=vision)
    late = CommentFactory(respondent=contact, section=vision, body="Add midwives.")
    answer(secretariat_officer, concluded, first, "accepted", "Yes.")
    with committed():
        strategy.results_publish(actor=secretariat_officer, consultation=concluded)
    mail.outbox.clear()

    answer(secretariat_officer, concluded, late, "partly", "Midwives are in 2.1.")
    with committed():
        mailed = strategy.results_publish(actor=secretariat_officer, consultation=concluded)

    assert mailed == 1
    assert [m.to for m in mail.outbox] == [[organisation_contact.email]]
    assert mail.outbox[0].subject == f"More answers to your comments: {concluded.title}"
    assert "Partly taken up. Midwives are in 2.1." in mail.outbox[0].body


def test_an_inactive_account_is_not_emailed(secretariat_officer, concluded, committed):
    gone = UserFactory(is_active=False)
    respondent = RespondentFactory(consultation=concluded, user=gone, submitted_at=NOW())
    comment = CommentFactory(respondent=respondent, section=concluded.version.sections.first())
    answer(secretariat_officer, concluded, comment, "accepted", "Yes.")

    with committed():
        mailed = strategy.results_publish(actor=secretariat_officer, consultation=concluded)

    assert (mailed, mail.outbox) == (0, [])
    assert Outcome.objects.get().notified_at is None


def test_only_the_secretariat_publishes_results(concluded, outsider):
    with pytest.raises(PermissionDenied):
        strategy.results_publish(actor=outsider, consultation=concluded)

    concluded.refresh_from_db()
    assert concluded.phase == Consultation.Phase.ANALYSIS


def test_sections_are_never_shared_between_versions(secretariat_officer, answered):
    consultation, second = answered

    assert not Section.objects.filter(version=consultation.version).filter(
        pk__in=second.sections.values("pk")
    )
