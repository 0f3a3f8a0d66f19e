"""Django admin for the employment service: for looking only. Every change goes through the services, which check
the rules and write the audit trail. CVs are not offered for download here (the admin is not scoped)."""

from django.contrib import admin

from minka.core.admin import ReadOnlyAdmin, ReadOnlyInline
from minka.employment.models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerContact,
    FollowUp,
    JobSeeker,
    Placement,
    SelfEmployment,
    Skill,
    Vacancy,
    WorkExperience,
)


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ("name", "program", "is_active")
    list_filter = ("is_active", "program")
    search_fields = ("name",)
    list_select_related = ("program",)


class ExperienceInline(ReadOnlyInline):
    model = WorkExperience


@admin.register(JobSeeker)
class JobSeekerAdmin(ReadOnlyAdmin):
    list_display = ("participant", "program", "organization", "status", "education_level", "availability")
    list_filter = ("status", "education_level", "availability", "program")
    search_fields = ("participant__search_name",)
    list_select_related = ("participant", "program", "organization")
    raw_id_fields = ("organization", "program", "participant")
    exclude = ("cv",)
    inlines = [ExperienceInline]


class ContactInline(ReadOnlyInline):
    model = EmployerContact
    raw_id_fields = ("user",)


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "sector", "district", "organization", "program")
    list_filter = ("kind", "sector", "program")
    search_fields = ("name", "ruc")
    list_select_related = ("district", "organization", "program")
    raw_id_fields = ("organization", "program", "district")
    inlines = [ContactInline]


@admin.register(Vacancy)
class VacancyAdmin(ReadOnlyAdmin):
    list_display = ("title", "employer", "status", "positions", "wage", "opens_on", "closes_on")
    list_filter = ("status", "contract_type", "sector", "program")
    search_fields = ("title", "employer__name")
    list_select_related = ("employer",)
    raw_id_fields = ("employer", "program", "district")
    date_hierarchy = "opens_on"


class EventInline(ReadOnlyInline):
    model = ApplicationEvent


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("seeker", "vacancy", "state", "score", "proposed_on", "decided_on")
    list_filter = ("state",)
    search_fields = ("vacancy__title", "seeker__participant__search_name")
    list_select_related = ("seeker__participant", "vacancy__employer")
    raw_id_fields = ("vacancy", "seeker")
    inlines = [EventInline]


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fk_name = "placement"
    exclude = ("self_employment",)


class SelfEmploymentFollowUpInline(ReadOnlyInline):
    model = FollowUp
    fk_name = "self_employment"
    exclude = ("placement",)


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin):
    list_display = ("application", "start_date", "wage", "contract_type", "hours_per_week")
    list_select_related = ("application__seeker__participant", "application__vacancy")
    raw_id_fields = ("application",)
    date_hierarchy = "start_date"
    inlines = [FollowUpInline]


@admin.register(SelfEmployment)
class SelfEmploymentAdmin(ReadOnlyAdmin):
    list_display = ("seeker", "enterprise", "started_on", "monthly_income")
    list_select_related = ("seeker__participant", "enterprise")
    raw_id_fields = ("seeker", "enterprise")
    inlines = [SelfEmploymentFollowUpInline]
