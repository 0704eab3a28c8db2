"""Two public consultations on the demo partnership's skills strategy, for `seed_demo`.

* A strategy for the health workforce, version 1 (ten sections) published a year ago, and the
  consultation on it, closed long ago, with its results published: version 2 changes three
  sections and adds one ("you said, we did"); the secretariat answered many comments (outcomes)
  and linked them to those changes.
* An open consultation on version 2 with a few hundred comments (mostly English, some French,
  German and Spanish), replies, ratings, a few amendments, answers to the general questions,
  drafts, and reported comments: one hidden by three reports, one with a single report.
* The demo health worker took part in both: outcomes on their comments in the first, a draft
  in the second.
* Themes computed for both.

The strategy, its versions, the consultations, the changes and the outcomes go through the
secretariat's services (`strategy`); the amendments, the reports and the demo health worker's
answers through the respondents' (`services`). The hundreds of respondents, ratings, comments
and answers are bulk-created with the values those services write (a profile per respondent,
one rating per respondent and section, published comments with their date, drafts without):
each service call audits and rate-limits one write, which would make `seed_demo` — and every
test that runs it — seconds slower for nothing the demo shows. The closed consultation's
results are published with the models because `strategy.results_publish()` e-mails every
respondent, and the demo must not queue e-mails to invented people.

Two random generators, one for people and one for what they write, keep every count the same
for a seed whatever the number of organisations and people the rest of the demo has.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Case, Value, When
from django.utils import timezone

from skillspact.accounts.models import User
from skillspact.consultations import analysis, selectors, services, strategy
from skillspact.consultations import demo_texts as texts
from skillspact.consultations.models import (
    Amendment,
    Answer,
    Comment,
    Consultation,
    GeneralQuestion,
    Outcome,
    Rating,
    Respondent,
    Section,
    SectionChange,
    StrategyVersion,
)
from skillspact.organisations import demo_data as organisations_demo
from skillspact.organisations.models import Affiliation, StakeholderType

PAST_RESPONDENTS = 80
OPEN_RESPONDENTS = 160
# How many people answer with an account at most; the others answer anonymously.
SIGNED_IN_SHARE = 0.4
# Comments per respondent: drawn from this list.
COMMENTS_EACH = (0, 1, 1, 1, 2, 2, 2, 3, 4)
REPLIES = {"past": 12, "open": 30}
DRAFTS = 10
FOREIGN_SHARE = 0.15
# Sections people write about most.
SECTION_WEIGHTS = {
    "Learning time and funding": 5,
    "Digital skills for every health worker": 4,
    "Green skills and sustainable healthcare": 4,
    "Artificial intelligence and patient safety": 3,
    "Telehealth and remote care": 2,
    "Reaching every region and workplace": 2,
    "Advanced digital and data skills": 2,
}
# Outcomes of the closed consultation: per changed section, how many of its comments were
# taken up; and how many other comments were answered "not taken up".
OUTCOMES_PER_CHANGE = 6
NOT_TAKEN = 8
COUNTRIES = list(organisations_demo.COUNTRIES)
COUNTRY_WEIGHTS = [organisations_demo.COUNTRIES[code].population for code in COUNTRIES]
TYPES = [str(value) for value in StakeholderType]
TYPE_WEIGHTS = [organisations_demo.TYPE_WEIGHTS[value] for value in StakeholderType]


@dataclass
class Seeded:
    """What `seed()` created, for the command's closing report."""

    consultations: list[str] = field(default_factory=list)
    respondents: Counter[str] = field(default_factory=Counter)
    comments: Counter[str] = field(default_factory=Counter)
    outcomes: int = 0
    changes: int = 0

    def text(self) -> str:
        return "\n".join(
            [
                f"  consultations   {len(self.consultations)} ({', '.join(self.consultations)})",
                f"  respondents     {sum(self.respondents.values())} (closed "
                f"{self.respondents['past']}, open {self.respondents['open']}); comments "
                f"{self.comments['past']} and {self.comments['open']}; {self.changes} changes "
                f"in version 2, {self.outcomes} outcomes",
            ]
        )


