"""API shapes for commitments and progress reports."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator

from skillspact.commitments.models import (
    FIRST_YEAR,
    TARGET_YEAR,
    Commitment,
    Principle,
    ProgressReport,
    ProgressStatus,
)
from skillspact.core.schemas import InputSchema

# The largest figures the database stores on every backend (PostgreSQL integer and bigint).
MAX_PEOPLE = 2_147_483_647
MAX_EUROS = 9_223_372_036_854_775_807


def _country_code(value: str) -> str:
    from django_countries import countries

    if value and value.upper() not in countries:
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return value.upper()


# -- shared --------------------------------------------------------------------------------------


class OrganisationRef(Schema):
    id: UUID
    slug: str
    legal_name: str


def _organisation_ref(organisation: Any) -> dict[str, Any]:
    return {
        "id": organisation.public_id,
        "slug": organisation.slug,
        "legal_name": organisation.legal_name,
    }


# -- commitments ---------------------------------------------------------------------------------


class CommitmentConceptOut(Schema):
    uri: str
    label: str
    esco_version: str = Field(
        ..., description="ESCO version of the label; `local` for a local role"
    )
    is_green: bool
    is_digital: bool


class CommitmentTargetOut(Schema):
    year: int
    people: int
    programmes: int
    euros: int


class CommitmentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    organisation: OrganisationRef
    title: str
    description: str
    status: Commitment.Status
    principles: list[Principle]
    countries: list[str] = Field(..., description="ISO 3166-1 alpha-2 codes")
    regions: list[str] = Field(..., description="NUTS-2 codes")
    occupations: list[CommitmentConceptOut] = Field(
        ..., description="Target groups (ESCO occupations)"
    )
    skills: list[CommitmentConceptOut] = Field(..., description="Target skills (ESCO skills)")
    partners: list[OrganisationRef]
    targets: list[CommitmentTargetOut] = Field(
        ..., description="What is pledged per year, up to 2030"
    )
    revision: int = Field(..., description="1, plus one per amendment since publication")
    review_note: str = Field(
        ..., description="The secretariat's note; shown to the organisation until published"
    )
    submitted_at: datetime | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_organisation(obj: Any) -> dict[str, Any]:
        return _organisation_ref(obj.organisation)

    @staticmethod
    def resolve_countries(obj: Any) -> list[str]:
        return [str(country) for country in obj.countries]

    @staticmethod
    def resolve_occupations(obj: Any) -> list[Any]:
        return [c for c in obj.concepts.all() if c.kind == "occupation"]

    @staticmethod
    def resolve_skills(obj: Any) -> list[Any]:
        return [c for c in obj.concepts.all() if c.kind == "skill"]

    @staticmethod
    def resolve_partners(obj: Any) -> list[dict[str, Any]]:
        return [_organisation_ref(p) for p in obj.partners.all()]

    @staticmethod
    def resolve_targets(obj: Any) -> list[Any]:
        return list(obj.targets.all())

    @staticmethod
    def resolve_review_note(obj: Any) -> str:
        # Only the organisation and the secretariat see unpublished commitments; once published,
        # the note stays between them.
        return "" if obj.status == Commitment.Status.PUBLISHED else obj.review_note


class CommitmentRevisionOut(Schema):
    number: int
    reason: str
    created_at: datetime
    content: dict[str, Any] = Field(..., description="The commitment as it was before the change")


class CommitmentDetailOut(CommitmentOut):
    revisions: list[CommitmentRevisionOut] = Field(
        ..., description="Earlier contents, newest first"
    )

    @staticmethod
    def resolve_revisions(obj: Any) -> list[Any]:
        return list(obj.revisions.all())


class CommitmentListQuery(InputSchema):
    q: str = Field(
        "", max_length=200, description="Words that must all appear in title, text or organisation"
    )
    organisation: str = Field("", max_length=120, description="Slug of the organisation")
    status: Commitment.Status | None = Field(
        None, description="Other than published: your organisations' (the secretariat: all)"
    )
    principle: Principle | None = None
    country: str = Field("", description="ISO 3166-1 alpha-2 code, e.g. ES")

    @field_validator("country")
    @classmethod
    def country_is_iso(cls, value: str) -> str:
        return _country_code(value)


class CommitmentTargetIn(InputSchema):
    year: int = Field(..., description=f"{FIRST_YEAR} to {TARGET_YEAR}")
    people: int = Field(0, le=MAX_PEOPLE, description="People to upskill or reskill")
    programmes: int = Field(0, le=MAX_PEOPLE, description="Training programmes to create or update")
    euros: int = Field(0, le=MAX_EUROS, description="Euros to invest")


class _CommitmentContent(InputSchema):
    description: str | None = Field(None, max_length=8000)
    principles: list[Principle] | None = None
    countries: list[str] | None = Field(None, max_length=60, description="ISO 3166-1 alpha-2 codes")
    regions: list[str] | None = Field(None, max_length=400, description="NUTS-2 codes")
    occupations: list[str] | None = Field(None, max_length=200, description="ESCO occupation URIs")
    skills: list[str] | None = Field(None, max_length=200, description="ESCO skill URIs")
    partners: list[str] | None = Field(None, max_length=200, description="Organisation slugs")
    targets: list[CommitmentTargetIn] | None = Field(
        None, max_length=10, description="One entry per year; replaces every target"
    )


class CommitmentIn(_CommitmentContent):
    organisation: str = Field(..., max_length=120, description="Slug of your organisation")
    title: str = Field(..., max_length=200)
    submit: bool = Field(False, description="Submit for review at once instead of saving a draft")


class CommitmentPatch(_CommitmentContent):
    """Only the fields sent change."""

    title: str | None = Field(None, max_length=200)
    amendment_reason: str = Field(
        "", max_length=4000, description="Required to change a published commitment"
    )


class ReviewIn(InputSchema):
    note: str = Field("", max_length=4000, description="A note to the organisation")


class ReturnIn(InputSchema):
    note: str = Field(..., min_length=1, max_length=4000, description="What should change")


class WithdrawIn(InputSchema):
    reason: str = Field("", max_length=4000)


# -- reports -------------------------------------------------------------------------------------


class ReportingWindowOut(Schema):
    year: int
    opens_on: date
    closes_on: date
    state: str = Field(..., description="scheduled, open or closed")


class CommitmentRef(Schema):
    id: UUID = Field(..., alias="public_id")
    title: str


class OccupationFigureOut(Schema):
    uri: str
    label: str
    people_trained: int


class InclusionOut(Schema):
    organisation: OrganisationRef
    people_trained: int
    people_reached: int
    programmes: int
    stakeholders: int
    euros: int

    @staticmethod
    def resolve_organisation(obj: Any) -> dict[str, Any]:
        return _organisation_ref(obj.organisation)


class ReportOut(Schema):
    id: UUID = Field(..., alias="public_id")
    commitment: CommitmentRef
    organisation: OrganisationRef
    window: ReportingWindowOut
    year: int
    status: ProgressReport.Status
    progress_status: ProgressStatus | None
    people_trained: int | None
    trained_women: int | None
    trained_men: int | None
    trained_other_gender: int | None
    trained_gender_unknown: int | None
    people_reached: int | None
    programmes: int | None
    stakeholders: int | None
    euros: int | None
    narrative: str
    evidence_links: list[str]
    includes_other_organisations: bool
    occupations: list[OccupationFigureOut]
    inclusions: list[InclusionOut]
    submitted_at: datetime | None
    is_editable: bool = Field(..., description="Open window, or reopened by the secretariat")
    is_reopened: bool
    reopen_reason: str

    @staticmethod
    def resolve_organisation(obj: Any) -> dict[str, Any]:
        return _organisation_ref(obj.organisation)

    @staticmethod
    def resolve_progress_status(obj: Any) -> str | None:
        return obj.progress_status or None

    @staticmethod
    def resolve_occupations(obj: Any) -> list[Any]:
        return list(obj.occupation_figures.all())

    @staticmethod
    def resolve_inclusions(obj: Any) -> list[Any]:
        return list(obj.inclusions.all())


class ReportListQuery(InputSchema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=TARGET_YEAR)


class OccupationFigureIn(InputSchema):
    uri: str = Field(..., max_length=255, description="ESCO occupation or local role URI")
    people_trained: int = Field(..., le=MAX_PEOPLE)


class InclusionIn(InputSchema):
    organisation: str = Field(..., max_length=120, description="Slug of the other organisation")
    people_trained: int = Field(0, le=MAX_PEOPLE)
    people_reached: int = Field(0, le=MAX_PEOPLE)
    programmes: int = Field(0, le=MAX_PEOPLE)
    stakeholders: int = Field(0, le=MAX_PEOPLE)
    euros: int = Field(0, le=MAX_EUROS)


class ReportIn(InputSchema):
    """The whole report for the year; what is left out is empty afterwards."""

    progress_status: ProgressStatus | None = None
    people_trained: int | None = Field(None, le=MAX_PEOPLE)
    trained_women: int | None = Field(None, le=MAX_PEOPLE)
    trained_men: int | None = Field(None, le=MAX_PEOPLE)
    trained_other_gender: int | None = Field(None, le=MAX_PEOPLE)
    trained_gender_unknown: int | None = Field(None, le=MAX_PEOPLE)
    people_reached: int | None = Field(None, le=MAX_PEOPLE)
    programmes: int | None = Field(None, le=MAX_PEOPLE)
    stakeholders: int | None = Field(None, le=MAX_PEOPLE)
    euros: int | None = Field(None, le=MAX_EUROS)
    narrative: str = Field("", max_length=4000)
    evidence_links: list[str] = Field(default_factory=list, max_length=50)
    includes_other_organisations: bool = False
    occupations: list[OccupationFigureIn] = Field(default_factory=list, max_length=200)
    inclusions: list[InclusionIn] = Field(default_factory=list, max_length=1000)
    submit: bool = Field(False, description="Submit the report instead of saving a draft")

    @field_validator("evidence_links")
    @classmethod
    def links_are_short(cls, value: list[str]) -> list[str]:
        if any(len(link) > 2000 for link in value):
            raise ValueError("an evidence link has at most 2000 characters")
        return value


class ReopenIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=4000)
