from django.contrib import admin

from minka.network.models import Organization, Site, Territory


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "country", "ruc", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("name", "short_name", "slug", "ruc")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ["district"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "kind", "district", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "organization__name", "district__name")
    list_select_related = ("organization", "district")
    autocomplete_fields = ["organization", "district"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    """Reference data loaded from INEI's tables: read here, changed only by reloading them."""

    list_display = ("code", "name", "level", "parent", "reniec_code")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("boundary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
