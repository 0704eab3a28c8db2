"""Pages to search and browse ESCO and the local roles, and the secretariat's taxonomy tools."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skillspact.core import ratelimit
from skillspact.core.errors import DomainError
from skillspact.core.forms import add_domain_error
from skillspact.core.permissions import is_secretariat, secretariat_required
from skillspact.core.types import AuthedHttpRequest
from skillspact.taxonomy import exports, forms, matching, selectors, services
from skillspact.taxonomy.models import ConceptType, EscoVersion
from skillspact.training import selectors as training_selectors

PER_PAGE = 25


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    version = selectors.version_default()
    form = forms.SearchForm(request.GET or None, version=version)
    data = form.cleaned_data if form.is_valid() else {}
    concept_type = data.get("type") or ConceptType.SKILL
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    result = selectors.concept_search(
        text=data.get("text", ""),
        concept_type=concept_type,
        language=data.get("language") or None,
        collection=data.get("collection") or None,
        isco_group=data.get("isco_group") or None,
        is_health=True if data.get("health") else None,
        limit=PER_PAGE,
        offset=(page_number - 1) * PER_PAGE,
    )
    pages = max(1, -(-result.total // PER_PAGE))
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    context: dict[str, Any] = {
        "form": form,
        "result": result,
        "concept_type": concept_type,
        "page_number": page_number,
        "pages": pages,
        "previous_url": f"?{urlencode({**query, 'page': page_number - 1})}"
        if page_number > 1
        else "",
        "next_url": f"?{urlencode({**query, 'page': page_number + 1})}"
        if page_number < pages
        else "",
        "version": version,
        "local_roles": selectors.local_roles_visible(text=data.get("text", ""))
        if concept_type == ConceptType.OCCUPATION
        else [],
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "taxonomy/search.html#results", context)
    return render(request, "taxonomy/search.html", context)


@require_GET
def skill_detail(request: HttpRequest, ref: str) -> HttpResponse:
    skill = selectors.skill_get(uri_or_uuid=ref)
    return render(
        request,
        "taxonomy/skill.html",
        {
            "skill": skill,
            "labels": selectors.labels_of(concept_uri=skill.uri, version=skill.version),
            "hierarchy": selectors.skill_broader_narrower(skill),
            "related": selectors.skill_related(skill),
            "occupations": selectors.skill_occupations(skill),
            "skill_courses": training_selectors.courses_teaching_skill(skill_uri=skill.uri),
        },
    )


@require_GET
def occupation_detail(request: HttpRequest, ref: str) -> HttpResponse:
    occupation = selectors.occupation_get(uri_or_uuid=ref)
    share = selectors.occupation_green_digital_share(occupation)
    return render(
        request,
        "taxonomy/occupation.html",
        {
            "occupation": occupation,
            "labels": selectors.labels_of(concept_uri=occupation.uri, version=occupation.version),
            "hierarchy": selectors.occupation_broader_narrower(occupation),
            "profile": selectors.occupation_skills(occupation),
            "share": share,
            "green_percent": round(share.green_share * 100),
            "digital_percent": round(share.digital_share * 100),
        },
    )


@require_GET
def local_roles(request: HttpRequest) -> HttpResponse:
    roles = selectors.local_roles_visible(text=request.GET.get("q", "")[:200].replace("\x00", ""))
    if request.GET.get("export") == "zip":
        response = HttpResponse(exports.local_roles_zip(roles), content_type="application/zip")
        response["Content-Disposition"] = (
            'attachment; filename="skillspact-local-roles-esco-csv.zip"'
        )
        return response
    return render(
        request, "taxonomy/local_roles.html", {"roles": roles, "q": request.GET.get("q", "")}
    )


@require_GET
def local_role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = selectors.local_role_get(slug=slug)
    if not role.is_active and not is_secretariat(request.user):
        raise Http404
    return render(
        request,
        "taxonomy/local_role.html",
        {"role": role, "profile": selectors.local_role_profile(role)},
    )


def _local_role_form_page(request: AuthedHttpRequest, slug: str | None) -> HttpResponse:
    role = selectors.local_role_get(slug=slug) if slug else None
    form_class = forms.LocalRoleForm if role else forms.NewLocalRoleForm
    form = form_class(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in forms.LocalRoleForm.Meta.fields}
        try:
            if role is None:
                fields.pop("is_active")
                saved = services.local_role_create(
                    actor=request.user,
                    slug=form.cleaned_data["slug"],
                    skills=form.skills(),
                    alt_labels=form.alt_labels(),
                    **fields,
                )
            else:
                saved = services.local_role_update(
                    actor=request.user,
                    role=role,
                    data={**fields, "alt_labels": form.alt_labels()},
                    skills=form.skills(),
                )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The role “%(name)s” is saved.") % {"name": saved.preferred_label}
            )
            return redirect("taxonomy:local_role", slug=saved.slug)
    return render(request, "taxonomy/local_role_form.html", {"form": form, "role": role})


@secretariat_required
def local_role_create(request: AuthedHttpRequest) -> HttpResponse:
    return _local_role_form_page(request, None)


@secretariat_required
def local_role_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    return _local_role_form_page(request, slug)


def _save_upload(upload: Any) -> Path:
    folder = Path(settings.IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"esco-{uuid.uuid4()}.zip"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


@secretariat_required
def versions(request: AuthedHttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path = _save_upload(form.cleaned_data["archive"])
        try:
            version = services.esco_import_start(
                actor=request.user,
                path=str(path),
                version=form.cleaned_data["version"],
                make_default=form.cleaned_data["make_default"],
            )
        except DomainError as error:
            path.unlink(missing_ok=True)
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The import of %(version)s has started; this page shows its state.")
                % {"version": version.code},
            )
            return redirect("taxonomy:versions")
    return render(
        request, "taxonomy/versions.html", {"versions": selectors.versions_all(), "form": form}
    )


@secretariat_required
@require_POST
def version_make_default(request: AuthedHttpRequest, code: str) -> HttpResponse:
    version = EscoVersion.objects.filter(code=code).first()
    if version is None:
        raise Http404
    try:
        services.esco_version_make_default(actor=request.user, version=version)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(version)s is now the default version.") % {"version": version.code}
        )
    return redirect("taxonomy:versions")


def _highlight(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_highlighted) runs, overlapping spans merged."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, position = [], 0
    for start, end in merged:
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def match(request: HttpRequest) -> HttpResponse:
    version = selectors.version_default()
    form = forms.MatchForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "version": version}
    if request.method == "POST" and form.is_valid() and version is not None:
        client = str(request.META.get("REMOTE_ADDR", ""))
        if ratelimit.is_limited("match", client, limit=30):
            form.add_error(None, _("Too many requests from your address; wait a few minutes."))
        elif not matching.engine_is_ready(version):
            matching.engine_warm_up_request(version)
            form.add_error(
                None,
                _(
                    "The matching engine is being prepared (a few minutes after an import). "
                    "Try again shortly."
                ),
            )
        else:
            ratelimit.hit("match", client, window=600)
            engine = matching.engine_for(version)
            text = form.cleaned_data["text"]
            if form.cleaned_data["mode"] == "occupations":
                found = engine.match_occupations([text], top=10)[0]
            else:
                found = engine.match_skills([text], top=15)[0]
            context.update(
                matches=found,
                # A match by meaning points at its whole sentence; only word matches are marked.
                pieces=_highlight(
                    text,
                    [
                        (m.start, m.end)
                        for m in found
                        if m.end > m.start and len(text[m.start : m.end].split()) <= 6
                    ],
                ),
                snippets=[text[m.start : m.end] for m in found],
                mode=form.cleaned_data["mode"],
            )
    return render(request, "taxonomy/match.html", context)
