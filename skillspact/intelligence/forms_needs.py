"""Forms of the employer-needs page: a formset of roles and one of hard-to-find skills."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from skillspact.intelligence.forms_respond import country_choices
from skillspact.intelligence.models import NeedRole


class NeedForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RoleForm(forms.Form):
    occupation = forms.CharField(
        label=_("Role (ESCO occupation or local role)"),
        max_length=255,
        help_text=_("Type its name, e.g. nurse responsible for general care."),
    )
    # Every select starts empty, so that an untouched extra row is left out.
    kind = forms.ChoiceField(
        label=_("Hire or retrain"), choices=[("", _("Choose…")), *NeedRole.Kind.choices]
    )
    count = forms.IntegerField(label=_("People"), min_value=1)
    horizon_months = forms.TypedChoiceField(
        label=_("Within"),
        coerce=int,
        choices=[("", _("Choose…")), (12, _("12 months")), (36, _("36 months"))],
    )
    country = forms.ChoiceField(label=_("Country"))
    region = forms.CharField(label=_("Region (NUTS-2)"), required=False, max_length=4)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["country"].choices = country_choices()  # type: ignore[attr-defined]


class SkillForm(forms.Form):
    skill = forms.CharField(
        label=_("Skill (ESCO)"), max_length=255, help_text=_("Type its name, e.g. telehealth.")
    )
    difficulty = forms.TypedChoiceField(
        label=_("How hard to find (1 = easy, 5 = very hard)"),
        coerce=int,
        choices=[("", _("Choose…")), *[(n, str(n)) for n in range(1, 6)]],
    )


RoleFormSet = forms.formset_factory(RoleForm, extra=2, can_delete=True)
SkillFormSet = forms.formset_factory(SkillForm, extra=3, can_delete=True)
