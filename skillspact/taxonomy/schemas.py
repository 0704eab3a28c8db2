"""API shapes for the taxonomy, close to the ESCO web service's where it can be."""

from ninja import Field, Schema
from pydantic import field_validator

from skillspact.core.schemas import InputSchema
from skillspact.taxonomy.models import Collection, ConceptType


class SearchQuery(InputSchema):
    text: str = Field("", max_length=200)
    type: ConceptType = Field(ConceptType.SKILL, description="skill or occupation")
    language: str = Field("", max_length=10, description="Only labels in this language, e.g. fr")
    collection: Collection | None = None
    isco_group: str = Field("", max_length=4, pattern=r"^\d*$")
    is_health: bool | None = Field(None, description="Occupations: only those in the health lens")
    version: str = Field("", max_length=20, description="ESCO version; the default when empty")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)


class SearchHit(Schema):
    uri: str
    preferred_label: str
    type: str
    matched_label: str
    matched_language: str
    collections: list[str]


class SearchOut(Schema):
    version: str | None
    count: int
    items: list[SearchHit]


class ConceptRefOut(Schema):
    uri: str
    type: str
    preferred_label: str
    code: str = ""


class LabelOut(Schema):
    language: str
    type: str
    text: str


class RelatedSkillOut(Schema):
    uri: str
    preferred_label: str
    relation_type: str
    direction: str


class SkillOut(Schema):
    uri: str
    version: str
    preferred_label: str
    description: str
    skill_type: str
    reuse_level: str
    collections: list[str]
    labels: list[LabelOut]
    broader: list[ConceptRefOut]
    narrower: list[ConceptRefOut]
    related: list[RelatedSkillOut]
    essential_for: list[ConceptRefOut]
    optional_for: list[ConceptRefOut]


class OccupationOut(Schema):
    uri: str
    version: str
    preferred_label: str
    description: str
    code: str
    isco_group: str
    regulated_profession_note: str
    is_health: bool
    labels: list[LabelOut]
    broader: list[ConceptRefOut]
    narrower: list[ConceptRefOut]
    essential_skills: list[ConceptRefOut]
    optional_skills: list[ConceptRefOut]
    green_share: float
    digital_share: float


class MatchIn(InputSchema):
    texts: list[str] = Field(..., min_length=1, max_length=100)
    top: int = Field(10, ge=1, le=50)
    version: str = Field("", max_length=20, description="ESCO version; the default when empty")

    @field_validator("texts")
    @classmethod
    def texts_not_too_long(cls, texts: list[str]) -> list[str]:
        for index, text in enumerate(texts):
            if len(text) > 20_000:
                raise ValueError(f"text {index} is longer than 20,000 characters")
        return texts


class MatchOut(Schema):
    uri: str
    label: str
    score: float
    start: int
    end: int


class MatchResult(Schema):
    matches: list[MatchOut]


class MatchResultsOut(Schema):
    version: str
    results: list[MatchResult]


class LocalRoleOut(Schema):
    slug: str
    uri: str
    preferred_label: str
    alt_labels: list[str]
    description: str
    isco_group: str
    source: str
    content_version: str
    is_active: bool
    esco_version: str
    essential_skills: list[str]
    optional_skills: list[str]


class LocalRoleIn(InputSchema):
    slug: str = Field(..., pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)
    preferred_label: str = Field(..., min_length=1, max_length=300)
    alt_labels: list[str] = Field(default_factory=list)
    description: str = Field(..., min_length=1, max_length=4000)
    isco_group: str = Field("", max_length=4, pattern=r"^\d*$")
    source: str = Field(..., min_length=1, max_length=2000)
    content_version: str = Field("1.0", max_length=20)
    essential_skills: list[str] = Field(default_factory=list, description="ESCO skill URIs")
    optional_skills: list[str] = Field(default_factory=list, description="ESCO skill URIs")


class LocalRolePatch(InputSchema):
    preferred_label: str | None = Field(None, min_length=1, max_length=300)
    alt_labels: list[str] | None = None
    description: str | None = Field(None, min_length=1, max_length=4000)
    isco_group: str | None = Field(None, max_length=4, pattern=r"^\d*$")
    source: str | None = Field(None, min_length=1, max_length=2000)
    content_version: str | None = Field(None, max_length=20)
    is_active: bool | None = None
    essential_skills: list[str] | None = None
    optional_skills: list[str] | None = None
