"""Survey results: counts and rates, per-question figures, the skills matrix and wave comparison.

Every figure is computed from submitted responses only, with the profile filters applied, in
a fixed number of queries whatever the number of questions. Means carry their sample size; a
sample under `SMALL_SAMPLE` is flagged, never hidden.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillspact.intelligence.models import (
    Answer,
    Question,
    Response,
    SkillRating,
    Survey,
    TextSkillMatch,
)

SMALL_SAMPLE = 10
TOP_TEXT_SKILLS = 10
# Bands of years of experience: (code, label, lowest, highest or None).
EXPERIENCE_BANDS = [
    ("0-4", gettext_lazy("Under 5 years"), 0, 4),
    ("5-9", gettext_lazy("5 to 9 years"), 5, 9),
    ("10-19", gettext_lazy("10 to 19 years"), 10, 19),
    ("20+", gettext_lazy("20 years or more"), 20, None),
]


def is_small(n: int) -> bool:
    """Whether a sample is too small to read much into (it is still shown)."""
    return n < SMALL_SAMPLE


@dataclass
class ResultFilters:
    """Profile filters and, per question key, the revision to read."""

    country: str = ""
    region: str = ""
    stakeholder_type: str = ""
    occupation_uri: str = ""
    experience: str = ""
    revisions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_query(cls, data: Any) -> ResultFilters:
        """Read the filters from a query dict; unknown values are ignored."""
        revisions: dict[str, int] = {}
        for name in data:
            if name.startswith("rev_"):
                try:
                    revisions[name[4:]] = int(data.get(name))
                except (TypeError, ValueError):
                    continue
        band = str(data.get("experience") or "")
        return cls(
            country=str(data.get("country") or "")[:2].upper(),
            region=str(data.get("region") or "")[:4].upper(),
            stakeholder_type=str(data.get("stakeholder_type") or "")[:30],
            occupation_uri=str(data.get("occupation") or "")[:255],
            experience=band if band in {code for code, *_rest in EXPERIENCE_BANDS} else "",
            revisions=revisions,
        )

    def profile_q(self, prefix: str = "") -> Q:
        """The profile filters as a Q on Response (prefix "response__" from a related model)."""
        q = Q()
        for name in ("country", "region", "stakeholder_type", "occupation_uri"):
            value = getattr(self, name)
            if value:
                q &= Q(**{f"{prefix}{name}": value})
        for code, _label, low, high in EXPERIENCE_BANDS:
            if code == self.experience:
                q &= Q(**{f"{prefix}years_experience__gte": low})
                if high is not None:
                    q &= Q(**{f"{prefix}years_experience__lte": high})
        return q

    @property
    def is_active(self) -> bool:
        return bool(
            self.country
            or self.region
            or self.stakeholder_type
            or self.occupation_uri
            or self.experience
            or self.revisions
        )

    def querystring(self) -> str:
        """The filters as a query string (for export links)."""
        from urllib.parse import urlencode

        pairs = [
            ("country", self.country),
            ("region", self.region),
            ("stakeholder_type", self.stakeholder_type),
            ("occupation", self.occupation_uri),
            ("experience", self.experience),
        ]
        pairs += [(f"rev_{key}", str(rev)) for key, rev in sorted(self.revisions.items())]
        return urlencode([(name, value) for name, value in pairs if value])


def responses_filtered(survey: Survey, filters: ResultFilters) -> QuerySet[Response]:
    """The survey's submitted responses that match the profile filters."""
    return survey.responses.filter(Q(status=Response.Status.SUBMITTED) & filters.profile_q())


@dataclass
class Mean:
    value: float | None
    n: int

    @property
    def is_small(self) -> bool:
        return is_small(self.n)


@dataclass
class MatrixRow:
    uri: str
    label: str
    proficiency: Mean
    importance: Mean

    @property
    def n(self) -> int:
        return max(self.proficiency.n, self.importance.n)

    @property
    def is_small(self) -> bool:
        return is_small(self.n)

    @property
    def gap(self) -> float | None:
        if self.proficiency.value is None or self.importance.value is None:
            return None
        return self.importance.value - self.proficiency.value


