"""Skill gaps: demand against supply, per skill, for any slice of the data.

A slice is a `GapFilters`: country, NUTS-2 region, occupation (an ESCO URI) or occupation group
(an ISCO-08 code prefix, read through the taxonomy selectors), stakeholder type of the employer,
skill collection (digital, green, transversal, ...) and survey series and wave. Every filter
narrows the sources it applies to and leaves the others whole (see "Which filter narrows what").

Signals per skill
-----------------
Demand:

- ``importance``: mean importance for the role in skills-matrix ratings (1-5), with ``n``;
- ``difficulty``: mean difficulty of finding the skill (1-5) in employers' latest needs, with the
  number of employers citing it;
- ``volume`` (shown, not scored): people in the roles of the needs that cite the skill;
- ``job_ad_share``: share of the job ads of the last 12 months of data that ask for the skill,
  with the number of ads in the window, and ``job_ad_trend`` (shown, not scored): the
  least-squares slope of the monthly share, in share points per year.

Supply:

- ``proficiency``: mean self-rated proficiency (1-5) in the same ratings, with ``n``;
- ``courses``: published courses of the catalogue that teach the skill;
- ``pledged``: people that published commitments naming the skill pledge to upskill (all years).

The gap score
-------------
Each signal is put on 0-1:

- a 1-5 mean m → (m - 1) / 4;
- the job-ad share s → min(1, s / 0.25) (a quarter of the ads or more is full demand);
- courses c → c / (c + 5) (five courses is half-way), pledged people p → p / (p + 500).

Demand D is the weighted mean of the demand signals the skill has (importance 0.4, difficulty
0.3, job-ad share 0.3); supply S the weighted mean of its supply signals (proficiency 0.6,
courses 0.2, pledged 0.2). A survey or needs signal with no data for the skill is left out and
the weights of the rest are scaled up to sum to 1 (the row lists which signals were used);
courses and pledged people are counts, so they are always present (zero is a value). The gap
score is ``D - S``, from -1 (well supplied, little asked) to +1 (much asked, nothing supplied).
A skill is listed when it has at least one demand signal in the slice.

Confidence band: each mean carries a standard error sd / sqrt(n) (a single rating has no spread of
its own and gets sd 2, the widest the 1-5 scale allows); the job-ad share sqrt(s (1 - s) / ads),
over 0.25 like the share (none once capped). The errors are carried through the weighted sums as if
independent, and the band is score ± 1.96 × the combined error (a normal approximation at 95 %),
cut to -1..1. Counts have no error. Ratings of importance and proficiency come from the same people
and tend to move together, so treating them as independent makes the band wider, not narrower.

Small samples are flagged, never hidden: fewer than ``MIN_RATINGS`` ratings (when the skill has
ratings), fewer than ``MIN_EMPLOYERS`` employers (when employers cite it) or fewer than
``MIN_ADS`` job ads in the window (when the share is used).

Which filter narrows what
-------------------------
Ratings: every filter (the profile columns are copied onto each rating). Employers'
needs: country, region and occupation (group) select the needs with a role there; stakeholder
type is the organisation's. Job ads: country, region and occupation (group). Survey series and
wave narrow ratings only; the collection narrows the skills everywhere. Courses and commitments
are the whole catalogue's and every published commitment's (not sliced by place).

Every aggregate is one GROUP BY in the database; no row of ratings or ads reaches Python.

Where they are read from
------------------------
The ratings and the job ads of a slice are read from the summaries of `summaries.py` whenever
one keeps every column the slice filters on (and the heatmap groups by), and from the raw rows
otherwise; the summaries hold exact integer sums, so both give the same numbers:

- ratings: `SkillRatingPlaceSum` (survey, skill, country, region, employer type) when the slice
  names no occupation; `SkillRatingOccupationSum` (survey, skill, occupation, employer type)
  when it names no country or region; `SkillRating` for a place with occupations, a place's
  heatmap by occupation and an occupation's heatmap by region;
- job ads: `JobAdCountryMonthlyCount` when the slice names no region or occupation,
  `JobAdOccupationMonthlyCount` when it names occupations and no place, `JobAdMonthlyCount`
  otherwise (indexed on region and, covering, on country and month).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from skillspact.core.errors import InvalidInput
from skillspact.intelligence.models import (
    EmployerNeed,
    JobAdCountryMonthlyCount,
    JobAdMonthlyCount,
    JobAdOccupationMonthlyCount,
    JobAdUpload,
    NeedRole,
    NeedSkill,
    RatingSums,
    Response,
    SkillRating,
    SkillRatingOccupationSum,
    SkillRatingPlaceSum,
    Survey,
)

MIN_RATINGS = 30
MIN_EMPLOYERS = 5
MIN_ADS = 30
WINDOW_MONTHS = 12
JOB_AD_SHARE_FULL = 0.25
COURSES_HALF = 5
PLEDGED_HALF = 500
Z95 = 1.96
SINGLE_SD = 2.0  # the standard deviation assumed for a single rating (the 1-5 scale's widest)
DEMAND_WEIGHTS = {"importance": 0.4, "difficulty": 0.3, "job_ads": 0.3}
SUPPLY_WEIGHTS = {"proficiency": 0.6, "courses": 0.2, "pledged": 0.2}
HEATMAP_SKILLS = 25
HEATMAP_COLUMNS = 15

SKILL_KIND = "skill"
_REGION = re.compile(r"^[A-Z]{2}[0-9A-Z]{1,2}$")
_ISCO = re.compile(r"^[0-9]{1,4}$")


@dataclass(frozen=True)
class GapFilters:
    """A slice of the data; empty strings mean "all"."""

    country: str = ""
    region: str = ""
    occupation_uri: str = ""
    isco_group: str = ""
    stakeholder_type: str = ""
    collection: str = ""
    series: str = ""
    wave: str = ""

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (the API's and the pages' names)."""
        names = {"occupation_uri": "occupation"}
        return {
            names.get(item.name, item.name): getattr(self, item.name)
            for item in fields(self)
            if getattr(self, item.name)
        }

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, item.name) for item in fields(self))


