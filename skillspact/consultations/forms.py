"""Forms for respondents (profile, rating, comment, amendment, general questions, reports) and
for the secretariat's moderation decisions. The rules live in services; forms parse what a
person typed and keep it when a rule says no."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from skillspact.consultations.models import (
    GeneralQuestion,
    ModerationDecision,
    Rating,
    Respondent,
)
from skillspact.organisations.models import StakeholderType

COMMENT_MAX = 5000
AMENDMENT_MAX = 50_000


class ProfileForm(forms.Form):
    stakeholder_type = forms.ChoiceField(
        label=_("You answer as"),
        choices=[("", _("Choose one…")), *StakeholderType.choices],
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("Choose a country…")), *list(countries)]
    )
    answers_for_organisation = forms.BooleanField(
        label=_("I answer on behalf of an organisation"), required=False
    )
    organisation_name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=255,
        required=False,
        help_text=_("Only if you answer on behalf of an organisation."),
    )
    is_anonymised = forms.BooleanField(
        label=_("Leave my name out of published results and exports"),
        required=False,
        initial=True,
        help_text=_(
            "Your comments then appear under your stakeholder type and country only. "
            "The secretariat can still read who you are."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answers_for_organisation") and not data.get("organisation_name", "").strip():
            self.add_error("organisation_name", _("Give the name of the organisation."))
        return data

    @staticmethod
    def initial_for(respondent: Respondent | None) -> dict[str, Any]:
        if respondent is None:
            return {"is_anonymised": True}
        return {
            "stakeholder_type": respondent.stakeholder_type,
            "country": str(respondent.country),
            "answers_for_organisation": respondent.answers_for_organisation,
            "organisation_name": respondent.organisation_name,
            "is_anonymised": respondent.is_anonymised,
        }


class RatingForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("Your view"),
        choices=Rating.Stance.choices,
        widget=forms.RadioSelect,
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Up to 5,000 characters. You can use Markdown: *emphasis*, **bold**, lists and links."
        ),
    )
    parent = forms.UUIDField(required=False, widget=forms.HiddenInput)


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label=_("The text you propose for this section"),
        max_length=AMENDMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Edit the section's text; the changes are shown word by word."),
    )
    rationale = forms.CharField(
        label=_("Why this change?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional, up to 2,000 characters. Markdown is allowed."),
    )


class QuestionsForm(forms.Form):
    """One field per general question: free text, or one choice."""

    def __init__(self, *args: Any, questions: list[GeneralQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"question_{question.pk}"
            if question.kind == GeneralQuestion.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=[(str(c), str(c)) for c in question.choices],
                    widget=forms.RadioSelect,
                    required=False,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    max_length=5000,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )

    @staticmethod
    def initial_for(answers: dict[int, str]) -> dict[str, str]:
        return {f"question_{question_id}": text for question_id, text in answers.items()}

    def answers(self) -> dict[int, str]:
        """The answers by question id, empty ones included (they remove earlier answers)."""
        return {q.pk: self.cleaned_data.get(f"question_{q.pk}") or "" for q in self.questions}


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with it?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: offensive, spam, personal data, off topic. The moderators read every "
            "report; the author does not see who reported."
        ),
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ModerationDecision.Decision.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the moderation log; sent to the author if you remove it."),
    )
