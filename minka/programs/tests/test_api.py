"""Programs, projects, initiatives and funding through the API: scoping, writes through the services, errors."""

import datetime
from decimal import Decimal
from functools import partial

import pytest

from minka.accounts.models import ProgramRole
from minka.audit.models import AuditEvent
from minka.core.tests.test_api import Api, assert_error
from minka.programs.models import Disbursement, FundingCommitment, Initiative, Phase, Program, Project, ProjectPartner


@pytest.fixture
def api(client):
    return partial(Api, client)


def items(response, key="id"):
    assert response.status_code == 200, response.content
    return {item[key] for item in response.json()["items"]}


# --- Programs and phases ----------------------------------------------------------------------------------------


def test_users_see_the_programs_they_take_part_in(world, api):
    for user in world.users_of_a():
        assert items(api(user).get("programs"), "slug") == {"alpha"}, user
    for user in world.users_of_b():
        assert items(api(user).get("programs"), "slug") == {"beta"}, user
    assert items(api(world.nobody).get("programs"), "slug") == set()
    assert items(api(world.superuser).get("programs", q="alf"), "slug") == {"alpha"}


def test_program_detail_has_catalysts_and_phases(world, api):
    body = api(world.field_a).get("programs/alpha").json()
    assert [c["slug"] for c in body["catalysts"]] == ["alpha-ngo"]
    assert body["phases"] == [
        {"number": 1, "name": "Fase 1", "name_es": "Fase 1", "name_en": "Phase 1", "start_date": None, "end_date": None}
    ]
    assert api(world.field_a).get("programs").json()["items"][0]["project_count"] == 1


@pytest.mark.parametrize("path", ["programs/alpha", "programs/alpha/phases", "programs/alpha/phases/1"])
def test_another_organizations_program_answers_404(world, api, path):
    for user in [*world.users_of_b(), world.nobody]:
        assert_error(api(user).get(path), 404, "not_found")


def test_an_admin_of_a_catalyst_creates_a_program_and_coordinates_it(world, api):
    body = {
        "slug": "gamma",
        "name_es": "Programa Gamma",
        "catalysts": ["alpha-ngo"],
        "currency": "USD",
        "start_date": "2025-01-01",
        "end_date": "2026-12-31",
    }
    response = api(world.admin_a).post("programs", body)
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "USD"
    program = Program.objects.get(slug="gamma")
    assert ProgramRole.objects.filter(user=world.admin_a, program=program, role="coordinator").exists()
    assert AuditEvent.objects.filter(model="programs.program", object_id=str(program.pk), action="create").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"end_date": "2023-01-01"}, "end_date"),
        ({"slug": "alpha"}, "slug"),
        ({"catalysts": []}, "catalysts"),
        ({"catalysts": ["beta-ngo"]}, "catalysts"),  # not visible to A
        ({"currency": "GBP"}, "currency"),
        ({"start_date": "2024-02-30"}, "start_date"),
    ],
)
def test_an_invalid_program_is_refused_naming_the_field(world, api, body, field):
    base = {"slug": "gamma", "name_es": "Gamma", "catalysts": ["alpha-ngo"], "start_date": "2024-01-01"}
    response = api(world.admin_a).post("programs", {**base, **body})
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code, fields=[field])
    assert not Program.objects.filter(name_es="Gamma").exists()


@pytest.mark.parametrize("user", ["field_a", "funder_a", "auditor_a", "program_auditor_a"])
def test_only_admins_of_a_catalyst_create_programs(world, api, user):
    body = {"slug": "gamma", "name_es": "Gamma", "catalysts": ["alpha-ngo"]}
    assert_error(api(getattr(world, user)).post("programs", body), 403, "forbidden")
    assert not Program.objects.filter(slug="gamma").exists()


def test_a_coordinator_changes_the_program(world, api):
    response = api(world.coordinator_a).patch("programs/alpha", {"name_en": "Alpha", "end_date": "2027-12-31"})
    assert response.status_code == 200, response.content
    world.program_a.refresh_from_db()
    assert world.program_a.name_en == "Alpha" and world.program_a.end_date == datetime.date(2027, 12, 31)
    assert AuditEvent.objects.filter(model="programs.program", action="update").count() == 1


@pytest.mark.parametrize("user", ["field_a", "credit_a", "funder_a", "auditor_a", "program_auditor_a"])
def test_funders_auditors_and_staff_cannot_change_the_program(world, api, user):
    assert_error(api(getattr(world, user)).patch("programs/alpha", {"name_en": "Hacked"}), 403, "forbidden")
    world.program_a.refresh_from_db()
    assert world.program_a.name_en == "Alpha Program"


