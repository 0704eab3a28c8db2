"""Forms of the pathways pages: the learner's constraints, the job title, the skill pickers,
the target search and the insights' filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from skillspact.pathways.models import LearnerProfile, Objective
from skillspact.training.forms import EQF_LEVELS, LANGUAGES
from skillspact.training.models import Mode

PROFILE_FIELDS = (
    "country",
    "languages",
    "hours_per_week",
    "budget_eur",
    "modes",
    "start_eqf_level",
    "deadline",
    "objective",
)


def country_choices(*, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *((str(code), str(name)) for code, name in countries)]


class ProfileForm(forms.Form):
    """Where the learner is and what they can give to learning."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages you can learn in"),
        choices=LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Courses taught in other languages are left out of your plans."),
    )
    hours_per_week = forms.IntegerField(
        label=_("Hours per week for learning"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Used to place the courses on a timeline."),
    )
    budget_eur = forms.DecimalField(
        label=_("Budget (EUR)"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        required=False,
        help_text=_("The most your plan may cost in total. Leave empty for no limit."),
    )
    modes = forms.MultipleChoiceField(
        label=_("Modes you can attend"),
        choices=Mode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for any mode."),
    )
    start_eqf_level = forms.TypedChoiceField(
        label=_("EQF level you can start at"),
        choices=[("", _("Any level")), *EQF_LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Courses well above this level come after courses that lead up to it."),
    )
    deadline = forms.DateField(
        label=_("Reach the target by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    objective = forms.ChoiceField(
        label=_("Plan for"),
        choices=Objective.choices,
        initial=Objective.HOURS,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(blank=str(_("(choose)")))  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(profile: LearnerProfile | None) -> dict[str, Any]:
        if profile is None:
            return {"objective": Objective.HOURS}
        return {name: getattr(profile, name) for name in PROFILE_FIELDS}


class JobTitleForm(forms.Form):
    job_title = forms.CharField(
        label=_("Your job title, in your own language"),
        max_length=200,
        help_text=_("For example “Krankenschwester”, “infirmière”, “ward nurse”."),
    )


class TargetSearchForm(forms.Form):
    q = forms.CharField(label=_("Search a target role"), max_length=200, required=False)


class InsightsFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(blank=str(_("All countries")))  # type: ignore[attr-defined]

    def country_code(self) -> str:
        if self.is_valid():
            return str(self.cleaned_data.get("country") or "")
        return ""
