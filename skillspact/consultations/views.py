"""Pages for respondents (consultations, sections, profile, questions, their own contributions,
reports) and the secretariat's moderation queue.

Anonymous respondents (where a consultation allows them) are recognised by a random cookie;
only its SHA-256 reaches the database.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillspact.accounts.forms import client_address
from skillspact.consultations import diff, forms, selectors, services
from skillspact.consultations.models import Amendment, Comment, Consultation, Respondent, Section
from skillspact.core.errors import DomainError, InvalidInput
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.permissions import secretariat_required
from skillspact.core.types import AuthedHttpRequest

COOKIE_NAME = "spk_consult"
COOKIE_AGE = 365 * 24 * 60 * 60


# -- who is asking -----------------------------------------------------------------------------


@dataclass
class Visitor:
    """The person behind a request, for one consultation."""

    user: Any  # a signed-in user, or None
    anonymous_key: str  # SHA-256 of the cookie, for people not signed in
    new_cookie: str  # a cookie value made for this request, to set on the response
    respondent: Respondent | None

    @property
    def reporter_key(self) -> str:
        return selectors.reporter_key_for(user=self.user, anonymous_key=self.anonymous_key)


def _cookie(request: HttpRequest) -> str:
    value = request.COOKIES.get(COOKIE_NAME, "")
    # Only values this site could have made: anything else is treated as no cookie.
    return value if 40 <= len(value) <= 64 and value.isascii() else ""


def _visitor(
    request: HttpRequest, consultation: Consultation, *, make_cookie: bool = False
) -> Visitor:
    user = request.user if request.user.is_authenticated else None
    raw, new = "", ""
    if user is None:
        raw = _cookie(request)
        if not raw and make_cookie:
            raw = new = secrets.token_urlsafe(32)
    key = selectors.anonymous_key_from_cookie(raw)
    respondent = selectors.respondent_for(consultation=consultation, user=user, anonymous_key=key)
    return Visitor(user=user, anonymous_key=key, new_cookie=new, respondent=respondent)


def _with_cookie(response: HttpResponseBase, visitor: Visitor) -> HttpResponseBase:
    if visitor.new_cookie:
        response.set_cookie(
            COOKIE_NAME,
            visitor.new_cookie,
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def _posted(request: HttpRequest) -> Any:
    """The posted data, bound even when empty (an empty form is still an answer)."""
    return request.POST if request.method == "POST" else None


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _section_url(consultation: Consultation, section: Section, anchor: str = "") -> str:
    url = reverse("consultations:section", args=[consultation.slug, section.key])
    return f"{url}#{anchor}" if anchor else url


def _respondent_or_redirect(
    request: HttpRequest, consultation: Consultation, visitor: Visitor, next_url: str
) -> Respondent | HttpResponse:
    """The visitor's respondent, else a redirect to sign in or to the profile form."""
    if visitor.respondent is not None:
        return visitor.respondent
    if visitor.user is None and not consultation.allows_anonymous:
        return redirect_to_login(next_url)
    messages.info(request, _("First tell us briefly who you are; it takes a few seconds."))
    profile_url = reverse("consultations:profile", args=[consultation.slug])
    return redirect(f"{profile_url}?{urlencode({'next': next_url})}")


# -- consultations -----------------------------------------------------------------------------


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    page = paginate(selectors.consultations_visible_to(user=request.user), request.GET.get("page"))
    return render(request, "consultations/list.html", {"page": page})


@require_GET
def consultation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    visitor = _visitor(request, consultation)
    outline = selectors.section_outline(consultation=consultation, respondent=visitor.respondent)
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "visitor": visitor,
            "respondent": visitor.respondent,
            "outline": outline,
            "done": sum(1 for s in outline if s.has_contributed),
            "has_questions": selectors.questions_of(consultation=consultation).exists(),
            "drafts": selectors.drafts_count(respondent=visitor.respondent),
            "can_write": consultation.is_accepting(),
        },
    )