@dataclass(frozen=True)
class Mean:
    """A mean of 1-5 ratings with its sample size and standard error."""

    mean: float
    n: int
    se: float


@dataclass
class GapRow:
    """One skill's signals, score and band."""

    skill_uri: str
    label: str
    is_digital: bool = False
    is_green: bool = False
    importance: Mean | None = None
    proficiency: Mean | None = None
    difficulty: Mean | None = None  # n: employers
    volume: int = 0
    job_ad_share: float | None = None
    job_ads: int = 0  # ads in the window of the slice (the share's denominator)
    job_ad_trend: float | None = None  # share points per year
    courses: int = 0
    pledged: int = 0
    demand: float = 0.0
    supply: float = 0.0
    score: float = 0.0
    band_low: float = 0.0
    band_high: float = 0.0
    signals: list[str] = field(default_factory=list)
    small_sample_reasons: list[str] = field(default_factory=list)

    @property
    def is_small_sample(self) -> bool:
        return bool(self.small_sample_reasons)

    @property
    def n_ratings(self) -> int:
        return self.importance.n if self.importance else 0

    @property
    def n_employers(self) -> int:
        return self.difficulty.n if self.difficulty else 0


@dataclass
class GapTable:
    """Every skill of a slice, largest gap first, and what the slice holds."""

    filters: GapFilters
    rows: list[GapRow]
    ratings: int = 0
    responses: int = 0
    employers: int = 0
    job_ads: int = 0
    window: tuple[date, date] | None = None
    is_synthetic: bool = False


@dataclass
class Heatmap:
    """Survey gap (mean importance - mean proficiency, on 0-1) per skill and column."""

    by: str
    skills: list[tuple[str, str]]  # (uri, label)
    columns: list[tuple[str, str]]  # (key, label)
    cells: dict[tuple[str, str], tuple[float, int]]  # (skill, column) -> (gap, n)

    def value(self, skill: str, column: str) -> tuple[float, int] | None:
        return self.cells.get((skill, column))


@dataclass
class Evidence:
    """What one skill's gap rests on, for the drill-down."""

    row: GapRow | None
    skill_uri: str
    label: str
    importance_counts: list[int]  # ratings 1..5
    proficiency_counts: list[int]
    difficulty_counts: list[int]
    employers: list[tuple[str, int]]  # (organisation name, difficulty)
    job_ad_series: list[tuple[date, float, int]]  # month, share, ads asking
    courses: list[Any]
    courses_total: int
    commitments: list[tuple[str, str, int]]  # (title, organisation, people)