def test_end_before_start_is_refused_on_update(world, api):
    response = api(world.coordinator_a).patch("programs/alpha", {"end_date": "2023-12-31"})
    assert_error(response, 400, "invalid", fields=["end_date"])
    world.program_a.refresh_from_db()
    assert world.program_a.end_date is None


def test_phases(world, api):
    client = api(world.coordinator_a)
    response = client.post("programs/alpha/phases", {"number": 2, "name_es": "Fase 2", "start_date": "2025-01-01"})
    assert response.status_code == 201, response.content
    assert [p["number"] for p in client.get("programs/alpha/phases").json()] == [1, 2]
    assert_error(client.post("programs/alpha/phases", {"number": 2, "name_es": "Otra"}), 400, fields=["number"])
    assert_error(client.post("programs/alpha/phases", {"number": 0, "name_es": "Cero"}), 422, fields=["number"])
    response = client.patch("programs/alpha/phases/2", {"name_en": "Phase 2"})
    assert response.status_code == 200 and response.json()["name_en"] == "Phase 2"
    assert_error(client.patch("programs/alpha/phases/9", {"name_en": "x"}), 404, "not_found")
    assert_error(api(world.funder_a).patch("programs/alpha/phases/2", {"name_en": "x"}), 403, "forbidden")
    assert Phase.objects.filter(program=world.program_a).count() == 2


# --- Projects ---------------------------------------------------------------------------------------------------


def test_users_see_only_their_projects(world, api):
    for user in world.users_of_a():
        assert items(api(user).get("projects")) == {world.project_a.pk}, user
    for user in world.users_of_b():
        assert items(api(user).get("projects")) == {world.project_b.pk}, user
    assert items(api(world.nobody).get("projects")) == set()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"program": "alpha"}, {"a"}),
        ({"program": "beta"}, {"b"}),
        ({"program": "no-such"}, set()),
        ({"territory": "08"}, {"a"}),
        ({"territory": "081201"}, {"a"}),  # a district inside the project's province
        ({"territory": "13"}, {"b"}),
        ({"territory": "01"}, set()),
        ({"funder": "gamma-fund"}, {"a"}),
        ({"organization": "beta-ngo"}, {"b"}),
        ({"status": "2"}, {"a", "b"}),
        ({"status": "4"}, set()),
        ({"q": "trujillo"}, {"b"}),
    ],
)
def test_project_filters(world, api, params, expected):
    ids = {"a": world.project_a.pk, "b": world.project_b.pk}
    assert items(api(world.superuser).get("projects", **params)) == {ids[key] for key in expected}


def test_a_filter_for_another_organizations_program_matches_nothing(world, api):
    assert items(api(world.admin_b).get("projects", program="alpha")) == set()


def test_project_detail_with_scope_and_partners(world, api):
    body = api(world.field_a).get(f"projects/{world.project_a.pk}").json()
    assert body["program"] == "alpha" and body["phase"] == 1
    assert body["territories"] == [{"code": "0812", "name": "Quispicanchi", "level": "province"}]
    assert [(p["organization"]["slug"], p["role"]) for p in body["partners"]] == [("gamma-fund", "funder")]
    assert body["lead_organization"]["slug"] == "alpha-ngo"


@pytest.mark.parametrize(
    "path",
    ["projects/{a}", "projects/{a}/partners"],
)
def test_another_organizations_project_answers_404(world, api, path):
    path = path.format(a=world.project_a.pk)
    for user in [*world.users_of_b(), world.nobody]:
        assert_error(api(user).get(path), 404, "not_found")
    assert_error(api(world.admin_b).patch(f"projects/{world.project_a.pk}", {"title_es": "Mío"}), 404)
    world.project_a.refresh_from_db()
    assert world.project_a.title_es == "Emprendimientos en Quispicanchi"


PROJECT = {
    "code": "alfa-condorcanqui",
    "title_es": "Empleo en Condorcanqui",
    "lead_organization": "alpha-ngo",
    "phase": 1,
    "start_date": "2024-03-01",
    "end_date": "2026-02-28",
    "territories": ["0104", "081201"],
    "partners": [{"organization": "gamma-fund", "role": "funder"}],
}


