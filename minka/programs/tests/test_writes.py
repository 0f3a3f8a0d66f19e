"""Writing pages: each create and edit saves through its service and leaves an audit event; bad input shows a form
error and saves nothing; readers get 403 and outsiders 404."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from minka.accounts.models import ProgramRole, ProgramRoleKind
from minka.audit.models import AuditEvent
from minka.programs.models import (
    Disbursement,
    FundingCommitment,
    Initiative,
    Phase,
    Program,
    Project,
    ProjectPartner,
)
from minka.testing import OrganizationFactory

pytestmark = pytest.mark.django_db

PROJECT_ARGS = ["alpha", "alfa-quispicanchi"]


def events(model, action=None):
    found = AuditEvent.objects.filter(model=f"programs.{model}")
    return found.filter(action=action) if action else found


def form_errors(response) -> str:
    """The errors shown on a form page, as one string."""
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    assert form.errors, "the form shows no error"
    return " ".join(str(message) for messages in form.errors.values() for message in messages).lower()


def program_data(**overrides):
    data = {
        "slug": "gamma",
        "name_es": "Programa Gamma",
        "name_en": "Gamma Program",
        "description_es": "",
        "description_en": "",
        "start_date": "2025-01-01",
        "end_date": "2026-12-31",
        "currency": "PEN",
    }
    return {**data, **overrides}


def project_data(world, **overrides):
    data = {
        "code": "alfa-nieva",
        "title_es": "Empleo en Nieva",
        "title_en": "Jobs in Nieva",
        "phase": world.phase_a.pk,
        "status": "2",
        "lead_organization": world.org_a.pk,
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "description_es": "",
        "description_en": "",
        "territories": ["0104"],
        "districts": "",
    }
    return {**data, **overrides}


class TestPrograms:
    def test_admin_creates_a_program_and_becomes_its_coordinator(self, world, login):
        client = login(world.admin_a)
        response = client.post(reverse("program_create"), {**program_data(), "catalysts": [world.org_a.pk]})
        assert response.status_code == 302
        program = Program.objects.get(slug="gamma")
        assert response["Location"] == reverse("program_detail", args=["gamma"])
        assert list(program.catalysts.all()) == [world.org_a]
        assert ProgramRole.objects.filter(
            user=world.admin_a, program=program, role=ProgramRoleKind.COORDINATOR
        ).exists()
        event = events("program", "create").get(object_id=str(program.pk))
        assert event.actor == world.admin_a and event.changes["name_es"] == [None, "Programa Gamma"]
        assert "Programa «Programa Gamma» creado." in client.get(response["Location"]).content.decode()

    def test_duplicate_slug_is_a_form_error(self, world, login):
        response = login(world.admin_a).post(
            reverse("program_create"), {**program_data(slug="alpha"), "catalysts": [world.org_a.pk]}
        )
        assert "ya existe" in form_errors(response)
        assert "slug" in response.context["form"].errors
        assert Program.objects.filter(slug="alpha").count() == 1
        assert not events("program").exists()

    def test_a_slug_that_would_shadow_a_page_is_refused(self, world, login):
        response = login(world.admin_a).post(
            reverse("program_create"), {**program_data(slug="nuevo"), "catalysts": [world.org_a.pk]}
        )
        assert "reservada" in form_errors(response)
        assert not Program.objects.filter(slug="nuevo").exists()

    def test_end_before_start_is_a_form_error(self, world, login):
        response = login(world.admin_a).post(
            reverse("program_create"),
            {**program_data(start_date="2025-06-01", end_date="2025-01-01"), "catalysts": [world.org_a.pk]},
        )
        assert "anterior a la de inicio" in form_errors(response)
        assert not Program.objects.filter(slug="gamma").exists()

    def test_catalysts_must_include_one_the_creator_administers(self, world, login):
        response = login(world.admin_a).post(
            reverse("program_create"), {**program_data(), "catalysts": [world.funder_org.pk]}
        )
        assert "catalizadoras" in form_errors(response)
        assert not Program.objects.filter(slug="gamma").exists()

    def test_only_admins_may_open_the_create_page(self, world, login):
        assert login(world.field_a).get(reverse("program_create")).status_code == 403
        response = login(world.funder_a).post(
            reverse("program_create"), {**program_data(), "catalysts": [world.org_a.pk]}
        )
        assert response.status_code == 403
        assert not Program.objects.filter(slug="gamma").exists()

    def test_coordinator_edits_and_the_change_is_audited(self, world, login):
        client = login(world.coordinator_a)
        form = client.get(reverse("program_edit", args=["alpha"]))
        assert 'value="Programa Alfa"' in form.content.decode()
        data = {**program_data(slug="alpha", name_es="Programa Alfa II"), "catalysts": [world.org_a.pk]}
        response = client.post(reverse("program_edit", args=["alpha"]), data)
        assert response.status_code == 302
        world.program_a.refresh_from_db()
        assert world.program_a.name_es == "Programa Alfa II"
        event = events("program", "update").get()
        assert event.changes["name_es"] == ["Programa Alfa", "Programa Alfa II"]
        assert event.actor == world.coordinator_a

    @pytest.mark.parametrize("reader", ["funder_a", "auditor_a", "program_auditor_a", "field_a"])
    def test_readers_get_403_and_nothing_changes(self, world, login, reader):
        client = login(getattr(world, reader))
        assert client.get(reverse("program_edit", args=["alpha"])).status_code == 403
        data = {**program_data(slug="alpha", name_es="Pirateado"), "catalysts": [world.org_a.pk]}
        assert client.post(reverse("program_edit", args=["alpha"]), data).status_code == 403
        world.program_a.refresh_from_db()
        assert world.program_a.name_es == "Programa Alfa"
        assert not AuditEvent.objects.exists()


class TestPhases:
    def test_create_with_the_next_number_offered(self, world, login):
        client = login(world.coordinator_a)
        assert 'value="2"' in client.get(reverse("phase_create", args=["alpha"])).content.decode()
        response = client.post(
            reverse("phase_create", args=["alpha"]),
            {"number": 2, "name_es": "Fase 2", "name_en": "Phase 2", "start_date": "2025-01-01", "end_date": ""},
        )
        assert response.status_code == 302
        phase = Phase.objects.get(program=world.program_a, number=2)
        assert events("phase", "create").filter(object_id=str(phase.pk)).exists()

    def test_duplicate_number_and_bad_dates_are_form_errors(self, world, login):
        client = login(world.coordinator_a)
        response = client.post(reverse("phase_create", args=["alpha"]), {"number": 1, "name_es": "Otra fase 1"})
        assert "ya existe" in form_errors(response)
        response = client.post(
            reverse("phase_create", args=["alpha"]),
            {"number": 3, "name_es": "Fase 3", "start_date": "2025-02-01", "end_date": "2025-01-01"},
        )
        assert "anterior a la de inicio" in form_errors(response)
        assert Phase.objects.filter(program=world.program_a).count() == 1
        assert not AuditEvent.objects.exists()

    def test_edit_records_the_values_before_and_after(self, world, login):
        response = login(world.admin_a).post(
            reverse("phase_edit", args=["alpha", 1]), {"number": 1, "name_es": "Fase 1: escucha", "name_en": "Phase 1"}
        )
        assert response.status_code == 302
        world.phase_a.refresh_from_db()
        assert world.phase_a.name_es == "Fase 1: escucha"
        assert events("phase", "update").get().changes == {"name_es": ["Fase 1", "Fase 1: escucha"]}

    def test_readers_get_403(self, world, login):
        client = login(world.funder_a)
        assert client.get(reverse("phase_create", args=["alpha"])).status_code == 403
        assert client.post(reverse("phase_edit", args=["alpha", 1]), {"number": 1, "name_es": "X"}).status_code == 403
        world.phase_a.refresh_from_db()
        assert world.phase_a.name_es == "Fase 1"


class TestProjects:
    def test_field_officer_creates_a_project_with_provinces_and_districts(self, world, login):
        client = login(world.field_a)
        form = client.get(reverse("project_create", args=["alpha"])).content.decode()
        assert "Quispicanchi, Cusco" in form
        assert "Urcos" not in form  # districts are typed as codes, not listed
        assert f'<option value="{world.org_a.pk}" selected>' in form  # their own organization leads
        response = client.post(
            reverse("project_create", args=["alpha"]), project_data(world, districts="081201, 081202")
        )
        assert response.status_code == 302
        project = Project.objects.get(program=world.program_a, code="alfa-nieva")
        assert response["Location"] == reverse("project_detail", args=["alpha", "alfa-nieva"])
        assert sorted(project.territories.values_list("code", flat=True)) == ["0104", "081201", "081202"]
        event = events("project", "create").get()
        assert event.organization == world.org_a and event.program == world.program_a
        assert sorted(event.changes["territories"][1]) == ["0104", "081201", "081202"]

    def test_duplicate_code_in_the_program_is_a_form_error(self, world, login):
        response = login(world.field_a).post(
            reverse("project_create", args=["alpha"]), project_data(world, code="alfa-quispicanchi")
        )
        assert "ya existe" in form_errors(response)
        assert Project.objects.filter(code="alfa-quispicanchi").count() == 1
        assert not AuditEvent.objects.exists()

    def test_same_code_in_another_program_is_fine(self, world, login):
        response = login(world.superuser).post(
            reverse("project_create", args=["beta"]),
            project_data(world, code="alfa-quispicanchi", phase="", lead_organization=world.org_b.pk),
        )
        assert response.status_code == 302
        assert Project.objects.filter(code="alfa-quispicanchi").count() == 2

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"districts": "999999"}, "desconocido: 999999"),
            ({"districts": "0812x"}, "no válido"),
            ({"territories": ["99"]}, "escoja una opción válida"),
            ({"start_date": "2025-06-01", "end_date": "2025-01-01"}, "anterior a la de inicio"),
            ({"code": "nuevo"}, "reservada"),
        ],
    )
    def test_bad_input_saves_nothing(self, world, login, changes, message):
        response = login(world.field_a).post(reverse("project_create", args=["alpha"]), project_data(world, **changes))
        assert message in form_errors(response)
        assert not Project.objects.filter(code="alfa-nieva").exists()
        assert not AuditEvent.objects.exists()

    def test_field_officer_cannot_name_another_organization_as_lead(self, world, login):
        response = login(world.field_a).post(
            reverse("project_create", args=["alpha"]), project_data(world, lead_organization=world.org_b.pk)
        )
        assert "lead_organization" in response.context["form"].errors
        assert not Project.objects.filter(code="alfa-nieva").exists()

    def test_edit_shows_the_scope_and_audits_the_change(self, world, login):
        world.project_a.territories.add("081201")
        client = login(world.field_a)
        form = client.get(reverse("project_edit", args=PROJECT_ARGS)).content.decode()
        assert 'value="081201"' in form
        assert '<option value="0812" selected>' in form
        response = client.post(
            reverse("project_edit", args=PROJECT_ARGS),
            project_data(
                world, code="alfa-quispicanchi", title_es="Emprendimientos rurales", territories=["0812"], districts=""
            ),
        )
        assert response.status_code == 302
        world.project_a.refresh_from_db()
        assert world.project_a.title_es == "Emprendimientos rurales"
        assert list(world.project_a.territories.values_list("code", flat=True)) == ["0812"]
        changes = events("project", "update").get().changes
        assert changes["title_es"] == ["Emprendimientos en Quispicanchi", "Emprendimientos rurales"]
        assert changes["territories"] == [["0812", "081201"], ["0812"]]

    def test_field_officer_of_b_gets_404(self, world, login):
        client = login(world.field_b)
        assert client.get(reverse("project_edit", args=PROJECT_ARGS)).status_code == 404
        response = client.post(
            reverse("project_edit", args=PROJECT_ARGS), project_data(world, code="alfa-quispicanchi")
        )
        assert response.status_code == 404
        world.project_a.refresh_from_db()
        assert world.project_a.title_es == "Emprendimientos en Quispicanchi"

    @pytest.mark.parametrize("reader", ["funder_a", "auditor_a", "program_auditor_a"])
    def test_funders_and_auditors_get_403_and_nothing_is_saved(self, world, login, reader):
        client = login(getattr(world, reader))
        assert client.get(reverse("project_edit", args=PROJECT_ARGS)).status_code == 403
        response = client.post(
            reverse("project_edit", args=PROJECT_ARGS),
            project_data(world, code="alfa-quispicanchi", title_es="Cambiado"),
        )
        assert response.status_code == 403
        world.project_a.refresh_from_db()
        assert world.project_a.title_es == "Emprendimientos en Quispicanchi"
        assert client.get(reverse("project_create", args=["alpha"])).status_code == 403
        assert not AuditEvent.objects.exists()


class TestPartners:
    def test_add_and_remove_a_partner(self, world, login):
        # a coordinator names an organization just registered, which takes part in nothing yet
        newcomer = OrganizationFactory(slug="epsilon", name="Universidad Épsilon", kind="university")
        client = login(world.coordinator_a)
        assert "Universidad Épsilon" in client.get(reverse("partner_add", args=PROJECT_ARGS)).content.decode()
        response = client.post(
            reverse("partner_add", args=PROJECT_ARGS), {"organization": newcomer.pk, "role": "implementer"}
        )
        assert response.status_code == 302
        partner = ProjectPartner.objects.get(project=world.project_a, organization=newcomer)
        assert events("projectpartner", "create").filter(object_id=str(partner.pk)).exists()
        page = client.get(reverse("project_detail", args=PROJECT_ARGS)).content.decode()
        assert "Universidad Épsilon" in page and "Ejecutor" in page
        response = client.post(reverse("partner_remove", args=[*PROJECT_ARGS, partner.pk]))
        assert response.status_code == 302
        assert not ProjectPartner.objects.filter(pk=partner.pk).exists()
        assert events("projectpartner", "delete").filter(object_id=str(partner.pk)).exists()

    def test_organizations_the_user_does_not_see_are_not_offered(self, world, login):
        client = login(world.admin_a)
        assert "Asociación Beta" not in client.get(reverse("partner_add", args=PROJECT_ARGS)).content.decode()
        response = client.post(
            reverse("partner_add", args=PROJECT_ARGS), {"organization": world.org_b.pk, "role": "ally"}
        )
        assert "organization" in response.context["form"].errors
        assert world.project_a.partners.count() == 1

    def test_same_organization_in_the_same_role_twice_is_a_form_error(self, world, login):
        response = login(world.admin_a).post(
            reverse("partner_add", args=PROJECT_ARGS), {"organization": world.funder_org.pk, "role": "funder"}
        )
        assert "ya existe" in form_errors(response)
        assert world.project_a.partners.count() == 1

    def test_remove_is_post_only(self, world, login):
        partner = world.project_a.partners.get()
        assert login(world.admin_a).get(reverse("partner_remove", args=[*PROJECT_ARGS, partner.pk])).status_code == 405

    def test_readers_cannot_add_or_remove(self, world, login):
        partner = world.project_a.partners.get()
        client = login(world.funder_a)
        assert client.get(reverse("partner_add", args=PROJECT_ARGS)).status_code == 403
        assert client.post(reverse("partner_remove", args=[*PROJECT_ARGS, partner.pk])).status_code == 403
        assert ProjectPartner.objects.filter(pk=partner.pk).exists()
        assert not AuditEvent.objects.exists()

    def test_a_partner_of_another_project_answers_404(self, world, login):
        other = ProjectPartner.objects.create(project=world.project_b, organization=world.org_a, role="ally")
        response = login(world.superuser).post(reverse("partner_remove", args=[*PROJECT_ARGS, other.pk]))
        assert response.status_code == 404
        assert ProjectPartner.objects.filter(pk=other.pk).exists()


class TestFunding:
    def test_create_and_edit_a_commitment(self, world, login):
        client = login(world.admin_a)
        form = client.get(reverse("commitment_create", args=PROJECT_ARGS)).content.decode()
        assert '<option value="PEN" selected>' in form  # the program's currency first
        response = client.post(
            reverse("commitment_create", args=PROJECT_ARGS),
            {
                "funder": world.funder_org.pk,
                "amount": "2500.50",
                "currency": "USD",
                "committed_on": "2025-03-01",
                "reference": "ADENDA-2",
            },
        )
        assert response.status_code == 302
        commitment = FundingCommitment.objects.get(reference="ADENDA-2")
        assert commitment.amount == Decimal("2500.50") and commitment.currency == "USD"
        assert events("fundingcommitment", "create").filter(object_id=str(commitment.pk)).exists()
        response = client.post(
            reverse("commitment_edit", args=[commitment.pk]),
            {
                "funder": world.funder_org.pk,
                "amount": "3000",
                "currency": "USD",
                "committed_on": "2025-03-01",
                "reference": "ADENDA-2",
            },
        )
        assert response.status_code == 302
        commitment.refresh_from_db()
        assert commitment.amount == Decimal("3000.00")
        assert events("fundingcommitment", "update").get().changes["amount"] == ["2500.50", "3000.00"]

    def test_commitment_cannot_drop_below_what_was_disbursed(self, world, login):
        Disbursement.objects.create(
            commitment=world.commitment_a, amount=Decimal("60000"), disbursed_on=datetime.date(2024, 2, 1)
        )
        response = login(world.admin_a).post(
            reverse("commitment_edit", args=[world.commitment_a.pk]),
            {
                "funder": world.funder_org.pk,
                "amount": "50000",
                "currency": "EUR",
                "committed_on": "2024-01-15",
                "reference": "CONV-ALFA-1",
            },
        )
        assert "desembolsado" in form_errors(response)
        world.commitment_a.refresh_from_db()
        assert world.commitment_a.amount == Decimal("100000.00")
        assert not AuditEvent.objects.exists()

    def test_disbursements_up_to_the_commitment_and_no_further(self, world, login):
        client = login(world.admin_a)
        url = reverse("disbursement_create", args=[world.commitment_a.pk])
        assert "saldo por desembolsar: EUR 100" in client.get(url).content.decode()
        response = client.post(url, {"amount": "99999.99", "disbursed_on": "2024-02-01", "note": "Primer tramo"})
        assert response.status_code == 302
        assert events("disbursement", "create").count() == 1
        response = client.post(url, {"amount": "0.02", "disbursed_on": "2024-03-01"})
        assert "supera el saldo" in form_errors(response)
        assert Disbursement.objects.count() == 1
        assert events("disbursement").count() == 1
        assert client.post(url, {"amount": "0.01", "disbursed_on": "2024-03-01"}).status_code == 302
        page = client.get(reverse("project_detail", args=PROJECT_ARGS)).content.decode().replace("\xa0", " ")
        assert "EUR 0,00" in page  # nothing left to disburse

    def test_negative_or_zero_amounts_are_form_errors(self, world, login):
        url = reverse("disbursement_create", args=[world.commitment_a.pk])
        form_errors(login(world.admin_a).post(url, {"amount": "0", "disbursed_on": "2024-03-01"}))
        assert not Disbursement.objects.exists()

    def test_delete_a_disbursement(self, world, login):
        disbursement = Disbursement.objects.create(
            commitment=world.commitment_a, amount=Decimal("10"), disbursed_on=datetime.date(2024, 2, 1)
        )
        client = login(world.admin_a)
        assert client.get(reverse("disbursement_delete", args=[disbursement.pk])).status_code == 405
        assert client.post(reverse("disbursement_delete", args=[disbursement.pk])).status_code == 302
        assert not Disbursement.objects.exists()
        assert events("disbursement", "delete").count() == 1

    @pytest.mark.parametrize("reader", ["funder_a", "auditor_a", "field_a"])
    def test_only_program_editors_and_lead_admins_record_funding(self, world, login, reader):
        disbursement = Disbursement.objects.create(
            commitment=world.commitment_a, amount=Decimal("10"), disbursed_on=datetime.date(2024, 2, 1)
        )
        client = login(getattr(world, reader))
        assert client.get(reverse("commitment_create", args=PROJECT_ARGS)).status_code == 403
        assert client.get(reverse("commitment_edit", args=[world.commitment_a.pk])).status_code == 403
        response = client.post(
            reverse("disbursement_create", args=[world.commitment_a.pk]), {"amount": "5", "disbursed_on": "2024-03-01"}
        )
        assert response.status_code == 403
        assert client.post(reverse("disbursement_delete", args=[disbursement.pk])).status_code == 403
        assert Disbursement.objects.count() == 1
        assert not AuditEvent.objects.exists()


class TestInitiatives:
    def test_coordinator_creates_one_in_a_district(self, world, login):
        client = login(world.coordinator_a)
        response = client.post(
            reverse("initiative_create", args=["alpha"]),
            {
                "title_es": "Radio comunitaria",
                "status": "proposed",
                "district": "081201",
                "territory": "0104",
                "proposed_by": "Jóvenes de Urcos",
            },
        )
        assert response.status_code == 302
        initiative = Initiative.objects.get(title_es="Radio comunitaria")
        assert initiative.territory_id == "081201" and initiative.project is None
        assert events("initiative", "create").filter(object_id=str(initiative.pk)).exists()
        form = client.get(reverse("initiative_edit", args=[initiative.pk])).content.decode()
        assert 'value="Urcos, Quispicanchi, Cusco (081201)"' in form

    def test_a_district_may_be_named_instead_of_coded(self, world, login):
        response = login(world.coordinator_a).post(
            reverse("initiative_create", args=["alpha"]),
            {"title_es": "Feria", "status": "proposed", "district": "Urcos"},
        )
        assert response.status_code == 302
        assert Initiative.objects.get(title_es="Feria").territory_id == "081201"

    def test_field_officer_records_it_under_their_project(self, world, login):
        client = login(world.field_a)
        response = client.post(
            reverse("initiative_create", args=["alpha"]), {"title_es": "Sin proyecto", "status": "proposed"}
        )
        assert "project" in response.context["form"].errors
        response = client.post(
            reverse("initiative_create", args=["alpha"]),
            {"title_es": "Con proyecto", "status": "proposed", "project": world.project_a.pk, "territory": "0812"},
        )
        assert response.status_code == 302
        assert Initiative.objects.get(title_es="Con proyecto").territory_id == "0812"
        assert not Initiative.objects.filter(title_es="Sin proyecto").exists()

    def test_edit_duplicate_and_unknown_territory(self, world, login):
        Initiative.objects.create(program=world.program_a, title_es="Existente")
        initiative = Initiative.objects.create(program=world.program_a, title_es="Otra")
        client = login(world.admin_a)
        url = reverse("initiative_edit", args=[initiative.pk])
        assert "ya existe" in form_errors(client.post(url, {"title_es": "Existente", "status": "planned"}))
        response = client.post(url, {"title_es": "Otra", "status": "planned", "district": "089999"})
        assert "district" in response.context["form"].errors
        assert not AuditEvent.objects.exists()
        assert client.post(url, {"title_es": "Otra", "status": "in_progress"}).status_code == 302
        assert events("initiative", "update").get().changes == {"status": ["proposed", "in_progress"]}

    @pytest.mark.parametrize("reader", ["funder_a", "auditor_a"])
    def test_readers_get_403(self, world, login, reader):
        initiative = Initiative.objects.create(program=world.program_a, project=world.project_a, title_es="Mía")
        client = login(getattr(world, reader))
        assert client.get(reverse("initiative_create", args=["alpha"])).status_code == 403
        assert (
            client.post(
                reverse("initiative_edit", args=[initiative.pk]), {"title_es": "X", "status": "dropped"}
            ).status_code
            == 403
        )
        initiative.refresh_from_db()
        assert initiative.title_es == "Mía"
        assert not AuditEvent.objects.exists()

    def test_field_officer_cannot_edit_a_network_initiative(self, world, login):
        initiative = Initiative.objects.create(program=world.program_a, title_es="De la red")
        assert login(world.field_a).get(reverse("initiative_edit", args=[initiative.pk])).status_code == 403
