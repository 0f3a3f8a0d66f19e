from django.contrib import admin

from minka.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail is only ever added to, by the services; the admin reads it."""

    list_display = ("at", "actor", "action", "model", "object_repr", "organization", "program")
    list_filter = ("action", "model")
    search_fields = ("object_repr", "object_id", "actor__username")
    list_select_related = ("actor", "organization", "program")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
