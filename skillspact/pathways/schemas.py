"""API shapes of the pathway planner: what to plan from, and the plan."""

from datetime import date
from enum import StrEnum

from ninja import Field, Schema


class PathwayObjective(StrEnum):
    HOURS = "hours"
    COST = "cost"


class PathwayMode(StrEnum):
    ONLINE = "online"
    BLENDED = "blended"
    IN_PERSON = "in_person"


class PathwayPlanIn(Schema):
    held: list[str] = Field(
        [], max_length=2000, description="ESCO skill URIs the person holds already"
    )
    occupation: str | None = Field(
        None,
        max_length=255,
        description="The person's current ESCO occupation or local role; its essential skills "
        "count as held",
    )
    target: str = Field(..., max_length=255, description="The target ESCO occupation or local role")
    objective: PathwayObjective = Field(
        PathwayObjective.HOURS, description="Least total workload, or least total cost"
    )
    max_hours: float | None = Field(None, gt=0, description="The most hours the plan may take")
    max_cost: float | None = Field(None, ge=0, description="The most euros the plan may cost")
    modes: list[PathwayMode] | None = Field(None, description="Modes allowed; none for any mode")
    languages: list[str] = Field(
        [], max_length=30, description="ISO 639-1 codes the courses may be taught in"
    )
    start_eqf_level: int | None = Field(None, ge=1, le=8, description="EQF level to start at")
    deadline: date | None = Field(None, description="Reach the target by this day")


class PathwaySkillOut(Schema):
    uri: str
    label: str


class PathwayCourseOut(Schema):
    slug: str
    title: str
    provider: str
    hours: float
    cost: float = Field(..., description="Price in euros")
    mode: str
    eqf_level: int | None
    languages: list[str]
    starts_on: date | None = Field(None, description="Planned start")
    ends_on: date | None = Field(None, description="Planned end")
    covers: list[str] = Field(..., description="The missing target skills (URIs) it covers")
    url: str


class PathwayPlanOut(Schema):
    target: PathwaySkillOut = Field(..., description="The target role's URI and label")
    objective_kind: PathwayObjective
    objective: float = Field(..., description="Total hours or total cost of the plan")
    bound: float = Field(..., description="A lower bound on the objective at this coverage")
    optimal: bool
    total_hours: float
    total_cost: float
    courses: list[PathwayCourseOut] = Field(..., description="In timeline order")
    covered: list[PathwaySkillOut]
    uncovered: list[PathwaySkillOut] = Field(
        ..., description="Target skills no course in the catalogue covers within the constraints"
    )
    held: list[PathwaySkillOut] = Field(..., description="Target skills already held")
    infeasible_reasons: list[str] = Field(
        ..., description="Why parts of the target stay uncovered (machine codes)"
    )
