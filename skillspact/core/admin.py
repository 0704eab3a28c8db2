from django.contrib import admin

from skillspact.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "code", "object_label", "organisation"]
    list_filter = ["code"]
    search_fields = ["actor_label", "object_label", "code"]
    date_hierarchy = "created_at"

    # The log is evidence: nobody edits or deletes it, not even through the admin.
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
