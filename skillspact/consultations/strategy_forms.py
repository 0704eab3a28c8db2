"""Forms for strategy documents, versions, consultation set-up and outcomes. The rules live in
`strategy.py`; forms parse what a person typed and keep it when a rule says no."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skillspact.consultations import parsing
from skillspact.consultations.models import (
    Consultation,
    GeneralQuestion,
    Outcome,
    SectionChange,
    StrategyVersion,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class SourceFields(forms.Form):
    """A strategy's text: an uploaded file or pasted Markdown (the service checks which)."""

    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "Markdown (.md), text (.txt) or Word (.docx). Headings (#, ##, ### or Word's "
            "Heading 1–3 styles) split it into numbered sections."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.txt,.docx"}),
    )
    text = forms.CharField(
        label=_("Or paste the text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=parsing.MAX_TEXT,
    )


class StrategyImportForm(SourceFields):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=100,
        required=False,
        help_text=_("Letters, digits and hyphens; made from the title if left empty."),
    )
    field_order = ["title", "slug", "upload", "text"]


class VersionImportForm(SourceFields):
    title = forms.CharField(
        label=_("Title of the new version"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the new version keeps the title of the latest one."),
    )
    field_order = ["title", "upload", "text"]


class VersionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("What changed in this version"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=parsing.MAX_HEADING)
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        choices=[
            (1, _("1 — chapter")),
            (2, _("2 — section")),
            (3, _("3 — subsection")),
        ],
        initial=1,
        help_text=_("Numbers follow the levels and the order of the sections."),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        max_length=parsing.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 14}),
    )


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.document.title} — v{obj.number}"


class ChangeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        section = obj.after or obj.before
        number = (
            f"{section.number} " if section and section.number != parsing.PREAMBLE_NUMBER else ""
        )
        return f"{obj.get_kind_display()}: {number}{section.heading if section else ''}"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class ConsultationForm(forms.Form):
    version = VersionChoiceField(
        label=_("Version consulted on"),
        queryset=StrategyVersion.objects.none(),
        empty_label=None,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=100,
        required=False,
        help_text=_("Letters, digits and hyphens; made from the title if left empty."),
    )
    introduction = forms.CharField(
        label=_("Introduction (Markdown)"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"), widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT]
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"), widget=DateTimeLocalInput(), input_formats=[DATETIME_FORMAT]
    )
    allows_anonymous = forms.BooleanField(
        label=_("People may answer without an account"),
        required=False,
        help_text=_("They still give a short profile; their answers are kept with a cookie."),
    )

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version_field = self.fields["version"]
        assert isinstance(version_field, forms.ModelChoiceField)
        version_field.queryset = versions

    @staticmethod
    def initial_for(consultation: Consultation) -> dict[str, Any]:
        return {
            "version": consultation.version_id,
            "title": consultation.title,
            "slug": consultation.slug,
            "introduction": consultation.introduction,
            "opens_at": timezone.localtime(consultation.opens_at),
            "closes_at": timezone.localtime(consultation.closes_at),
            "allows_anonymous": consultation.allows_anonymous,
        }


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Answer"),
        choices=GeneralQuestion.Kind.choices,
        widget=forms.RadioSelect,
        initial=GeneralQuestion.Kind.TEXT,
    )
    choices = forms.CharField(
        label=_("Choices, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Only for a question with one choice."),
    )

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("choices", "").splitlines()]


class ResultVersionForm(forms.Form):
    version = VersionChoiceField(
        label=_("Version that answers the consultation"),
        queryset=StrategyVersion.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version_field = self.fields["version"]
        assert isinstance(version_field, forms.ModelChoiceField)
        version_field.queryset = versions


class ChangeExplanationForm(forms.Form):
    explanation = forms.CharField(
        label=_("What we changed and why"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Choose…")), *Outcome.Result.choices]
    )
    reply = forms.CharField(
        label=_("Reply to the respondent"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    change = ChangeChoiceField(
        label=_("Led to the change"),
        queryset=SectionChange.objects.none(),
        required=False,
        empty_label=_("(no change linked)"),
    )

    def __init__(
        self,
        *args: Any,
        changes: Any,
        change_choices: list[tuple[Any, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        change_field = self.fields["change"]
        assert isinstance(change_field, forms.ModelChoiceField)
        change_field.queryset = changes
        if change_choices is not None:
            # A page of many outcome forms lists the same changes: read them once.
            change_field.choices = change_choices


def local_now_rounded() -> datetime:
    """Now, to the minute, in the site's time zone: a form's default opening time."""
    return timezone.localtime().replace(second=0, microsecond=0)


def change_choices(changes: Any) -> list[tuple[Any, str]]:
    """The options of an outcome form's change field, read once for a page of forms."""
    field = ChangeChoiceField(queryset=changes, empty_label=_("(no change linked)"))
    return [("", str(field.empty_label))] + [(c.pk, field.label_from_instance(c)) for c in changes]
