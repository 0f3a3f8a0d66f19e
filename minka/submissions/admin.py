"""Django admin for connections, pulls and submissions: for looking only, and never at a connection's sealed
token or password (not even sealed)."""

from django.contrib import admin

from minka.core.admin import ReadOnlyAdmin
from minka.submissions.models import Pull, ServerConnection, Submission


@admin.register(ServerConnection)
class ServerConnectionAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "kind", "form_key", "enabled", "pull_every_hours", "last_pulled_at")
    list_filter = ("kind", "enabled", "organization")
    exclude = ("secret_sealed",)
    list_select_related = ("organization",)


@admin.register(Pull)
class PullAdmin(ReadOnlyAdmin):
    list_display = ("connection", "source", "started_at", "started_by", "received", "imported", "failed", "already")
    list_filter = ("source",)
    list_select_related = ("connection", "started_by")


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("instance_uuid", "organization", "connection", "form_version", "submitted_at", "status")
    list_filter = ("status", "organization")
    search_fields = ("instance_uuid",)
    list_select_related = ("organization", "connection")
