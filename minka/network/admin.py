from django.contrib import admin

from minka.core.admin import ReadOnlyAdmin
from minka.network.models import Organization, Site, Territory


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "short_name", "kind", "country", "ruc", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("name", "short_name", "slug", "ruc")


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "kind", "district", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "organization__name", "district__name")
    list_select_related = ("organization", "district")


@admin.register(Territory)
class TerritoryAdmin(ReadOnlyAdmin):
    """Reference data loaded from INEI's tables, changed only by reloading them."""

    list_display = ("code", "name", "level", "parent", "reniec_code")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