@dataclass
class QuestionResult:
    key: str
    question: Question
    revisions: list[int]
    revision: int | None
    is_removed: bool
    title: str = ""
    n: int = 0
    options: list[tuple[str, int]] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    mean: Mean | None = None
    text_skills: list[tuple[str, int]] = field(default_factory=list)
    matrix: list[MatrixRow] = field(default_factory=list)
    chart: str = ""

    @property
    def is_small(self) -> bool:
        return is_small(self.n)

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"


@dataclass
class WaveCell:
    importance: Mean
    proficiency: Mean


@dataclass
class WaveRow:
    uri: str
    label: str
    cells: list[WaveCell]


@dataclass
class WaveComparison:
    waves: list[Survey]
    rows: list[WaveRow]
    chart: str = ""


@dataclass
class SurveyResults:
    survey: Survey
    started: int
    submitted: int
    invitations: int
    matching: int
    questions: list[QuestionResult]
    waves: WaveComparison | None
    options: dict[str, list[tuple[str, str]]]

    @property
    def rate(self) -> float | None:
        """Submitted over invitations (invitation surveys) or over started (open ones)."""
        base = self.invitations if self.survey.access == Survey.Access.INVITATION else self.started
        return self.submitted / base if base else None


def _label(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or next((text for text in texts.values() if text), "")


def _mean(total: float, n: int) -> Mean:
    return Mean(round(total / n, 2) if n else None, n)


def _filter_options(survey: Survey) -> dict[str, list[tuple[str, str]]]:
    from skillspact.organisations.models import StakeholderType
    from skillspact.taxonomy import selectors as taxonomy

    rows = (
        survey.responses.filter(status=Response.Status.SUBMITTED)
        .values_list("country", "region", "stakeholder_type", "occupation_uri")
        .distinct()
    )
    countries, regions, stakeholders, occupations = set(), set(), set(), set()
    for country, region, stakeholder, occupation in rows:
        countries.add(country)
        regions.add(region)
        stakeholders.add(stakeholder)
        occupations.add(occupation)
    names = dict(StakeholderType.choices)
    described = taxonomy.concepts_describe(occupations, concept_type="occupation")
    return {
        "country": [(code, code) for code in sorted(countries - {""})],
        "region": [(code, code) for code in sorted(regions - {""})],
        "stakeholder_type": [
            (code, str(names.get(code, code))) for code in sorted(stakeholders - {""})
        ],
        "occupation": sorted(
            (
                (uri, described[uri].label if uri in described else uri)
                for uri in occupations - {""}
            ),
            key=lambda pair: pair[1],
        ),
        "experience": [(code, str(label)) for code, label, *_rest in EXPERIENCE_BANDS],
    }


def survey_results(
    survey: Survey, filters: ResultFilters | None = None, *, language: str | None = None
) -> SurveyResults:
    """Everything the results page shows, for the submitted responses matching `filters`."""
    from skillspact.intelligence import charts
    from skillspact.taxonomy import selectors as taxonomy

    filters = filters or ResultFilters()
    language = language or survey.default_language
    counts = survey.responses.aggregate(
        started=Count("id"), submitted=Count("id", filter=Q(status=Response.Status.SUBMITTED))
    )
    invitations = survey.invitations.count() if survey.access == Survey.Access.INVITATION else 0
    responses = responses_filtered(survey, filters)
    matching = responses.count()

    by_key: dict[str, list[Question]] = defaultdict(list)
    for question in survey.questions.order_by("key", "revision"):
        by_key[question.key].append(question)
    blocks: list[QuestionResult] = []
    chosen_ids: dict[str, set[int]] = {}
    for key, revisions in by_key.items():
        current = next((q for q in revisions if q.is_current), None)
        shown = current or revisions[-1]
        wanted = filters.revisions.get(key)
        revision_numbers = [q.revision for q in revisions]
        if wanted not in revision_numbers:
            wanted = None
        chosen_ids[key] = {q.pk for q in revisions if wanted is None or q.revision == wanted}
        if wanted is not None:
            shown = next(q for q in revisions if q.revision == wanted)
        blocks.append(
            QuestionResult(
                key=key,
                question=shown,
                revisions=revision_numbers,
                revision=wanted,
                is_removed=current is None,
            )
        )
    positions = {
        key: (revisions[-1].is_current is False, revisions[-1].position)
        for key, revisions in by_key.items()
    }
    blocks.sort(key=lambda block: positions[block.key])
    all_ids = set().union(*chosen_ids.values()) if chosen_ids else set()

    # Choice, scale, number and text answers: one query.
    values: dict[str, list[Any]] = defaultdict(list)
    answers = Answer.objects.filter(response__in=responses, question_id__in=all_ids).exclude(
        question__kind=Question.Kind.SKILLS_MATRIX
    )
    for key, value in answers.values_list("question__key", "value"):
        if value not in (None, "", []):
            values[key].append(value)

    # The skills matrix: one query, grouped by key and skill.
    matrix_ids = {
        pk
        for block in blocks
        if block.question.kind == Question.Kind.SKILLS_MATRIX
        for pk in chosen_ids[block.key]
    }
    ratings: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    if matrix_ids:
        rating_rows = (
            SkillRating.objects.filter(question_id__in=matrix_ids, response__in=responses)
            .values("question__key", "skill_uri")
            .annotate(
                mean_proficiency=Avg("proficiency"),
                n_proficiency=Count("proficiency"),
                mean_importance=Avg("importance"),
                n_importance=Count("importance"),
            )
            .order_by()
        )
        for rating in rating_rows:
            ratings[rating["question__key"]][rating["skill_uri"]] = dict(rating)

    # Skills found in free-text answers: one query.
    text_ids = {
        pk
        for block in blocks
        if block.question.kind == Question.Kind.TEXT
        for pk in chosen_ids[block.key]
    }
    text_skills: dict[str, list[tuple[str, int]]] = defaultdict(list)
    if text_ids:
        matched = (
            TextSkillMatch.objects.filter(
                answer__question_id__in=text_ids, answer__response__in=responses
            )
            .values("answer__question__key", "skill_uri")
            .annotate(n=Count("answer", distinct=True))
            .order_by("-n", "skill_uri")
        )
        for match in matched:
            text_skills[match["answer__question__key"]].append((match["skill_uri"], match["n"]))

    skill_uris: set[str] = set()
    for block in blocks:
        skill_uris.update(block.question.skill_uris)
    for per_skill in ratings.values():
        skill_uris.update(per_skill)
    for pairs in text_skills.values():
        skill_uris.update(uri for uri, _n in pairs[:TOP_TEXT_SKILLS])
    labels = {
        uri: brief.label
        for uri, brief in taxonomy.concepts_describe(skill_uris, concept_type="skill").items()
    }

    for index, block in enumerate(blocks):
        question = block.question
        title = _label(question.content.get("text", {}), language)
        block.title = title
        got = values.get(block.key, [])
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            counter: Counter[str] = Counter()
            for value in got:
                counter.update(value if isinstance(value, list) else [value])
            block.n = len(got)
            option_labels = {
                option["value"]: _label(option["label"], language)
                for option in question.content.get("options", [])
            }
            block.options = [
                (label, counter.get(value, 0)) for value, label in option_labels.items()
            ]
            block.options += [
                (str(value), count)
                for value, count in counter.most_common()
                if value not in option_labels
            ]
            block.chart = charts.choices_json(title, block.options)
        elif question.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
            numbers: list[float] = []
            for value in got:
                try:
                    numbers.append(float(value))
                except (TypeError, ValueError):
                    continue
            block.values = numbers
            block.n = len(numbers)
            block.mean = _mean(sum(numbers), len(numbers))
            if question.kind == Question.Kind.SCALE:
                low, high = question.content.get("min", 1), question.content.get("max", 5)
                counted = Counter(int(number) for number in numbers)
                block.options = [(str(step), counted.get(step, 0)) for step in range(low, high + 1)]
                block.chart = charts.scale_json(title, block.options)
            else:
                block.chart = charts.histogram_json(title, numbers)
        elif question.kind == Question.Kind.TEXT:
            block.n = len(got)
            block.text_skills = [
                (labels.get(uri, uri), n) for uri, n in text_skills.get(block.key, [])
            ][:TOP_TEXT_SKILLS]
            if block.text_skills:
                block.chart = charts.choices_json(
                    _("Skills found in the answers: %(title)s") % {"title": title},
                    block.text_skills,
                )
        elif question.kind == Question.Kind.SKILLS_MATRIX:
            per_skill = ratings.get(block.key, {})
            order = list(question.skill_uris) + sorted(set(per_skill) - set(question.skill_uris))
            for uri in order:
                row = per_skill.get(uri) or {}
                block.matrix.append(
                    MatrixRow(
                        uri=uri,
                        label=labels.get(uri, uri),
                        proficiency=Mean(
                            _round(row.get("mean_proficiency")), row.get("n_proficiency", 0)
                        ),
                        importance=Mean(
                            _round(row.get("mean_importance")), row.get("n_importance", 0)
                        ),
                    )
                )
            block.n = max((row.n for row in block.matrix), default=0)
            block.chart = charts.matrix_scatter_json(title, block.matrix, element=index)
    waves = _waves(survey, filters, blocks, labels)
    return SurveyResults(
        survey=survey,
        started=counts["started"],
        submitted=counts["submitted"],
        invitations=invitations,
        matching=matching,
        questions=blocks,
        waves=waves,
        options=_filter_options(survey),
    )


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def _waves(
    survey: Survey, filters: ResultFilters, blocks: list[QuestionResult], labels: dict[str, str]
) -> WaveComparison | None:
    """Mean importance and proficiency of this survey's matrix skills in each wave of its series."""
    from skillspact.intelligence import charts

    if not survey.series:
        return None
    uris: list[str] = []
    for block in blocks:
        if block.question.kind == Question.Kind.SKILLS_MATRIX and not block.is_removed:
            uris += [uri for uri in block.question.skill_uris if uri not in uris]
    waves = list(
        Survey.objects.filter(series=survey.series)
        .exclude(status=Survey.Status.DRAFT)
        .order_by("published_at", "created_at", "id")
    )
    if len(waves) < 2 or not uris:
        return None
    rows = (
        SkillRating.objects.filter(
            Q(survey__in=waves, skill_uri__in=uris) & filters.profile_q("response__")
        )
        .values("survey_id", "skill_uri")
        .annotate(
            mean_importance=Avg("importance"),
            n_importance=Count("importance"),
            mean_proficiency=Avg("proficiency"),
            n_proficiency=Count("proficiency"),
        )
        .order_by()
    )
    found: dict[tuple[int, str], dict[str, Any]] = {
        (row["survey_id"], row["skill_uri"]): dict(row) for row in rows
    }
    comparison = WaveComparison(waves=waves, rows=[])
    for uri in uris:
        cells = []
        for wave in waves:
            row = found.get((wave.pk, uri)) or {}
            cells.append(
                WaveCell(
                    importance=Mean(_round(row.get("mean_importance")), row.get("n_importance", 0)),
                    proficiency=Mean(
                        _round(row.get("mean_proficiency")), row.get("n_proficiency", 0)
                    ),
                )
            )
        comparison.rows.append(WaveRow(uri=uri, label=labels.get(uri, uri), cells=cells))
    comparison.chart = charts.waves_json(comparison)
    return comparison
