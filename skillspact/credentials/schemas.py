"""API shapes for credentials and their verification."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from skillspact.core.schemas import InputSchema


class VerifyIn(InputSchema):
    credential: str | dict[str, Any] = Field(
        ...,
        description=(
            "The credential to check: a VC-JWT, a credential with a Data Integrity proof as a "
            "JSON string, or the same as a JSON object."
        ),
    )


class CheckOut(Schema):
    code: str = Field(..., description="Stable: format, signature, issuer_key, dates, status…")
    passed: bool
    message: str


class VerifyOut(Schema):
    valid: bool
    format: str = Field(..., description="vc-jwt, data-integrity, png or svg; empty if unreadable")
    checks: list[CheckOut]


class CredentialOut(Schema):
    id: UUID
    course: str = Field(..., description="The course's title")
    course_slug: str
    issuer: str = Field(..., description="The issuing organisation's name")
    issuer_id: str = Field(..., description="The issuer's did:web identifier")
    issued_at: datetime
    valid_until: datetime | None
    revoked_at: datetime | None
    is_shared: bool
    share_url: str = Field("", description="The public link, when the learner shares it")
    url: str


class CredentialDetailOut(CredentialOut):
    jwt: str = Field(..., description="The credential as a VC-JWT (application/vc+jwt)")
    credential: dict[str, Any] = Field(
        ..., description="The credential with its Data Integrity proof (eddsa-rdfc-2022)"
    )