def test_a_coordinator_creates_a_project_within_the_program(world, api):
    response = api(world.coordinator_a).post("programs/alpha/projects", PROJECT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["program"] == "alpha" and body["phase"] == 1
    assert [t["code"] for t in body["territories"]] == ["0104", "081201"]
    assert [(p["organization"]["slug"], p["role"]) for p in body["partners"]] == [("gamma-fund", "funder")]
    project = Project.objects.get(code="alfa-condorcanqui")
    event = AuditEvent.objects.get(model="programs.project", object_id=str(project.pk))
    assert event.action == "create" and event.actor == world.coordinator_a and event.program == world.program_a


def test_the_staff_of_a_taking_part_organization_create_projects_they_lead(world, api):
    response = api(world.field_a).post("programs/alpha/projects", {**PROJECT, "partners": []})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"end_date": "2024-01-01"}, "end_date", 400),
        ({"code": "alfa-quispicanchi"}, "code", 400),
        ({"code": "No Slug"}, "code", 400),
        ({"territories": ["0104", "999999"]}, "territories", 400),
        ({"territories": "0104"}, "territories", 422),
        ({"lead_organization": "no-such"}, "lead_organization", 400),
        ({"phase": 7}, "phase", 400),
        ({"status": "9"}, "status", 422),
        ({"partners": [{"organization": "no-such", "role": "ally"}]}, "partners", 400),
        ({"partners": [{"organization": "gamma-fund", "role": "boss"}]}, "partners.0.role", 422),
        ({"title_es": ""}, "title_es", 400),
    ],
)
def test_an_invalid_project_is_refused_naming_the_field_and_nothing_is_saved(world, api, body, field, status):
    projects, partners = Project.objects.count(), ProjectPartner.objects.count()
    response = api(world.coordinator_a).post("programs/alpha/projects", {**PROJECT, **body})
    assert_error(response, status, "invalid", fields=[field])
    assert Project.objects.count() == projects and ProjectPartner.objects.count() == partners
    assert not AuditEvent.objects.filter(model="programs.project").exists()


def test_staff_may_only_name_their_own_organization_as_lead(world, api):
    response = api(world.field_a).post("programs/alpha/projects", {**PROJECT, "lead_organization": "gamma-fund"})
    assert_error(response, 400, "invalid", fields=["lead_organization"])
    assert not Project.objects.filter(code=PROJECT["code"]).exists()


def test_a_coordinator_names_an_organization_just_registered_but_not_another_networks(world, api):
    client = api(world.coordinator_a)
    assert client.post("organizations", {"slug": "ccaijo", "name": "CCAIJO", "kind": "ngo"}).status_code == 201
    assert client.get("organizations/ccaijo").status_code == 200
    response = client.post("programs/alpha/projects", {**PROJECT, "lead_organization": "ccaijo"})
    assert response.status_code == 201, response.content
    response = client.post("programs/alpha/projects", {**PROJECT, "code": "other", "lead_organization": "beta-ngo"})
    assert_error(response, 400, "invalid", fields=["lead_organization"])


@pytest.mark.parametrize("user", ["funder_a", "auditor_a", "program_auditor_a"])
def test_funders_and_auditors_cannot_write_projects(world, api, user):
    client = api(getattr(world, user))
    assert_error(client.post("programs/alpha/projects", {**PROJECT, "partners": []}), 403, "forbidden")
    assert_error(client.patch(f"projects/{world.project_a.pk}", {"title_en": "Hacked"}), 403, "forbidden")
    assert_error(
        client.post(f"projects/{world.project_a.pk}/partners", {"organization": "alpha-ngo", "role": "ally"}), 403
    )
    assert not Project.objects.filter(code=PROJECT["code"]).exists()
    world.project_a.refresh_from_db()
    assert world.project_a.title_en == "Enterprises in Quispicanchi"


def test_outsiders_cannot_create_projects_in_a_program_they_do_not_see(world, api):
    response = api(world.admin_b).post("programs/alpha/projects", {**PROJECT, "lead_organization": "beta-ngo"})
    assert_error(response, 404, "not_found")


