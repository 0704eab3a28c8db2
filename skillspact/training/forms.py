"""Forms of the catalogue: the course form with its learning outcomes, the series form, the
search filters and the import upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from skillspact.organisations.models import Organisation
from skillspact.training import bulk, services
from skillspact.training.models import (
    AssessmentType,
    Course,
    CourseSeries,
    Mode,
    Supervision,
)

LANGUAGES = [
    ("bg", "български"), ("cs", "čeština"), ("da", "dansk"), ("de", "Deutsch"),
    ("el", "ελληνικά"), ("en", "English"), ("es", "español"), ("et", "eesti"),
    ("fi", "suomi"), ("fr", "français"), ("ga", "Gaeilge"), ("hr", "hrvatski"),
    ("hu", "magyar"), ("it", "italiano"), ("lt", "lietuvių"), ("lv", "latviešu"),
    ("mt", "Malti"), ("nl", "Nederlands"), ("pl", "polski"), ("pt", "português"),
    ("ro", "română"), ("sk", "slovenčina"), ("sl", "slovenščina"), ("sv", "svenska"),
    ("is", "íslenska"), ("nb", "norsk bokmål"), ("tr", "Türkçe"), ("uk", "українська"),
]  # fmt: skip
LANGUAGE_NAMES = dict(LANGUAGES)
EQF_LEVELS = [(str(level), str(level)) for level in range(1, 9)]
OUTCOME_SLOTS_MIN = 3


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(forms.Form):
    """Every field of a course; the learning outcomes are numbered slots `outcome_N_text`
    with their skills in the checkboxes `outcome_N_skills`."""

    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        help_text=_("One or two sentences for the search results."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Content, methods and what learners need to bring. Markdown is allowed."),
    )
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=CourseSeries.objects.none(),
        required=False,
        empty_label=_("(none)"),
        help_text=_("A programme this course belongs to."),
    )
    eqf_level = forms.TypedChoiceField(
        label=_("EQF level"),
        choices=[("", _("Not stated")), *EQF_LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The level of the European Qualifications Framework, 1 to 8."),
    )
    hours = forms.IntegerField(label=_("Workload in hours"), min_value=1, max_value=10000)
    ects = forms.DecimalField(
        label=_("ECTS credits"),
        required=False,
        min_value=Decimal("0.1"),
        max_digits=5,
        decimal_places=1,
        help_text=_("Leave empty when the course carries no ECTS credits."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)
    country = forms.ChoiceField(
        label=_("Country"),
        choices=[],
        help_text=_("Where the provider awards the credential."),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("The town and venue, for courses in person or blended."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of instruction"),
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    is_self_paced = forms.BooleanField(
        label=_("Self-paced (learners start when they like)"), required=False
    )
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=_date_input())
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=_date_input())
    enrolment_closes_on = forms.DateField(
        label=_("Enrolment closes"), required=False, widget=_date_input()
    )
    price_eur = forms.DecimalField(
        label=_("Price (EUR)"),
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        initial=Decimal("0"),
        help_text=_("0 for a free course."),
    )
    places = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    prerequisites = forms.CharField(
        label=_("Prerequisites"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    assessment_type = forms.ChoiceField(
        label=_("Type of assessment"), choices=AssessmentType.choices
    )
    supervision = forms.ChoiceField(
        label=_("Supervision and identity verification"), choices=Supervision.choices
    )
    quality_assurance = forms.CharField(
        label=_("Type of quality assurance"),
        max_length=500,
        help_text=_("E.g. internal quality assurance, accredited by the national agency."),
    )
    recognition = forms.CharField(
        label=_("Recognition"),
        max_length=500,
        required=False,
        help_text=_("E.g. 10 continuing professional development credits of the nursing council."),
    )
    stackability = forms.CharField(
        label=_("Integration and stackability"),
        max_length=500,
        required=False,
        help_text=_("E.g. counts towards the postgraduate certificate in digital health."),
    )
    further_information = forms.URLField(
        label=_("Further information"), max_length=500, required=False, assume_scheme="https"
    )
    credential_validity_months = forms.IntegerField(
        label=_("Credential valid for (months)"),
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("Leave empty when the credential does not expire."),
    )
    is_featured = forms.BooleanField(label=_("Featured in the catalogue"), required=False)

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[Organisation],
        series: QuerySet[CourseSeries],
        course: Course | None = None,
        can_feature: bool = False,
        outcome_slots: int = OUTCOME_SLOTS_MIN,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        if course is None:
            self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        else:
            del self.fields["provider"]
        self.fields["series"].queryset = series  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("Choose a country")), *countries]  # type: ignore[attr-defined]
        if not can_feature:
            del self.fields["is_featured"]
        self.outcome_slots = min(max(outcome_slots, OUTCOME_SLOTS_MIN), services.MAX_OUTCOMES)
        for number in range(1, self.outcome_slots + 1):
            self.fields[f"outcome_{number}_text"] = forms.CharField(
                label=format_lazy(_("Learning outcome {number}"), number=number),
                max_length=500,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def initial_for(course: Course) -> dict[str, Any]:
        initial = {name: getattr(course, name) for name in services.COURSE_FIELDS}
        for number, outcome in enumerate(course.outcomes.all(), start=1):
            initial[f"outcome_{number}_text"] = outcome.text
        return initial

    def outcome_rows(self) -> list[tuple[int, forms.BoundField]]:
        return [(n, self[f"outcome_{n}_text"]) for n in range(1, self.outcome_slots + 1)]

    def data_for_service(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in services.COURSE_FIELDS
            if name in self.cleaned_data and name != "target_occupations"
        }
        return data

    def outcomes(self, skills_of: dict[int, list[str]]) -> list[services.OutcomeIn]:
        return [
            services.OutcomeIn(
                self.cleaned_data.get(f"outcome_{n}_text", "") or "", skills_of.get(n, [])
            )
            for n in range(1, self.outcome_slots + 1)
        ]


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_featured = forms.BooleanField(label=_("Featured in the catalogue"), required=False)

    def __init__(self, *args: Any, can_feature: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_feature:
            del self.fields["is_featured"]


class CourseFilterForm(forms.Form):
    """The search filters; every field is optional and a wrong value is ignored."""

    q = forms.CharField(label=_("Words"), max_length=200, required=False)
    skill = forms.CharField(label=_("ESCO skill"), max_length=255, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=255, required=False)
    digital = forms.BooleanField(label=_("Digital skills"), required=False)
    green = forms.BooleanField(label=_("Green skills"), required=False)
    mode = forms.ChoiceField(
        label=_("Mode"), choices=[("", _("Any")), *Mode.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any")), *LANGUAGES], required=False
    )
    country = forms.ChoiceField(label=_("Country"), choices=[], required=False)
    eqf = forms.TypedChoiceField(
        label=_("EQF level"),
        choices=[("", _("Any")), *EQF_LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    max_price = forms.DecimalField(
        label=_("Price up to (EUR)"), min_value=Decimal("0"), max_digits=9, required=False
    )
    starts_after = forms.DateField(label=_("Starts after"), required=False, widget=_date_input())
    starts_before = forms.DateField(label=_("Starts before"), required=False, widget=_date_input())
    pace = forms.ChoiceField(
        label=_("Pace"),
        choices=[("", _("Any")), ("self", _("Self-paced")), ("dated", _("With dates"))],
        required=False,
    )
    series = forms.ChoiceField(label=_("Series"), choices=[], required=False)
    featured = forms.BooleanField(label=_("Featured only"), required=False)

    def __init__(self, *args: Any, series: list[CourseSeries], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any")), *countries]  # type: ignore[attr-defined]
        self.fields["series"].choices = [("", _("Any")), *((s.slug, s.title) for s in series)]  # type: ignore[attr-defined]

    def filters(self) -> Any:
        from skillspact.training.selectors import CourseFilters

        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        pace = data.get("pace") or ""

        def value(name: str, default: Any = "") -> Any:
            return data.get(name, default) if name not in self.errors else default

        return CourseFilters(
            q=value("q").strip(),
            skill=value("skill").strip(),
            occupation=value("occupation").strip(),
            is_digital=bool(value("digital", False)),
            is_green=bool(value("green", False)),
            mode=value("mode"),
            language=value("language"),
            country=value("country"),
            eqf_level=value("eqf", None),
            max_price=value("max_price", None),
            starts_after=value("starts_after", None),
            starts_before=value("starts_before", None),
            is_self_paced={"self": True, "dated": False}.get(pace),
            series=value("series"),
            is_featured=bool(value("featured", False)),
        )


class ImportForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organisation.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("Courses file"),
        help_text=format_lazy(
            _("CSV (UTF-8) or XLSX, up to {size} MB and {rows} courses."),
            size=bulk.MAX_BYTES // 1_048_576,
            rows=f"{bulk.MAX_ROWS:,}",
        ),
        widget=forms.ClearableFileInput(attrs={"accept": f".csv,.xlsx,text/csv,{bulk.XLSX_TYPE}"}),
    )

    def __init__(self, *args: Any, providers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