@require_http_methods(["GET", "POST"])
def respondent_profile(request: HttpRequest, slug: str) -> HttpResponseBase:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    visitor = _visitor(request, consultation, make_cookie=request.method == "POST")
    detail_url = reverse("consultations:detail", args=[consultation.slug])
    next_url = _safe_next(request, detail_url)
    if visitor.user is None and not consultation.allows_anonymous:
        return redirect_to_login(request.get_full_path())
    form = forms.ProfileForm(
        _posted(request), initial=forms.ProfileForm.initial_for(visitor.respondent)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.respondent_save(
                consultation=consultation,
                actor=visitor.user,
                anonymous_key=visitor.anonymous_key,
                data=form.cleaned_data,
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Thank you. Your profile is saved."))
            return _with_cookie(redirect(next_url), visitor)
    elif request.method == "POST":
        status = 422
    response = render(
        request,
        "consultations/profile.html",
        {
            "consultation": consultation,
            "form": form,
            "respondent": visitor.respondent,
            "next": next_url,
            "can_write": consultation.is_accepting(),
        },
        status=status,
    )
    return _with_cookie(response, visitor)


# -- sections ----------------------------------------------------------------------------------


def _section_page(
    request: HttpRequest,
    consultation: Consultation,
    section: Section,
    visitor: Visitor,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    respondent = visitor.respondent
    can_write = consultation.is_accepting()
    amendments = selectors.amendments_for_section(
        consultation=consultation,
        section=section,
        respondent=respondent,
        reporter_key=visitor.reporter_key,
    )
    own_amendment = next((a.amendment for a in amendments if a.is_mine), None)
    amendment_form = extra.pop("amendment_form", None) or forms.AmendmentForm(
        initial={
            "text": own_amendment.text if own_amendment else section.body,
            "rationale": own_amendment.rationale if own_amendment else "",
        }
    )
    thread, thread_page = selectors.comment_thread_page(
        consultation=consultation,
        section=section,
        page=request.GET.get("page"),
        respondent=respondent,
        reporter_key=visitor.reporter_key,
    )
    previous, following = selectors.section_neighbours(consultation=consultation, section=section)
    my_stance = selectors.rating_of(respondent=respondent, section=section)
    context = {
        "consultation": consultation,
        "section": section,
        "visitor": visitor,
        "respondent": respondent,
        "can_write": can_write,
        "needs_sign_in": visitor.user is None and not consultation.allows_anonymous,
        "thread": thread,
        "page": thread_page,
        "amendments": [
            (
                view,
                diff.inline_word_diff(section.body, view.amendment.text) if view.is_visible else "",
            )
            for view in amendments
        ],
        "own_amendment": own_amendment,
        "stances": selectors.section_stances(consultation=consultation, section=section),
        "my_stance": my_stance,
        "rating_form": extra.pop("rating_form", None)
        or forms.RatingForm(initial={"stance": my_stance}),
        "comment_form": extra.pop("comment_form", None) or forms.CommentForm(),
        "amendment_form": amendment_form,
        "previous": previous,
        "following": following,
        **extra,
    }
    return render(request, "consultations/section.html", context, status=status)


@require_GET
def section_detail(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    section = selectors.section_get(consultation=consultation, key=key)
    return _section_page(request, consultation, section, _visitor(request, consultation))


@require_POST
def section_rate(request: HttpRequest, slug: str, key: str) -> HttpResponseBase:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    section = selectors.section_get(consultation=consultation, key=key)
    visitor = _visitor(request, consultation)
    respondent = _respondent_or_redirect(
        request, consultation, visitor, _section_url(consultation, section)
    )
    if not isinstance(respondent, Respondent):
        return respondent
    form = forms.RatingForm(request.POST)
    message = ""
    status = 200
    if form.is_valid():
        try:
            services.rating_set(
                respondent=respondent, section=section, stance=form.cleaned_data["stance"]
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            message = _("Your view is saved. You can change it while the consultation is open.")
    else:
        status = 422
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only successful answers: errors travel inside the partial, and into the
        # live region, since a closed consultation no longer shows the form.
        if status != 200:
            problems = [str(e) for errors in form.errors.values() for e in errors]
            message = " ".join(problems)
        return render(
            request,
            "consultations/_rating.html",
            {
                "consultation": consultation,
                "section": section,
                "respondent": respondent,
                "can_write": consultation.is_accepting(),
                "rating_form": form if status != 200 else forms.RatingForm(request.POST),
                "my_stance": selectors.rating_of(respondent=respondent, section=section),
                "stances": selectors.section_stances(consultation=consultation, section=section),
                "rating_message": message,
                "rating_failed": status != 200,
                "is_htmx": True,
            },
        )
    if status == 200:
        messages.success(request, message)
        return redirect(_section_url(consultation, section, "rating"))
    return _section_page(request, consultation, section, visitor, status=status, rating_form=form)


@require_POST
def section_comment(request: HttpRequest, slug: str, key: str) -> HttpResponseBase:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    section = selectors.section_get(consultation=consultation, key=key)
    visitor = _visitor(request, consultation)
    respondent = _respondent_or_redirect(
        request, consultation, visitor, _section_url(consultation, section, "comment-form")
    )
    if not isinstance(respondent, Respondent):
        return respondent
    form = forms.CommentForm(request.POST)
    is_reply = bool(request.POST.get("parent"))
    publish = is_reply or request.POST.get("action") == "publish"
    status = 422
    if form.is_valid():
        try:
            parent = None
            if form.cleaned_data["parent"]:
                try:
                    parent = selectors.comment_get_for_reply(
                        consultation=consultation,
                        section=section,
                        public_id=form.cleaned_data["parent"],
                    )
                except Http404:
                    raise InvalidInput(_("The comment you reply to is no longer shown.")) from None
            comment = services.comment_create(
                respondent=respondent,
                section=section,
                body=form.cleaned_data["body"],
                parent=parent,
                publish=publish,
                client_address=client_address(request),
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            if publish:
                messages.success(request, _("Your comment is published."))
            else:
                messages.success(
                    request,
                    _(
                        "Your comment is saved as a draft. Only you can see it until you "
                        "publish it or submit your contributions."
                    ),
                )
            return redirect(_section_url(consultation, section, f"comment-{comment.public_id}"))
    extra: dict[str, Any] = {"comment_form": form}
    if is_reply:
        extra = {"reply_form": form, "reply_to": request.POST.get("parent", "")}
    return _section_page(request, consultation, section, visitor, status=status, **extra)


@require_POST
def section_amend(request: HttpRequest, slug: str, key: str) -> HttpResponseBase:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    section = selectors.section_get(consultation=consultation, key=key)
    visitor = _visitor(request, consultation)
    respondent = _respondent_or_redirect(
        request, consultation, visitor, _section_url(consultation, section, "amend")
    )
    if not isinstance(respondent, Respondent):
        return respondent
    form = forms.AmendmentForm(request.POST)
    action = request.POST.get("action", "draft")
    if action == "preview":
        preview = (
            diff.inline_word_diff(section.body, form.cleaned_data["text"])
            if form.is_valid()
            else None
        )
        return _section_page(
            request, consultation, section, visitor, amendment_form=form, preview=preview
        )
    status = 422
    if form.is_valid():
        publish = action == "publish"
        try:
            amendment = services.amendment_save(
                respondent=respondent,
                section=section,
                text=form.cleaned_data["text"],
                rationale=form.cleaned_data["rationale"],
                publish=publish,
                client_address=client_address(request),
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(
                request,
                _("Your amendment is published.")
                if publish
                else _("Your amendment is saved as a draft. Only you can see it for now."),
            )
            return redirect(_section_url(consultation, section, f"amendment-{amendment.public_id}"))
    return _section_page(
        request, consultation, section, visitor, status=status, amendment_form=form
    )


@require_POST
def amendment_preview(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The word diff of the posted text against the section, for htmx; writes nothing."""
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    section = selectors.section_get(consultation=consultation, key=key)
    form = forms.AmendmentForm(request.POST)
    preview = (
        diff.inline_word_diff(section.body, form.cleaned_data["text"]) if form.is_valid() else None
    )
    return render(request, "consultations/_diff_preview.html", {"preview": preview, "form": form})


# -- drafts and the respondent's own page -----------------------------------------------------


def _own_action(
    request: HttpRequest, slug: str, public_id: str, *, kind: str, action: str
) -> HttpResponseBase:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    visitor = _visitor(request, consultation)
    mine_url = reverse("consultations:mine", args=[consultation.slug])
    respondent = visitor.respondent
    item: Comment | Amendment
    if kind == "comment":
        item = selectors.comment_get_own(respondent=respondent, public_id=public_id)
    else:
        item = selectors.amendment_get_own(respondent=respondent, public_id=public_id)
    assert respondent is not None  # the selectors above answer 404 otherwise
    try:
        if kind == "comment" and action == "publish":
            services.comment_publish(respondent=respondent, comment=item)  # type: ignore[arg-type]
            messages.success(request, _("Your comment is published."))
        elif kind == "comment":
            services.comment_discard(respondent=respondent, comment=item)  # type: ignore[arg-type]
            messages.success(request, _("The draft comment is deleted."))
        elif action == "publish":
            services.amendment_publish(respondent=respondent, amendment=item)  # type: ignore[arg-type]
            messages.success(request, _("Your amendment is published."))
        else:
            services.amendment_discard(respondent=respondent, amendment=item)  # type: ignore[arg-type]
            messages.success(request, _("The draft amendment is deleted."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_safe_next(request, mine_url))


@require_POST
def comment_publish(request: HttpRequest, slug: str, public_id: str) -> HttpResponseBase:
    return _own_action(request, slug, public_id, kind="comment", action="publish")


@require_POST
def comment_discard(request: HttpRequest, slug: str, public_id: str) -> HttpResponseBase:
    return _own_action(request, slug, public_id, kind="comment", action="discard")


@require_POST
def amendment_publish(request: HttpRequest, slug: str, public_id: str) -> HttpResponseBase:
    return _own_action(request, slug, public_id, kind="amendment", action="publish")


@require_POST
def amendment_discard(request: HttpRequest, slug: str, public_id: str) -> HttpResponseBase:
    return _own_action(request, slug, public_id, kind="amendment", action="discard")


@require_GET
def mine(request: HttpRequest, slug: str) -> HttpResponseBase:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    visitor = _visitor(request, consultation)
    respondent = _respondent_or_redirect(request, consultation, visitor, request.get_full_path())
    if not isinstance(respondent, Respondent):
        return respondent
    contributions = selectors.respondent_contributions(respondent=respondent)
    return render(
        request,
        "consultations/mine.html",
        {
            "consultation": consultation,
            "respondent": respondent,
            "contributions": contributions,
            "drafts": sum(1 for c in contributions if c.is_draft),
            "can_write": consultation.is_accepting(),
        },
    )


@require_POST
def contributions_submit(request: HttpRequest, slug: str) -> HttpResponseBase:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    visitor = _visitor(request, consultation)
    mine_url = reverse("consultations:mine", args=[consultation.slug])
    respondent = _respondent_or_redirect(request, consultation, visitor, mine_url)
    if not isinstance(respondent, Respondent):
        return respondent
    try:
        published = services.contributions_submit(respondent=respondent)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if published:
            messages.success(
                request,
                ngettext(
                    "Thank you. Your contribution is now published.",
                    "Thank you. %(count)s contributions are now published.",
                    published,
                )
                % {"count": published},
            )
        else:
            messages.success(request, _("Thank you. Your contributions are submitted."))
    return redirect(mine_url)


@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, slug: str) -> HttpResponseBase:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    visitor = _visitor(request, consultation)
    question_list = list(selectors.questions_of(consultation=consultation))
    respondent = visitor.respondent
    if request.method == "POST":
        result = _respondent_or_redirect(request, consultation, visitor, request.get_full_path())
        if not isinstance(result, Respondent):
            return result
        respondent = result
    initial = forms.QuestionsForm.initial_for(
        selectors.answers_of(respondent=respondent) if respondent else {}
    )
    form = forms.QuestionsForm(_posted(request), initial=initial, questions=question_list)
    status = 200
    if request.method == "POST" and respondent is not None:
        if form.is_valid():
            try:
                services.answers_save(respondent=respondent, answers=form.answers())
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Your answers are saved."))
                return redirect("consultations:questions", slug=consultation.slug)
        else:
            status = 422
    return render(
        request,
        "consultations/questions.html",
        {
            "consultation": consultation,
            "form": form,
            "respondent": respondent,
            "can_write": consultation.is_accepting(),
            "needs_sign_in": visitor.user is None and not consultation.allows_anonymous,
        },
        status=status,
    )


# -- reports and moderation --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def content_report(request: HttpRequest, slug: str, kind: str, public_id: str) -> HttpResponseBase:
    consultation = selectors.consultation_get_for_view(user=request.user, slug=slug)
    item = selectors.content_get_for_report(
        consultation=consultation, kind=kind, public_id=public_id
    )
    visitor = _visitor(request, consultation, make_cookie=request.method == "POST")
    section_url = _section_url(consultation, item.section, f"{kind}-{item.public_id}")
    form = forms.ReportForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.content_report(
                item=item,
                actor=visitor.user,
                anonymous_key=visitor.anonymous_key,
                reason=form.cleaned_data["reason"],
                client_address=client_address(request),
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            messages.success(request, _("Thank you. The moderators will look at it."))
            return _with_cookie(redirect(section_url), visitor)
    elif request.method == "POST":
        status = 422
    response = render(
        request,
        "consultations/moderation_report.html",
        {
            "consultation": consultation,
            "item": item,
            "kind": kind,
            "author": selectors.respondent_label(item.respondent),
            "form": form,
            "section_url": section_url,
        },
        status=status,
    )
    return _with_cookie(response, visitor)


@secretariat_required
@require_GET
def moderation_queue(request: AuthedHttpRequest) -> HttpResponse:
    items = selectors.moderation_queue(user=request.user)
    return render(request, "consultations/moderation_queue.html", {"items": items})


@secretariat_required
@require_http_methods(["GET", "POST"])
def moderation_decide(request: AuthedHttpRequest, kind: str, public_id: str) -> HttpResponse:
    item = selectors.content_get_for_moderation(user=request.user, kind=kind, public_id=public_id)
    form = forms.ModerationForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.moderation_decide(
                item=item,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        else:
            if form.cleaned_data["decision"] == "keep":
                messages.success(request, _("Kept: it is public again and its reports are closed."))
            else:
                messages.success(request, _("Removed. The decision is logged."))
            return redirect("consultations:moderation")  # type: ignore[return-value]
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "consultations/moderation_decide.html",
        {
            "item": item,
            "kind": kind,
            "author": selectors.respondent_label(item.respondent),
            "consultation": item.respondent.consultation,
            "reports": selectors.reports_of(item),
            "decisions": item.decisions.select_related("decided_by"),
            "diff": diff.inline_word_diff(item.section.body, item.text)
            if isinstance(item, Amendment)
            else None,
            "form": form,
        },
        status=status,
    )