@dataclass
class Person:
    """Who answers: a signed-in user (perhaps for their organisation), or anonymous."""

    user: User | None
    organisation_name: str = ""
    stakeholder_type: str = ""
    country: str = ""


def seed(
    *,
    seed: int,
    secretariat: User,
    worker: User | None = None,
    now: datetime | None = None,
) -> Seeded:
    """Add the strategy, its two versions and the two consultations of the demo; the same
    `seed` gives the same strategy, respondents' words and counts."""
    return _Builder(seed, secretariat, worker, now or timezone.now()).build()


class _Builder:
    def __init__(self, seed: int, secretariat: User, worker: User | None, now: datetime) -> None:
        self.people_rng = random.Random(f"consultation-people-{seed}")
        self.rng = random.Random(f"consultation-words-{seed}")
        self.seed = seed
        self.secretariat = secretariat
        self.worker = worker
        self.now = now.replace(microsecond=0)
        self.seeded = Seeded()
        self.pool = self._pool()

    # -- who answers -----------------------------------------------------------------------

    def _pool(self) -> list[Person]:
        """People with an account who could answer (not the demo logins), with their first
        organisation, in a fixed order."""
        organisation_of: dict[int, Any] = {}
        for affiliation in Affiliation.objects.select_related("organisation").order_by("id"):
            organisation_of.setdefault(affiliation.user_id, affiliation.organisation)
        users = User.objects.filter(is_active=True, is_secretariat=False).order_by("pk")
        if self.worker is not None:
            users = users.exclude(pk=self.worker.pk)
        pool = []
        for user in users:
            organisation = organisation_of.get(user.pk)
            pool.append(
                Person(
                    user=user,
                    organisation_name=organisation.legal_name if organisation else "",
                    stakeholder_type=organisation.stakeholder_type if organisation else "",
                    country=str(organisation.country) if organisation else "",
                )
            )
        return pool

    def _people(self, count: int) -> list[Person]:
        """`count` people: a share of them signed in (from the pool), the rest anonymous."""
        rng = self.people_rng
        signed_in = rng.sample(self.pool, min(len(self.pool), int(count * SIGNED_IN_SHARE)))
        people = signed_in + [Person(user=None) for _ in range(count - len(signed_in))]
        rng.shuffle(people)
        return people

    def _profile(self, person: Person) -> dict[str, Any]:
        rng = self.people_rng
        stakeholder_type = person.stakeholder_type or rng.choices(TYPES, TYPE_WEIGHTS)[0]
        for_organisation = bool(person.organisation_name) and rng.random() < 0.6
        return {
            "stakeholder_type": stakeholder_type,
            "country": person.country or rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0],
            "answers_for_organisation": for_organisation,
            "organisation_name": person.organisation_name if for_organisation else "",
            "is_anonymised": person.user is None or rng.random() < 0.6,
        }

    # -- what they write -------------------------------------------------------------------

    def _sections_to_comment(self, sections: Sequence[Section], count: int) -> list[Section]:
        weights = [SECTION_WEIGHTS.get(s.heading, 1) for s in sections]
        return [self.rng.choices(list(sections), weights)[0] for _ in range(count)]

    def _pick(self, items: Sequence[str]) -> str:
        # One draw whatever the length, so that who answers never changes what is written.
        return items[int(self.rng.random() * len(items))]

    def _comment_text(self, section: Section, stakeholder_type: str) -> str:
        rng = self.rng
        foreign = texts.FOREIGN_POINTS.get(section.heading, [])
        if rng.random() < FOREIGN_SHARE and foreign:
            return self._pick(foreign)
        point = self._pick(texts.POINTS[section.heading])
        own = texts.OPENERS.get(stakeholder_type, [])
        opener = self._pick(own if rng.random() < 0.4 and own else texts.OPENERS[""])
        return " ".join(part for part in (opener, point, self._pick(texts.CLOSERS)) if part)

    def _moment(self, start: datetime, end: datetime) -> datetime:
        end = min(end, self.now)
        seconds = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, seconds))

    # -- the whole demo ----------------------------------------------------------------------

    def build(self) -> Seeded:
        first = self._strategy()
        past = self._past_consultation(first)
        second = self._second_version(first)
        self._results(past, second)
        self._open_consultation(second)
        return self.seeded

    def _strategy(self) -> StrategyVersion:
        markdown = "\n\n".join(f"# {heading}\n\n{body}" for heading, body in texts.V1_SECTIONS)
        version = strategy.strategy_import(
            actor=self.secretariat,
            title=texts.DOCUMENT_TITLE,
            text=markdown,
            slug=texts.DOCUMENT_SLUG,
        )
        version = strategy.version_publish(actor=self.secretariat, version=version)
        StrategyVersion.objects.filter(pk=version.pk).update(
            published_at=self.now - timedelta(days=430)
        )
        return version

    def _consultation(
        self, version: StrategyVersion, *, title: str, slug: str, introduction: str, **dates: Any
    ) -> Consultation:
        consultation = strategy.consultation_create(
            actor=self.secretariat,
            version=version,
            title=title,
            slug=slug,
            introduction=introduction,
            allows_anonymous=True,
            **dates,
        )
        for text, kind, choices in texts.QUESTIONS:
            strategy.question_save(
                actor=self.secretariat,
                consultation=consultation,
                text=text,
                kind=kind,
                choices=choices,
            )
        self.seeded.consultations.append(slug)
        return consultation

    # -- answers in bulk -----------------------------------------------------------------------

    def _responses(
        self,
        consultation: Consultation,
        *,
        kind: str,
        people: list[Person],
        opens: datetime,
        closes: datetime,
        submitted_share: float,
    ) -> tuple[list[Respondent], list[Comment]]:
        """Respondents with their profiles, ratings, published comments and replies, and
        answers to the general questions, as `services` would store them."""
        sections = list(consultation.version.sections.order_by("position"))
        questions = list(consultation.questions.order_by("position"))
        respondents: list[Respondent] = []
        began_at: list[datetime] = []
        for number, person in enumerate(people):
            profile = self._profile(person)
            if person.user is not None and person.user == self.worker:
                profile["is_anonymised"] = False
            began = self._moment(opens, closes)
            respondent = Respondent(
                consultation=consultation,
                user=person.user,
                anonymous_key=""
                if person.user
                else selectors.anonymous_key_from_cookie(f"demo-{self.seed}-{kind}-{number}"),
                submitted_at=self._moment(began, closes)
                if self.rng.random() < submitted_share
                else None,
                **profile,
            )
            respondents.append(respondent)
            began_at.append(began)
        Respondent.objects.bulk_create(respondents)
        _stamp(Respondent, {r.pk: began for r, began in zip(respondents, began_at, strict=True)})
        self._ratings(respondents, sections)
        comments: list[Comment] = []
        for respondent, began in zip(respondents, began_at, strict=True):
            count = self.rng.choice(COMMENTS_EACH)
            if respondent.user is not None and respondent.user == self.worker:
                chosen = [s for s in sections if s.heading in texts.EXPLANATIONS][-1:]
                chosen += [s for s in sections if s.heading == "Telehealth and remote care"]
            else:
                chosen = self._sections_to_comment(sections, count)
            for section in chosen:
                comments.append(
                    Comment(
                        respondent=respondent,
                        section=section,
                        body=self._comment_text(section, respondent.stakeholder_type),
                        status=Comment.Status.PUBLISHED,
                        published_at=self._moment(began, respondent.submitted_at or closes),
                    )
                )
        Comment.objects.bulk_create(comments)
        replies = []
        for parent in self.rng.sample(comments, min(REPLIES[kind], len(comments))):
            author = self.rng.choice([r for r in respondents if r.pk != parent.respondent_id])
            assert parent.published_at is not None
            replies.append(
                Comment(
                    respondent=author,
                    section=parent.section,
                    parent=parent,
                    body=self.rng.choice(texts.REPLY_TEXTS),
                    status=Comment.Status.PUBLISHED,
                    published_at=self._moment(parent.published_at, closes),
                )
            )
        comments += Comment.objects.bulk_create(replies)
        _stamp(Comment, {c.pk: c.published_at for c in comments})
        self._answers(respondents, questions)
        return respondents, comments

    # -- the closed consultation on version 1 -----------------------------------------------

    def _past_consultation(self, version: StrategyVersion) -> Consultation:
        opens = self.now - timedelta(days=400)
        closes = opens + timedelta(days=60)
        consultation = self._consultation(
            version,
            title=texts.PAST_TITLE,
            slug=texts.PAST_SLUG,
            introduction=texts.PAST_INTRODUCTION,
            opens_at=opens,
            closes_at=closes,
        )
        # It ran and closed long ago: the phase services would refuse past dates.
        Consultation.objects.filter(pk=consultation.pk).update(phase=Consultation.Phase.ANALYSIS)
        consultation.refresh_from_db()
        people = self._people(PAST_RESPONDENTS)
        if self.worker is not None:
            people.insert(0, Person(user=self.worker, stakeholder_type="healthcare_provider",
                                    country="SI"))  # fmt: skip
        respondents, comments = self._responses(
            consultation,
            kind="past",
            people=people,
            opens=opens,
            closes=closes,
            submitted_share=1.0,
        )
        changed = [
            s for s in version.sections.order_by("position") if s.heading in texts.V2_CHANGED
        ]
        amendments = [
            Amendment(
                respondent=respondent,
                section=section,
                text=texts.V2_CHANGED[section.heading],
                rationale=self.rng.choice(texts.AMENDMENT_RATIONALES),
                status=Amendment.Status.PUBLISHED,
                published_at=respondent.submitted_at,
            )
            for respondent, section in zip(respondents[1:4], changed, strict=True)
        ]
        Amendment.objects.bulk_create(amendments)
        _stamp(Amendment, {a.pk: a.published_at for a in amendments})
        self.seeded.respondents["past"] = len(respondents)
        self.seeded.comments["past"] = len(comments)
        return consultation

    def _ratings(self, respondents: list[Respondent], sections: list[Section]) -> None:
        # People mostly support the strategy, less so the sections that ask the most of them.
        ratings = []
        for respondent in respondents:
            for section in self.rng.sample(sections, self.rng.randint(2, min(8, len(sections)))):
                weights = (6, 2, 2) if section.heading in SECTION_WEIGHTS else (7, 2, 1)
                stance = self.rng.choices(Rating.Stance.values, weights)[0]
                ratings.append(Rating(respondent=respondent, section=section, stance=stance))
        Rating.objects.bulk_create(ratings)

    def _answers(self, respondents: list[Respondent], questions: list[GeneralQuestion]) -> None:
        """Half of the respondents answer every general question."""
        answers = []
        for respondent in respondents:
            if self.rng.random() < 0.5:
                continue
            for question in questions:
                text = (
                    self.rng.choice(question.choices)
                    if question.kind == GeneralQuestion.Kind.CHOICE
                    else self.rng.choice(texts.ANSWERS_TEXT)
                )
                answers.append(Answer(respondent=respondent, question=question, text=text))
        Answer.objects.bulk_create(answers)

    # -- version 2 and the results of the first consultation ---------------------------------

    def _second_version(self, first: StrategyVersion) -> StrategyVersion:
        actor = self.secretariat
        version = strategy.version_create_next(actor=actor, document=first.document)
        sections = {s.heading: s for s in version.sections.all()}
        for heading, body in texts.V2_CHANGED.items():
            strategy.section_update(actor=actor, section=sections[heading], heading=heading,
                                    body=body)  # fmt: skip
        after, heading, body = texts.V2_ADDED
        strategy.section_add(
            actor=actor, version=version, heading=heading, body=body, after=sections[after]
        )
        strategy.version_update(
            actor=actor, version=version, title=version.title, summary=texts.V2_SUMMARY
        )
        version = strategy.version_publish(actor=actor, version=version)
        StrategyVersion.objects.filter(pk=version.pk).update(
            published_at=self.now - timedelta(days=35)
        )
        return version

    def _results(self, consultation: Consultation, second: StrategyVersion) -> None:
        actor = self.secretariat
        changes = strategy.result_version_set(
            actor=actor, consultation=consultation, version=second
        )
        by_heading: dict[str, SectionChange] = {}
        for change in changes:
            section = change.after or change.before
            assert section is not None
            by_heading[section.heading] = change
            strategy.change_explain(
                actor=actor, change=change, explanation=texts.EXPLANATIONS[section.heading]
            )
        analysis.themes_compute(consultation_id=consultation.pk)
        published = list(
            Comment.objects.filter(
                respondent__consultation=consultation,
                parent__isnull=True,
                status=Comment.Status.PUBLISHED,
            )
            .select_related("section", "respondent")
            .order_by("id")
        )
        # Comments on a changed section led to its change; comments asking for AI led to the
        # new section.
        decided: list[tuple[Comment, str, SectionChange | None]] = []
        for heading, change in by_heading.items():
            source = "Advanced digital and data skills" if change.before is None else heading
            keyword = "Artificial" if change.before is None else ""
            related = [c for c in published if c.section.heading == source and keyword in c.body]
            for comment in related[:OUTCOMES_PER_CHANGE]:
                result = "accepted" if self.rng.random() < 0.7 else "partly"
                decided.append((comment, result, change))
        taken = {comment.pk for comment, _result, _change in decided}
        others = [
            c
            for c in published
            if c.pk not in taken and c.section.heading not in texts.EXPLANATIONS
        ]
        for comment in self.rng.sample(others, min(NOT_TAKEN, len(others))):
            decided.append((comment, "not_taken", None))
        if self.worker is not None:
            for comment in published:
                if comment.respondent.user_id == self.worker.pk and comment.pk not in taken:
                    led_to = by_heading.get(comment.section.heading)
                    decided.append((comment, "accepted" if led_to else "not_taken", led_to))
        seen: set[int] = set()
        for comment, result, link in decided:
            if comment.pk in seen:
                continue
            seen.add(comment.pk)
            strategy.outcome_set(
                actor=actor,
                consultation=consultation,
                result=result,
                reply=self.rng.choice(texts.REPLIES[result]),
                comment=comment,
                change=link,
            )
        for amendment in Amendment.objects.filter(respondent__consultation=consultation).order_by(
            "id"
        ):
            # The amendments proposed what became version 2.
            strategy.outcome_set(
                actor=actor,
                consultation=consultation,
                result="accepted",
                reply=texts.REPLIES["accepted"][0],
                amendment=amendment,
                change=by_heading.get(amendment.section.heading),
            )
        # Published as `results_publish` would, without e-mailing invented people.
        published_at = self.now - timedelta(days=30)
        Consultation.objects.filter(pk=consultation.pk).update(
            phase=Consultation.Phase.RESULTS, results_published_at=published_at
        )
        Outcome.objects.filter(consultation=consultation).update(notified_at=published_at)
        self.seeded.changes = len(changes)
        self.seeded.outcomes = Outcome.objects.filter(consultation=consultation).count()

    # -- the open consultation on version 2 --------------------------------------------------

    def _open_consultation(self, version: StrategyVersion) -> Consultation:
        actor = self.secretariat
        opens = self.now - timedelta(days=20)
        consultation = self._consultation(
            version,
            title=texts.OPEN_TITLE,
            slug=texts.OPEN_SLUG,
            introduction=texts.OPEN_INTRODUCTION,
            opens_at=opens,
            closes_at=self.now + timedelta(days=25),
        )
        consultation = strategy.consultation_open(actor=actor, consultation=consultation)
        sections = list(version.sections.order_by("position"))
        respondents, _comments = self._responses(
            consultation,
            kind="open",
            people=self._people(OPEN_RESPONDENTS),
            opens=opens,
            closes=self.now,
            submitted_share=0.5,
        )
        # Drafts: comments of people who have not sent their answers yet.
        waiting = [r for r in respondents if r.submitted_at is None]
        drafts = []
        for respondent in self.rng.sample(waiting, min(DRAFTS, len(waiting))):
            section = self._sections_to_comment(sections, 1)[0]
            drafts.append(
                Comment(
                    respondent=respondent,
                    section=section,
                    body=self._comment_text(section, respondent.stakeholder_type),
                )
            )
        Comment.objects.bulk_create(drafts)
        self._amendments(respondents, sections, opens)
        self._reports(respondents, sections)
        if self.worker is not None:
            self._worker_answers(consultation, sections)
        analysis.themes_compute(consultation_id=consultation.pk)
        self.seeded.respondents["open"] = Respondent.objects.filter(
            consultation=consultation
        ).count()
        self.seeded.comments["open"] = Comment.objects.filter(
            respondent__consultation=consultation
        ).count()
        return consultation

    def _amendments(
        self, respondents: list[Respondent], sections: list[Section], opens: datetime
    ) -> None:
        """Four published amendments and a draft, through the respondents' service."""
        changed = [s for s in sections if s.heading in texts.V2_CHANGED]
        for index, respondent in enumerate(respondents[:5]):
            section = changed[index % len(changed)]
            amendment = services.amendment_save(
                respondent=respondent,
                section=section,
                text=section.body + "\n\n" + texts.AMENDMENT_ADDITIONS[section.heading],
                rationale=self.rng.choice(texts.AMENDMENT_RATIONALES),
                publish=index < 4,
            )
            moment = self._moment(opens, self.now)
            Amendment.objects.filter(pk=amendment.pk).update(
                published_at=moment if amendment.published_at else None,
                created_at=moment,
                updated_at=moment,
            )

    def _reports(self, respondents: list[Respondent], sections: list[Section]) -> None:
        """A spam comment hidden by three reports, and a rude one with one report, both
        waiting for the secretariat."""
        anonymous = [r for r in respondents if r.user_id is None]
        reporters = [p.user for p in self.pool[:4] if p.user is not None]
        if len(anonymous) < 2 or len(reporters) < 4:
            return
        digital = next(s for s in sections if s.heading.startswith("Digital skills"))
        spam = services.comment_create(
            respondent=anonymous[0], section=digital, body=texts.SPAM_COMMENT, publish=True
        )
        rude = services.comment_create(
            respondent=anonymous[1],
            section=next(s for s in sections if s.heading.startswith("Learning time")),
            body=texts.RUDE_COMMENT,
            publish=True,
        )
        for reporter, reason in zip(reporters[:3], texts.REPORT_REASONS, strict=False):
            services.content_report(item=spam, actor=reporter, reason=reason)
        services.content_report(item=rude, actor=reporters[3], reason=texts.REPORT_REASONS[3])
        for comment, days in ((spam, 2), (rude, 1)):
            moment = self.now - timedelta(days=days)
            Comment.objects.filter(pk=comment.pk).update(published_at=moment, created_at=moment)

    def _worker_answers(self, consultation: Consultation, sections: list[Section]) -> None:
        """The demo health worker has started: a profile, two ratings and a draft comment."""
        assert self.worker is not None
        respondent = services.respondent_save(
            consultation=consultation,
            actor=self.worker,
            data={"stakeholder_type": "healthcare_provider", "country": "SI",
                  "is_anonymised": False},
        )  # fmt: skip
        learning = next(s for s in sections if s.heading.startswith("Learning time"))
        services.rating_set(respondent=respondent, section=learning, stance="support")
        services.rating_set(respondent=respondent, section=sections[0], stance="neutral")
        services.comment_create(
            respondent=respondent,
            section=learning,
            body="Three days is a good start. Please say that night staff get the same days.",
        )


def _stamp(model: type[models.Model], created: dict[int, Any]) -> None:
    """Set `created_at` and `updated_at`, which saving always sets to now."""
    keys = [pk for pk, moment in created.items() if moment is not None]
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        value = Case(
            *[When(pk=pk, then=Value(created[pk])) for pk in chunk],
            output_field=models.DateTimeField(),
        )
        model._default_manager.filter(pk__in=chunk).update(created_at=value, updated_at=value)
