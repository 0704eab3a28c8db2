"""The job-ad upload form; the service checks the file (size, type, UTF-8)."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from skillspact.intelligence import jobads


class JobAdUploadForm(forms.Form):
    upload_file = forms.FileField(
        label=_("File of job ads"),
        help_text=format_lazy(
            _(
                "CSV with the columns date, title, text, country, region, employer, or JSON "
                "lines with the same keys; UTF-8, at most {mb} MB and {rows} ads."
            ),
            mb=jobads.MAX_BYTES // 1_048_576,
            rows=f"{jobads.MAX_ROWS:,}",
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.jsonl,.ndjson,text/csv"}),
    )
    source = forms.CharField(
        label=_("Source of the ads"),
        max_length=200,
        required=False,
        help_text=_("Where the ads come from, e.g. a public employment service's portal."),
    )


class JobAdFilterForm(forms.Form):
    occupation = forms.ChoiceField(label=_("Occupation"), required=False)
    skill = forms.ChoiceField(label=_("Skill"), required=False)

    def __init__(
        self,
        *args: object,
        occupations: list[tuple[str, str]],
        skills: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["occupation"].choices = [("", _("Any occupation")), *occupations]  # type: ignore[attr-defined]
        self.fields["skill"].choices = [("", _("Any skill")), *skills]  # type: ignore[attr-defined]