# -- filters -----------------------------------------------------------------------------------


def filters_validate(filters: GapFilters) -> GapFilters:
    """The filters normalised (codes upper-case, spaces trimmed); InvalidInput names each filter
    whose value is not known."""
    from django_countries import countries

    from skillspact.organisations.models import StakeholderType
    from skillspact.taxonomy import selectors as taxonomy
    from skillspact.taxonomy.models import Collection

    clean = GapFilters(
        **{item.name: (getattr(filters, item.name) or "").strip() for item in fields(filters)}
    )
    clean = replace(clean, country=clean.country.upper(), region=clean.region.upper())
    problems: dict[str, list[str]] = {}
    if clean.country and clean.country not in countries:
        problems["country"] = [str(_("Not an ISO 3166-1 alpha-2 country code."))]
    if clean.region:
        if not _REGION.match(clean.region):
            problems["region"] = [str(_("Not a NUTS-2 region code (e.g. ES21)."))]
        elif clean.country and not clean.region.startswith(clean.country):
            problems["region"] = [str(_("This region is not in the chosen country."))]
    if clean.stakeholder_type and clean.stakeholder_type not in StakeholderType.values:
        problems["stakeholder_type"] = [str(_("Not a stakeholder type."))]
    if clean.collection and clean.collection not in Collection.values:
        problems["collection"] = [str(_("Not a skill collection."))]
    if clean.isco_group and not _ISCO.match(clean.isco_group):
        problems["isco_group"] = [str(_("Not an ISCO-08 group code (1 to 4 digits)."))]
    if clean.occupation_uri and not taxonomy.concepts_describe(
        [clean.occupation_uri], concept_type="occupation"
    ):
        problems["occupation"] = [str(_("No occupation has this URI."))]
    if clean.series or clean.wave:
        surveys = Survey.objects.exclude(status=Survey.Status.DRAFT)
        if clean.series and not surveys.filter(series=clean.series).exists():
            problems["series"] = [str(_("No published survey is in this series."))]
        elif (
            clean.wave
            and not surveys.filter(
                wave=clean.wave, **({"series": clean.series} if clean.series else {})
            ).exists()
        ):
            problems["wave"] = [str(_("No published survey has this wave."))]
    if problems:
        raise InvalidInput(
            _("Some filters are not valid: %(names)s.") % {"names": ", ".join(sorted(problems))},
            fields=problems,
        )
    return clean


def _occupations_of(filters: GapFilters) -> list[str] | None:
    """The occupation URIs of the slice, or None when it is not narrowed by occupation."""
    if filters.occupation_uri:
        return [filters.occupation_uri]
    if filters.isco_group:
        return sorted(_isco_occupations(filters.isco_group))
    return None


def _isco_occupations(prefix: str) -> set[str]:
    from skillspact.taxonomy import selectors as taxonomy

    return taxonomy.occupation_uris_in_isco_group(isco_group=prefix)


def _collection_skills(collection: str) -> set[str] | None:
    if not collection:
        return None
    from skillspact.taxonomy import selectors as taxonomy

    return taxonomy.skill_uris_in_collection(collection=collection)


def _ratings(filters: GapFilters, occupations: list[str] | None) -> QuerySet[SkillRating]:
    return _narrow(SkillRating.objects.all(), filters, occupations)


# The profile columns each rating summary keeps (both keep the survey and the skill).
_SUMMARY_COLUMNS: list[tuple[type[RatingSums], set[str]]] = [
    (SkillRatingPlaceSum, {"country", "region", "stakeholder_type"}),
    (SkillRatingOccupationSum, {"occupation_uri", "stakeholder_type"}),
]


def _rating_sums(
    filters: GapFilters, occupations: list[str] | None, column: str = ""
) -> QuerySet[Any] | None:
    """The slice's ratings summed (see `summaries.py`): the first summary that keeps every
    profile column the slice filters on, and `column` (a grouping); None if neither does."""
    needed = {name for name in ("country", "region", "stakeholder_type") if getattr(filters, name)}
    if occupations is not None:
        needed.add("occupation_uri")
    if column:
        needed.add(column)
    for model, columns in _SUMMARY_COLUMNS:
        if needed <= columns:
            return _narrow(model._default_manager.all(), filters, occupations)
    return None


