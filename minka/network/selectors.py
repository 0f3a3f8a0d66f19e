from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.network.models import Organization, Site, Territory


def organization_list(*, user, kind: str = "", search: str = "") -> QuerySet:
    organizations = access.organizations_visible(user).select_related("district")
    if kind:
        organizations = organizations.filter(kind=kind)
    if search:
        organizations = organizations.filter(
            Q(name__icontains=search) | Q(short_name__icontains=search) | Q(slug__icontains=search) | Q(ruc=search)
        )
    return organizations


def organization_get(*, user, slug: str) -> Organization:
    """The organization if the user may see it; 404 for a missing one and for one that is not theirs alike."""
    return get_object_or_404(access.organizations_visible(user).select_related("district__parent__parent"), slug=slug)


def site_list(*, user, organization: Organization | None = None, kind: str = "", territory: str = "") -> QuerySet:
    sites = Site.objects.filter(organization__in=access.organizations_visible(user).values("pk")).select_related(
        "organization", "district__parent__parent"
    )
    if organization is not None:
        sites = sites.filter(organization=organization)
    if kind:
        sites = sites.filter(kind=kind)
    if territory:
        sites = sites.filter(district__code__startswith=territory)
    return sites


def site_get(*, user, site_id: int) -> Site:
    return get_object_or_404(site_list(user=user), pk=site_id)


def territory_list(*, level: str = "", parent: str = "", search: str = "") -> QuerySet:
    """Peru's territories are public reference data: every user may read them."""
    territories = Territory.objects.defer("boundary").select_related("parent__parent")
    if level:
        territories = territories.filter(level=level)
    if parent:
        territories = territories.filter(parent_id=parent)
    if search:
        territories = territories.filter(Q(name__icontains=search) | Q(code__startswith=search))
    return territories


def territory_get(*, code: str) -> Territory:
    return get_object_or_404(Territory.objects.select_related("parent__parent"), code=code)
