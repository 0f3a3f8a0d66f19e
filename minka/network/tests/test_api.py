"""Organizations, sites and territories through the API: scoping, writes through the services, errors."""

from functools import partial

import pytest

from minka.audit.models import AuditEvent
from minka.core.tests.test_api import Api, assert_error
from minka.network.models import Organization, Site, Territory, TerritoryBoundary
from minka.network.territories import boundaries_data


@pytest.fixture
def api(client):
    return partial(Api, client)


def slugs(response):
    assert response.status_code == 200, response.content
    return {item["slug"] for item in response.json()["items"]}


# --- Organizations ----------------------------------------------------------------------------------------------


def test_users_see_their_organizations_and_those_of_their_programs(world, api):
    assert slugs(api(world.admin_a).get("organizations")) == {"alpha-ngo", "gamma-fund"}
    assert slugs(api(world.admin_b).get("organizations")) == {"beta-ngo"}
    assert slugs(api(world.nobody).get("organizations")) == set()
    assert slugs(api(world.superuser).get("organizations")) == {"alpha-ngo", "beta-ngo", "gamma-fund"}


def test_organization_filters(world, api):
    client = api(world.superuser)
    assert slugs(client.get("organizations", kind="foundation")) == {"gamma-fund"}
    assert slugs(client.get("organizations", q="beta")) == {"beta-ngo"}
    assert slugs(client.get("organizations", q="20512333797")) == {"alpha-ngo"}


def test_organization_detail(world, api):
    body = api(world.admin_a).get("organizations/alpha-ngo").json()
    assert body["name"] == "Asociación Alfa"
    assert body["ruc"] == "20512333797"
    assert body["kind"] == "ngo"


@pytest.mark.parametrize("slug", ["alpha-ngo", "gamma-fund", "no-such-org"])
def test_another_organizations_record_answers_404_like_a_missing_one(world, api, slug):
    client = api(world.admin_b)
    assert_error(client.get(f"organizations/{slug}"), 404, "not_found")
    assert_error(client.patch(f"organizations/{slug}", {"name": "Mine now"}), 404, "not_found")
    assert Organization.objects.filter(name="Mine now").count() == 0


def test_a_coordinator_registers_an_organization_with_an_audit_event(world, api):
    body = {
        "slug": "ccaijo",
        "name": "Centro de Capacitación Agro Industrial Jesús Obrero",
        "short_name": "CCAIJO",
        "kind": "ngo",
        "ruc": "20527147612",
        "district": "081201",
    }
    response = api(world.coordinator_a).post("organizations", body)
    assert response.status_code == 201, response.content
    assert response.json()["district"] == {"code": "081201", "name": "Urcos", "level": "district"}
    organization = Organization.objects.get(slug="ccaijo")
    assert organization.district_id == "081201"
    event = AuditEvent.objects.get(model="network.organization", object_id=str(organization.pk))
    assert event.action == "create" and event.actor == world.coordinator_a


@pytest.mark.parametrize("user", ["admin_a", "field_a", "funder_a", "auditor_a", "admin_b"])
def test_only_coordinators_and_network_admins_register_organizations(world, api, user):
    response = api(getattr(world, user)).post("organizations", {"slug": "delta", "name": "Delta", "kind": "ngo"})
    assert_error(response, 403, "forbidden")
    assert not Organization.objects.filter(slug="delta").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ruc": "20512333798"}, "ruc"),  # wrong check digit
        ({"ruc": "123"}, "ruc"),
        ({"ruc": "20512333797"}, "ruc"),  # Alfa's
        ({"slug": "alpha-ngo"}, "slug"),
        ({"slug": "not a slug!"}, "slug"),
        ({"district": "999999"}, "district"),
        ({"district": "0812"}, "district"),  # a province, not a district
        ({"website": "not-a-url"}, "website"),
        ({"name": ""}, "name"),
    ],
)
def test_an_invalid_organization_is_refused_naming_the_field_and_nothing_is_saved(world, api, body, field):
    before = Organization.objects.count()
    response = api(world.coordinator_a).post("organizations", {"slug": "delta", "name": "Delta", "kind": "ngo", **body})
    assert_error(response, 400, fields=[field])
    assert Organization.objects.count() == before
    assert not AuditEvent.objects.filter(model="network.organization").exists()


