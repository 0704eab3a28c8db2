"""The KPI API: the partnership's aggregates, as JSON or CSV, for anyone.

The same figures as the dashboard and the annual report, with the public's protection of small
groups for every caller: the API publishes aggregates only.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from skillspact.commitments import kpis
from skillspact.commitments.models import FIRST_YEAR, TARGET_YEAR
from skillspact.core.api import ErrorOut
from skillspact.core.schemas import InputSchema
from skillspact.organisations.models import StakeholderType

router = Router(tags=["kpis"])


class KpiQuery(InputSchema):
    year: int | None = Field(
        None,
        ge=FIRST_YEAR,
        le=TARGET_YEAR,
        description="Only this year in `years`, and its breakdowns (default: the latest reported)",
    )
    country: str = Field("", description="ISO 3166-1 alpha-2 code of the organisations, e.g. BE")
    stakeholder_type: str = Field("", description="A stakeholder type of the organisations")
    format: Literal["json", "csv"] = Field("json", description="`csv` for a flat table")

    @field_validator("country")
    @classmethod
    def country_is_iso(cls, value: str) -> str:
        from django_countries import countries

        if value and value.upper() not in countries:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
        return value.upper()

    @field_validator("stakeholder_type")
    @classmethod
    def type_is_known(cls, value: str) -> str:
        if value and value not in StakeholderType.values:
            raise ValueError(f"'{value}' is not a stakeholder type")
        return value


class FiguresOut(Schema):
    """Counted figures; every one is null when `suppressed` (too few organisations)."""

    suppressed: bool
    organisations: int | None
    reports: int | None
    progressing: int | None
    share_progressing: float | None = Field(description="Per cent of reports progressing")
    people_trained: int | None
    people_reached: int | None
    programmes: int | None
    stakeholders: int | None
    euros: int | None
    set_aside_people: int | None
    set_aside_euros: int | None


class PledgeOut(Schema):
    people: int
    programmes: int
    euros: int


class YearOut(Schema):
    year: int | None = Field(description="null for the cumulative row")
    members: int
    commitments: int
    figures: FiguresOut
    pledge: PledgeOut


class BreakdownRowOut(Schema):
    key: str = Field(description="Country code, type, principle, ISCO group or skill area")
    label: str
    is_other: bool = Field(description="Rows of too few organisations, grouped")
    figures: FiguresOut


class BreakdownOut(Schema):
    dimension: str
    title: str
    is_multi_valued: bool = Field(description="A commitment may count under several rows")
    rows: list[BreakdownRowOut]


class TargetOut(Schema):
    people_trained: int | None
    people_pledged: int
    share_of_pledge: float | None
    partnership_target: int
    share_of_target: float | None


class FiltersOut(Schema):
    year: int | None
    country: str
    stakeholder_type: str


class KpisOut(Schema):
    filters: FiltersOut
    min_organisations: int = Field(description="Figures of fewer organisations are suppressed")
    years: list[YearOut]
    cumulative: YearOut
    target: TargetOut
    breakdown_year: int | None
    breakdowns: list[BreakdownOut]


def _figures(figures: kpis.Figures) -> dict[str, Any]:
    names = [*kpis.CELL_SUMS]
    if figures.is_suppressed:
        return {"suppressed": True, "share_progressing": None, **dict.fromkeys(names)}
    return {
        "suppressed": False,
        "share_progressing": round(figures.share_progressing, 2)
        if figures.share_progressing is not None
        else None,
        **{name: getattr(figures, name) for name in names},
    }


def _year(row: kpis.YearRow) -> dict[str, Any]:
    return {
        "year": row.year,
        "members": row.members,
        "commitments": row.commitments,
        "figures": _figures(row.figures),
        "pledge": {
            "people": row.pledge.people,
            "programmes": row.pledge.programmes,
            "euros": row.pledge.euros,
        },
    }


def kpis_body(found: kpis.Kpis, filters: kpis.KpiFilters) -> dict[str, Any]:
    rows = [row for row in found.rows if not filters.year or row.year == filters.year]
    target = found.target
    return {
        "filters": {
            "year": filters.year,
            "country": filters.country,
            "stakeholder_type": filters.stakeholder_type,
        },
        "min_organisations": kpis.PUBLIC_MIN_ORGANISATIONS,
        "years": [_year(row) for row in rows],
        "cumulative": _year(found.cumulative),
        "target": {
            "people_trained": None if target.is_suppressed else target.trained,
            "people_pledged": target.pledged,
            "share_of_pledge": None if target.is_suppressed else target.share_of_pledge,
            "partnership_target": target.partnership_target,
            "share_of_target": None if target.is_suppressed else target.share_of_target,
        },
        "breakdown_year": found.year,
        "breakdowns": [
            {
                "dimension": b.dimension,
                "title": b.title,
                "is_multi_valued": b.is_multi_valued,
                "rows": [
                    {
                        "key": row.key,
                        "label": row.label,
                        "is_other": row.is_other,
                        "figures": _figures(row.figures),
                    }
                    for row in b.rows
                ],
            }
            for b in found.breakdowns
        ],
    }


CSV_COLUMNS = [
    "section",
    "year",
    "dimension",
    "key",
    "label",
    "members",
    "commitments",
    "suppressed",
    *kpis.CELL_SUMS,
    "share_progressing",
    "pledge_people",
    "pledge_programmes",
    "pledge_euros",
]


def csv_text(body: dict[str, Any]) -> str:
    """The JSON body as one flat table: a row per year, the cumulative row, a row per breakdown."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()

    def figures(values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "suppressed": "yes" if values["suppressed"] else "no"}

    for section, rows in (("year", body["years"]), ("cumulative", [body["cumulative"]])):
        for row in rows:
            writer.writerow(
                {
                    "section": section,
                    "year": row["year"] or "",
                    "members": row["members"],
                    "commitments": row["commitments"],
                    **figures(row["figures"]),
                    "pledge_people": row["pledge"]["people"],
                    "pledge_programmes": row["pledge"]["programmes"],
                    "pledge_euros": row["pledge"]["euros"],
                }
            )
    for breakdown in body["breakdowns"]:
        for row in breakdown["rows"]:
            label = row["label"]
            if label[:1] in {"=", "+", "-", "@"}:
                label = "'" + label  # no formulas in a spreadsheet
            writer.writerow(
                {
                    "section": "breakdown",
                    "year": body["breakdown_year"],
                    "dimension": breakdown["dimension"],
                    "key": row["key"],
                    "label": label,
                    **figures(row["figures"]),
                }
            )
    return out.getvalue()


@router.get(
    "/kpis",
    response={200: KpisOut, 422: ErrorOut},
    auth=None,
    url_name="kpis",
    summary="The partnership's KPIs (aggregates; JSON or CSV)",
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "text/csv": {
                        "schema": {
                            "type": "string",
                            "description": "With `format=csv`: " + ", ".join(CSV_COLUMNS),
                        }
                    }
                }
            }
        }
    },
)
def kpis_get(request: HttpRequest, query: Query[KpiQuery]) -> Any:
    """Members, commitments, people trained and reached, programmes, stakeholders engaged and
    euros invested per reported year and cumulated, the progress toward 2030, and one year's
    breakdowns by country, stakeholder type, principle, occupation group and skill area.
    Each organisation's figures count once; figures of fewer than `min_organisations`
    organisations are suppressed (null)."""
    filters = kpis.KpiFilters(
        year=query.year, country=query.country, stakeholder_type=query.stakeholder_type
    )
    body = kpis_body(kpis.kpis_for(user=None, filters=filters), filters)
    if query.format == "csv":
        response = HttpResponse("\ufeff" + csv_text(body), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kpis.csv"'
        return response
    return body
