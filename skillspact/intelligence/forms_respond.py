"""Forms of the answering pages: the respondent profile block and reading the answers posted.

The questions themselves are drawn by the template from the survey (they change per survey and
per language); `answers_from_post` reads them back as raw input for `respond.answers_save`, which
checks them, so that a wrong answer comes back beside its question with everything typed kept.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from skillspact.intelligence import respond
from skillspact.intelligence.models import Question


def country_choices() -> list[tuple[str, Any]]:
    """The EU countries by name."""
    named = sorted((str(countries.name(code)), code) for code in respond.EU_COUNTRIES)
    return [("", _("Choose a country…")), *[(code, name) for name, code in named]]


class ProfileForm(forms.Form):
    """Who answers: where, for what kind of employer, in which role, with how much experience."""

    country = forms.ChoiceField(label=_("Country you work in"), required=False)
    region = forms.CharField(
        label=_("Region (NUTS-2 code)"),
        required=False,
        max_length=4,
        help_text=_("Optional, e.g. ES21. It must be a region of the country chosen."),
    )
    stakeholder_type = forms.ChoiceField(label=_("Type of employer"), required=False)
    job_title = forms.CharField(
        label=_("Your job title"),
        required=False,
        max_length=200,
        help_text=_("In your own words, in any language; we suggest matching ESCO occupations."),
    )
    years_experience = forms.IntegerField(
        label=_("Years of experience in this kind of work"),
        required=False,
        min_value=0,
        max_value=60,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from skillspact.organisations.models import StakeholderType

        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]
        self.fields["stakeholder_type"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a type…")),
            *StakeholderType.choices,
        ]


def answers_from_post(questions: list[Question], data: QueryDict) -> dict[str, Any]:
    """The raw answers posted, by question key (lists for multiple choice, a dict of ratings
    by skill URI for a skills matrix)."""
    answers: dict[str, Any] = {}
    for question in questions:
        name = respond.field_name(question)
        if question.kind == Question.Kind.MULTIPLE:
            answers[question.key] = data.getlist(name)
        elif question.kind == Question.Kind.SKILLS_MATRIX:
            answers[question.key] = {
                uri: {
                    "proficiency": data.get(f"{name}__{index}__proficiency", ""),
                    "importance": data.get(f"{name}__{index}__importance", ""),
                }
                for index, uri in enumerate(question.skill_uris or [])
            }
        else:
            answers[question.key] = data.get(name, "")
    return answers
