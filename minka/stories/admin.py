"""Django admin for stories: for looking only. Stories change through Minka's pages and services, which keep a
story internal until its consent is recorded and write the audit trail."""

from django.contrib import admin

from minka.core.admin import ReadOnlyAdmin
from minka.stories.models import Story


@admin.register(Story)
class StoryAdmin(ReadOnlyAdmin):
    list_display = ("title", "program", "storyteller", "visibility", "consent_to_publish", "consent_recorded_on")
    list_filter = ("visibility", "consent_to_publish", "program")
    search_fields = ("title", "storyteller", "program__slug")
    list_select_related = ("program",)
