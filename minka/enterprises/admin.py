"""Django admin for enterprises: for looking only. Enterprises, members and records change through Minka's pages
and services, which check the rules and write the audit trail."""

from django.contrib import admin

from minka.core.admin import ReadOnlyAdmin, ReadOnlyInline
from minka.enterprises.models import Enterprise, EnterpriseMember, EnterpriseRecord, StageChange


class StageChangeInline(ReadOnlyInline):
    model = StageChange


class MemberInline(ReadOnlyInline):
    model = EnterpriseMember
    raw_id_fields = ("participant",)


class RecordInline(ReadOnlyInline):
    model = EnterpriseRecord


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "stage", "sector", "organization", "program", "district", "started_on")
    list_filter = ("kind", "stage", "sector", "program")
    search_fields = ("name", "ruc", "organization__name", "organization__short_name", "program__slug")
    list_select_related = ("organization", "program", "district")
    raw_id_fields = ("organization", "program", "project", "site", "district")
    date_hierarchy = "started_on"
    inlines = [StageChangeInline, MemberInline, RecordInline]


@admin.register(EnterpriseRecord)
class EnterpriseRecordAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "month", "sales", "costs", "jobs")
    search_fields = ("enterprise__name",)
    list_select_related = ("enterprise",)
    raw_id_fields = ("enterprise", "recorded_by")
    date_hierarchy = "month"


@admin.register(EnterpriseMember)
class EnterpriseMemberAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "participant", "role", "joined_on")
    list_filter = ("role",)
    search_fields = ("enterprise__name",)
    list_select_related = ("enterprise", "participant")
    raw_id_fields = ("enterprise", "participant")
