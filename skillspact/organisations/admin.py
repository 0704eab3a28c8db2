from django.contrib import admin

from skillspact.organisations.models import (
    Affiliation,
    Interest,
    Invitation,
    MembershipApplication,
    Organisation,
    WorkingGroup,
    WorkingGroupDocument,
    WorkingGroupMeeting,
    WorkingGroupMembership,
)


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "legal_name",
        "acronym",
        "stakeholder_type",
        "country",
        "status",
        "is_listed",
        "joined_at",
    ]
    list_filter = ["status", "is_listed", "stakeholder_type", "country"]
    search_fields = ["legal_name", "acronym", "website_domain"]
    prepopulated_fields = {"slug": ["legal_name"]}
    filter_horizontal = ["interests"]
    raw_id_fields = ["networks"]
    inlines = [AffiliationInline]


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "status", "country", "applicant", "submitted_at", "decided_at"]
    list_filter = ["status", "stakeholder_type"]
    search_fields = ["legal_name", "applicant__email"]
    raw_id_fields = ["applicant", "decided_by", "organisation"]


class MembershipInline(admin.TabularInline):
    model = WorkingGroupMembership
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    inlines = [MembershipInline]


admin.site.register(Interest)
admin.site.register(
    Invitation, list_display=["email", "organisation", "role", "status", "expires_at"]
)
admin.site.register(WorkingGroupMeeting, list_display=["title", "group", "starts_at"])
admin.site.register(WorkingGroupDocument, list_display=["title", "group", "size", "created_at"])
