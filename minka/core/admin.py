from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Django's admin is for looking. Changes go through Minka's own pages, API and commands, which check
    every rule and write the audit trail; an admin form would skip both."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
