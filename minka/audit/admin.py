from django.contrib import admin

from minka.audit.models import AuditEvent
from minka.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The trail is only ever added to, by the services; the admin reads it."""

    list_display = ("at", "actor", "action", "model", "object_repr", "organization", "program")
    list_filter = ("action", "model")
    search_fields = ("object_repr", "object_id", "actor__username")
    list_select_related = ("actor", "organization", "program")
    date_hierarchy = "at"
