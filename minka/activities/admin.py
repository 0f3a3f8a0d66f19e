"""Django admin for activities: for looking only (changes go through the pages and services, which audit them)."""

from django.contrib import admin

from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.core.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(ActivityType)
class ActivityTypeAdmin(ReadOnlyAdmin):
    list_display = ("name_es", "name_en", "code", "category", "program")
    list_filter = ("category", "program")
    search_fields = ("name_es", "name_en", "code", "program__slug")
    list_select_related = ("program",)


class SessionInline(ReadOnlyInline):
    model = Session
    fields = ("date", "topic")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("title", "activity_type", "program", "organization", "site", "start_date", "end_date")
    list_filter = ("program", "activity_type__category")
    search_fields = ("title", "facilitators", "organization__name", "program__slug")
    list_select_related = ("activity_type", "program", "organization", "site")
    date_hierarchy = "start_date"
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("activity", "date", "topic")
    search_fields = ("activity__title", "topic")
    list_select_related = ("activity",)
    date_hierarchy = "date"


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("session", "participant", "recorded_by", "recorded_at")
    list_select_related = ("session__activity", "participant", "recorded_by")
    raw_id_fields = ("session", "participant")