def test_the_lead_organizations_staff_change_the_project(world, api):
    response = api(world.field_a).patch(
        f"projects/{world.project_a.pk}", {"status": "3", "territories": ["081201", "081202"], "phase": None}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "3" and body["phase"] is None
    assert [t["code"] for t in body["territories"]] == ["081201", "081202"]
    event = AuditEvent.objects.get(model="programs.project", action="update")
    assert event.changes["territories"] == [["0812"], ["081201", "081202"]]


def test_a_project_update_with_an_unknown_territory_changes_nothing(world, api):
    response = api(world.field_a).patch(f"projects/{world.project_a.pk}", {"territories": ["0812", "08999"]})
    assert_error(response, 400, "invalid", fields=["territories"])
    assert list(world.project_a.territories.values_list("code", flat=True)) == ["0812"]


def test_partners_are_added_and_removed(world, api):
    client = api(world.admin_a)
    response = client.post(
        f"projects/{world.project_a.pk}/partners", {"organization": "alpha-ngo", "role": "implementer"}
    )
    assert response.status_code == 201, response.content
    partner_id = response.json()["id"]
    roles = {p["role"] for p in client.get(f"projects/{world.project_a.pk}/partners").json()}
    assert roles == {"funder", "implementer"}
    duplicate = client.post(
        f"projects/{world.project_a.pk}/partners", {"organization": "alpha-ngo", "role": "implementer"}
    )
    assert_error(duplicate, 400, fields=["organization"])
    assert client.delete(f"projects/{world.project_a.pk}/partners/{partner_id}").status_code == 204
    assert not ProjectPartner.objects.filter(pk=partner_id).exists()
    assert AuditEvent.objects.filter(model="programs.projectpartner", action="delete").count() == 1
    assert_error(client.delete(f"projects/{world.project_a.pk}/partners/{partner_id}"), 404, "not_found")


def test_a_partner_of_another_project_is_not_found_through_this_one(world, api):
    partner = ProjectPartner.objects.create(project=world.project_b, organization=world.org_b, role="ally")
    response = api(world.superuser).delete(f"projects/{world.project_a.pk}/partners/{partner.pk}")
    assert_error(response, 404, "not_found")
    assert ProjectPartner.objects.filter(pk=partner.pk).exists()


# --- Initiatives ------------------------------------------------------------------------------------------------


def test_initiatives(world, api):
    client = api(world.coordinator_a)
    body = {
        "title_es": "Feria de emprendimientos",
        "territory": "081201",
        "project": world.project_a.pk,
        "proposed_by": "Jóvenes de Urcos",
    }
    response = client.post("programs/alpha/initiatives", body)
    assert response.status_code == 201, response.content
    initiative_id = response.json()["id"]
    assert response.json()["territory"]["code"] == "081201"
    assert items(client.get("initiatives", territory="08")) == {initiative_id}
    assert items(client.get("initiatives", program="beta")) == set()
    response = client.patch(f"initiatives/{initiative_id}", {"status": "in_progress"})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert AuditEvent.objects.filter(model="programs.initiative").count() == 2

    assert items(api(world.admin_b).get("initiatives")) == set()
    assert_error(api(world.admin_b).get(f"initiatives/{initiative_id}"), 404, "not_found")
    assert_error(api(world.funder_a).patch(f"initiatives/{initiative_id}", {"status": "dropped"}), 403, "forbidden")


@pytest.mark.parametrize(
    ("body", "field"),
    [({"territory": "999999"}, "territory"), ({"project": 987654}, "project"), ({"title_es": "Repetida"}, "title_es")],
)
def test_an_invalid_initiative_is_refused_naming_the_field(world, api, body, field):
    Initiative.objects.create(program=world.program_a, title_es="Repetida")
    response = api(world.coordinator_a).post("programs/alpha/initiatives", {"title_es": "Nueva", **body})
    assert_error(response, 400, "invalid", fields=[field])
    assert Initiative.objects.count() == 1


def test_an_initiative_cannot_point_at_another_programs_project(world, api):
    response = api(world.superuser).post(
        "programs/alpha/initiatives", {"title_es": "Cruzada", "project": world.project_b.pk}
    )
    assert_error(response, 400, "invalid", fields=["project"])


# --- Funding ----------------------------------------------------------------------------------------------------


def test_commitments_are_scoped_and_money_is_a_decimal_string(world, api):
    body = api(world.funder_a).get("commitments").json()
    assert body["count"] == 1
    commitment = body["items"][0]
    assert commitment["amount"] == "100000.00" and commitment["currency"] == "EUR"
    assert commitment["disbursed"] == "0.00" and commitment["remaining"] == "100000.00"
    assert commitment["funder"]["slug"] == "gamma-fund"
    assert api(world.admin_b).get("commitments").json() == {"items": [], "count": 0}
    assert api(world.superuser).get("commitments", program="beta").json()["count"] == 0
    assert api(world.superuser).get("commitments", project=world.project_a.pk).json()["count"] == 1


def test_another_organizations_commitment_answers_404(world, api):
    for user in [*world.users_of_b(), world.nobody]:
        client = api(user)
        assert_error(client.get(f"commitments/{world.commitment_a.pk}"), 404, "not_found")
        assert_error(client.get(f"commitments/{world.commitment_a.pk}/disbursements"), 404, "not_found")
    response = api(world.admin_b).patch(f"commitments/{world.commitment_a.pk}", {"amount": "1.00"})
    assert_error(response, 404, "not_found")
    world.commitment_a.refresh_from_db()
    assert world.commitment_a.amount == Decimal("100000.00")


def test_the_lead_admin_records_a_commitment_and_disbursements(world, api):
    client = api(world.admin_a)
    body = {"funder": "gamma-fund", "amount": "2500.50", "currency": "USD", "committed_on": "2024-05-01"}
    response = client.post(f"projects/{world.project_a.pk}/commitments", body)
    assert response.status_code == 201, response.content
    commitment = response.json()
    assert commitment["amount"] == "2500.50" and commitment["currency"] == "USD"
    assert FundingCommitment.objects.get(pk=commitment["id"]).amount == Decimal("2500.50")

    path = f"commitments/{commitment['id']}/disbursements"
    response = client.post(path, {"amount": "1000", "disbursed_on": "2024-06-01"})
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "1000.00" and response.json()["currency"] == "USD"
    over = client.post(path, {"amount": "1500.51", "disbursed_on": "2024-07-01"})
    assert_error(over, 400, fields=["amount"])
    assert Disbursement.objects.filter(commitment_id=commitment["id"]).count() == 1

    detail = client.get(f"commitments/{commitment['id']}").json()
    assert detail["disbursed"] == "1000.00" and detail["remaining"] == "1500.50"
    assert_error(client.patch(f"commitments/{commitment['id']}", {"amount": "999.99"}), 400, fields=["amount"])

    disbursement_id = client.get(path).json()[0]["id"]
    assert client.delete(f"disbursements/{disbursement_id}").status_code == 204
    assert AuditEvent.objects.filter(model="programs.disbursement").count() == 2
    assert AuditEvent.objects.filter(model="programs.fundingcommitment", action="create").count() == 1


@pytest.mark.parametrize(
    ("amount", "status"),
    [
        ("12.345", 422),
        ("-1", 422),
        ("0", 422),
        ("abc", 422),
        ("NaN", 422),
        ("1e400", 422),
        ("12345678901234567.00", 422),
        (None, 422),
    ],
)
def test_bad_amounts_are_refused(world, api, amount, status):
    body = {"funder": "gamma-fund", "amount": amount, "committed_on": "2024-05-01"}
    assert_error(api(world.admin_a).post(f"projects/{world.project_a.pk}/commitments", body), status, fields=["amount"])
    assert FundingCommitment.objects.count() == 1


@pytest.mark.parametrize("user", ["credit_a", "field_a", "funder_a", "auditor_a", "program_auditor_a"])
def test_only_program_editors_and_lead_admins_record_funding(world, api, user):
    client = api(getattr(world, user))
    body = {"funder": "gamma-fund", "amount": "10.00", "committed_on": "2024-05-01"}
    assert_error(client.post(f"projects/{world.project_a.pk}/commitments", body), 403, "forbidden")
    path = f"commitments/{world.commitment_a.pk}/disbursements"
    assert_error(client.post(path, {"amount": "10.00", "disbursed_on": "2024-06-01"}), 403, "forbidden")
    assert_error(client.patch(f"commitments/{world.commitment_a.pk}", {"reference": "X"}), 403, "forbidden")
    assert FundingCommitment.objects.count() == 1 and Disbursement.objects.count() == 0


def test_a_disbursement_of_another_organization_cannot_be_deleted(world, api):
    disbursement = Disbursement.objects.create(
        commitment=world.commitment_a, amount=Decimal("10.00"), disbursed_on=datetime.date(2024, 2, 1)
    )
    assert_error(api(world.admin_b).delete(f"disbursements/{disbursement.pk}"), 404, "not_found")
    assert_error(api(world.funder_a).delete(f"disbursements/{disbursement.pk}"), 403, "forbidden")
    assert Disbursement.objects.filter(pk=disbursement.pk).exists()


def test_the_list_of_projects_costs_a_fixed_number_of_queries(world, api, django_assert_max_num_queries):
    client = api(world.superuser)
    for number in range(10):
        project = Project.objects.create(
            program=world.program_a, code=f"extra-{number}", title_es=f"Extra {number}", lead_organization=world.org_a
        )
        project.territories.set(["081201", "0104"])
        ProjectPartner.objects.create(project=project, organization=world.funder_org, role="funder")
    with django_assert_max_num_queries(10):
        assert client.get("projects").json()["count"] == 12