# The aggregates of ratings, read from the ratings themselves or from their sums.
_RATING_AGGREGATES = {
    "n": Count("id"),
    "n_imp": Count("importance"),
    "s_imp": Sum("importance"),
    "q_imp": Sum(F("importance") * F("importance")),
    "n_prof": Count("proficiency"),
    "s_prof": Sum("proficiency"),
    "q_prof": Sum(F("proficiency") * F("proficiency")),
}
_SUM_AGGREGATES = {
    "n": Sum("ratings"),
    "n_imp": Sum("n_importance"),
    "s_imp": Sum("sum_importance"),
    "q_imp": Sum("sumsq_importance"),
    "n_prof": Sum("n_proficiency"),
    "s_prof": Sum("sum_proficiency"),
    "q_prof": Sum("sumsq_proficiency"),
}


_HEATMAP_AGGREGATES = ("n", "n_imp", "s_imp", "n_prof", "s_prof")


def _rating_source(
    filters: GapFilters, occupations: list[str] | None, column: str = ""
) -> tuple[QuerySet[Any], dict[str, Any]]:
    """The slice's ratings (summed where a summary holds the slice) and the aggregates that
    give, per group, n, n_imp, s_imp, q_imp, n_prof, s_prof and q_prof over either."""
    sums = _rating_sums(filters, occupations, column)
    if sums is not None:
        return sums, _SUM_AGGREGATES
    return _ratings(filters, occupations), _RATING_AGGREGATES


def _narrow(ratings: QuerySet[Any], filters: GapFilters, occupations: list[str] | None) -> Any:
    """Ratings or their sums narrowed to the slice (both have the profile columns)."""
    if filters.country:
        ratings = ratings.filter(country=filters.country)
    if filters.region:
        ratings = ratings.filter(region=filters.region)
    if filters.stakeholder_type:
        ratings = ratings.filter(stakeholder_type=filters.stakeholder_type)
    if occupations is not None:
        ratings = ratings.filter(occupation_uri__in=occupations)
    if filters.series or filters.wave:
        surveys = Survey.objects.all()
        if filters.series:
            surveys = surveys.filter(series=filters.series)
        if filters.wave:
            surveys = surveys.filter(wave=filters.wave)
        ratings = ratings.filter(survey_id__in=list(surveys.values_list("pk", flat=True)))
    return ratings


def _responses(filters: GapFilters, occupations: list[str] | None) -> QuerySet[Response]:
    responses = Response.objects.filter(status=Response.Status.SUBMITTED)
    for name in ("country", "region", "stakeholder_type"):
        if getattr(filters, name):
            responses = responses.filter(**{name: getattr(filters, name)})
    if occupations is not None:
        responses = responses.filter(occupation_uri__in=occupations)
    if filters.series:
        responses = responses.filter(survey__series=filters.series)
    if filters.wave:
        responses = responses.filter(survey__wave=filters.wave)
    return responses


def _needs(filters: GapFilters, occupations: list[str] | None) -> QuerySet[EmployerNeed]:
    """Each organisation's latest needs in the slice."""
    latest = (
        EmployerNeed.objects.filter(organisation_id=OuterRef("organisation_id"))
        .order_by("-year")
        .values("year")[:1]
    )
    needs = EmployerNeed.objects.filter(year=Subquery(latest))
    if filters.stakeholder_type:
        # Read-only: the organisation's type, as stored with the organisation.
        needs = needs.filter(organisation__stakeholder_type=filters.stakeholder_type)
    roles = Q()
    if filters.country:
        roles &= Q(country=filters.country)
    if filters.region:
        roles &= Q(region=filters.region)
    if occupations is not None:
        roles &= Q(occupation_uri__in=occupations)
    if roles:
        needs = needs.filter(pk__in=NeedRole.objects.filter(roles).values("need_id"))
    return needs


# The summaries of the monthly job-ad cells, and the place columns each keeps.
_AD_SUMMARIES: list[tuple[type[models.Model], set[str]]] = [
    (JobAdCountryMonthlyCount, {"country"}),
    (JobAdOccupationMonthlyCount, {"occupation_uri"}),
]


