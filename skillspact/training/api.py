"""The catalogue's API: the course search and one course."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from skillspact.core.api import AUTH, ErrorOut
from skillspact.training import schemas, selectors
from skillspact.training.models import Course

router = Router(tags=["training"])


def _anyone_without_a_token(request: HttpRequest) -> bool:
    """Lets anonymous readers through; a token that was sent but refused stays refused."""
    return "Authorization" not in request.headers


AUTH_OPTIONAL = [*AUTH, _anyone_without_a_token]


def _course_out(course: Course) -> dict[str, Any]:
    return {
        "public_id": course.public_id,
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "status": course.status,
        "provider": {
            "slug": course.provider.slug,
            "name": course.provider.legal_name,
            "country": str(course.provider.country),
        },
        "series": course.series.slug if course.series else None,
        "eqf_level": course.eqf_level,
        "hours": course.hours,
        "ects": course.ects,
        "mode": course.mode,
        "country": course.country,
        "place": course.place,
        "languages": list(course.languages),
        "is_self_paced": course.is_self_paced,
        "starts_on": course.starts_on,
        "ends_on": course.ends_on,
        "price_eur": course.price_eur,
        "is_digital": course.is_digital,
        "is_green": course.is_green,
        "is_featured": course.is_featured,
        "skill_uris": list(course.skill_uris),
        "url": reverse("training:detail", args=[course.slug]),
    }


@router.get(
    "/courses",
    response={200: list[schemas.CourseOut], 401: ErrorOut, 422: ErrorOut},
    auth=AUTH_OPTIONAL,
    summary="Search the course catalogue",
)
@paginate(LimitOffsetPagination)
def course_list(request: HttpRequest, filters: Query[schemas.CourseListQuery]) -> Any:
    """Published courses matching every filter, most relevant first: courses with all the
    words in their title, then the soonest start (self-paced courses after dated ones)."""
    found = selectors.course_search(
        selectors.CourseFilters(
            q=filters.q,
            skill=filters.skill.strip(),
            occupation=filters.occupation.strip(),
            is_digital=filters.digital,
            is_green=filters.green,
            mode=filters.mode.value if filters.mode else "",
            language=filters.language,
            country=filters.country,
            eqf_level=filters.eqf_level,
            max_price=filters.max_price,
            starts_after=filters.starts_after,
            starts_before=filters.starts_before,
            is_self_paced=filters.self_paced,
            series=filters.series,
            is_featured=filters.featured,
        )
    )
    return _Lazy(selectors.course_page_items(found))


class _Lazy:
    """The search as pagination wants it (`count()` and slices), each page turned into the
    API's shape."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return int(self.queryset.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_course_out(course) for course in self.queryset[item]]


@router.get(
    "/courses/{slug}",
    response={200: schemas.CourseDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=AUTH_OPTIONAL,
    summary="One course with its learning outcomes and micro-credential elements",
)
def course_get(request: HttpRequest, slug: str) -> Any:
    course = selectors.course_get_for_view(user=request.user, slug=slug)
    outcomes = selectors.course_outcomes(course=course)
    skills = {s.uri: s for outcome in outcomes for s in outcome.skills}
    return {
        **_course_out(course),
        "description": course.description,
        "outcomes": [
            {
                "text": outcome.text,
                "skills": [s.uri for s in outcome.skills] + outcome.unknown_skills,
            }
            for outcome in outcomes
        ],
        "skills": [
            {"uri": s.uri, "label": s.label, "is_digital": s.is_digital, "is_green": s.is_green}
            for s in skills.values()
        ],
        "target_occupations": list(course.target_occupations),
        "enrolment_closes_on": course.enrolment_closes_on,
        "places": course.places,
        "prerequisites": course.prerequisites,
        "assessment_type": course.assessment_type,
        "supervision": course.supervision,
        "quality_assurance": course.quality_assurance,
        "recognition": course.recognition,
        "stackability": course.stackability,
        "further_information": course.further_information,
        "credential_validity_months": course.credential_validity_months,
        "published_at": course.published_at,
    }
