"""Forms for browsing the taxonomy and for the secretariat's edits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from skillspact.taxonomy.models import Collection, ConceptType, EscoVersion, LocalRole, Relation

LANGUAGE_NAMES = {
    "en": _("English"),
    "fr": _("French"),
    "es": _("Spanish"),
    "de": _("German"),
    "it": _("Italian"),
    "nl": _("Dutch"),
    "pl": _("Polish"),
    "el": _("Greek"),
    "pt": _("Portuguese"),
}


class SearchForm(forms.Form):
    text = forms.CharField(label=_("Search"), required=False, max_length=200)
    type = forms.ChoiceField(
        label=_("Look for"),
        required=False,
        choices=[
            (ConceptType.SKILL, _("Skills and knowledge")),
            (ConceptType.OCCUPATION, _("Occupations")),
        ],
    )
    language = forms.ChoiceField(label=_("Label language"), required=False)
    collection = forms.ChoiceField(label=_("Collection"), required=False)
    isco_group = forms.CharField(
        label=_("ISCO-08 group"),
        required=False,
        max_length=4,
        help_text=_("Occupations only: a code or its start, such as 22 or 2221."),
    )
    health = forms.BooleanField(label=_("Health ecosystem occupations only"), required=False)

    def __init__(self, *args: Any, version: EscoVersion | None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        languages = version.languages if version else []
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("Any language"))] + [
            (code, LANGUAGE_NAMES.get(code, code)) for code in languages
        ]
        collection = self.fields["collection"]
        assert isinstance(collection, forms.ChoiceField)
        collection.choices = [("", _("Any collection")), *Collection.choices]

    def clean_isco_group(self) -> str:
        value = str(self.cleaned_data.get("isco_group") or "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("An ISCO-08 code has digits only."))
        return value


class LocalRoleForm(forms.ModelForm):
    alt_labels_text = forms.CharField(
        label=_("Alternative labels"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    essential_skills = forms.CharField(
        label=_("Essential ESCO skills"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One ESCO skill URI per line, e.g. http://data.europa.eu/esco/skill/…"),
    )
    optional_skills = forms.CharField(
        label=_("Optional ESCO skills"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One ESCO skill URI per line."),
    )

    class Meta:
        model = LocalRole
        fields = [
            "preferred_label",
            "description",
            "isco_group",
            "source",
            "content_version",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "source": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        role = self.instance
        if role.pk and not self.is_bound:
            links = list(role.skills.all())
            self.initial["alt_labels_text"] = "\n".join(role.alt_labels)
            self.initial["essential_skills"] = "\n".join(
                link.skill_uri for link in links if link.relation == Relation.ESSENTIAL
            )
            self.initial["optional_skills"] = "\n".join(
                link.skill_uri for link in links if link.relation == Relation.OPTIONAL
            )

    @staticmethod
    def _lines(value: str) -> list[str]:
        return [line.strip() for line in value.splitlines() if line.strip()]

    def skills(self) -> dict[str, str]:
        """The profile as URI -> relation; a URI listed twice counts as essential."""
        profile = {
            uri: str(Relation.OPTIONAL) for uri in self._lines(self.cleaned_data["optional_skills"])
        }
        profile.update(
            {
                uri: str(Relation.ESSENTIAL)
                for uri in self._lines(self.cleaned_data["essential_skills"])
            }
        )
        return profile

    def alt_labels(self) -> list[str]:
        return self._lines(self.cleaned_data["alt_labels_text"])


class NewLocalRoleForm(LocalRoleForm):
    slug = forms.SlugField(
        label=_("Short name for the address"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens; it never changes."),
    )

    class Meta(LocalRoleForm.Meta):
        pass


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=_("ESCO download (zip)"),
        help_text=_("The CSV zip as the ESCO portal serves it, any language, version 1.1 or 1.2."),
    )
    version = forms.RegexField(
        label=_("Version"),
        regex=r"^v\d+\.\d+(\.\d+)?$",
        max_length=20,
        help_text=_("For example v1.2.0."),
        error_messages={"invalid": _("Write the version as v1.2.0.")},
    )
    make_default = forms.BooleanField(
        label=_("Make it the default version when imported"), required=False
    )

    def clean_archive(self) -> Any:
        archive = self.cleaned_data["archive"]
        head = archive.read(4)
        archive.seek(0)
        if not (archive.name or "").lower().endswith(".zip") or head != b"PK\x03\x04":
            raise forms.ValidationError(_("Upload the zip file of an ESCO CSV download."))
        return archive


class MatchForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Find"),
        choices=[
            ("skills", _("Skills in a text")),
            ("occupations", _("The occupation of a job title")),
        ],
        initial="skills",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("A job ad, a course description, a CV, or a job title in any language."),
    )