def _ads(filters: GapFilters, occupations: list[str] | None) -> QuerySet[Any]:
    """The slice's monthly job-ad cells: summed per country or per occupation when one of
    those is all the slice names of places and occupations (the same sums, fewer rows)."""
    needed = {name for name in ("country", "region") if getattr(filters, name)}
    if occupations is not None:
        needed.add("occupation_uri")
    model: type[models.Model] = JobAdMonthlyCount
    for summary, columns in _AD_SUMMARIES:
        if needed <= columns:
            model = summary
            break
    cells: QuerySet[Any] = model._default_manager.all()
    if filters.country:
        cells = cells.filter(country=filters.country)
    if filters.region:
        cells = cells.filter(region=filters.region)
    if occupations is not None:
        cells = cells.filter(occupation_uri__in=occupations)
    return cells


def _mean(n: int, total: float, squares: float) -> Mean | None:
    """The mean of n ratings on the 1-5 scale; one rating has no spread of its own, so it gets
    the widest a 1-5 scale allows (sd 2) rather than a band of zero width."""
    if not n:
        return None
    mean = total / n
    if n == 1:
        return Mean(mean=mean, n=1, se=SINGLE_SD)
    variance = max(0.0, squares / n - mean * mean) * (n / (n - 1))
    return Mean(mean=mean, n=n, se=math.sqrt(variance / n))


