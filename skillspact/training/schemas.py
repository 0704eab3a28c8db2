"""API shapes of the catalogue: the search's filters, a course in a list, one course."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from skillspact.training.models import AssessmentType, Course, Mode, Supervision


class CourseListQuery(Schema):
    q: str = Field("", max_length=200, description="Words in the title, outcomes, skills, provider")
    skill: str = Field("", max_length=255, description="An ESCO skill URI the course teaches")
    occupation: str = Field("", max_length=255, description="An ESCO occupation or local role URI")
    digital: bool = Field(False, description="Only courses teaching an ESCO digital skill")
    green: bool = Field(False, description="Only courses teaching an ESCO green skill")
    mode: Mode | None = None
    language: str = Field("", pattern="^([a-z]{2})?$", description="ISO 639-1 code")
    country: str = Field("", pattern="^([A-Za-z]{2})?$", description="ISO 3166-1 alpha-2 code")
    eqf_level: int | None = Field(None, ge=1, le=8)
    max_price: Decimal | None = Field(None, ge=0, description="Price in euros, at most")
    starts_after: date | None = None
    starts_before: date | None = None
    self_paced: bool | None = None
    series: str = Field("", max_length=120, description="The slug of a course series")
    featured: bool = False


class OutcomeOut(Schema):
    text: str
    skills: list[str] = Field(..., description="ESCO skill URIs")


class CourseSkillOut(Schema):
    uri: str
    label: str
    is_digital: bool
    is_green: bool


class ProviderOut(Schema):
    slug: str
    name: str
    country: str


class CourseOut(Schema):
    id: UUID = Field(..., alias="public_id")
    slug: str
    title: str
    summary: str
    status: Course.Status
    provider: ProviderOut
    series: str | None = Field(None, description="The series' slug")
    eqf_level: int | None
    hours: int
    ects: Decimal | None
    mode: Mode
    country: str
    place: str
    languages: list[str]
    is_self_paced: bool
    starts_on: date | None
    ends_on: date | None
    price_eur: Decimal
    is_digital: bool
    is_green: bool
    is_featured: bool
    skill_uris: list[str]
    url: str


class CourseDetailOut(CourseOut):
    description: str
    outcomes: list[OutcomeOut]
    skills: list[CourseSkillOut]
    target_occupations: list[str]
    enrolment_closes_on: date | None
    places: int | None
    prerequisites: str
    assessment_type: AssessmentType
    supervision: Supervision
    quality_assurance: str
    recognition: str
    stackability: str
    further_information: str
    credential_validity_months: int | None
    published_at: datetime | None
