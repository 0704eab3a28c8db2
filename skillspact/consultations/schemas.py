"""API shapes for consultations. Every name starts with `Consultation`: OpenAPI components are
keyed by class name across all routers."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator

from skillspact.consultations.models import Comment, Consultation, GeneralQuestion, Rating
from skillspact.core.schemas import InputSchema
from skillspact.organisations.models import StakeholderType

# -- reading -------------------------------------------------------------------------------------


class ConsultationDocumentOut(Schema):
    slug: str
    title: str


class ConsultationVersionOut(Schema):
    number: int
    title: str
    published_at: datetime | None


class ConsultationSectionOut(Schema):
    key: str = Field(..., description="Stays the same for the same section across versions")
    number: str
    level: int
    heading: str


class ConsultationSectionDetailOut(ConsultationSectionOut):
    body: str = Field(..., description="Markdown")


class ConsultationStancesOut(Schema):
    support: int
    neutral: int
    oppose: int
    total: int


class ConsultationSectionResultOut(Schema):
    key: str
    number: str
    heading: str
    ratings: ConsultationStancesOut
    comments: int = Field(..., description="Published comments and replies")


class ConsultationResultsOut(Schema):
    published_at: datetime | None
    result_version: int | None = Field(
        ..., description="The version published in answer to the consultation"
    )
    respondents: int
    sections: list[ConsultationSectionResultOut]


class ConsultationOut(Schema):
    slug: str
    title: str
    introduction: str = Field(..., description="Markdown")
    phase: Consultation.Phase
    opens_at: datetime
    closes_at: datetime
    is_accepting: bool = Field(..., description="Open, and between its dates: you can write now")
    allows_anonymous: bool
    document: ConsultationDocumentOut
    version: ConsultationVersionOut
    sections: list[ConsultationSectionOut]
    results: ConsultationResultsOut | None = Field(
        ..., description="Aggregated ratings and comments, once the results are published"
    )


class ConsultationListOut(Schema):
    items: list[ConsultationOut]
    count: int


class ConsultationQuestionOut(Schema):
    position: int
    text: str
    kind: GeneralQuestion.Kind
    choices: list[str]


class ConsultationDetailOut(ConsultationOut):
    sections: list[ConsultationSectionDetailOut]  # type: ignore[assignment]
    questions: list[ConsultationQuestionOut]


class ConsultationListQuery(InputSchema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


# -- taking part ---------------------------------------------------------------------------------


class ConsultationProfileIn(InputSchema):
    stakeholder_type: StakeholderType
    country: str = Field(..., description="ISO 3166-1 alpha-2 code, e.g. BE")
    answers_for_organisation: bool = False
    organisation_name: str = Field("", max_length=255)
    is_anonymised: bool = Field(
        True, description="Leave your name out of published results and exports"
    )

    @field_validator("country")
    @classmethod
    def country_is_iso(cls, value: str) -> str:
        from django_countries import countries

        if value.upper() not in countries:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
        return value.upper()


class ConsultationProfileOut(Schema):
    stakeholder_type: str
    country: str
    answers_for_organisation: bool
    organisation_name: str
    is_anonymised: bool
    submitted_at: datetime | None


class ConsultationRatingIn(InputSchema):
    stance: Rating.Stance


class ConsultationRatingOut(Schema):
    section: str = Field(..., description="The section's key")
    stance: Rating.Stance


class ConsultationCommentIn(InputSchema):
    body: str = Field(..., min_length=1, max_length=5000, description="Markdown")
    parent: UUID | None = Field(None, description="The id of the published comment you answer")
    publish: bool = Field(False, description="Publish at once instead of keeping a draft")


class ConsultationCommentOut(Schema):
    id: UUID = Field(..., alias="public_id")
    section: str = Field(..., description="The section's key")
    parent: UUID | None
    body: str
    status: Comment.Status
    published_at: datetime | None
    created_at: datetime
