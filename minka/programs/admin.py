"""Django admin for programs and funding: a back office for network admins. The pages and services stay the way
records are changed day to day (the admin writes no audit events)."""

from django.contrib import admin

from minka.programs.models import (
    Disbursement,
    FundingCommitment,
    Initiative,
    Phase,
    Program,
    Project,
    ProjectPartner,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_es", "name_en", "start_date", "end_date", "currency")
    list_filter = ("currency",)
    search_fields = ("slug", "name_es", "name_en")
    filter_horizontal = ("catalysts",)
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("program", "number", "name_es", "start_date", "end_date")
    list_filter = ("program",)
    search_fields = ("name_es", "name_en", "program__slug")
    list_select_related = ("program",)


class PartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    raw_id_fields = ("organization",)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "title_es", "program", "phase", "lead_organization", "status", "start_date", "end_date")
    list_filter = ("status", "program")
    search_fields = ("code", "title_es", "title_en", "lead_organization__name", "program__slug")
    list_select_related = ("program", "phase", "lead_organization")
    raw_id_fields = ("lead_organization", "territories")
    inlines = [PartnerInline]


@admin.register(ProjectPartner)
class ProjectPartnerAdmin(admin.ModelAdmin):
    list_display = ("project", "organization", "role")
    list_filter = ("role",)
    search_fields = ("project__code", "project__title_es", "organization__name", "organization__short_name")
    list_select_related = ("project", "organization")
    raw_id_fields = ("project", "organization")


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ("title_es", "program", "project", "territory", "proposed_by", "status")
    list_filter = ("status", "program")
    search_fields = ("title_es", "title_en", "proposed_by", "program__slug")
    list_select_related = ("program", "project", "territory")
    raw_id_fields = ("project", "territory")


class DisbursementInline(admin.TabularInline):
    model = Disbursement
    extra = 0


@admin.register(FundingCommitment)
class FundingCommitmentAdmin(admin.ModelAdmin):
    list_display = ("project", "funder", "amount", "currency", "committed_on", "reference")
    list_filter = ("currency",)
    search_fields = ("reference", "project__code", "project__title_es", "funder__name", "funder__short_name")
    list_select_related = ("project", "funder")
    raw_id_fields = ("project", "funder")
    date_hierarchy = "committed_on"
    inlines = [DisbursementInline]


@admin.register(Disbursement)
class DisbursementAdmin(admin.ModelAdmin):
    list_display = ("commitment", "amount", "disbursed_on", "note")
    search_fields = ("note", "commitment__reference", "commitment__project__code")
    list_select_related = ("commitment__project", "commitment__funder")
    raw_id_fields = ("commitment",)
    date_hierarchy = "disbursed_on"
