"""The consultations API: consultations with their sections and, once published, their results;
signed-in people give their profile, rate sections and comment.

Reads are public (the secretariat also sees consultations in preparation). Writes need a token
or a session; anonymous answers, where a consultation allows them, go through the pages only.
The respondent's services keep every rule: a closed consultation answers 409
`consultation_closed`, invalid input 422 with the fields.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from skillspact.accounts.forms import client_address
from skillspact.consultations import analysis, schemas, selectors, services
from skillspact.consultations.models import Comment, Consultation, Respondent, Section
from skillspact.core.api import AUTH, ErrorOut
from skillspact.core.errors import InvalidInput, InvalidState
from skillspact.core.types import AuthedHttpRequest

router = Router(tags=["consultations"])

ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


class ProfileRequired(InvalidState):
    code = "profile_required"
    default_message = gettext_lazy(
        "Tell us who you are first: PUT /api/v1/consultations/{slug}/profile."
    )


def _anyone_without_a_token(request: HttpRequest) -> bool:
    """Lets anonymous readers through; a token that was sent but refused stays refused."""
    return "Authorization" not in request.headers


AUTH_OPTIONAL = [*AUTH, _anyone_without_a_token]


# -- shapes ------------------------------------------------------------------------------------


def _stances(ratings: selectors.StanceCounts) -> dict[str, int]:
    return {
        "support": ratings.support,
        "neutral": ratings.neutral,
        "oppose": ratings.oppose,
        "total": ratings.total,
    }


def _section(section: Section, *, with_body: bool) -> dict[str, Any]:
    body = {
        "key": section.key,
        "number": section.number,
        "level": section.level,
        "heading": section.heading,
    }
    return {**body, "body": section.body} if with_body else body


def _consultation(
    consultation: Consultation, results: analysis.Results | None, *, detail: bool = False
) -> dict[str, Any]:
    version = consultation.version
    body: dict[str, Any] = {
        "slug": consultation.slug,
        "title": consultation.title,
        "introduction": consultation.introduction,
        "phase": consultation.phase,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
        "is_accepting": consultation.is_accepting(),
        "allows_anonymous": consultation.allows_anonymous,
        "document": {"slug": version.document.slug, "title": version.document.title},
        "version": {
            "number": version.number,
            "title": version.title,
            "published_at": version.published_at,
        },
        "sections": [
            _section(s, with_body=detail)
            for s in version.sections.all()  # prefetched, in position order
        ],
        "results": None,
    }
    if results is not None and consultation.phase == Consultation.Phase.RESULTS:
        answered = consultation.result_version
        body["results"] = {
            "published_at": consultation.results_published_at,
            "result_version": answered.number if answered else None,
            "respondents": results.respondents,
            "sections": [
                {
                    "key": row.section.key,
                    "number": row.section.number,
                    "heading": row.section.heading,
                    "ratings": _stances(row.ratings),
                    "comments": row.comments,
                }
                for row in results.sections
            ],
        }
    if detail:
        body["questions"] = [
            {"position": q.position, "text": q.text, "kind": q.kind, "choices": q.choices}
            for q in selectors.questions_of(consultation=consultation)
        ]
    return body


def _with_sections(queryset: Any) -> Any:
    return queryset.select_related("result_version").prefetch_related(
        Prefetch("version__sections", queryset=Section.objects.order_by("position"))
    )


def _results(consultations: list[Consultation]) -> dict[int, analysis.Results]:
    published = [c for c in consultations if c.phase == Consultation.Phase.RESULTS]
    return analysis.results_for(published)


# -- reading -----------------------------------------------------------------------------------


@router.get(
    "/consultations",
    response={200: schemas.ConsultationListOut, 401: ErrorOut, 422: ErrorOut},
    auth=AUTH_OPTIONAL,
    summary="Consultations on the strategy, with their sections and published results",
)
def consultation_list(request: HttpRequest, query: Query[schemas.ConsultationListQuery]) -> Any:
    """Open consultations, those under analysis and those with results, newest first (the
    secretariat also sees those in preparation). `results` is filled once the results are
    published: per section the support, neutral and oppose ratings and the comments."""
    found = selectors.consultations_visible_to(user=request.user)
    page = list(_with_sections(found)[query.offset : query.offset + query.limit])
    results = _results(page)
    return {
        "items": [_consultation(c, results.get(c.pk)) for c in page],
        "count": found.count(),
    }


def _consultation_get(request: HttpRequest, slug: str) -> Consultation:
    found = selectors.consultation_get_for_view(user=request.user, slug=slug)
    return _with_sections(Consultation.objects.filter(pk=found.pk)).select_related(
        "version__document"
    )[0]


@router.get(
    "/consultations/{slug}",
    response={200: schemas.ConsultationDetailOut, 401: ErrorOut, 404: ErrorOut},
    auth=AUTH_OPTIONAL,
    summary="One consultation: sections with their text, questions and results",
)
def consultation_get(request: HttpRequest, slug: str) -> Any:
    consultation = _consultation_get(request, slug)
    results = _results([consultation]).get(consultation.pk)
    return _consultation(consultation, results, detail=True)


# -- taking part -------------------------------------------------------------------------------


def _respondent(request: AuthedHttpRequest, consultation: Consultation) -> Respondent:
    """The caller's respondent in `consultation`; 409 when the consultation is closed or they
    have not given their profile yet."""
    respondent = selectors.respondent_for(consultation=consultation, user=request.user)
    if respondent is None:
        if not consultation.is_accepting():
            raise services.ConsultationClosed
        raise ProfileRequired(
            _("Tell us who you are first: PUT /api/v1/consultations/%(slug)s/profile.")
            % {"slug": consultation.slug}
        )
    return respondent


def _profile(respondent: Respondent) -> dict[str, Any]:
    return {
        "stakeholder_type": respondent.stakeholder_type,
        "country": str(respondent.country),
        "answers_for_organisation": respondent.answers_for_organisation,
        "organisation_name": respondent.organisation_name,
        "is_anonymised": respondent.is_anonymised,
        "submitted_at": respondent.submitted_at,
    }


@router.put(
    "/consultations/{slug}/profile",
    response={200: schemas.ConsultationProfileOut, 201: schemas.ConsultationProfileOut, **ERRORS},
    auth=AUTH,
    summary="Say who you answer as (needed before rating or commenting)",
)
def profile_put(
    request: AuthedHttpRequest, slug: str, payload: schemas.ConsultationProfileIn
) -> Any:
    """Your stakeholder type and country, whether you answer for an organisation (then its
    name), and whether your name may appear in published results and exports."""
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    is_new = selectors.respondent_for(consultation=consultation, user=request.user) is None
    respondent = services.respondent_save(
        consultation=consultation,
        actor=request.user,
        data={**payload.dict(), "stakeholder_type": payload.stakeholder_type.value},
    )
    return Status(201 if is_new else 200, _profile(respondent))


@router.put(
    "/consultations/{slug}/sections/{key}/rating",
    response={200: schemas.ConsultationRatingOut, **ERRORS},
    auth=AUTH,
    summary="Support, be neutral about or oppose a section (a second rating replaces the first)",
)
def rating_put(
    request: AuthedHttpRequest, slug: str, key: str, payload: schemas.ConsultationRatingIn
) -> Any:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    section = selectors.section_get(consultation=consultation, key=key)
    rating = services.rating_set(
        respondent=_respondent(request, consultation),
        section=section,
        stance=payload.stance.value,
    )
    return {"section": section.key, "stance": rating.stance}


@router.post(
    "/consultations/{slug}/sections/{key}/comments",
    response={201: schemas.ConsultationCommentOut, **ERRORS},
    auth=AUTH,
    summary="Comment on a section, or reply to a published comment",
)
def comment_post(
    request: AuthedHttpRequest, slug: str, key: str, payload: schemas.ConsultationCommentIn
) -> Any:
    """A draft, or published at once with `publish: true`. Drafts are published with the rest
    of your answers on the consultation's page."""
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    section = selectors.section_get(consultation=consultation, key=key)
    respondent = _respondent(request, consultation)
    parent = None
    if payload.parent is not None:
        parent = (
            Comment.objects.filter(public_id=payload.parent, respondent__consultation=consultation)
            .select_related("respondent")
            .first()
        )
        if parent is None:
            message = _("There is no such comment in this consultation.")
            raise InvalidInput(message, fields={"parent": [message]})
    comment = services.comment_create(
        respondent=respondent,
        section=section,
        body=payload.body,
        parent=parent,
        publish=payload.publish,
        client_address=client_address(request),
    )
    return Status(
        201,
        {
            "public_id": comment.public_id,
            "section": section.key,
            "parent": parent.public_id if parent else None,
            "body": comment.body,
            "status": comment.status,
            "published_at": comment.published_at,
            "created_at": comment.created_at,
        },
    )