def test_an_admin_changes_their_organization(world, api):
    response = api(world.admin_a).patch("organizations/alpha-ngo", {"short_name": "ALFA", "district": "081202"})
    assert response.status_code == 200, response.content
    assert response.json()["short_name"] == "ALFA"
    world.org_a.refresh_from_db()
    assert world.org_a.short_name == "ALFA" and world.org_a.district_id == "081202"
    assert world.org_a.name == "Asociación Alfa"  # untouched: not sent
    event = AuditEvent.objects.get(model="network.organization", action="update")
    assert event.changes["short_name"] == ["Alfa", "ALFA"]


def test_patch_can_clear_an_optional_reference_but_not_a_required_field(world, api):
    client = api(world.admin_a)
    assert client.patch("organizations/alpha-ngo", {"district": "081201"}).status_code == 200
    assert client.patch("organizations/alpha-ngo", {"district": None}).json()["district"] is None
    assert_error(client.patch("organizations/alpha-ngo", {"name": None}), 422, "invalid", fields=["name"])
    assert_error(client.patch("organizations/alpha-ngo", {"kind": None}), 422, "invalid", fields=["kind"])


@pytest.mark.parametrize("user", ["field_a", "credit_a", "auditor_a", "coordinator_a", "program_auditor_a"])
def test_only_admins_change_an_organization(world, api, user):
    response = api(getattr(world, user)).patch("organizations/alpha-ngo", {"name": "Otro nombre"})
    assert_error(response, 403, "forbidden")
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Asociación Alfa"


def test_a_funder_cannot_change_its_organization(world, api):
    assert_error(api(world.funder_a).patch("organizations/gamma-fund", {"name": "X"}), 403, "forbidden")


# --- Sites ------------------------------------------------------------------------------------------------------


def site_names(response):
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_sites_are_scoped_to_the_organizations_the_user_sees(world, api):
    assert site_names(api(world.field_a).get("sites")) == {"CDE Urcos"}
    assert site_names(api(world.field_b).get("sites")) == {"Agencia Trujillo"}
    assert site_names(api(world.nobody).get("sites")) == set()


def test_site_filters(world, api):
    client = api(world.superuser)
    assert site_names(client.get("sites", organization="beta-ngo")) == {"Agencia Trujillo"}
    assert site_names(client.get("sites", kind="business_centre")) == {"CDE Urcos"}
    assert site_names(client.get("sites", territory="08")) == {"CDE Urcos"}
    assert site_names(client.get("sites", territory="1301")) == {"Agencia Trujillo"}


def test_another_organizations_site_answers_404(world, api):
    client = api(world.admin_b)
    assert_error(client.get(f"sites/{world.site_a.pk}"), 404, "not_found")
    assert_error(client.patch(f"sites/{world.site_a.pk}", {"name": "Mía"}), 404, "not_found")
    world.site_a.refresh_from_db()
    assert world.site_a.name == "CDE Urcos"


def test_a_field_officer_registers_a_site(world, api):
    body = {"organization": "alpha-ngo", "name": "CDE Andahuaylillas", "kind": "business_centre", "district": "081202"}
    response = api(world.field_a).post("sites", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["organization"]["slug"] == "alpha-ngo" and data["district"]["code"] == "081202"
    site = Site.objects.get(pk=data["id"])
    assert AuditEvent.objects.filter(model="network.site", object_id=str(site.pk), action="create").exists()


@pytest.mark.parametrize(("user", "organization"), [("funder_a", "gamma-fund"), ("auditor_a", "alpha-ngo")])
def test_funders_and_auditors_cannot_register_sites(world, api, user, organization):
    body = {"organization": organization, "name": "Sede", "kind": "office", "district": "081201"}
    assert_error(api(getattr(world, user)).post("sites", body), 403, "forbidden")
    assert not Site.objects.filter(name="Sede").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organization": "alpha-ngo"}, "organization"),  # not visible to B
        ({"organization": "no-such-org"}, "organization"),
        ({"district": "999999"}, "district"),
        ({"district": "13"}, "district"),
        ({"name": "Agencia Trujillo"}, "name"),  # already used in this organization
    ],
)
def test_an_invalid_site_is_refused_naming_the_field(world, api, body, field):
    base = {"organization": "beta-ngo", "name": "Agencia Nueva", "kind": "agency", "district": "130101"}
    before = Site.objects.count()
    assert_error(api(world.admin_b).post("sites", {**base, **body}), 400, fields=[field])
    assert Site.objects.count() == before


