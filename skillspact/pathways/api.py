"""The pathways API: a plan from held skills and constraints to a target role, for other
career-guidance tools."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Router

from skillspact.core import ratelimit
from skillspact.core.api import AUTH, ErrorOut
from skillspact.core.errors import DomainError
from skillspact.core.types import AuthedHttpRequest
from skillspact.pathways import schemas, selectors, services
from skillspact.pathways.errors import UnknownTarget

router = Router(tags=["pathways"])

RATE_LIMIT = 60  # plans per person ...
RATE_WINDOW = 600  # ... every ten minutes


class PlanRateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many plans asked for; wait a few minutes and try again.")


def _money(value: Any) -> float:
    return round(float(value or 0), 2)


def _course_out(row: Any) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "title": row.title,
        "provider": str(getattr(row, "provider", "") or ""),
        "hours": float(row.hours or 0),
        "cost": _money(getattr(row, "price", 0)),
        "mode": str(row.mode),
        "eqf_level": row.eqf_level,
        "languages": list(getattr(row, "languages", []) or []),
        "starts_on": row.planned_start or row.starts_on,
        "ends_on": row.planned_end or row.ends_on,
        "covers": list(getattr(row, "covers", []) or []),
        "url": reverse("training:detail", args=[row.slug]),
    }


def plan_out(proposal: Any) -> dict[str, Any]:
    """A proposal in the API's shape."""
    result = proposal.result
    labels = {skill.uri: skill.label for skill in proposal.gap.skills}
    held = [s for s in proposal.gap.skills if s.state == "held"]
    return {
        "target": {"uri": proposal.gap.target_uri, "label": proposal.gap.target_label},
        "objective_kind": proposal.objective,
        "objective": round(float(result.objective), 2),
        "bound": round(float(result.bound), 2),
        "optimal": bool(result.optimal),
        "total_hours": proposal.total_hours,
        "total_cost": _money(float(proposal.total_cost)),
        "courses": [_course_out(row) for row in proposal.courses],
        "covered": [{"uri": uri, "label": labels.get(uri, uri)} for uri in result.covered],
        "uncovered": [{"uri": s.uri, "label": s.label} for s in proposal.uncovered],
        "held": [{"uri": s.uri, "label": s.label} for s in held],
        "infeasible_reasons": list(result.infeasible_reasons),
    }


@router.post(
    "/pathways/plan",
    response={
        200: schemas.PathwayPlanOut,
        401: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    auth=AUTH,
    summary="Plan the courses from held skills to a target role",
)
def plan(request: AuthedHttpRequest, payload: schemas.PathwayPlanIn) -> Any:
    """The courses of the catalogue that cover a target role's missing skills at the least
    total workload (or cost), within the constraints, in timeline order; what no course covers;
    whether the plan is optimal and the lower bound on its objective."""
    identity = str(request.user.pk)
    if ratelimit.is_limited("pathways-plan-api", identity, limit=RATE_LIMIT):
        raise PlanRateLimited
    ratelimit.hit("pathways-plan-api", identity, window=RATE_WINDOW)
    constraints = {
        "max_hours": payload.max_hours,
        "max_cost": payload.max_cost,
        "modes": [mode.value for mode in payload.modes] if payload.modes else [],
        "languages": [code.strip().lower() for code in payload.languages if code.strip()],
        "start_eqf_level": payload.start_eqf_level,
        "deadline": payload.deadline,
    }
    held = [uri.strip() for uri in payload.held if uri.strip()]
    occupation = (payload.occupation or "").strip()
    if occupation:
        skills = selectors.occupation_profile_skills(uri=occupation)
        if not skills:
            raise UnknownTarget(
                str(_("This occupation is neither an ESCO occupation nor an active local role.")),
                fields={"occupation": [str(_("Not an ESCO occupation or an active local role."))]},
            )
        held += [skill.uri for skill in skills if skill.is_essential]
    proposal = services.plan_for_api(
        held=list(dict.fromkeys(held)),
        target_uri=payload.target.strip(),
        constraints=constraints,
        objective=payload.objective.value,
    )
    return plan_out(proposal)
