"""Forms for applications, organisation profiles, invitations, reviews and working groups."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from skillspact.organisations import regions
from skillspact.organisations.models import (
    Affiliation,
    Interest,
    MembershipApplication,
    Organisation,
    StakeholderType,
)


def _region_widget(country_field: str) -> forms.Select:
    return forms.Select(
        attrs={
            "hx-get": reverse_lazy("organisations:regions"),
            "hx-trigger": f"change from:#id_{country_field}",
            "hx-include": f"#id_{country_field}",
            "hx-target": "this",
            "hx-swap": "innerHTML",
        }
    )


class RegionChoicesMixin:
    """Offer the NUTS-2 regions of the chosen country (all when none is chosen yet)."""

    fields: Any
    data: Any
    instance: Any

    def _set_region_choices(self) -> None:
        country = (
            self.data.get("country")
            if self.data
            else (self.initial.get("country") or getattr(self.instance, "country", ""))  # type: ignore[attr-defined]
        )
        self.fields["nuts2"].widget = _region_widget("country")
        self.fields["nuts2"].widget.choices = [
            ("", _("— not known or not applicable —")),
            *regions.region_choices(str(country) if country else None),
        ]


def _website_field() -> forms.URLField:
    # A web address typed without a scheme is taken as https.
    return forms.URLField(label=_("Website"), max_length=300, required=False, assume_scheme="https")


class ApplicationForm(RegionChoicesMixin, forms.ModelForm):
    website = _website_field()
    interests = forms.ModelMultipleChoiceField(
        queryset=Interest.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Areas of interest"),
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "legal_name",
            "acronym",
            "stakeholder_type",
            "country",
            "nuts2",
            "size_band",
            "website",
            "description",
            "interests",
            "pact_registration_ref",
            "motivation",
            "has_consented_to_charter",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "motivation": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A draft may be saved incomplete; submission checks what is required.
        for name in ("legal_name", "stakeholder_type", "country"):
            self.fields[name].required = False
        self._set_region_choices()


class OrganisationForm(RegionChoicesMixin, forms.ModelForm):
    website = _website_field()
    interests = forms.ModelMultipleChoiceField(
        queryset=Interest.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Areas of interest"),
    )
    networks = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.filter(
            status=Organisation.Status.MEMBER,
            stakeholder_type=StakeholderType.PROFESSIONAL_ASSOCIATION,
        ).order_by("legal_name"),
        required=False,
        label=_("Member of networks"),
        help_text=_(
            "Umbrella networks your organisation belongs to (hold Ctrl or ⌘ to pick several)."
        ),
    )

    class Meta:
        model = Organisation
        fields = [
            "legal_name",
            "acronym",
            "stakeholder_type",
            "country",
            "nuts2",
            "size_band",
            "website",
            "description",
            "interests",
            "networks",
            "is_listed",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_region_choices()
        if self.instance.pk:
            networks = self.fields["networks"]
            networks.queryset = networks.queryset.exclude(  # type: ignore[attr-defined]
                pk=self.instance.pk
            )


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class ApproveForm(forms.Form):
    message = forms.CharField(
        label=_("Welcome message (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("The applicant reads this."),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your answer to the secretariat"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague’s e-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Affiliation.Role.choices, initial=Affiliation.Role.CONTACT
    )


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is your organisation leaving? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that the organisation will leave the partnership and disappear "
            "from the directory."
        )
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.CharField(label=_("Region (NUTS-2)"), required=False, max_length=4)
    stakeholder_type = forms.ChoiceField(label=_("Stakeholder type"), required=False)
    interest = forms.ChoiceField(label=_("Area of interest"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("newest", _("Newest members")),
            ("oldest", _("Longest-standing members")),
            ("country", _("Country")),
        ],
    )

    def __init__(
        self, *args: Any, countries_present: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        choice_fields = {name: cast(forms.ChoiceField, self.fields[name]) for name in self.fields}
        # Only the countries that have listed members, when the caller knows them.
        offered = countries_present if countries_present is not None else list(countries)
        choice_fields["country"].choices = [("", _("All countries")), *offered]
        choice_fields["stakeholder_type"].choices = [
            ("", _("All types")),
            ("education", _("Education and training (all)")),
            ("industry", _("Industry (all)")),
            ("public", _("Public authorities (all)")),
            *StakeholderType.choices,
        ]
        choice_fields["interest"].choices = [
            ("", _("All areas")),
            *Interest.objects.order_by("name").values_list("slug", "name"),
        ]


class WorkingGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    is_active = forms.BooleanField(label=_("Open for members"), required=False, initial=True)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    location = forms.CharField(label=_("Place or online link"), max_length=300, required=False)
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, CSV, text; up to 10 MB."
        ),
    )


class JoinGroupForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("For"))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
