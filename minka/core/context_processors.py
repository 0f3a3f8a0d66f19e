from minka.accounts import access
from minka.accounts.models import OrganizationRole, ProgramRoleKind

AUDIT_ROLES = {OrganizationRole.ADMIN, OrganizationRole.AUDITOR}
CREDIT_ROLES = {OrganizationRole.ADMIN, OrganizationRole.AUDITOR, OrganizationRole.CREDIT_OFFICER}
WHOLE_PROGRAM_ROLES = {ProgramRoleKind.COORDINATOR, ProgramRoleKind.AUDITOR}


def navigation(request):
    """The menu: the user's programs and the sections their roles open, from two small queries per page.

    The flags mirror the rules in `accounts/access.py`; the pages themselves still check with those rules.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    admin = access.is_network_admin(user)
    roles = set(user.memberships.filter(is_active=True).values_list("role", flat=True))
    program_roles = set(user.program_roles.values_list("role", flat=True))
    return {
        "nav_programs": access.programs_visible(user).only("slug", "name_es", "name_en").order_by("name_es"),
        "nav_can_manage_users": admin or OrganizationRole.ADMIN in roles,
        "nav_can_see_audit": admin or bool(roles & AUDIT_ROLES or program_roles & WHOLE_PROGRAM_ROLES),
        # Funders see aggregates only: no lists of people, activities or enterprises.
        "nav_can_see_field_records": admin
        or bool(roles & set(access.PERSONAL_DATA_ROLES) or program_roles & WHOLE_PROGRAM_ROLES),
        # Credit for the roles that can see a fund (`access.funds_visible`), from the roles already read: asking
        # whether a fund exists would cost every page a query. An admin without a fund yet finds where to open one.
        "nav_can_see_credit": admin or bool(roles & CREDIT_ROLES or program_roles & WHOLE_PROGRAM_ROLES),
    }
