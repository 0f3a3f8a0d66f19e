"""Organizations, sites and territories over the API: the same selectors and services as the pages."""

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from minka.core.api_support import (
    Filters,
    Id,
    Input,
    Key,
    Pagination,
    patch_schema,
    read_responses,
    resolve,
    write_responses,
)
from minka.network import selectors, services
from minka.network.models import OrganizationKind, SiteKind, Territory, TerritoryBoundary, TerritoryLevel

router = Router()

ORGANIZATIONS = ["organizations"]
SITES = ["sites"]
TERRITORIES = ["territories"]


# --- Schemas ----------------------------------------------------------------------------------------------------


class TerritoryRef(Schema):
    code: str = Field(..., description="INEI ubigeo (2, 4 or 6 digits).")
    name: str
    level: TerritoryLevel


class TerritoryOut(TerritoryRef):
    parent: str | None = Field(None, alias="parent_id", description="Ubigeo of the province or department above.")
    path: str = Field(..., description='The place with its province and department: "Urcos, Quispicanchi, Cusco".')
    capital: str
    latitude: float | None
    longitude: float | None
    altitude: float | None
    population: int | None
    reniec_code: str


class OrganizationRef(Schema):
    slug: str
    name: str
    short_name: str


class OrganizationOut(OrganizationRef):
    kind: OrganizationKind
    country: str
    ruc: str
    iati_identifier: str
    website: str
    description: str
    district: TerritoryRef | None
    is_active: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class OrganizationIn(Input):
    slug: str = Field(..., description="Lowercase letters, digits and hyphens; unique.")
    name: str
    short_name: str = ""
    kind: OrganizationKind
    country: str = Field("PE", description="ISO 3166-1 alpha-2.")
    ruc: str = Field("", description="Peruvian tax number (11 digits with a valid check digit); Peru only.")
    iati_identifier: str = ""
    website: str = ""
    description: str = ""
    district: str | None = Field(None, description="Ubigeo (6 digits) of the district of the head office.")
    is_active: bool = True


OrganizationPatch = patch_schema(OrganizationIn, "OrganizationPatch")


class OrganizationFilters(Filters):
    kind: OrganizationKind | None = None
    q: str = Field("", description="Part of the name, short name or slug, or the exact RUC.")


class SiteOut(Schema):
    id: int
    organization: OrganizationRef
    name: str
    kind: SiteKind
    district: TerritoryRef
    address: str
    is_active: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class SiteIn(Input):
    organization: str = Field(..., description="Slug of the organization the site belongs to.")
    name: str
    kind: SiteKind
    district: str = Field(..., description="Ubigeo (6 digits) of the district.")
    address: str = ""
    is_active: bool = True


SitePatch = patch_schema(SiteIn, "SitePatch")


class SiteFilters(Filters):
    organization: str = Field("", description="Slug of the organization.")
    kind: SiteKind | None = None
    territory: str = Field("", description="Ubigeo of a department, province or district containing the site.")


class TerritoryFilters(Filters):
    level: TerritoryLevel | None = None
    parent: str = Field("", description="Ubigeo of the territory directly above.")
    q: str = Field("", description="Part of the name, or the start of the ubigeo.")


class Feature(Schema):
    """A GeoJSON Feature (RFC 7946) with the territory's boundary."""

    type: str = Field("Feature", json_schema_extra={"enum": ["Feature"]})
    id: str
    properties: dict
    geometry: dict


# --- Natural keys in request bodies -----------------------------------------------------------------------------


def _district(code):
    if code is None:
        return None
    return resolve(Territory.objects, "district", code=code)


