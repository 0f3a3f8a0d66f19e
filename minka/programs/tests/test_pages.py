"""Reading pages: what each shows, to whom, its filters, and the number of queries it takes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from minka.programs.models import Disbursement, FundingCommitment, Initiative, Phase, ProjectPartner
from minka.testing import OrganizationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def body(response):
    """The page's main content (the menu lists programs too), with the non-breaking spaces Spanish puts between
    thousands made plain."""
    html = response.content.decode().replace("\xa0", " ")
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return html


def program_url(world, name="program_detail"):
    return reverse(name, args=[world.program_a.slug])


def project_url(world, name="project_detail", project=None):
    project = project or world.project_a
    return reverse(name, args=[project.program.slug, project.code])


@pytest.fixture
def busy_program(world):
    """Thirty more projects in program A, each with territories, partners and a commitment in USD."""
    partner = OrganizationFactory(slug="delta-uni", name="Universidad Delta", kind="university")
    for n in range(30):
        project = ProjectFactory(program=world.program_a, code=f"extra-{n:02d}", lead_organization=world.org_a)
        project.territories.set(["081201", "0104"])
        ProjectPartner.objects.create(project=project, organization=partner, role="ally")
        commitment = FundingCommitment.objects.create(
            project=project,
            funder=world.funder_org,
            amount=Decimal("10.00"),
            currency="USD",
            committed_on=datetime.date(2024, 3, 1),
        )
        Disbursement.objects.create(
            commitment=commitment, amount=Decimal("2.50"), disbursed_on=datetime.date(2024, 4, 1)
        )
        Initiative.objects.create(
            program=world.program_a, project=project, title_es=f"Iniciativa {n}", territory_id="0812"
        )
    return world


class TestHome:
    def test_cards_show_key_facts_of_the_users_programs(self, world, login):
        Disbursement.objects.create(
            commitment=world.commitment_a, amount=Decimal("250.50"), disbursed_on=datetime.date(2024, 2, 1)
        )
        FundingCommitment.objects.create(
            project=world.project_a,
            funder=world.funder_org,
            amount=Decimal("1234.5"),
            currency="PEN",
            committed_on=datetime.date(2024, 2, 1),
        )
        page = body(login(world.admin_a).get(reverse("home")))
        assert "Programa Alfa" in page
        assert "Quispicanchi" in page  # territory covered
        assert "Fundación Gamma" in page  # funder
        assert "EUR 100 000,00" in page  # committed, per currency, never summed together
        assert "PEN 1 234,50" in page
        assert "Programa Beta" not in page

    def test_counts_only_the_projects_the_user_sees(self, world, login):
        ProjectFactory(program=world.program_a, code="otra-org", lead_organization=world.org_b)
        admin_page = body(login(world.admin_a).get(reverse("home")))
        assert "<dt>Proyectos</dt><dd>2</dd>" in admin_page  # the catalyst sees the whole program
        # org B leads one project of program A: its users see that project, not org A's
        outsider_page = body(login(world.field_b).get(reverse("home")))
        assert "Programa Alfa" in outsider_page
        assert "<dt>Proyectos</dt><dd>1</dd>" in outsider_page
        assert "Quispicanchi" not in outsider_page
        assert "EUR" not in outsider_page.split("Programa Alfa")[1].split("</li>")[0]

    def test_constant_queries_whatever_the_number_of_programs(self, world, login, django_assert_max_num_queries):
        from minka.testing import ProgramFactory

        for n in range(8):
            program = ProgramFactory(slug=f"more-{n}")
            program.catalysts.set([world.org_a])
            project = ProjectFactory(program=program, code=f"m-{n}", lead_organization=world.org_a)
            project.territories.set(["0812"])
            FundingCommitment.objects.create(
                project=project, funder=world.funder_org, amount=Decimal("5"), committed_on=datetime.date(2024, 1, 1)
            )
        client = login(world.admin_a)
        with django_assert_max_num_queries(22):
            response = client.get(reverse("home"))
        assert body(response).count('class="card"') == 9

    def test_user_without_programs_is_told_so(self, world, login):
        assert "Todavía no participa" in body(login(world.nobody).get(reverse("home")))


class TestProgramPages:
    def test_list_shows_visible_programs_with_catalysts_and_project_counts(self, world, login):
        page = body(login(world.coordinator_a).get(reverse("program_list")))
        assert "Programa Alfa" in page and "Alfa" in page
        assert "Programa Beta" not in page
        assert reverse("program_detail", args=["alpha"]) in page

    def test_list_search_and_htmx_partial(self, world, login):
        client = login(world.superuser)
        page = body(client.get(reverse("program_list"), {"q": "beta"}))
        assert "Programa Beta" in page and "Programa Alfa" not in page
        partial = client.get(
            reverse("program_list"), {"q": "alfa"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="program-table"
        )
        assert "Programa Alfa" in body(partial)
        assert "<html" not in body(partial)

    def test_create_button_only_for_those_who_may_create(self, world, login, client):
        assert reverse("program_create") in body(login(world.admin_a).get(reverse("program_list")))
        client.logout()
        assert reverse("program_create") not in body(login(world.field_a).get(reverse("program_list")))

    def test_list_is_paginated_in_constant_queries(self, world, login, django_assert_max_num_queries):
        from minka.testing import ProgramFactory

        for n in range(30):
            ProgramFactory(slug=f"prog-{n:02d}").catalysts.set([world.org_a])
        client = login(world.admin_a)
        with django_assert_max_num_queries(18):
            page = body(client.get(reverse("program_list")))
        assert "Página 1 de 2" in page
        assert "Página 2 de 2" in body(client.get(reverse("program_list"), {"page": 2}))

    def test_detail_shows_everything_about_the_program(self, world, login):
        world.program_a.description_es = "Empleo e ingresos para jóvenes."
        world.program_a.save()
        Phase.objects.create(program=world.program_a, number=2, name_es="Fase 2", start_date=datetime.date(2025, 1, 1))
        Disbursement.objects.create(
            commitment=world.commitment_a, amount=Decimal("40000"), disbursed_on=datetime.date(2024, 2, 1)
        )
        FundingCommitment.objects.create(
            project=world.project_a,
            funder=world.funder_org,
            amount=Decimal("500"),
            currency="USD",
            committed_on=datetime.date(2024, 2, 1),
        )
        Initiative.objects.create(program=world.program_a, title_es="Feria de emprendimientos")
        page = body(login(world.coordinator_a).get(program_url(world)))
        assert "Empleo e ingresos para jóvenes." in page
        assert "Asociación Alfa" in page or "Alfa" in page  # catalyst
        assert "Fase 1" in page and "Fase 2" in page
        assert "Emprendimientos en Quispicanchi" in page
        assert "Quispicanchi, Cusco" in page  # territory covered, with its path
        assert "1 iniciativa" in page
        assert "EUR 100 000,00" in page and "EUR 40 000,00" in page and "EUR 60 000,00" in page
        assert "USD 500,00" in page
        assert "100 500" not in page  # currencies are never added together
        assert "1 de enero de 2024" in page  # dates localized
        assert reverse("phase_edit", args=["alpha", 1]) in page
        assert reverse("program_edit", args=["alpha"]) in page

    def test_detail_hides_edit_links_from_readers(self, world, login):
        page = body(login(world.funder_a).get(program_url(world)))
        assert "Emprendimientos en Quispicanchi" in page
        assert reverse("program_edit", args=["alpha"]) not in page
        assert reverse("phase_edit", args=["alpha", 1]) not in page
        assert reverse("project_create", args=["alpha"]) not in page

    def test_field_officer_of_a_partner_may_add_projects_but_not_edit_the_program(self, world, login):
        page = body(login(world.field_a).get(program_url(world)))
        assert reverse("project_create", args=["alpha"]) in page
        assert reverse("program_edit", args=["alpha"]) not in page

    def test_detail_in_constant_queries(self, busy_program, login, django_assert_max_num_queries):
        client = login(busy_program.coordinator_a)
        with django_assert_max_num_queries(35):  # one to know whether the user reads the job service
            page = body(client.get(program_url(busy_program)))
        assert "Ver los 31 proyectos" in page
        assert "USD 300,00" in page  # 30 × 10.00
        assert "Nieva" not in page and "Condorcanqui, Amazonas" in page


class TestProjectList:
    def test_lists_visible_projects_only(self, world, login):
        page = body(login(world.admin_a).get(reverse("project_list")))
        assert "Emprendimientos en Quispicanchi" in page
        assert "Crédito en Trujillo" not in page
        assert "Quispicanchi, Cusco" in page

    def test_network_admin_sees_all(self, world, login):
        page = body(login(world.superuser).get(reverse("project_list")))
        assert "Emprendimientos en Quispicanchi" in page and "Crédito en Trujillo" in page

    @pytest.mark.parametrize(
        ("territory", "found"),
        [
            ("08", True),  # the department holds the province
            ("0812", True),  # the province itself
            ("081201", True),  # a district inside the project's province scope
            ("01", False),
            ("0104", False),
            ("13", False),
        ],
    )
    def test_territory_filter_by_ubigeo_prefix(self, world, login, territory, found):
        page = body(login(world.superuser).get(reverse("project_list"), {"territory": territory}))
        assert ("Emprendimientos en Quispicanchi" in page) is found

    def test_district_filter_finds_projects_scoped_to_the_district_too(self, world, login):
        district_project = ProjectFactory(
            program=world.program_a, code="urcos", title_es="Solo Urcos", lead_organization=world.org_a
        )
        district_project.territories.set(["081201"])
        client = login(world.superuser)
        page = body(client.get(reverse("project_list"), {"territory": "081201"}))
        assert "Solo Urcos" in page and "Emprendimientos en Quispicanchi" in page
        page = body(client.get(reverse("project_list"), {"territory": "081202"}))
        assert "Solo Urcos" not in page and "Emprendimientos en Quispicanchi" in page
        page = body(client.get(reverse("project_list"), {"territory": "0812"}))
        assert "Solo Urcos" in page

    def test_funder_filter(self, world, login):
        client = login(world.superuser)
        page = body(client.get(reverse("project_list"), {"funder": "gamma-fund"}))
        assert "Emprendimientos en Quispicanchi" in page and "Crédito en Trujillo" not in page
        # an organization that funds nothing lists nothing: the filter is applied, not dropped
        page = body(client.get(reverse("project_list"), {"funder": "beta-ngo"}))
        assert "Emprendimientos en Quispicanchi" not in page and "Crédito en Trujillo" not in page

    def test_status_filter(self, world, login):
        world.project_b.status = "4"
        world.project_b.save()
        client = login(world.superuser)
        page = body(client.get(reverse("project_list"), {"status": "4"}))
        assert "Crédito en Trujillo" in page and "Emprendimientos en Quispicanchi" not in page
        page = body(client.get(reverse("project_list"), {"status": "2"}))
        assert "Crédito en Trujillo" not in page and "Emprendimientos en Quispicanchi" in page

    def test_program_organization_and_search_filters(self, world, login):
        client = login(world.superuser)
        assert "Crédito en Trujillo" not in body(client.get(reverse("project_list"), {"program": "alpha"}))
        assert "Crédito en Trujillo" in body(client.get(reverse("project_list"), {"organization": "beta-ngo"}))
        page = body(client.get(reverse("project_list"), {"q": "trujillo"}))
        assert "Crédito en Trujillo" in page and "Emprendimientos en Quispicanchi" not in page

    def test_an_invisible_program_in_the_filter_is_ignored_not_leaked(self, world, login):
        page = body(login(world.admin_b).get(reverse("project_list"), {"program": "alpha"}))
        assert "Emprendimientos en Quispicanchi" not in page and "Programa Alfa" not in page

    def test_htmx_filter_change_returns_only_the_table(self, world, login):
        response = login(world.superuser).get(
            reverse("project_list"), {"territory": "13"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="project-table"
        )
        page = body(response)
        assert "Crédito en Trujillo" in page
        assert "<html" not in page and "<form" not in page

    def test_paginated_in_constant_queries(self, busy_program, login, django_assert_max_num_queries):
        client = login(busy_program.admin_a)
        with django_assert_max_num_queries(26):
            page = body(client.get(reverse("project_list")))
        assert "31 proyectos" in page and "Página 1 de 2" in page
        with django_assert_max_num_queries(26):
            page = body(client.get(reverse("project_list"), {"page": 2, "territory": "0812"}))
        assert "Página 2 de 2" in page


class TestProjectDetail:
    def test_shows_all_fields_scope_partners_funding_and_initiatives(self, world, login):
        world.project_a.start_date = datetime.date(2024, 2, 1)
        world.project_a.description_es = "Centros de desarrollo empresarial."
        world.project_a.save()
        Disbursement.objects.create(
            commitment=world.commitment_a,
            amount=Decimal("30000"),
            disbursed_on=datetime.date(2024, 5, 2),
            note="Primer tramo",
        )
        Initiative.objects.create(program=world.program_a, project=world.project_a, title_es="Biohuertos escolares")
        page = body(login(world.admin_a).get(project_url(world)))
        for text in (
            "Emprendimientos en Quispicanchi",
            "alfa-quispicanchi",
            "Centros de desarrollo empresarial.",
            "Fase 1",
            "En ejecución",
            "1 de febrero de 2024",
            "Asociación Alfa",
            "Quispicanchi, Cusco",
            "Fundación Gamma",
            "Financiador / entidad cooperante",
            "EUR 100 000,00",
            "EUR 30 000,00",
            "EUR 70 000,00",
            "Primer tramo",
            "CONV-ALFA-1",
            "Biohuertos escolares",
        ):
            assert text in page, text
        assert reverse("project_edit", args=["alpha", "alfa-quispicanchi"]) in page
        assert reverse("partner_add", args=["alpha", "alfa-quispicanchi"]) in page
        assert reverse("disbursement_create", args=[world.commitment_a.pk]) in page

    def test_readers_see_no_edit_buttons(self, world, login):
        page = body(login(world.funder_a).get(project_url(world)))
        assert "Emprendimientos en Quispicanchi" in page
        assert "/editar/" not in page
        assert reverse("partner_add", args=["alpha", "alfa-quispicanchi"]) not in page
        assert "/quitar/" not in page
        assert reverse("disbursement_create", args=[world.commitment_a.pk]) not in page

    def test_field_officer_edits_the_project_but_not_its_funding(self, world, login):
        page = body(login(world.field_a).get(project_url(world)))
        assert reverse("project_edit", args=["alpha", "alfa-quispicanchi"]) in page
        assert reverse("commitment_edit", args=[world.commitment_a.pk]) not in page

    def test_constant_queries(self, world, login, django_assert_max_num_queries):
        for n in range(10):
            commitment = FundingCommitment.objects.create(
                project=world.project_a,
                funder=world.funder_org,
                amount=Decimal("100"),
                committed_on=datetime.date(2024, 1, 1),
            )
            Disbursement.objects.create(
                commitment=commitment, amount=Decimal("1"), disbursed_on=datetime.date(2024, 1, 2)
            )
            ProjectPartner.objects.create(
                project=world.project_a, organization=OrganizationFactory(slug=f"ally-{n}"), role="ally"
            )
            Initiative.objects.create(
                program=world.program_a, project=world.project_a, title_es=f"I{n}", territory_id="081201"
            )
        client = login(world.admin_a)
        with django_assert_max_num_queries(25):
            page = body(client.get(project_url(world)))
        assert "PEN 1 000,00" in page and "Urcos, Quispicanchi, Cusco" in page


class TestInitiativeList:
    def test_lists_filters_and_edit_links(self, world, login):
        Initiative.objects.create(
            program=world.program_a,
            project=world.project_a,
            title_es="Radio comunitaria",
            territory_id="081201",
            status="planned",
            proposed_by="Jóvenes de Urcos",
        )
        Initiative.objects.create(program=world.program_a, title_es="Ferias en Nieva", territory_id="010401")
        client = login(world.coordinator_a)
        page = body(client.get(program_url(world, "initiative_list")))
        assert "Radio comunitaria" in page and "Ferias en Nieva" in page
        assert "Urcos, Quispicanchi, Cusco" in page and "Jóvenes de Urcos" in page
        assert page.count("/editar/") == 2
        page = body(client.get(program_url(world, "initiative_list"), {"territory": "0812"}))
        assert "Radio comunitaria" in page and "Ferias en Nieva" not in page
        page = body(client.get(program_url(world, "initiative_list"), {"status": "planned"}))
        assert "Radio comunitaria" in page and "Ferias en Nieva" not in page
        partial = client.get(
            program_url(world, "initiative_list"),
            {"q": "nieva"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="initiative-table",
        )
        assert "Ferias en Nieva" in body(partial) and "<html" not in body(partial)

    def test_field_officer_edits_only_the_initiatives_of_their_projects(self, world, login):
        mine = Initiative.objects.create(program=world.program_a, project=world.project_a, title_es="Mía")
        other = Initiative.objects.create(program=world.program_a, title_es="De la red")
        page = body(login(world.field_a).get(program_url(world, "initiative_list")))
        assert reverse("initiative_edit", args=[mine.pk]) in page
        assert reverse("initiative_edit", args=[other.pk]) not in page
        assert reverse("initiative_create", args=["alpha"]) in page

    def test_readers_get_no_create_or_edit_links(self, world, login):
        Initiative.objects.create(program=world.program_a, project=world.project_a, title_es="Mía")
        page = body(login(world.auditor_a).get(program_url(world, "initiative_list")))
        assert "Mía" in page and "/editar/" not in page and reverse("initiative_create", args=["alpha"]) not in page

    def test_constant_queries(self, busy_program, login, django_assert_max_num_queries):
        client = login(busy_program.field_a)
        with django_assert_max_num_queries(28):
            page = body(client.get(program_url(busy_program, "initiative_list")))
        assert "Página 1 de 2" in page and "Quispicanchi, Cusco" in page


OUTSIDERS = ["admin_b", "field_b", "coordinator_b", "nobody"]


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_get_404_on_every_page_of_program_a(world, client, outsider):
    disbursement = Disbursement.objects.create(
        commitment=world.commitment_a, amount=Decimal("1"), disbursed_on=datetime.date(2024, 1, 2)
    )
    initiative = Initiative.objects.create(program=world.program_a, title_es="Secreta")
    partner = world.project_a.partners.first()
    program, project = ["alpha"], ["alpha", "alfa-quispicanchi"]
    gets = [
        reverse("program_detail", args=program),
        reverse("program_edit", args=program),
        reverse("phase_create", args=program),
        reverse("phase_edit", args=[*program, 1]),
        reverse("project_create", args=program),
        reverse("initiative_list", args=program),
        reverse("initiative_create", args=program),
        reverse("initiative_edit", args=[initiative.pk]),
        reverse("project_detail", args=project),
        reverse("project_edit", args=project),
        reverse("partner_add", args=project),
        reverse("commitment_create", args=project),
        reverse("commitment_edit", args=[world.commitment_a.pk]),
        reverse("disbursement_create", args=[world.commitment_a.pk]),
    ]
    posts = [
        *gets,
        reverse("partner_remove", args=[*project, partner.pk]),
        reverse("disbursement_delete", args=[disbursement.pk]),
    ]
    client.force_login(getattr(world, outsider))
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"title_es": "x", "amount": "1", "name_es": "x"}).status_code == 404, url
    assert Disbursement.objects.filter(pk=disbursement.pk).exists()
    assert ProjectPartner.objects.filter(pk=partner.pk).exists()


def test_missing_records_answer_404_like_foreign_ones(world, login):
    client = login(world.superuser)
    assert client.get(reverse("program_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("project_detail", args=["alpha", "nope"])).status_code == 404
    assert client.get(reverse("phase_edit", args=["alpha", 9])).status_code == 404
    assert client.get(reverse("commitment_edit", args=[999999])).status_code == 404
    assert client.get(reverse("initiative_edit", args=[999999])).status_code == 404


def test_english_names_when_the_user_reads_english(world, client):
    world.admin_a.language = "en"
    world.admin_a.save()
    client.force_login(world.admin_a)
    client.cookies["django_language"] = "en"
    page = body(client.get(project_url(world)))
    assert "Enterprises in Quispicanchi" in page
    assert "Alpha Program" in page
