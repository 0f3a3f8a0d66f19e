from minka.accounts import access


def navigation(request):
    """The programs in the top navigation: each user's own, one cheap query, only when logged in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_programs": access.programs_visible(user).only("slug", "name_es", "name_en").order_by("name_es"),
        "nav_can_manage_users": bool(access.managed_organization_ids(user)),
        "nav_can_see_audit": access.audit_visible_filter(user) is not None,
        # Funders see aggregates only: no lists of people, activities or enterprises.
        "nav_can_see_field_records": access.field_records_visible_filter(user) is not None,
    }
