"""The summaries the gap pages read instead of a million raw rows, and how they stay true.

* `SkillRatingPlaceSum`: the ratings summed per survey, skill, country, region and type of
  employer; `SkillRatingOccupationSum`: per survey, skill, occupation and type of employer. Each
  holds, per cell, the number of ratings and the count, sum and sum of squares of importance and
  of proficiency, which is all a mean and its standard error need. A slice is read from the first
  summary that keeps every column it filters on or groups by, and from `SkillRating` otherwise
  (see `gaps.py`).
* `JobAdCountryMonthlyCount`: `JobAdMonthlyCount` summed per month, country and skill, for
  slices that name no region or occupation; `JobAdOccupationMonthlyCount`: per month, occupation
  and skill, for slices that name occupations and no place.

Staying true: every writer of `SkillRating` adds its new ratings with `rating_sums_add` in the
same transaction (submitting a response, the demo data, the test factory). Ratings are never
changed or deleted (a survey with ratings cannot be deleted: they protect its questions).
`monthly_counts_rebuild` rewrites both job-ad summaries for the months it recounts.
`gap_summaries_rebuild` (the `gap_summaries_rebuild` command) recomputes everything from the raw
rows, for data loaded in bulk or anything that went behind the services' back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction

from skillspact.intelligence.models import (
    JobAdCountryMonthlyCount,
    JobAdMonthlyCount,
    JobAdOccupationMonthlyCount,
    RatingSums,
    SkillRating,
    SkillRatingOccupationSum,
    SkillRatingPlaceSum,
)

# The cell columns of each rating summary (the survey is `survey_id` in SQL).
RATING_SUMMARIES: list[tuple[type[RatingSums], tuple[str, ...]]] = [
    (SkillRatingPlaceSum, ("survey_id", "skill_uri", "country", "region", "stakeholder_type")),
    (SkillRatingOccupationSum, ("survey_id", "skill_uri", "occupation_uri", "stakeholder_type")),
]
# Each job-ad summary and the column it keeps of a cell (besides month and skill).
AD_SUMMARIES: list[tuple[type[models.Model], str]] = [
    (JobAdCountryMonthlyCount, "country"),
    (JobAdOccupationMonthlyCount, "occupation_uri"),
]
SUM_COLUMNS = (
    "ratings",
    "n_importance",
    "sum_importance",
    "sumsq_importance",
    "n_proficiency",
    "sum_proficiency",
    "sumsq_proficiency",
)
# Rows per INSERT: (5 + 7) parameters each stays far below SQLite's 999.
UPSERT_ROWS = 50


def _sums_of(rating: SkillRating) -> tuple[int, ...]:
    importance = rating.importance
    proficiency = rating.proficiency
    return (
        1,
        int(importance is not None),
        importance or 0,
        (importance or 0) ** 2,
        int(proficiency is not None),
        proficiency or 0,
        (proficiency or 0) ** 2,
    )


@transaction.atomic
def rating_sums_add(*, ratings: Iterable[SkillRating]) -> None:
    """Add newly written ratings to both rating summaries (call in the writer's transaction).

    One INSERT ... ON CONFLICT DO UPDATE per 50 cells adds to the cells in place, so parallel
    submissions that touch the same cell both count (the row lock orders them).
    """
    ratings = list(ratings)
    if not ratings:
        return
    for model, columns in RATING_SUMMARIES:
        cells: dict[tuple[Any, ...], list[int]] = {}
        for rating in ratings:
            key = tuple(getattr(rating, column) for column in columns)
            sums = cells.setdefault(key, [0] * len(SUM_COLUMNS))
            for index, value in enumerate(_sums_of(rating)):
                sums[index] += value
        table = model._meta.db_table
        names = (*columns, *SUM_COLUMNS)
        row = "({})".format(", ".join(["%s"] * len(names)))
        updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in SUM_COLUMNS)
        items = sorted(cells.items())  # one order for every writer: no deadlock between two
        with connection.cursor() as cursor:
            for start in range(0, len(items), UPSERT_ROWS):
                batch = items[start : start + UPSERT_ROWS]
                # Table and column names come from the models; values are parameters.
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                    f"VALUES {', '.join([row] * len(batch))} "
                    f"ON CONFLICT ({', '.join(columns)}) DO UPDATE SET {updates}",
                    [value for key, sums in batch for value in (*key, *sums)],
                )


@transaction.atomic
def rating_sums_rebuild() -> int:
    """Recompute both rating summaries from `SkillRating`; returns the number of cells."""
    ratings = SkillRating._meta.db_table
    sums = (
        "COUNT(*), COUNT(importance), COALESCE(SUM(importance), 0), "
        "COALESCE(SUM(importance * importance), 0), COUNT(proficiency), "
        "COALESCE(SUM(proficiency), 0), COALESCE(SUM(proficiency * proficiency), 0)"
    )
    written = 0
    with connection.cursor() as cursor:
        for model, columns in RATING_SUMMARIES:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                # Submissions wait for the rebuild; those already writing finish first and are
                # counted (SQLite lets one writer in at a time anyway).
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            keys = ", ".join(columns)
            cursor.execute(
                f"INSERT INTO {table} ({keys}, {', '.join(SUM_COLUMNS)}) "  # noqa: S608
                f"SELECT {keys}, {sums} FROM {ratings} GROUP BY {keys}"
            )
            written += max(cursor.rowcount, 0)
    return written


@transaction.atomic
def ad_counts_rebuild(*, months: Iterable[datetime.date] | None = None) -> int:
    """Recompute both job-ad summaries from `JobAdMonthlyCount` for `months` (None: all);
    returns the number of rows written."""
    month_list = None if months is None else sorted({m.replace(day=1) for m in months})
    if month_list == []:
        return 0
    cells = JobAdMonthlyCount._meta.db_table
    written = 0
    with connection.cursor() as cursor:
        for model, column in AD_SUMMARIES:
            if month_list is None:
                model._default_manager.all().delete()
            else:
                model._default_manager.filter(month__in=month_list).delete()
            table = model._meta.db_table
            for start in [0] if month_list is None else range(0, len(month_list), 200):
                params: list[Any] = []
                where = ""
                if month_list is not None:
                    batch = month_list[start : start + 200]
                    where = " WHERE month IN ({})".format(", ".join(["%s"] * len(batch)))
                    params = [connection.ops.adapt_datefield_value(m) for m in batch]
                cursor.execute(
                    f"INSERT INTO {table} (month, {column}, skill_uri, ads) "  # noqa: S608
                    f"SELECT month, {column}, skill_uri, SUM(ads) FROM {cells}{where} "
                    f"GROUP BY month, {column}, skill_uri",
                    params,
                )
                written += max(cursor.rowcount, 0)
    return written


@transaction.atomic
def gap_summaries_rebuild() -> dict[str, int]:
    """Recompute every summary the gap pages read from the raw rows; safe to run at any time."""
    return {"rating_cells": rating_sums_rebuild(), "ad_counts": ad_counts_rebuild()}
