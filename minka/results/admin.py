"""Django admin for results: for looking only. The framework, targets and reported values change through Minka's
pages and services, which check the rules, keep periods locked and write the audit trail."""

from django.contrib import admin

from minka.core.admin import ReadOnlyAdmin, ReadOnlyInline
from minka.results.models import Evidence, Indicator, PeriodLock, ReportedValue, Result, Target


class TargetInline(ReadOnlyInline):
    model = Target


class EvidenceInline(ReadOnlyInline):
    model = Evidence


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ("code", "level", "statement_es", "program")
    list_filter = ("level", "program")
    search_fields = ("code", "statement_es", "statement_en", "program__slug")
    list_select_related = ("program",)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_es", "unit", "source", "measure", "cumulative", "program")
    list_filter = ("source", "unit", "program")
    search_fields = ("code", "name_es", "name_en", "program__slug")
    list_select_related = ("program",)
    inlines = [TargetInline]


@admin.register(ReportedValue)
class ReportedValueAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "period_label", "organization", "status", "value", "numerator", "denominator")
    list_filter = ("status", "indicator__program")
    list_select_related = ("indicator", "organization")
    inlines = [EvidenceInline]


@admin.register(PeriodLock)
class PeriodLockAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "period_label", "locked_by", "created_at", "reopened_by", "reopened_at")
    list_select_related = ("indicator", "locked_by", "reopened_by")
