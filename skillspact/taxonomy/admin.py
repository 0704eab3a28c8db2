"""Read-only admin pages: imports own the ESCO rows; local roles and the health lens change
through the services, which audit every change and re-apply the lens."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from skillspact.taxonomy.models import (
    EscoVersion,
    HealthLensOverride,
    LocalRole,
    LocalRoleSkill,
    Occupation,
    Skill,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EscoVersion)
class EscoVersionAdmin(ReadOnlyAdmin):
    list_display = ["code", "status", "is_default", "imported_at"]


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ["preferred_label", "skill_type", "reuse_level", "version"]
    list_filter = ["version", "skill_type", "reuse_level"]
    search_fields = ["preferred_label", "uri"]
    list_select_related = ["version"]


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyAdmin):
    list_display = ["preferred_label", "code", "isco_group", "is_health", "version"]
    list_filter = ["version", "is_health"]
    search_fields = ["preferred_label", "uri", "code"]
    list_select_related = ["version"]


class LocalRoleSkillInline(admin.TabularInline):
    model = LocalRoleSkill
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LocalRole)
class LocalRoleAdmin(ReadOnlyAdmin):
    list_display = ["preferred_label", "slug", "content_version", "is_active", "esco_version"]
    inlines = [LocalRoleSkillInline]


@admin.register(HealthLensOverride)
class HealthLensOverrideAdmin(ReadOnlyAdmin):
    list_display = ["occupation_uri", "is_included", "reason"]
