"""Forms of the survey builder: settings with texts per language, questions, invitations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from skillspact.intelligence import surveys
from skillspact.intelligence.models import Question, Survey
from skillspact.taxonomy.models import Collection

LANGUAGE_NAMES = dict(surveys.SURVEY_LANGUAGES)


def _language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, code))


class SurveyForm(forms.Form):
    """A survey's settings; the title and introduction fields follow the chosen languages."""

    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=surveys.SURVEY_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Respondents choose among these; every text must be written in each."),
    )
    default_language = forms.ChoiceField(
        label=_("Default language"), choices=surveys.SURVEY_LANGUAGES
    )
    series = forms.SlugField(
        label=_("Series"),
        required=False,
        max_length=80,
        help_text=_("Waves of the same series are compared, e.g. flash-digital-green."),
    )
    wave = forms.CharField(label=_("Wave"), required=False, max_length=60)
    access = forms.ChoiceField(
        label=_("Who can answer"), choices=Survey.Access.choices, widget=forms.RadioSelect
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: store no identity with the answers"), required=False
    )
    asks_profile = forms.BooleanField(
        label=_("Ask the respondent profile (country, employer type, occupation, experience)"),
        required=False,
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, survey: Survey | None = None, **kwargs: Any) -> None:
        self.survey = survey
        if survey is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "languages": survey.languages,
                "default_language": survey.default_language,
                "series": survey.series,
                "wave": survey.wave,
                "access": survey.access,
                "is_anonymous": survey.is_anonymous,
                "asks_profile": survey.asks_profile,
                "closes_at": survey.closes_at,
            }
            for code in survey.languages:
                entry = survey.translations.get(code) or {}
                kwargs["initial"][f"title_{code}"] = entry.get("title", "")
                kwargs["initial"][f"introduction_{code}"] = entry.get("introduction", "")
        kwargs.setdefault(
            "initial",
            {
                "languages": ["en", "fr"],
                "default_language": "en",
                "access": "open",
                "asks_profile": True,
            },
        )
        super().__init__(*args, **kwargs)
        if self.is_bound:
            raw = self.data.getlist("languages") if hasattr(self.data, "getlist") else []
            codes = [c for c in raw if c in LANGUAGE_NAMES]
        else:
            codes = list(self.initial.get("languages") or [])
        self.language_codes = codes or ["en"]
        for code in self.language_codes:
            name = _language_name(code)
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=200,
                required=False,
            )
            self.fields[f"introduction_{code}"] = forms.CharField(
                label=_("Introduction (%(language)s)") % {"language": name},
                max_length=4000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if survey is not None and survey.status != Survey.Status.DRAFT:
            for locked in ("access", "is_anonymous"):
                self.fields[locked].disabled = True
                self.fields[locked].help_text = _("Fixed once the survey has been published.")

    def language_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (_language_name(code), self[f"title_{code}"], self[f"introduction_{code}"])
            for code in self.language_codes
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = data.get("languages") or []
        default = data.get("default_language")
        if codes and default not in codes:
            self.add_error("default_language", _("The default language must be one offered."))
        if codes and default in codes and not (data.get(f"title_{default}") or "").strip():
            self.add_error(f"title_{default}", _("Give the survey a title."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        codes = list(data["languages"])
        translations = {
            code: {
                "title": data.get(f"title_{code}", ""),
                "introduction": data.get(f"introduction_{code}", ""),
            }
            for code in codes
        }
        fields = {
            "languages": codes,
            "default_language": data["default_language"],
            "translations": translations,
            "series": data.get("series") or "",
            "wave": data.get("wave") or "",
            "asks_profile": bool(data.get("asks_profile")),
            "closes_at": data.get("closes_at"),
        }
        if not self.fields["access"].disabled:
            fields["access"] = data["access"]
            fields["is_anonymous"] = bool(data.get("is_anonymous"))
        return fields


class QuestionForm(forms.Form):
    """One question: texts per language, options (one per line, lined up across languages),
    scale ends, number bounds, required flag and condition. Matrix skills come as `skill_uris`."""

    is_required = forms.BooleanField(label=_("An answer is required"), required=False)
    condition = forms.MultipleChoiceField(
        label=_("Show only when"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick answers of one earlier choice question; leave empty to always show."),
    )

    def __init__(
        self,
        *args: Any,
        survey: Survey,
        kind: str,
        question: Question | None = None,
        **kwargs: Any,
    ) -> None:
        self.survey, self.kind, self.question = survey, kind, question
        initial = kwargs.setdefault("initial", {})
        if question is not None:
            initial.update(self._initial_from(question))
        super().__init__(*args, **kwargs)
        position = question.position if question else 10**6
        earlier = [
            q
            for q in surveys.questions_current(survey)
            if q.kind in surveys.CHOICE_KINDS
            and q.position < position
            and (question is None or q.key != question.key)
        ]
        lang = survey.default_language
        self.fields["condition"].choices = [  # type: ignore[attr-defined]
            (
                f"{q.key}::{option['value']}",
                f"{q.key} · {(q.content.get('text') or {}).get(lang, '')[:60]} → "
                f"{(option.get('label') or {}).get(lang, option['value'])}",
            )
            for q in earlier
            for option in q.content.get("options", [])
        ]
        if not earlier:
            self.fields["condition"].help_text = _(
                "Only an earlier single or multiple choice question can set a condition."
            )
        for code in survey.languages:
            name = _language_name(code)
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Question (%(language)s)") % {"language": name},
                max_length=1000,
                required=False,
            )
            self.fields[f"help_{code}"] = forms.CharField(
                label=_("Help text (%(language)s)") % {"language": name},
                max_length=1000,
                required=False,
            )
            if kind in surveys.CHOICE_KINDS:
                self.fields[f"options_{code}"] = forms.CharField(
                    label=_("Options (%(language)s), one per line") % {"language": name},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 5}),
                )
            if kind == Question.Kind.SCALE:
                self.fields[f"min_label_{code}"] = forms.CharField(
                    label=_("Label of the lowest step (%(language)s)") % {"language": name},
                    max_length=100,
                    required=False,
                )
                self.fields[f"max_label_{code}"] = forms.CharField(
                    label=_("Label of the highest step (%(language)s)") % {"language": name},
                    max_length=100,
                    required=False,
                )
        if kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
            is_scale = kind == Question.Kind.SCALE
            self.fields["min"] = forms.IntegerField(
                label=_("Lowest value"),
                required=is_scale,
                initial=1 if is_scale else None,
            )
            self.fields["max"] = forms.IntegerField(
                label=_("Highest value"), required=is_scale, initial=5 if is_scale else None
            )
            if question is None and is_scale:
                self.initial.setdefault("min", 1)
                self.initial.setdefault("max", 5)

    @staticmethod
    def _initial_from(question: Question) -> dict[str, Any]:
        content = question.content
        initial: dict[str, Any] = {"is_required": question.is_required}
        for code, text in (content.get("text") or {}).items():
            initial[f"text_{code}"] = text
        for code, text in (content.get("help") or {}).items():
            initial[f"help_{code}"] = text
        options = content.get("options") or []
        codes = {code for option in options for code in option.get("label", {})}
        for code in codes:
            initial[f"options_{code}"] = "\n".join(
                option["label"].get(code, "") for option in options
            )
        for name in ("min", "max"):
            if name in content:
                initial[name] = content[name]
        for name in ("min_label", "max_label"):
            for code, text in (content.get(name) or {}).items():
                initial[f"{name}_{code}"] = text
        condition = question.condition or {}
        initial["condition"] = (
            [f"{condition['question']}::{value}" for value in condition.get("values", [])]
            if condition.get("question")
            else []
        )
        return initial

    def language_rows(self) -> list[dict[str, Any]]:
        rows = []
        for code in self.survey.languages:
            row = {
                "name": _language_name(code),
                "text": self[f"text_{code}"],
                "help": self[f"help_{code}"],
            }
            for name in ("options", "min_label", "max_label"):
                if f"{name}_{code}" in self.fields:
                    row[name] = self[f"{name}_{code}"]
            rows.append(row)
        return rows

    def clean_condition(self) -> dict[str, Any]:
        picked = self.cleaned_data.get("condition") or []
        keys = {value.split("::", 1)[0] for value in picked}
        if len(keys) > 1:
            raise forms.ValidationError(_("A condition can depend on one question only."))
        if not picked:
            return {}
        return {"question": keys.pop(), "values": [value.split("::", 1)[1] for value in picked]}

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        codes = self.survey.languages
        content: dict[str, Any] = {
            "text": {code: data.get(f"text_{code}", "") for code in codes},
            "help": {code: data.get(f"help_{code}", "") for code in codes},
        }
        if self.kind in surveys.CHOICE_KINDS:
            lines = {
                code: [line.strip() for line in (data.get(f"options_{code}") or "").splitlines()]
                for code in codes
            }
            for code in codes:
                while lines[code] and not lines[code][-1]:
                    lines[code].pop()
            count = max((len(found) for found in lines.values()), default=0)
            old = [
                o["value"]
                for o in (self.question.content.get("options", []) if self.question else [])
            ]
            default = self.survey.default_language
            values: list[str] = []
            options = []
            for index in range(count):
                labels = {
                    code: lines[code][index] if index < len(lines[code]) else "" for code in codes
                }
                if not any(labels.values()):
                    continue
                # Keep an option's value when its line stays, so answers and conditions hold.
                value = old[index] if index < len(old) else ""
                if not value or value in values:
                    base = slugify(labels.get(default) or next(v for v in labels.values() if v))
                    base = base[:50] or f"option-{index + 1}"
                    value, number = base, 2
                    while value in values or value in old[index + 1 :]:
                        value = f"{base}-{number}"
                        number += 1
                values.append(value)
                options.append({"value": value, "label": labels})
            content["options"] = options
        if self.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
            content["min"] = data.get("min")
            content["max"] = data.get("max")
            if self.kind == Question.Kind.SCALE:
                content["min_label"] = {c: data.get(f"min_label_{c}", "") for c in codes}
                content["max_label"] = {c: data.get(f"max_label_{c}", "") for c in codes}
            if self.kind == Question.Kind.NUMBER:
                content = {k: v for k, v in content.items() if v is not None}
        return content


class InvitationsForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, or separated by commas. Each person gets their own link."),
    )


class SkillPickerForm(forms.Form):
    """How the builder looks for matrix skills: by words, by collection or by occupation."""

    q = forms.CharField(label=_("Find skills by name"), required=False, max_length=100)
    collection = forms.ChoiceField(
        label=_("ESCO collection"),
        required=False,
        choices=[("", _("Any collection"))]
        + [
            (code, label)
            for code, label in Collection.choices
            if code not in (Collection.RESEARCH_OCCUPATIONS,)
        ],
    )
    occupation = forms.CharField(label=_("Skills of an occupation"), required=False, max_length=255)
