"""Employer-needs pages: the list (a table and CSV for the secretariat) and the yearly form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from skillspact.core.errors import DomainError, InvalidInput
from skillspact.core.forms import add_domain_error
from skillspact.core.paginate import paginate
from skillspact.core.permissions import is_secretariat
from skillspact.core.types import AuthedHttpRequest
from skillspact.intelligence import exports, forms_needs, needs


@login_required
def needs_list(request: AuthedHttpRequest) -> HttpResponse:
    """The declarations a person may read, and the organisations they may declare for."""
    page = paginate(needs.needs_visible_to(user=request.user), request.GET.get("page"))
    organisations = (
        []
        if is_secretariat(request.user)
        else list(needs.organisations_for_needs(user=request.user))
    )
    return render(
        request,
        "intelligence/needs/list.html",
        {
            "page": page,
            "organisations": organisations,
            "year": timezone.localdate().year,
            "is_secretariat": is_secretariat(request.user),
        },
    )


@login_required
def needs_export(request: AuthedHttpRequest) -> HttpResponse:
    """The declarations a person may read as CSV, one row per role and per skill."""
    reply = HttpResponse(
        exports.rows_csv(needs.needs_export_rows(user=request.user)),
        content_type="text/csv; charset=utf-8",
    )
    reply["Content-Disposition"] = 'attachment; filename="employer-needs.csv"'
    return reply


def _labelled(rows: list[dict[str, Any]], key: str, concept_type: str) -> list[dict[str, Any]]:
    labels = needs.concept_labels([row[key] for row in rows], concept_type=concept_type)
    return [{**row, key: labels.get(row[key], row[key])} for row in rows]


def _filled(formset: Any) -> tuple[list[dict[str, Any]], list[Any]]:
    rows, forms = [], []
    for form in formset.forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        rows.append({name: form.data.get(form.add_prefix(name), "") for name in form.fields})
        forms.append(form)
    return rows, forms


@login_required
def needs_edit(request: AuthedHttpRequest, slug: str, year: int) -> HttpResponse:
    """Declare an organisation's needs for a year (its contacts and the secretariat)."""
    organisation = needs.organisation_get_for_needs(user=request.user, slug=slug)
    need = needs.need_get(organisation=organisation, year=year)
    if request.method == "POST":
        form = forms_needs.NeedForm(request.POST)
        roles = forms_needs.RoleFormSet(request.POST, prefix="roles")
        skills = forms_needs.SkillFormSet(request.POST, prefix="skills")
        valid = all([form.is_valid(), roles.is_valid(), skills.is_valid()])
        if valid:
            role_rows, role_forms = _filled(roles)
            skill_rows, skill_forms = _filled(skills)
            try:
                needs.need_save(
                    actor=request.user,
                    organisation=organisation,
                    year=year,
                    notes=form.cleaned_data["notes"],
                    roles=role_rows,
                    skills=skill_rows,
                )
            except InvalidInput as error:
                for key, problems in error.fields.items():
                    part, _sep, rest = key.partition("-")
                    index, _sep, field = rest.partition("-")
                    targets = (
                        role_forms if part == "roles" else skill_forms if part == "skills" else []
                    )
                    if targets and index.isdigit() and int(index) < len(targets):
                        for problem in problems:
                            targets[int(index)].add_error(field, problem)
                    else:
                        add_domain_error(form, error)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The needs are saved."))
                return redirect("intelligence:needs_edit", slug=organisation.slug, year=year)
    else:
        source = need
        if need is None and request.GET.get("from") == "previous":
            source = needs.need_previous(organisation=organisation, year=year)
        role_rows, skill_rows = needs.need_rows(source)
        form = forms_needs.NeedForm(initial={"notes": source.notes if source else ""})
        roles = forms_needs.RoleFormSet(
            prefix="roles", initial=_labelled(role_rows, "occupation", "occupation")
        )
        skills = forms_needs.SkillFormSet(
            prefix="skills", initial=_labelled(skill_rows, "skill", "skill")
        )
    return render(
        request,
        "intelligence/needs/edit.html",
        {
            "organisation": organisation,
            "year": year,
            "need": need,
            "previous": needs.need_previous(organisation=organisation, year=year),
            "form": form,
            "roles": roles,
            "skills": skills,
        },
    )
