"""The intelligence API: the skill gaps of a slice, for the secretariat and member contacts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from skillspact.core.api import AUTH, ErrorOut
from skillspact.core.errors import NotPermitted
from skillspact.intelligence import gaps, schemas

router = Router(tags=["intelligence"])


def row_out(rank: int, row: gaps.GapRow) -> dict[str, Any]:
    """One row of the gap table as the API and the exports give it."""
    return {
        "rank": rank,
        "skill_uri": row.skill_uri,
        "label": row.label,
        "is_digital": row.is_digital,
        "is_green": row.is_green,
        "score": round(row.score, 4),
        "band_low": round(row.band_low, 4),
        "band_high": round(row.band_high, 4),
        "demand": round(row.demand, 4),
        "supply": round(row.supply, 4),
        "signals": list(row.signals),
        "n_ratings": row.n_ratings,
        "n_employers": row.n_employers,
        "is_small_sample": row.is_small_sample,
        "small_sample_reasons": list(row.small_sample_reasons),
        "importance": _mean(row.importance),
        "proficiency": _mean(row.proficiency),
        "difficulty": _mean(row.difficulty),
        "volume": row.volume,
        "job_ad_share": None if row.job_ad_share is None else round(row.job_ad_share, 4),
        "job_ads": row.job_ads,
        "job_ad_trend": None if row.job_ad_trend is None else round(row.job_ad_trend, 4),
        "courses": row.courses,
        "pledged": row.pledged,
    }


def _mean(mean: gaps.Mean | None) -> dict[str, Any] | None:
    if mean is None:
        return None
    return {
        key: round(value, 4) if isinstance(value, float) else value
        for key, value in asdict(mean).items()
    }


@router.get(
    "/intelligence/gaps",
    response={200: schemas.IntelGapTableOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    url_name="intelligence_gaps",
    summary="Skill gaps of a slice, largest first",
)
def gap_list(request: HttpRequest, filters: Query[schemas.IntelGapQuery]) -> Any:
    """Per skill: demand and supply signals with their sample sizes, the gap score with its
    95 % band and the small-sample flag. How the score is computed: the gaps page's "How this is
    computed". For the secretariat and the contacts of member organisations."""
    if not gaps.can_see_gaps(request.user):
        raise NotPermitted
    found = gaps.filters_validate(
        gaps.GapFilters(
            country=filters.country,
            region=filters.region,
            occupation_uri=filters.occupation,
            isco_group=filters.isco_group,
            stakeholder_type=filters.stakeholder_type,
            collection=filters.collection,
            series=filters.series,
            wave=filters.wave,
        )
    )
    table = gaps.gap_table(found)
    page = table.rows[filters.offset : filters.offset + filters.limit]
    return {
        "count": len(table.rows),
        "limit": filters.limit,
        "offset": filters.offset,
        "is_synthetic": table.is_synthetic,
        "ratings": table.ratings,
        "responses": table.responses,
        "employers": table.employers,
        "job_ads": table.job_ads,
        "window_start": table.window[0] if table.window else None,
        "window_end": table.window[1] if table.window else None,
        "rows": [row_out(filters.offset + index + 1, row) for index, row in enumerate(page)],
    }