def test_a_site_is_changed_through_the_service(world, api):
    response = api(world.field_a).patch(f"sites/{world.site_a.pk}", {"address": "Plaza de Armas s/n"})
    assert response.status_code == 200, response.content
    assert response.json()["address"] == "Plaza de Armas s/n"
    assert AuditEvent.objects.filter(model="network.site", action="update").count() == 1


def test_a_site_cannot_be_moved_to_an_organization_the_user_does_not_run(world, api):
    response = api(world.field_a).patch(f"sites/{world.site_a.pk}", {"organization": "gamma-fund"})
    assert_error(response, 403, "forbidden")


# --- Territories ------------------------------------------------------------------------------------------------


def codes(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_territories_are_public_reference_data(world, api):
    for user in (world.admin_b, world.nobody, world.funder_a):
        assert api(user).get("territories").json()["count"] == Territory.objects.count()
    assert_error(api().get("territories"), 401, "unauthenticated")


def test_territory_filters(world, api):
    client = api(world.nobody)
    assert codes(client.get("territories", level="department")) == ["01", "08", "13"]
    assert codes(client.get("territories", parent="0812")) == ["081201", "081202"]
    assert codes(client.get("territories", q="urcos")) == ["081201"]
    assert codes(client.get("territories", q="0104")) == ["0104", "010401"]


def test_territory_detail(world, api):
    body = api(world.nobody).get("territories/081201").json()
    assert body == {
        "code": "081201",
        "name": "Urcos",
        "level": "district",
        "parent": "0812",
        "path": "Urcos, Quispicanchi, Cusco",
        "capital": "",
        "latitude": None,
        "longitude": None,
        "altitude": None,
        "population": None,
        "reniec_code": "",
    }
    assert_error(api(world.nobody).get("territories/999999"), 404, "not_found")


def test_a_boundary_is_a_geojson_feature(world, api):
    square = {"type": "Polygon", "coordinates": [[[-72, -14], [-71, -14], [-71, -13], [-72, -13], [-72, -14]]]}
    TerritoryBoundary.objects.create(territory_id="08", geometry=square)
    response = api(world.nobody).get("territories/08/boundary")
    assert response.status_code == 200
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["id"] == "08"
    assert feature["geometry"] == square
    assert feature["properties"]["name"] == "Cusco"


def test_a_district_answers_with_its_shipped_outline(world, api):
    urcos = boundaries_data()["081201"]
    TerritoryBoundary.objects.create(territory_id="081201", geometry=urcos)
    feature = api(world.nobody).get("territories/081201/boundary").json()

    assert feature["id"] == "081201"
    assert feature["properties"] == {"code": "081201", "name": "Urcos", "level": "district", "parent": "0812"}
    assert feature["geometry"] == urcos
    assert feature["geometry"]["type"] == "Polygon"
    # The town of Urcos (13.69° S, 71.63° W) is inside the outline's box: this is Urcos, not a neighbour.
    longitudes, latitudes = zip(*feature["geometry"]["coordinates"][0], strict=True)
    assert min(longitudes) < -71.63 < max(longitudes) and min(latitudes) < -13.69 < max(latitudes)


def test_a_territory_without_boundary_answers_404(world, api):
    assert_error(api(world.nobody).get("territories/081201/boundary"), 404, "not_found")
    assert_error(api(world.nobody).get("territories/999999/boundary"), 404, "not_found")
