"""Pages for organizations, sites and territories: content, scoping (404 for what is not yours), permissions (403
for what you see but may not change), validation, the audit trail, and constant query counts on lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka.audit.models import AuditEvent
from minka.network.forms import OrganizationForm
from minka.network.models import Organization, Site, Territory
from minka.testing import OrganizationFactory

pytestmark = pytest.mark.django_db


def organization_data(**overrides):
    data = {
        "name": "Asociación Gamma Perú",
        "short_name": "Gamma",
        "slug": "gamma-peru",
        "kind": "ngo",
        "country": "PE",
        "ruc": "20600000005",
        "district": "081202",
        "website": "",
        "iati_identifier": "",
        "description": "",
        "is_active": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Organizations ------------------------------------------------------------------------------------------------


def test_organization_list_shows_what_the_user_sees(world, login):
    body = login(world.admin_a).get(reverse("organization_list")).content.decode()
    assert "Asociación Alfa" in body
    assert "Fundación Gamma" in body  # a partner in program Alfa
    assert "Asociación Beta" not in body


def test_organization_list_filters_by_kind_and_text(world, login):
    client = login(world.superuser)
    body = client.get(reverse("organization_list"), {"kind": "foundation"}).content.decode()
    assert "Fundación Gamma" in body and "Asociación Alfa" not in body
    body = client.get(reverse("organization_list"), {"q": "beta"}).content.decode()
    assert "Asociación Beta" in body and "Asociación Alfa" not in body
    body = client.get(reverse("organization_list"), {"q": "20512333797"}).content.decode()
    assert "Asociación Alfa" in body and "Asociación Beta" not in body


def test_organization_list_paginates_with_constant_queries(world, login):
    client = login(world.superuser)
    url = reverse("organization_list")
    few = queries_for(client, url)
    for number in range(30):
        OrganizationFactory(slug=f"extra-{number:02d}", name=f"Extra {number:02d}", district_id="081201")
    assert queries_for(client, url) == few
    body = client.get(url).content.decode()
    assert "Página 1 de 2" in body
    assert "Extra 29" not in body  # the 30 extras sort after the three of the world; the last is on page 2
    assert "Extra 29" in client.get(url, {"page": 2}).content.decode()


def test_organization_detail_shows_sites_programs_and_projects(world, login):
    body = login(world.admin_a).get(reverse("organization_detail", args=["alpha-ngo"])).content.decode()
    assert "Asociación Alfa" in body
    assert "20512333797" in body
    assert "CDE Urcos" in body
    assert "Programa Alfa" in body
    assert "Emprendimientos en Quispicanchi" in body
    assert reverse("organization_edit", args=["alpha-ngo"]) in body


def test_organization_detail_lists_only_the_programs_the_viewer_sees(world, login):
    # Fundación Gamma funds a project of program Alfa; its own member sees that, org B's admin does not see Gamma.
    body = login(world.funder_a).get(reverse("organization_detail", args=["gamma-fund"])).content.decode()
    assert "Programa Alfa" in body
    assert "Programa Beta" not in body
    assert reverse("organization_edit", args=["gamma-fund"]) not in body  # a funder changes nothing


def test_organization_a_is_seen_by_those_sharing_a_program(world, login):
    # The funder's people share program Alfa with organization A, so they see it (read-only).
    assert login(world.funder_a).get(reverse("organization_detail", args=["alpha-ngo"])).status_code == 200


@pytest.mark.parametrize("outsider", ["admin_b", "field_b", "coordinator_b", "nobody"])
def test_organization_a_is_missing_for_outsiders(world, login, outsider):
    client = login(getattr(world, outsider))
    assert client.get(reverse("organization_detail", args=["alpha-ngo"])).status_code == 404
    assert client.get(reverse("organization_edit", args=["alpha-ngo"])).status_code == 404
    assert client.get(reverse("organization_detail", args=["no-such-org"])).status_code == 404


def test_organization_create_by_a_coordinator(world, login):
    client = login(world.coordinator_a)
    response = client.post(reverse("organization_create"), organization_data())
    organization = Organization.objects.get(slug="gamma-peru")
    # Not yet part of any program, yet its maker can find it to name it as a partner.
    assert response["Location"] == reverse("organization_detail", args=["gamma-peru"])
    assert "Asociación Gamma Perú" in client.get(response["Location"]).content.decode()
    assert organization.district_id == "081202"
    event = AuditEvent.objects.get(model="network.organization", object_id=str(organization.pk))
    assert event.action == "create" and event.actor == world.coordinator_a
    assert event.changes["ruc"] == [None, "20600000005"]


def test_organization_create_by_a_network_admin_shows_the_new_organization(world, login):
    client = login(world.superuser)
    response = client.post(reverse("organization_create"), organization_data())
    assert response["Location"] == reverse("organization_detail", args=["gamma-peru"])
    body = client.get(response["Location"]).content.decode()
    assert "Asociación Gamma Perú" in body and "Andahuaylillas, Quispicanchi, Cusco" in body


def test_a_district_chosen_from_the_list_is_saved_by_its_code_and_shown_by_its_name(world, login):
    client = login(world.coordinator_a)
    chosen = "Urcos, Quispicanchi, Cusco (081201)"
    client.post(reverse("organization_create"), organization_data(district=chosen))
    organization = Organization.objects.get(slug="gamma-peru")
    assert organization.district_id == "081201"
    box = str(OrganizationForm(instance=organization)["district"])  # as the edit page shows it again
    assert f'value="{chosen}"' in box and 'value="081201"' not in box


def test_organization_create_takes_a_district_by_its_name(world, login):
    response = login(world.coordinator_a).post(reverse("organization_create"), organization_data(district="urcos"))
    assert response.status_code == 302
    assert Organization.objects.get(slug="gamma-peru").district_id == "081201"


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"ruc": "20512333798"}, "El RUC no es válido"),
        ({"slug": "beta-ngo"}, "Ya existe Organización con este Identificador corto."),
        (
            {"ruc": "20512333797", "slug": "otra"},
            "Ya hay una organización registrada con este RUC",
        ),  # the RUC is organization A's already
        ({"district": "999999"}, "ubigeo de 6 dígitos"),
        ({"district": "0812"}, "ubigeo de 6 dígitos"),  # a province, not a district
        ({"country": "Perú"}, "dos letras"),
        ({"country": "ES", "ruc": "20600000005", "slug": "x-es"}, "solo se registra para organizaciones peruanas"),
        ({"slug": "nueva"}, "reservada"),
    ],
)
def test_organization_create_rejects_bad_data_and_saves_nothing(world, login, overrides, field_error):
    organizations, events = Organization.objects.count(), AuditEvent.objects.count()
    response = login(world.coordinator_a).post(reverse("organization_create"), organization_data(**overrides))
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert 'class="field invalid' in response.content.decode()
    assert Organization.objects.count() == organizations
    assert AuditEvent.objects.count() == events


def test_organization_create_is_forbidden_to_those_who_may_not(world, login):
    for user in (world.admin_a, world.field_a, world.funder_a):
        client = login(user)
        assert client.get(reverse("organization_create")).status_code == 403
        assert client.post(reverse("organization_create"), organization_data()).status_code == 403
    assert not Organization.objects.filter(slug="gamma-peru").exists()
    body = login(world.field_a).get(reverse("organization_list")).content.decode()
    assert reverse("organization_create") not in body


def test_field_officer_cannot_edit_an_organization(world, login):
    client = login(world.field_a)
    url = reverse("organization_edit", args=["alpha-ngo"])
    assert client.get(url).status_code == 403
    assert client.post(url, organization_data(name="Cambiada", slug="alpha-ngo", ruc="20512333797")).status_code == 403
    assert Organization.objects.get(slug="alpha-ngo").name == "Asociación Alfa"
    body = client.get(reverse("organization_detail", args=["alpha-ngo"])).content.decode()
    assert url not in body


def test_admin_edits_their_organization_and_the_change_is_audited(world, login):
    client = login(world.admin_a)
    url = reverse("organization_edit", args=["alpha-ngo"])
    form = client.get(url).content.decode()
    assert 'value="Asociación Alfa"' in form
    response = client.post(url, organization_data(name="Asociación Alfa Perú", slug="alpha-ngo", ruc="20512333797"))
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.name == "Asociación Alfa Perú"
    event = AuditEvent.objects.get(model="network.organization", action="update")
    assert event.changes["name"] == ["Asociación Alfa", "Asociación Alfa Perú"]
    assert event.organization == world.org_a


def test_admin_edit_with_a_bad_ruc_keeps_the_saved_values(world, login):
    client = login(world.admin_a)
    response = client.post(
        reverse("organization_edit", args=["alpha-ngo"]),
        organization_data(name="Otro nombre", slug="alpha-ngo", ruc="20512333798"),
    )
    assert response.status_code == 200
    assert "El RUC no es válido" in response.content.decode()
    world.org_a.refresh_from_db()
    assert (world.org_a.name, world.org_a.ruc) == ("Asociación Alfa", "20512333797")
    assert not AuditEvent.objects.filter(action="update").exists()


def test_admin_b_cannot_edit_organization_a(world, login):
    response = login(world.admin_b).post(
        reverse("organization_edit", args=["alpha-ngo"]), organization_data(name="Tomada", slug="alpha-ngo")
    )
    assert response.status_code == 404
    assert Organization.objects.get(slug="alpha-ngo").name == "Asociación Alfa"


# Sites --------------------------------------------------------------------------------------------------------


def site_data(world, **overrides):
    data = {
        "organization": world.org_a.pk,
        "name": "CDE Andahuaylillas",
        "kind": "business_centre",
        "district": "081202",
        "address": "Plaza de Armas s/n",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_site_list_is_scoped_and_filtered(world, login):
    body = login(world.admin_a).get(reverse("site_list")).content.decode()
    assert "CDE Urcos" in body and "Agencia Trujillo" not in body
    client = login(world.superuser)
    body = client.get(reverse("site_list"), {"territory": "13"}).content.decode()
    assert "Agencia Trujillo" in body and "CDE Urcos" not in body
    body = client.get(reverse("site_list"), {"territory": "0812"}).content.decode()
    assert "CDE Urcos" in body and "Agencia Trujillo" not in body
    body = client.get(reverse("site_list"), {"kind": "agency"}).content.decode()
    assert "Agencia Trujillo" in body and "CDE Urcos" not in body
    body = client.get(reverse("site_list"), {"organization": "alpha-ngo"}).content.decode()
    assert "CDE Urcos" in body and "Agencia Trujillo" not in body


def test_site_list_ignores_an_organization_the_user_does_not_see(world, login):
    body = login(world.admin_b).get(reverse("site_list"), {"organization": "alpha-ngo"}).content.decode()
    assert "CDE Urcos" not in body


def test_site_list_has_constant_queries(world, login):
    client = login(world.admin_a)
    url = reverse("site_list")
    few = queries_for(client, url)
    for number in range(30):
        Site.objects.create(organization=world.org_a, name=f"Sede {number:02d}", kind="school", district_id="081202")
    assert queries_for(client, url) == few


def test_site_detail_and_edit_button(world, login):
    body = login(world.field_a).get(reverse("site_detail", args=[world.site_a.pk])).content.decode()
    assert "CDE Urcos" in body and "Urcos, Quispicanchi, Cusco" in body
    assert reverse("site_edit", args=[world.site_a.pk]) in body
    body = login(world.funder_a).get(reverse("site_detail", args=[world.site_a.pk])).content.decode()
    assert "CDE Urcos" in body
    assert reverse("site_edit", args=[world.site_a.pk]) not in body


def test_site_of_another_organization_is_missing(world, login):
    client = login(world.admin_a)
    assert client.get(reverse("site_detail", args=[world.site_b.pk])).status_code == 404
    assert client.get(reverse("site_edit", args=[world.site_b.pk])).status_code == 404
    assert client.post(reverse("site_edit", args=[world.site_b.pk]), site_data(world)).status_code == 404
    assert client.get(reverse("site_detail", args=[999999])).status_code == 404


def test_site_create_by_a_field_officer(world, login):
    client = login(world.field_a)
    form = client.get(reverse("site_create")).content.decode()
    assert f'<option value="{world.org_a.pk}"' in form
    assert "Beta" not in form  # only the organizations the user may add sites to
    response = client.post(reverse("site_create"), site_data(world))
    site = Site.objects.get(name="CDE Andahuaylillas")
    assert response["Location"] == reverse("site_detail", args=[site.pk])
    event = AuditEvent.objects.get(model="network.site", object_id=str(site.pk))
    assert event.organization == world.org_a and event.changes["district"] == [None, "081202"]


def test_site_create_for_another_organization_is_refused(world, login):
    response = login(world.admin_a).post(reverse("site_create"), site_data(world, organization=world.org_b.pk))
    assert response.status_code == 200
    assert "Escoja una opción válida" in response.content.decode()
    assert not Site.objects.filter(name="CDE Andahuaylillas").exists()


def test_site_create_duplicate_name_is_a_form_error(world, login):
    response = login(world.admin_a).post(reverse("site_create"), site_data(world, name="CDE Urcos"))
    assert response.status_code == 200
    assert "Esta organización ya tiene una sede con ese nombre." in response.content.decode()
    assert Site.objects.filter(name="CDE Urcos").count() == 1


def test_site_create_and_edit_are_forbidden_to_read_only_roles(world, login):
    for user in (world.credit_a, world.auditor_a, world.funder_a):
        client = login(user)
        assert client.get(reverse("site_create")).status_code == 403
        assert client.get(reverse("site_edit", args=[world.site_a.pk])).status_code == 403
        assert client.post(reverse("site_edit", args=[world.site_a.pk]), site_data(world)).status_code == 403
    world.site_a.refresh_from_db()
    assert world.site_a.name == "CDE Urcos"


def test_site_edit_is_audited(world, login):
    response = login(world.field_a).post(
        reverse("site_edit", args=[world.site_a.pk]),
        site_data(world, name="CDE Urcos (nuevo local)", district="081201"),
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(model="network.site", action="update")
    assert event.changes == {"name": ["CDE Urcos", "CDE Urcos (nuevo local)"], "address": ["", "Plaza de Armas s/n"]}


# Territories --------------------------------------------------------------------------------------------------


def test_territory_list_shows_departments_and_searches(world, login):
    client = login(world.field_b)
    body = client.get(reverse("territory_list")).content.decode()
    assert "Cusco" in body and "Amazonas" in body and "La Libertad" in body
    assert "Quispicanchi" not in body
    body = client.get(reverse("territory_list"), {"q": "quispi"}).content.decode()
    assert "Quispicanchi" in body and "Amazonas" not in body
    body = client.get(reverse("territory_list"), {"q": "0812"}).content.decode()
    assert "Quispicanchi" in body and "Urcos" in body and "Andahuaylillas" in body and "Nieva" not in body


def test_territory_detail_shows_path_and_children(world, login):
    client = login(world.field_a)
    body = client.get(reverse("territory_detail", args=["0812"])).content.decode()
    assert "Quispicanchi, Cusco" in body
    assert "Urcos" in body and "Andahuaylillas" in body
    assert reverse("territory_detail", args=["081201"]) in body
    body = client.get(reverse("territory_detail", args=["081201"])).content.decode()
    assert "Urcos, Quispicanchi, Cusco" in body
    body = client.get(reverse("territory_detail", args=["08"])).content.decode()
    assert "Provincias" in body and "Quispicanchi" in body
    assert client.get(reverse("territory_detail", args=["999999"])).status_code == 404


def test_territory_detail_shows_reference_values(world, login):
    world.site_a.district.__class__.objects.filter(code="0812").update(
        capital="Urcos", latitude="-13.6861000", longitude="-71.6236000", reniec_code="0813"
    )
    body = login(world.field_a).get(reverse("territory_detail", args=["0812"])).content.decode()
    assert "-13.6861000, -71.6236000" in body
    assert "0813" in body and "Urcos" in body


def test_district_search_returns_options_by_name_or_code(world, login):
    client = login(world.field_a)
    body = client.get(reverse("district_search"), {"q": "urc"}).content.decode()
    assert '<option value="Urcos, Quispicanchi, Cusco (081201)">Urcos, Quispicanchi, Cusco</option>' in body
    body = client.get(reverse("district_search"), {"district": "0812"}).content.decode()
    assert "(081201)" in body and "(081202)" in body and "(0812)" not in body
    # A name that starts with what was typed comes before one that only contains it, whatever the alphabet says
    Territory.objects.create(code="081299", level="district", name="Ayurcos", parent_id="0812")
    body = client.get(reverse("district_search"), {"q": "urco"}).content.decode()
    assert body.index("(081201)") < body.index("(081299)")  # Urcos before Ayurcos
    # Once chosen, the box holds the label: the list keeps offering that district instead of emptying
    body = client.get(reverse("district_search"), {"q": "Urcos, Quispicanchi, Cusco (081201)"}).content.decode()
    assert body.count("<option") == 1 and "(081201)" in body
    assert client.get(reverse("district_search"), {"q": ""}).content.decode().strip() == ""


def test_pages_need_login(world, client):
    for url in (
        reverse("organization_list"),
        reverse("site_list"),
        reverse("territory_list"),
        reverse("district_search"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
