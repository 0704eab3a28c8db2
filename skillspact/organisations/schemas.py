"""API shapes for organisations and membership applications."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator

from skillspact.core.schemas import InputSchema
from skillspact.organisations.models import MembershipApplication, SizeBand, StakeholderType


class NetworkOut(Schema):
    id: UUID
    slug: str
    legal_name: str


class OrganisationOut(Schema):
    id: UUID = Field(..., alias="public_id")
    slug: str
    legal_name: str
    acronym: str
    stakeholder_type: StakeholderType
    country: str
    nuts2: str
    size_band: SizeBand | str
    website: str
    description: str
    interests: list[str]
    networks: list[NetworkOut]
    member_since: date | None

    @staticmethod
    def resolve_country(obj: object) -> str:
        return str(obj.country)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_interests(obj: object) -> list[str]:
        return [interest.slug for interest in obj.interests.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_networks(obj: object) -> list[dict[str, object]]:
        return [
            {"id": n.public_id, "slug": n.slug, "legal_name": n.legal_name}
            for n in obj.networks.all()  # type: ignore[attr-defined]
        ]

    @staticmethod
    def resolve_member_since(obj: object) -> date | None:
        joined = obj.joined_at  # type: ignore[attr-defined]
        return joined.date() if joined else None


class DirectoryQuery(InputSchema):
    q: str = Field(
        "", max_length=200, description="Words that must all appear in name or description"
    )
    country: str = Field("", description="ISO 3166-1 alpha-2 code, e.g. BE")
    region: str = Field("", description="NUTS-2 code, e.g. BE10")
    stakeholder_type: str = Field(
        "", description="A stakeholder type, or a family: education, industry, public"
    )
    interest: str = Field("", description="Slug of an area of interest")
    sort: str = Field("name", pattern="^(name|-name|newest|oldest|country)$")

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
        if (
            value
            and value not in StakeholderType.values
            and value not in {"education", "industry", "public"}
        ):
            raise ValueError(f"'{value}' is not a stakeholder type")
        return value


class ApplicationIn(InputSchema):
    legal_name: str = Field("", max_length=255)
    acronym: str = Field("", max_length=40)
    stakeholder_type: StakeholderType | None = None
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2 code")
    nuts2: str = Field("", max_length=4)
    size_band: SizeBand | None = None
    website: str = Field("", max_length=300)
    description: str = Field("", max_length=4000)
    interests: list[str] = Field(default_factory=list, description="Slugs of areas of interest")
    pact_registration_ref: str = Field("", max_length=60)
    has_consented_to_charter: bool = False
    motivation: str = Field("", max_length=4000)
    submit: bool = Field(False, description="Submit for review at once instead of saving a draft")


class ApplicationPatch(InputSchema):
    legal_name: str | None = Field(None, max_length=255)
    acronym: str | None = Field(None, max_length=40)
    stakeholder_type: StakeholderType | None = None
    country: str | None = Field(None, max_length=2)
    nuts2: str | None = Field(None, max_length=4)
    size_band: SizeBand | None = None
    website: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=4000)
    interests: list[str] | None = None
    pact_registration_ref: str | None = Field(None, max_length=60)
    has_consented_to_charter: bool | None = None
    motivation: str | None = Field(None, max_length=4000)


class MessageOut(Schema):
    kind: str
    text: str
    created_at: datetime


class ApplicationOut(Schema):
    id: UUID = Field(..., alias="public_id")
    status: MembershipApplication.Status
    legal_name: str
    acronym: str
    stakeholder_type: str
    country: str
    nuts2: str
    size_band: str
    website: str
    description: str
    interests: list[str]
    pact_registration_ref: str
    has_consented_to_charter: bool
    motivation: str
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_reason: str
    organisation: NetworkOut | None
    messages: list[MessageOut]

    @staticmethod
    def resolve_country(obj: object) -> str:
        return str(obj.country or "")  # type: ignore[attr-defined]

    @staticmethod
    def resolve_interests(obj: object) -> list[str]:
        return [interest.slug for interest in obj.interests.all()]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_organisation(obj: object) -> dict[str, object] | None:
        org = obj.organisation  # type: ignore[attr-defined]
        return (
            {"id": org.public_id, "slug": org.slug, "legal_name": org.legal_name} if org else None
        )

    @staticmethod
    def resolve_messages(obj: object) -> list[object]:
        return list(obj.messages.all())  # type: ignore[attr-defined]


class ApplicationListQuery(InputSchema):
    status: MembershipApplication.Status | None = None


class DecisionIn(InputSchema):
    message: str = Field("", max_length=4000, description="Welcome note or request text")


class RejectIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=4000)
