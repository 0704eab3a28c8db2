"""Forms for commitments, reporting windows and progress reports. The rules live in services;
forms parse what a person typed and keep it when a rule says no."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from skillspact.commitments.models import (
    FIGURE_FIELDS,
    FIRST_YEAR,
    METRICS,
    TARGET_YEAR,
    Commitment,
    Principle,
    ProgressReport,
    ProgressStatus,
)
from skillspact.organisations.models import Organisation

TARGET_FIELDS = ("people", "programmes", "euros")
# The report fields the form edits one to one (links, occupations and inclusions aside).
REPORT_VALUE_FIELDS = (
    "progress_status",
    *FIGURE_FIELDS,
    "narrative",
    "includes_other_organisations",
)


class FreeMultipleChoiceField(forms.MultipleChoiceField):
    """A list of values the service checks (concept URIs, organisation ids)."""

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and 0 < len(value) <= 255


def target_years() -> list[int]:
    return list(range(FIRST_YEAR, TARGET_YEAR + 1))


class CommitmentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What you commit to do"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        required=False,
        help_text=_("The actions, who they are for and how you will measure them."),
    )
    principles = forms.MultipleChoiceField(
        label=_("Charter principles it serves"),
        choices=Principle.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries covered"),
        choices=list(countries),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    regions = forms.CharField(
        label=_("NUTS-2 regions covered"),
        required=False,
        max_length=500,
        help_text=_("Optional codes separated by commas, e.g. ES21, ES30."),
    )
    occupations = FreeMultipleChoiceField(label=_("Target groups"), required=False)
    skills = FreeMultipleChoiceField(label=_("Target skills"), required=False)
    partners = FreeMultipleChoiceField(label=_("Partner organisations"), required=False)
    amendment_reason = forms.CharField(
        label=_("Why does the published commitment change?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        commitment: Commitment | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = organisations
        if commitment is not None:
            # The organisation of an existing commitment never changes.
            del self.fields["organisation"]
        if commitment is None or commitment.status != Commitment.Status.PUBLISHED:
            del self.fields["amendment_reason"]
        for year in target_years():
            for name in TARGET_FIELDS:
                self.fields[f"target_{name}_{year}"] = forms.IntegerField(
                    label=f"{year}", min_value=0, required=False
                )

    def target_rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        """The target table: one row per year, one field per figure."""
        return [
            (year, [self[f"target_{name}_{year}"] for name in TARGET_FIELDS])
            for year in target_years()
        ]

    def targets(self) -> dict[int, dict[str, int | None]]:
        return {
            year: {name: self.cleaned_data.get(f"target_{name}_{year}") for name in TARGET_FIELDS}
            for year in target_years()
        }

    def regions_list(self) -> list[str]:
        text = self.cleaned_data.get("regions", "")
        return [code.strip().upper() for code in text.replace(";", ",").split(",") if code.strip()]

    @staticmethod
    def initial_for(commitment: Commitment) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": commitment.title,
            "description": commitment.description,
            "principles": commitment.principles,
            "countries": [str(c) for c in commitment.countries],
            "regions": ", ".join(commitment.regions),
            "occupations": [
                c.uri for c in commitment.concepts.all() if c.kind == c.Kind.OCCUPATION
            ],
            "skills": [c.uri for c in commitment.concepts.all() if c.kind == c.Kind.SKILL],
            "partners": [str(p.public_id) for p in commitment.partners.all()],
        }
        for target in commitment.targets.all():
            for name in TARGET_FIELDS:
                initial[f"target_{name}_{target.year}"] = getattr(target, name)
        return initial


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the organisation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Required when you return the commitment for changes."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class WindowForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year reported on"), min_value=FIRST_YEAR, max_value=TARGET_YEAR
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Reports can change until the end of this day; then they lock."),
    )
    reminder_days = forms.CharField(
        label=_("Reminders (days before closing)"),
        initial="14, 3",
        required=False,
        max_length=100,
        help_text=_("E-mails to organisations that have not yet reported, e.g. 14, 3."),
    )

    def __init__(self, *args: Any, is_new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_new:
            self.fields["year"].disabled = True
        else:
            self.fields["year"].initial = timezone.localdate().year - 1

    def clean_reminder_days(self) -> list[str]:
        text = self.cleaned_data.get("reminder_days", "")
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class ReportForm(forms.Form):
    """A progress report's figures; occupation rows and inclusion rows are added per report."""

    progress_status = forms.ChoiceField(
        label=_("How is the commitment progressing?"),
        choices=ProgressStatus.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    people_trained = forms.IntegerField(label=_("People trained"), min_value=0, required=False)
    trained_women = forms.IntegerField(label=_("Women"), min_value=0, required=False)
    trained_men = forms.IntegerField(label=_("Men"), min_value=0, required=False)
    trained_other_gender = forms.IntegerField(
        label=_("Another gender"), min_value=0, required=False
    )
    trained_gender_unknown = forms.IntegerField(
        label=_("Gender not known"), min_value=0, required=False
    )
    people_reached = forms.IntegerField(
        label=_("People reached"),
        min_value=0,
        required=False,
        help_text=_("Everyone your actions reached: informed, guided or trained."),
    )
    programmes = forms.IntegerField(
        label=_("Training programmes created or updated"), min_value=0, required=False
    )
    stakeholders = forms.IntegerField(
        label=_("Stakeholders engaged in partnerships"), min_value=0, required=False
    )
    euros = forms.IntegerField(label=_("Euros invested"), min_value=0, required=False)
    narrative = forms.CharField(
        label=_("What happened this year"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
    )
    evidence_links = forms.CharField(
        label=_("Evidence links"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Web addresses of reports, course pages or news, one per line."),
    )
    includes_other_organisations = forms.BooleanField(
        label=_("These figures include other organisations (e.g. the members of a network)"),
        required=False,
    )
    # Anchors for the errors of the occupation and inclusion rows (the view reads the rows).
    occupations = forms.CharField(required=False)
    inclusions = forms.CharField(required=False)

    def __init__(
        self,
        *args: Any,
        occupation_rows: list[tuple[str, str]],
        inclusion_choices: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.occupation_rows = occupation_rows
        self.inclusion_choices = inclusion_choices
        for index, (_uri, label) in enumerate(occupation_rows):
            self.fields[f"occupation_{index}"] = forms.IntegerField(
                label=label, min_value=0, required=False
            )
        for organisation in inclusion_choices:
            for metric in METRICS:
                self.fields[f"inc_{organisation.public_id}_{metric}"] = forms.IntegerField(
                    label=f"{organisation.legal_name}: {metric}", min_value=0, required=False
                )

    def occupation_fields(self) -> list[forms.BoundField]:
        return [self[f"occupation_{index}"] for index in range(len(self.occupation_rows))]

    def inclusion_table(self) -> list[tuple[Organisation, list[forms.BoundField]]]:
        return [
            (o, [self[f"inc_{o.public_id}_{metric}"] for metric in METRICS])
            for o in self.inclusion_choices
        ]

    def report_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in REPORT_VALUE_FIELDS}
        data["progress_status"] = data["progress_status"] or ""
        data["narrative"] = data["narrative"] or ""
        data["evidence_links"] = [
            line.strip()
            for line in (self.cleaned_data.get("evidence_links") or "").splitlines()
            if line.strip()
        ]
        return data

    def occupation_figures(self) -> list[tuple[str, int]]:
        return [
            (uri, value)
            for index, (uri, _label) in enumerate(self.occupation_rows)
            if (value := self.cleaned_data.get(f"occupation_{index}")) is not None
        ]

    def inclusion_figures(self) -> list[tuple[Organisation, dict[str, int]]]:
        rows = []
        for organisation in self.inclusion_choices:
            values = {
                metric: self.cleaned_data.get(f"inc_{organisation.public_id}_{metric}")
                for metric in METRICS
            }
            if any(v for v in values.values()):
                rows.append((organisation, {m: v or 0 for m, v in values.items()}))
        return rows

    @staticmethod
    def initial_for(report: ProgressReport) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(report, name) for name in REPORT_VALUE_FIELDS}
        initial["evidence_links"] = "\n".join(report.evidence_links)
        return initial
