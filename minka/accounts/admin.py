from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from minka.accounts.models import ApiToken, Membership, ProgramRole, User
from minka.core.admin import ReadOnlyAdmin, ReadOnlyInline


class MembershipInline(ReadOnlyInline):
    model = Membership
    autocomplete_fields = ["organization"]


class ProgramRoleInline(ReadOnlyInline):
    model = ProgramRole


@admin.register(User)
class UserAdmin(ReadOnlyAdmin, DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Preferencias"), {"fields": ("language",)}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Preferencias"), {"fields": ("email", "language")}))
    list_display = ("username", "first_name", "last_name", "email", "language", "is_active", "is_superuser")
    list_filter = ("is_active", "is_superuser", "language")
    inlines = [MembershipInline, ProgramRoleInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organization", "role", "is_active", "updated_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__first_name", "user__last_name", "organization__name")
    list_select_related = ("user", "organization")
    autocomplete_fields = ["user", "organization"]


@admin.register(ProgramRole)
class ProgramRoleAdmin(ReadOnlyAdmin):
    list_display = ("user", "program", "role")
    list_filter = ("role", "program")
    search_fields = ("user__username", "program__name_es")
    list_select_related = ("user", "program")
    autocomplete_fields = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made and revoked by their owners on the profile page."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    exclude = ("key_hash",)