def _months_back(last: date, months: int) -> date:
    index = last.year * 12 + last.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def _slope_per_year(points: list[tuple[date, float]]) -> float | None:
    """Least-squares slope of the values against the month index, times 12."""
    if len(points) < 3:
        return None
    xs = [month.year * 12 + month.month for month, _value in points]
    ys = [value for _month, value in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if not spread:
        return None
    return 12 * sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def _score(row: GapRow) -> None:
    """Demand, supply, score and band of a row, by the formula of the module docstring."""
    demand: list[tuple[float, float, float]] = []  # (weight, value on 0-1, its se)
    if row.importance:
        demand.append(
            (DEMAND_WEIGHTS["importance"], (row.importance.mean - 1) / 4, row.importance.se / 4)
        )
        row.signals.append("importance")
    if row.difficulty:
        demand.append(
            (DEMAND_WEIGHTS["difficulty"], (row.difficulty.mean - 1) / 4, row.difficulty.se / 4)
        )
        row.signals.append("difficulty")
    if row.job_ad_share is not None and row.job_ads:
        share = row.job_ad_share
        capped = share >= JOB_AD_SHARE_FULL
        se = 0.0 if capped else math.sqrt(share * (1 - share) / row.job_ads) / JOB_AD_SHARE_FULL
        demand.append((DEMAND_WEIGHTS["job_ads"], min(1.0, share / JOB_AD_SHARE_FULL), se))
        row.signals.append("job_ads")
    supply: list[tuple[float, float, float]] = [
        (SUPPLY_WEIGHTS["courses"], row.courses / (row.courses + COURSES_HALF), 0.0),
        (SUPPLY_WEIGHTS["pledged"], row.pledged / (row.pledged + PLEDGED_HALF), 0.0),
    ]
    if row.proficiency:
        supply.append(
            (
                SUPPLY_WEIGHTS["proficiency"],
                (row.proficiency.mean - 1) / 4,
                row.proficiency.se / 4,
            )
        )
        row.signals.append("proficiency")
    row.signals += ["courses", "pledged"]
    variance = 0.0
    for part, sign in ((demand, 1), (supply, -1)):
        weights = sum(weight for weight, _value, _se in part)
        value = sum(weight * v for weight, v, _se in part) / weights if weights else 0.0
        variance += sum((weight / weights * se) ** 2 for weight, _v, se in part) if weights else 0
        if sign > 0:
            row.demand = value
        else:
            row.supply = value
    row.score = row.demand - row.supply
    half = Z95 * math.sqrt(variance)
    # The score cannot leave -1..1, so neither does its band.
    row.band_low = max(-1.0, row.score - half)
    row.band_high = min(1.0, row.score + half)
    if row.importance and row.importance.n < MIN_RATINGS:
        row.small_sample_reasons.append("ratings")
    if row.difficulty and row.difficulty.n < MIN_EMPLOYERS:
        row.small_sample_reasons.append("employers")
    if "job_ads" in row.signals and row.job_ads < MIN_ADS:
        row.small_sample_reasons.append("job_ads")


# -- the table ---------------------------------------------------------------------------------


def gap_table(filters: GapFilters) -> GapTable:
    """Every skill with a demand signal in the slice, largest gap first (ties A to Z).

    About ten queries, each one GROUP BY whatever the number of ratings or ads.
    """
    from skillspact.taxonomy import selectors as taxonomy

    occupations = _occupations_of(filters)
    skills_in = _collection_skills(filters.collection)
    table = GapTable(filters=filters, rows=[])
    rows: dict[str, GapRow] = {}

    def row_of(uri: str) -> GapRow:
        if uri not in rows:
            rows[uri] = GapRow(skill_uri=uri, label=uri)
        return rows[uri]

    # Ratings: one GROUP BY skill, over their sums whenever a summary holds the slice.
    ratings, aggregates = _rating_source(filters, occupations)
    if skills_in is not None:
        ratings = ratings.filter(skill_uri__in=skills_in)
    for item in ratings.values("skill_uri").annotate(**aggregates).order_by():
        row = row_of(item["skill_uri"])
        row.importance = _mean(item["n_imp"], item["s_imp"] or 0, item["q_imp"] or 0)
        row.proficiency = _mean(item["n_prof"], item["s_prof"] or 0, item["q_prof"] or 0)
        table.ratings += item["n"]
    table.responses = _responses(filters, occupations).count()

    # Employers' needs: difficulty per skill, and the people in the roles of those needs.
    needs = _needs(filters, occupations)
    need_skills = NeedSkill.objects.filter(need__in=needs)
    if skills_in is not None:
        need_skills = need_skills.filter(skill_uri__in=skills_in)
    for cited in need_skills.values("skill_uri").annotate(
        n=Count("need__organisation_id", distinct=True),
        s=Sum("difficulty"),
        q=Sum(F("difficulty") * F("difficulty")),
        c=Count("id"),
    ):
        row = row_of(cited["skill_uri"])
        mean = _mean(cited["c"], cited["s"] or 0, cited["q"] or 0)
        if mean:
            row.difficulty = Mean(mean=mean.mean, n=cited["n"], se=mean.se)
    volume = NeedRole.objects.filter(need__in=needs, need__skills__skill_uri__in=list(rows))
    if filters.country:
        volume = volume.filter(country=filters.country)
    if filters.region:
        volume = volume.filter(region=filters.region)
    if occupations is not None:
        volume = volume.filter(occupation_uri__in=occupations)
    for role in volume.values("need__skills__skill_uri").annotate(people=Sum("count")):
        if role["need__skills__skill_uri"] in rows:
            rows[role["need__skills__skill_uri"]].volume = role["people"] or 0
    table.employers = needs.values("organisation_id").distinct().count()

    # Job ads: the last WINDOW_MONTHS months of data, totals (skill_uri="") and per skill.
    cells = _ads(filters, occupations)
    last = JobAdMonthlyCount.objects.aggregate(last=Max("month"))["last"]
    if last is not None:
        first = _months_back(last, WINDOW_MONTHS)
        table.window = (first, last)
        window = cells.filter(month__gte=first, month__lte=last)
        if skills_in is not None:
            window = window.filter(Q(skill_uri="") | Q(skill_uri__in=skills_in))
        # One GROUP BY skill and month: the totals are the skill_uri="" groups.
        totals: dict[date, int] = {}
        per_skill: dict[str, list[tuple[date, int]]] = defaultdict(list)
        for cell in window.values("skill_uri", "month").annotate(ads=Sum("ads")).order_by():
            if cell["skill_uri"]:
                per_skill[cell["skill_uri"]].append((cell["month"], cell["ads"]))
            else:
                totals[cell["month"]] = cell["ads"]
        table.job_ads = sum(totals.values())
        if table.job_ads:
            for uri, months in per_skill.items():
                row = row_of(uri)
                row.job_ads = table.job_ads
                row.job_ad_share = sum(ads for _month, ads in months) / table.job_ads
                by_month = dict(months)
                row.job_ad_trend = _slope_per_year(
                    [
                        (month, by_month.get(month, 0) / total)
                        for month, total in sorted(totals.items())
                        if total
                    ]
                )

    uris = list(rows)
    # Supply from the catalogue and the commitments, in bulk (read-only, see the README).
    for uri, courses in _courses_per_skill(uris).items():
        rows[uri].courses = courses
    for uri, people in _pledged_per_skill(uris).items():
        rows[uri].pledged = people
    for uri, brief in taxonomy.concepts_describe(uris, concept_type="skill").items():
        rows[uri].label = brief.label
        rows[uri].is_digital = brief.is_digital
        rows[uri].is_green = brief.is_green
    for row in rows.values():
        _score(row)
    table.rows = sorted(
        rows.values(), key=lambda row: (-row.score, row.label.lower(), row.skill_uri)
    )
    table.is_synthetic = _is_synthetic()
    return table


def _courses_per_skill(uris: list[str]) -> dict[str, int]:
    """Published courses teaching each skill: the catalogue's CourseSkill index, read-only."""
    if not uris:
        return {}
    from skillspact.training.models import Course, CourseSkill

    return {
        item["skill_uri"]: item["n"]
        for item in CourseSkill.objects.filter(
            skill_uri__in=uris, course__status=Course.Status.PUBLISHED
        )
        .values("skill_uri")
        .annotate(n=Count("course_id", distinct=True))
        .order_by()
    }


def _pledged_per_skill(uris: list[str]) -> dict[str, int]:
    """People pledged by published commitments naming each skill (every year), read-only."""
    if not uris:
        return {}
    from skillspact.commitments.models import Commitment, CommitmentConcept

    return {
        item["uri"]: item["people"] or 0
        for item in CommitmentConcept.objects.filter(
            kind=SKILL_KIND, uri__in=uris, commitment__status=Commitment.Status.PUBLISHED
        )
        .values("uri")
        .annotate(people=Sum("commitment__targets__people"))
        .order_by()
    }


def _is_synthetic() -> bool:
    """Whether any of the data the gaps read is synthetic demo data."""
    return (
        Survey.objects.filter(is_synthetic=True).exists()
        or EmployerNeed.objects.filter(is_synthetic=True).exists()
        or JobAdUpload.objects.filter(is_synthetic=True).exists()
    )


# -- the heatmap -------------------------------------------------------------------------------


def gap_heatmap(
    filters: GapFilters, by: str = "occupation", *, table: GapTable | None = None
) -> Heatmap:
    """The survey gap of the top skills (by gap score) in the columns with most ratings.

    A cell is (mean importance - mean proficiency) / 4 of the ratings of that skill in that
    occupation or region, with its number of ratings: the one demand and supply pair every
    column has. Two GROUP BY queries after the table.
    """
    from skillspact.taxonomy import selectors as taxonomy

    column = "occupation_uri" if by == "occupation" else "region"
    table = table or gap_table(filters)
    top = [row for row in table.rows if row.importance and row.proficiency][:HEATMAP_SKILLS]
    skills = [(row.skill_uri, row.label) for row in top]
    ratings, aggregates = _rating_source(filters, _occupations_of(filters), column)
    ratings = ratings.filter(skill_uri__in=[uri for uri, _label in skills]).exclude(**{column: ""})
    ranked = (
        ratings.values(column).annotate(n=aggregates["n"]).order_by("-n", column)[:HEATMAP_COLUMNS]
    )
    keys = [item[column] for item in ranked]
    if by == "occupation":
        briefs = taxonomy.concepts_describe(keys, concept_type="occupation")
        columns = [(key, briefs[key].label if key in briefs else key) for key in keys]
    else:
        columns = [(key, key) for key in keys]
    cells: dict[tuple[str, str], tuple[float, int]] = {}
    for item in (
        ratings.filter(**{f"{column}__in": keys})
        .values("skill_uri", column)
        .annotate(**{name: aggregates[name] for name in _HEATMAP_AGGREGATES})
        .order_by()
    ):
        if item["n_imp"] and item["n_prof"]:
            gap = (item["s_imp"] / item["n_imp"] - item["s_prof"] / item["n_prof"]) / 4
            cells[(item["skill_uri"], item[column])] = (gap, item["n"])
    return Heatmap(by=by, skills=skills, columns=columns, cells=cells)


# -- the evidence of one skill -----------------------------------------------------------------


def gap_evidence(filters: GapFilters, skill_uri: str, *, show_employers: bool = False) -> Evidence:
    """What one skill's gap rests on in the slice; employers by name only if `show_employers`."""
    from skillspact.commitments.models import Commitment, CommitmentConcept
    from skillspact.taxonomy import selectors as taxonomy
    from skillspact.training import selectors as training

    occupations = _occupations_of(filters)
    table = gap_table(filters)
    row = next((row for row in table.rows if row.skill_uri == skill_uri), None)
    briefs = taxonomy.concepts_describe([skill_uri], concept_type="skill")
    label = briefs[skill_uri].label if skill_uri in briefs else skill_uri

    ratings = _ratings(filters, occupations).filter(skill_uri=skill_uri)
    importance = [0] * 5
    proficiency = [0] * 5
    for item in ratings.values("importance").annotate(n=Count("id")).order_by():
        if item["importance"]:
            importance[item["importance"] - 1] = item["n"]
    for prof_count in ratings.values("proficiency").annotate(n=Count("id")).order_by():
        if prof_count["proficiency"]:
            proficiency[prof_count["proficiency"] - 1] = prof_count["n"]

    cited = NeedSkill.objects.filter(need__in=_needs(filters, occupations), skill_uri=skill_uri)
    difficulty = [0] * 5
    for diff_count in cited.values("difficulty").annotate(n=Count("id")).order_by():
        difficulty[diff_count["difficulty"] - 1] = diff_count["n"]
    employers: list[tuple[str, int]] = []
    if show_employers:
        employers = list(
            cited.order_by("-difficulty", "need__organisation__legal_name").values_list(
                "need__organisation__legal_name", "difficulty"
            )
        )

    totals: dict[date, int] = {}
    asking: dict[date, int] = {}
    for uri, month, ads in (
        _ads(filters, occupations)
        .filter(skill_uri__in=["", skill_uri])
        .values_list("skill_uri", "month")
        .annotate(ads=Sum("ads"))
        .order_by()
    ):
        (asking if uri else totals)[month] = ads
    series = [
        (month, asking.get(month, 0) / total, asking.get(month, 0))
        for month, total in sorted(totals.items())
        if total
    ]
    commitments = list(
        CommitmentConcept.objects.filter(
            kind=SKILL_KIND, uri=skill_uri, commitment__status=Commitment.Status.PUBLISHED
        )
        .values_list("commitment__title", "commitment__organisation__legal_name")
        .annotate(people=Sum("commitment__targets__people"))
        .order_by("-people", "commitment__title")[:20]
    )
    return Evidence(
        row=row,
        skill_uri=skill_uri,
        label=label,
        importance_counts=importance,
        proficiency_counts=proficiency,
        difficulty_counts=difficulty,
        employers=employers,
        job_ad_series=series,
        courses=training.courses_teaching_skill(skill_uri=skill_uri, limit=10),
        courses_total=row.courses
        if row
        else training.courses_teaching_skill_count(skill_uri=skill_uri),
        commitments=[(title, org, people or 0) for title, org, people in commitments],
    )


# -- the landing page --------------------------------------------------------------------------


def headline_numbers() -> dict[str, Any]:
    """The intelligence landing page's counts; a handful of COUNT queries."""
    from skillspact.intelligence.models import ForecastRun, JobAd

    return {
        "surveys": Survey.objects.exclude(status=Survey.Status.DRAFT).count(),
        "responses": Response.objects.filter(status=Response.Status.SUBMITTED).count(),
        "ratings": SkillRating.objects.count(),
        "employers": EmployerNeed.objects.values("organisation_id").distinct().count(),
        "job_ads": JobAd.objects.count(),
        "forecast_run": ForecastRun.objects.filter(status=ForecastRun.Status.DONE).first(),
        "is_synthetic": _is_synthetic(),
    }


def can_see_gaps(user: Any) -> bool:
    """The secretariat and the contacts of member organisations see the aggregates."""
    from skillspact.core.permissions import is_secretariat
    from skillspact.organisations import selectors as organisations
    from skillspact.organisations.models import Organisation

    if is_secretariat(user):
        return True
    return bool(
        user
        and user.is_authenticated
        and organisations.organisations_acted_for(user=user)
        .filter(status=Organisation.Status.MEMBER)
        .exists()
    )
