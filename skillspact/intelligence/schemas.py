"""Shapes of the intelligence API."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from skillspact.core.schemas import InputSchema


class IntelGapQuery(InputSchema):
    country: str = Field("", description="ISO 3166-1 alpha-2 code of the respondents, roles, ads")
    region: str = Field("", description="NUTS-2 code, e.g. ES21")
    occupation: str = Field("", description="An ESCO occupation URI")
    isco_group: str = Field("", description="An ISCO-08 code prefix (1 to 4 digits), e.g. 222")
    stakeholder_type: str = Field("", description="The stakeholder type of the employer")
    collection: str = Field("", description="Only skills of this ESCO collection, e.g. digital")
    series: str = Field("", description="Only ratings of surveys of this series")
    wave: str = Field("", description="Only ratings of surveys of this wave")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class IntelMeanOut(Schema):
    """A mean on the 1-5 scale, its sample size and standard error."""

    mean: float
    n: int
    se: float


class IntelGapRowOut(Schema):
    rank: int
    skill_uri: str
    label: str
    is_digital: bool
    is_green: bool
    score: float = Field(description="Demand minus supply, from -1 to 1")
    band_low: float = Field(description="Lower end of the 95 % confidence band")
    band_high: float
    demand: float = Field(description="Weighted mean of the demand signals, 0 to 1")
    supply: float = Field(description="Weighted mean of the supply signals, 0 to 1")
    signals: list[str] = Field(description="The signals the score uses")
    n_ratings: int
    n_employers: int
    is_small_sample: bool
    small_sample_reasons: list[str] = Field(description="ratings, employers, job_ads")
    importance: IntelMeanOut | None
    proficiency: IntelMeanOut | None
    difficulty: IntelMeanOut | None = Field(description="n: the employers citing the skill")
    volume: int = Field(description="People in the roles of the needs citing the skill")
    job_ad_share: float | None = Field(description="Share of the window's ads asking for it")
    job_ads: int = Field(description="Ads in the window of the slice")
    job_ad_trend: float | None = Field(description="Slope of the monthly share, per year")
    courses: int = Field(description="Published courses teaching the skill")
    pledged: int = Field(description="People pledged by published commitments naming it")


class IntelGapTableOut(Schema):
    count: int
    limit: int
    offset: int
    is_synthetic: bool = Field(description="Some of the data is synthetic demo data")
    ratings: int
    responses: int
    employers: int
    job_ads: int
    window_start: date | None
    window_end: date | None
    rows: list[IntelGapRowOut]