def _organization_data(payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if "district" in data:
        data["district"] = _district(data["district"])
    return data


def _site_data(request, payload) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if "organization" in data:
        data["organization"] = resolve(
            selectors.organization_list(user=request.auth), "organization", slug=data["organization"]
        )
    if "district" in data:
        data["district"] = _district(data["district"])
    return data


# --- Organizations ----------------------------------------------------------------------------------------------


@router.get("/organizations", response=read_responses(list[OrganizationOut]), tags=ORGANIZATIONS)
@paginate(Pagination)
def organization_list(request, filters: Query[OrganizationFilters]):
    """The organizations the user sees: their own and those taking part in the programs they see."""
    return selectors.organization_list(user=request.auth, kind=filters.kind or "", search=filters.q.strip())


@router.post("/organizations", response=write_responses(OrganizationOut, status=201), tags=ORGANIZATIONS)
def organization_create(request, payload: OrganizationIn):
    """Registers an organization (network coordinators and network admins)."""
    organization = services.organization_create(user=request.auth, data=_organization_data(payload))
    return Status(201, organization)


@router.get("/organizations/{slug}", response=read_responses(OrganizationOut), tags=ORGANIZATIONS)
def organization_detail(request, slug: Key):
    return selectors.organization_get(user=request.auth, slug=slug)


@router.patch("/organizations/{slug}", response=write_responses(OrganizationOut), tags=ORGANIZATIONS)
def organization_update(request, slug: Key, payload: OrganizationPatch):
    """Changes the fields sent (the organization's admins and network admins)."""
    organization = selectors.organization_get(user=request.auth, slug=slug)
    return services.organization_update(user=request.auth, organization=organization, data=_organization_data(payload))


# --- Sites ------------------------------------------------------------------------------------------------------


@router.get("/sites", response=read_responses(list[SiteOut]), tags=SITES)
@paginate(Pagination)
def site_list(request, filters: Query[SiteFilters]):
    """The sites of the organizations the user sees."""
    return selectors.site_list(
        user=request.auth,
        organization_slug=filters.organization.strip(),
        kind=filters.kind or "",
        territory=filters.territory.strip(),
    )


@router.post("/sites", response=write_responses(SiteOut, status=201), tags=SITES)
def site_create(request, payload: SiteIn):
    """Registers a site (admins and field officers of its organization)."""
    site = services.site_create(user=request.auth, data=_site_data(request, payload))
    return Status(201, selectors.site_get(user=request.auth, site_id=site.pk))


@router.get("/sites/{site_id}", response=read_responses(SiteOut), tags=SITES)
def site_detail(request, site_id: Id):
    return selectors.site_get(user=request.auth, site_id=site_id)


@router.patch("/sites/{site_id}", response=write_responses(SiteOut), tags=SITES)
def site_update(request, site_id: Id, payload: SitePatch):
    site = selectors.site_get(user=request.auth, site_id=site_id)
    services.site_update(user=request.auth, site=site, data=_site_data(request, payload))
    return selectors.site_get(user=request.auth, site_id=site_id)


# --- Territories (public reference data) ------------------------------------------------------------------------


@router.get("/territories", response=read_responses(list[TerritoryOut]), tags=TERRITORIES)
@paginate(Pagination)
def territory_list(request, filters: Query[TerritoryFilters]):
    """Peru's departments, provinces and districts (INEI ubigeo), readable by every user."""
    return selectors.territory_list(level=filters.level or "", parent=filters.parent.strip(), search=filters.q.strip())


@router.get("/territories/{code}", response=read_responses(TerritoryOut), tags=TERRITORIES)
def territory_detail(request, code: Key):
    return selectors.territory_get(code=code)


@router.get("/territories/{code}/boundary", response=read_responses(Feature), tags=TERRITORIES)
def territory_boundary(request, code: Key):
    """The outline of a department, province or district as a GeoJSON Feature; 404 where none is kept."""
    territory = selectors.territory_get(code=code)
    boundary = TerritoryBoundary.objects.filter(territory=territory).first()
    if boundary is None:
        raise Http404
    geometry = boundary.geometry
    return {
        "type": "Feature",
        "id": territory.code,
        "properties": {
            "code": territory.code,
            "name": territory.name,
            "level": territory.level,
            "parent": territory.parent_id,
        },
        "geometry": geometry,
    }
