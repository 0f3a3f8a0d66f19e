"""Django admin for the people registry: read-only, for network admins to look. Registering, consent and
enrollment go through Minka's pages, which check the rules and write the audit trail. The DNI hash is never shown."""

from django.contrib import admin

from minka.core.admin import ReadOnlyAdmin
from minka.people.models import Consent, Enrollment, Household, Participant


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "sex", "birth_year", "district", "registered_by", "anonymized_at")
    list_filter = ("sex", "area", "mother_tongue")
    search_fields = ("search_name",)
    list_select_related = ("district", "registered_by")
    exclude = ("dni_hash", "search_name")
    readonly_fields = ("dni_last_digits", "merged_into", "anonymized_at")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("participant", "purpose", "text_version", "method", "covers_sensitive_data", "given_on")
    list_filter = ("method", "covers_sensitive_data")
    search_fields = ("participant__search_name", "purpose")
    list_select_related = ("participant",)


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ("participant", "program", "organization", "enrolled_on", "status")
    list_filter = ("status",)
    search_fields = ("participant__search_name", "program__slug", "organization__name")
    list_select_related = ("participant", "program", "organization")


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "district")
    search_fields = ("name",)
    list_select_related = ("organization", "district")
