from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.network.models import Organization, Site, Territory, TerritoryLevel
from minka.programs.models import Program, Project


def organization_list(*, user, kind: str = "", search: str = "") -> QuerySet:
    organizations = access.organizations_visible(user).select_related("district__parent__parent")
    if kind:
        organizations = organizations.filter(kind=kind)
    if search:
        organizations = organizations.filter(
            Q(name__icontains=search) | Q(short_name__icontains=search) | Q(slug__icontains=search) | Q(ruc=search)
        )
    return organizations


def organization_programs(*, user, organization: Organization) -> QuerySet:
    """The programs the user sees in which `organization` takes part, in any role."""
    taking_part = (
        Q(catalysts=organization)
        | Q(projects__lead_organization=organization)
        | Q(projects__partners__organization=organization)
        | Q(projects__commitments__funder=organization)
    )
    return (
        Program.objects.filter(pk__in=access.programs_visible(user).values("pk"))
        .filter(pk__in=Program.objects.filter(taking_part).values("pk"))
        .order_by("name_es")
    )


def organization_projects(*, user, organization: Organization) -> QuerySet:
    """The projects the user sees that `organization` leads, partners in or funds."""
    taking_part = Project.objects.filter(
        Q(lead_organization=organization) | Q(partners__organization=organization) | Q(commitments__funder=organization)
    )
    return (
        Project.objects.filter(pk__in=access.projects_visible(user).values("pk"))
        .filter(pk__in=taking_part.values("pk"))
        .select_related("program", "lead_organization")
        .order_by("program__name_es", "code")
    )


def organization_get(*, user, slug: str) -> Organization:
    """The organization if the user may see it; 404 for a missing one and for one that is not theirs alike."""
    return get_object_or_404(access.organizations_visible(user).select_related("district__parent__parent"), slug=slug)


def site_list(
    *, user, organization: Organization | None = None, organization_slug: str = "", kind: str = "", territory: str = ""
) -> QuerySet:
    sites = Site.objects.filter(organization__in=access.organizations_visible(user).values("pk")).select_related(
        "organization", "district__parent__parent"
    )
    if organization is not None:
        sites = sites.filter(organization=organization)
    if organization_slug:
        sites = sites.filter(organization__slug=organization_slug)
    if kind:
        sites = sites.filter(kind=kind)
    if territory:
        sites = sites.filter(district__code__startswith=territory)
    return sites


def site_get(*, user, site_id: int) -> Site:
    return get_object_or_404(site_list(user=user), pk=site_id)


def territory_list(*, level: str = "", parent: str = "", search: str = "") -> QuerySet:
    """Peru's territories are public reference data: every user may read them."""
    territories = Territory.objects.select_related("parent__parent")
    if level:
        territories = territories.filter(level=level)
    if parent:
        territories = territories.filter(parent_id=parent)
    if search:
        territories = territories.filter(Q(name__icontains=search) | Q(code__startswith=search))
    return territories


def territory_get(*, code: str) -> Territory:
    return get_object_or_404(Territory.objects.select_related("parent__parent"), code=code)


def district_search(*, query: str, limit: int = 15) -> list[Territory]:
    """Districts whose name contains `query` or whose ubigeo starts with it, for the district picker: those whose
    name starts with it first ("urco" offers Urcos before Santiago de Surco)."""
    query = (query or "").strip()
    if not query:
        return []
    starts = Case(When(name__istartswith=query, then=0), default=1, output_field=IntegerField())
    found = territory_list(level=TerritoryLevel.DISTRICT, search=query).alias(starts=starts)
    return list(found.order_by("starts", "name", "code")[:limit])
