"""Pages: what each shows and to whom, the forms' errors, post-redirect-get, and the list's query count."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minka.audit.models import AuditEvent
from minka.enterprises.models import Enterprise, EnterpriseMember, EnterpriseRecord, StageChange
from minka.enterprises.tests.conftest import enterprise_make, person_create, record_make

pytestmark = pytest.mark.django_db

VALID_RUC = "20512333797"


def body(response):
    html = response.content.decode().replace("\xa0", " ")
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return html


def sweep(enterprise_a):
    """Every page keyed by one of org A's records, with the method it answers: for the outsiders' sweep."""
    member = enterprise_a.members.get()
    record = enterprise_a.records.first()
    return [
        ("get", "enterprise_detail", {"pk": enterprise_a.pk}),
        ("get", "enterprise_edit", {"pk": enterprise_a.pk}),
        ("post", "enterprise_edit", {"pk": enterprise_a.pk}),
        ("get", "member_add", {"pk": enterprise_a.pk}),
        ("post", "member_add", {"pk": enterprise_a.pk}),
        ("post", "member_remove", {"pk": member.pk}),
        ("get", "record_create", {"pk": enterprise_a.pk}),
        ("post", "record_create", {"pk": enterprise_a.pk}),
        ("get", "record_edit", {"pk": record.pk}),
        ("post", "record_edit", {"pk": record.pk}),
        ("post", "record_delete", {"pk": record.pk}),
    ]


def enterprise_form(world, **changes):
    values = {
        "name": "Panadería Sumaq",
        "kind": "family",
        "sector": "food_processing",
        "organization": world.org_a.pk,
        "program": world.program_a.pk,
        "project": world.project_a.pk,
        "stage": "prototype",
        "started_on": "2024-05-02",
        "district": "081202",
        "site": world.site_a.pk,
        "ruc": "",
    }
    values.update(changes)
    return values


class TestAccess:
    @pytest.mark.parametrize("username", ["field_b", "admin_b", "coordinator_b", "funder_a", "nobody"])
    def test_outsiders_and_funders_get_404_on_every_page(self, world, login, enterprise_a, username):
        client = login(getattr(world, username))
        for method, name, kwargs in sweep(enterprise_a):
            response = getattr(client, method)(reverse(name, kwargs=kwargs))
            assert response.status_code == 404, (username, method, name)
        assert Enterprise.objects.get().name == "Tejidos Urcos"
        assert EnterpriseMember.objects.count() == 1 and EnterpriseRecord.objects.count() == 2

    @pytest.mark.parametrize("username", ["auditor_a", "program_auditor_a"])
    def test_auditors_read_but_get_403_on_forms(self, world, login, enterprise_a, username):
        client = login(getattr(world, username))
        page = body(client.get(reverse("enterprise_detail", args=[enterprise_a.pk])))
        assert "Tejidos Urcos" in page and reverse("enterprise_edit", args=[enterprise_a.pk]) not in page
        for method, name, kwargs in sweep(enterprise_a):
            if name == "enterprise_detail":
                continue
            assert getattr(client, method)(reverse(name, kwargs=kwargs)).status_code == 403, (method, name)
        assert EnterpriseRecord.objects.count() == 2

    def test_funders_see_no_enterprise_in_the_list(self, world, login, enterprise_a):
        page = body(login(world.funder_a).get(reverse("enterprise_list")))
        assert "Tejidos Urcos" not in page and "Ningún emprendimiento" in page
        assert reverse("enterprise_create") not in page

    def test_create_page_is_refused_to_who_works_nowhere(self, world, login):
        assert login(world.nobody).get(reverse("enterprise_create")).status_code == 403
        assert login(world.funder_a).get(reverse("enterprise_create")).status_code == 403

    def test_login_required(self, client, enterprise_a):
        response = client.get(reverse("enterprise_list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL))


class TestList:
    def test_columns(self, world, login, enterprise_a):
        page = body(login(world.field_a).get(reverse("enterprise_list")))
        assert reverse("enterprise_detail", args=[enterprise_a.pk]) in page
        for text in ("Tejidos Urcos", "Colectivo / asociativo", "En marcha", "Urcos", "Quispicanchi", "450,00"):
            assert text in page, text
        assert '<td class="num">1</td>' in page  # one member
        assert reverse("enterprise_create") in page

    def test_filters_and_htmx_partial(self, world, login, enterprise_a):
        enterprise_make(
            world, name="Café Nieva", kind="individual", stage="idea", sector="agriculture", district_id="010401"
        )
        client = login(world.field_a)
        page = body(client.get(reverse("enterprise_list"), {"territory": "01"}))
        assert "Café Nieva" in page and "Tejidos Urcos" not in page
        page = body(client.get(reverse("enterprise_list"), {"stage": "operating", "program": "alpha"}))
        assert "Tejidos Urcos" in page and "Café Nieva" not in page
        partial = client.get(
            reverse("enterprise_list"),
            {"kind": "individual"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="enterprise-table",
        )
        html = partial.content.decode()
        assert "Café Nieva" in html and "Tejidos Urcos" not in html and "<html" not in html
        # a bad filter is ignored, not an error page
        assert client.get(reverse("enterprise_list"), {"territory": "Cusco"}).status_code == 200

    def test_constant_queries_with_thirty_enterprises(self, world, login, rosa, django_assert_max_num_queries):
        def add(first, last):
            for n in range(first, last):
                enterprise = enterprise_make(world, name=f"Emprendimiento {n:02d}")
                EnterpriseMember.objects.create(enterprise=enterprise, participant=rosa, role="owner")
                record_make(world, enterprise, datetime.date(2024, 3, 1), "500", "200")
                record_make(world, enterprise, datetime.date(2024, 4, 1), "600", "200")

        client = login(world.field_a)
        add(0, 3)
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("enterprise_list"))
        add(3, 30)
        with django_assert_max_num_queries(20) as many:
            page = body(client.get(reverse("enterprise_list")))
        assert len(many.captured_queries) == len(few.captured_queries)
        assert page.count("400,00") == 25 and "Página 1 de 2" in page
        with django_assert_max_num_queries(20):
            page = body(client.get(reverse("enterprise_list"), {"page": 2, "program": "alpha", "territory": "08"}))
        assert page.count("400,00") == 5


class TestDetail:
    def test_shows_data_history_members_and_income_change(self, world, login, enterprise_a, rosa):
        page = body(login(world.field_a).get(reverse("enterprise_detail", args=[enterprise_a.pk])))
        for text in ("Tejidos Urcos", "Textiles", "Urcos, Quispicanchi, Cusco", "Asociación Alfa", "Programa Alfa"):
            assert text in page, text
        assert "Rosa Quispe Huamán" in page and reverse("person_detail", args=[rosa.pk]) in page and "Titular" in page
        # baseline 500 − 200 = 300.00; latest 800 − 350 = 450.00
        assert "S/ 300,00" in page and "S/ 450,00" in page
        assert "+S/ 150,00 (+50,00 %)" in page
        assert "No formalizado" in page
        assert "En marcha</strong>" in page  # the stage history

    def test_members_the_user_cannot_see_are_not_named(self, world, login, enterprise_a, outsider_person):
        EnterpriseMember.objects.create(enterprise=enterprise_a, participant=outsider_person, role="worker")
        page = body(login(world.field_a).get(reverse("enterprise_detail", args=[enterprise_a.pk])))
        assert "Tsamajain" not in page and "Persona registrada por otra organización" in page
        assert reverse("person_detail", args=[outsider_person.pk]) not in page

    def test_one_record_is_only_a_baseline(self, world, login):
        enterprise = enterprise_make(world)
        record_make(world, enterprise, datetime.date(2024, 3, 1), "500", "200")
        page = body(login(world.field_a).get(reverse("enterprise_detail", args=[enterprise.pk])))
        assert "línea de base" in page and "Cambio frente" not in page


class TestCreateAndEdit:
    def test_create_redirects_to_the_new_enterprise(self, world, login):
        response = login(world.field_a).post(reverse("enterprise_create"), enterprise_form(world, ruc=VALID_RUC))
        enterprise = Enterprise.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "enterprise_detail", args=[enterprise.pk]
        )
        assert (enterprise.district_id, enterprise.ruc, enterprise.stage) == ("081202", VALID_RUC, "prototype")
        assert enterprise.stage_changes.get().changed_on == datetime.date(2024, 5, 2)
        assert AuditEvent.objects.filter(model="enterprises.enterprise", action="create").count() == 1

    def test_district_by_name(self, world, login):
        login(world.field_a).post(reverse("enterprise_create"), enterprise_form(world, district="Andahuaylillas"))
        assert Enterprise.objects.get().district_id == "081202"

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"ruc": "20512333798"}, "El RUC no es válido"),
            (
                {"started_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()},
                "no puede estar en el futuro",
            ),
            ({"district": "999999"}, "ubigeo de 6 dígitos"),
            ({"organization": "", "program": ""}, "obligatorio"),
        ],
    )
    def test_bad_input_is_shown_and_nothing_saved(self, world, login, changes, message):
        response = login(world.field_a).post(reverse("enterprise_create"), enterprise_form(world, **changes))
        assert response.status_code == 200 and message in body(response)
        assert not Enterprise.objects.exists() and not AuditEvent.objects.exists()

    def test_other_organizations_are_not_offered(self, world, login):
        page = body(login(world.field_a).get(reverse("enterprise_create")))
        assert ">Alfa</option>" in page and "CDE Urcos (Alfa)" in page
        assert "Beta" not in page and "Agencia Trujillo" not in page
        response = login(world.field_a).post(
            reverse("enterprise_create"), enterprise_form(world, organization=world.org_b.pk, site="")
        )
        assert response.status_code == 200 and not Enterprise.objects.exists()

    def test_edit_changes_stage_with_its_date_and_audit(self, world, login, enterprise_a):
        client = login(world.field_a)
        form = body(client.get(reverse("enterprise_edit", args=[enterprise_a.pk])))
        assert 'value="Urcos, Quispicanchi, Cusco (081201)"' in form and 'name="organization"' not in form
        response = client.post(
            reverse("enterprise_edit", args=[enterprise_a.pk]),
            enterprise_form(
                world,
                name="Tejidos Urcos",
                kind="collective",
                sector="textiles",
                district="081201",
                started_on="2024-01-10",
                stage="closed",
                stage_changed_on="2024-10-01",
                stage_note="Helada",
            ),
        )
        assert response.status_code == 302
        assert list(enterprise_a.stage_changes.values_list("stage", "changed_on", "note")) == [
            ("operating", datetime.date(2024, 1, 10), ""),
            ("closed", datetime.date(2024, 10, 1), "Helada"),
        ]
        event = AuditEvent.objects.get(model="enterprises.enterprise", action="update")
        assert event.changes["stage"] == ["operating", "closed"] and event.actor == world.field_a
        page = body(client.get(response["Location"]))
        assert "Helada" in page and "Cerrado" in page

    def test_edit_with_invalid_ruc_saves_nothing(self, world, login, enterprise_a):
        response = login(world.field_a).post(
            reverse("enterprise_edit", args=[enterprise_a.pk]),
            enterprise_form(
                world,
                name="Otro",
                kind="collective",
                sector="textiles",
                district="081201",
                started_on="2024-01-10",
                stage="operating",
                ruc="123",
            ),
        )
        assert response.status_code == 200 and "El RUC no es válido" in body(response)
        enterprise_a.refresh_from_db()
        assert enterprise_a.name == "Tejidos Urcos" and not AuditEvent.objects.exists()

    def test_stage_change_before_the_last_one_is_shown_as_an_error(self, world, login, enterprise_a):
        response = login(world.field_a).post(
            reverse("enterprise_edit", args=[enterprise_a.pk]),
            enterprise_form(
                world,
                name="Tejidos Urcos",
                kind="collective",
                sector="textiles",
                district="081201",
                started_on="2024-01-10",
                stage="closed",
                stage_changed_on="2023-12-01",
            ),
        )
        assert response.status_code == 200 and "no puede ser anterior" in body(response)
        assert StageChange.objects.filter(enterprise=enterprise_a).count() == 1


class TestMembers:
    def test_search_and_add(self, world, login, enterprise_a):
        ana = person_create(world.org_a, given_names="Ana", paternal="Ccori", maternal="Mamani")
        client = login(world.field_a)
        url = reverse("member_add", args=[enterprise_a.pk])
        partial = client.get(url, {"q": "ccori"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="person-results")
        html = partial.content.decode()
        assert "Ana Ccori Mamani" in html and f'value="{ana.pk}"' in html and "<html" not in html
        assert "Rosa" not in html
        page = body(client.get(url, {"q": "ana mamani"}))  # without JavaScript: the whole page
        assert "Ana Ccori Mamani" in page
        response = client.post(url + "?q=ccori", {"participant": ana.pk, "role": "worker", "joined_on": "2024-04-01"})
        assert response.status_code == 302
        assert enterprise_a.members.get(participant=ana).role == "worker"

    def test_same_person_twice_is_a_clear_error(self, world, login, enterprise_a, rosa):
        response = login(world.field_a).post(
            reverse("member_add", args=[enterprise_a.pk]), {"participant": rosa.pk, "role": "worker"}
        )
        assert response.status_code == 200 and "ya es integrante de este emprendimiento" in body(response)
        assert enterprise_a.members.get().role == "owner"

    def test_a_person_the_user_cannot_see_cannot_be_added(self, world, login, enterprise_a, outsider_person):
        client = login(world.field_a)
        url = reverse("member_add", args=[enterprise_a.pk])
        assert "Tsamajain" not in client.get(url, {"q": "elena"}).content.decode()
        response = client.post(url, {"participant": outsider_person.pk, "role": "worker"})
        assert response.status_code == 200 and "Elija una persona de la lista" in body(response)
        assert enterprise_a.members.count() == 1

    def test_remove(self, world, login, enterprise_a):
        member = enterprise_a.members.get()
        assert login(world.field_a).get(reverse("member_remove", args=[member.pk])).status_code == 405
        response = login(world.field_a).post(reverse("member_remove", args=[member.pk]))
        assert response.status_code == 302 and not enterprise_a.members.exists()
        assert AuditEvent.objects.filter(model="enterprises.enterprisemember", action="delete").exists()


class TestRecords:
    def test_record_a_month_from_the_phone_form(self, world, login, enterprise_a):
        client = login(world.field_a)
        url = reverse("record_create", args=[enterprise_a.pk])
        form = body(client.get(url))
        assert 'type="month"' in form and 'inputmode="decimal"' in form
        response = client.post(url, {"month": "2024-09", "sales": "900.50", "costs": "300", "jobs": "3"})
        assert response.status_code == 302
        record = enterprise_a.records.get(month=datetime.date(2024, 9, 1))
        assert (record.sales, record.costs, record.jobs, record.recorded_by) == (
            Decimal("900.50"),
            Decimal("300.00"),
            3,
            world.field_a,
        )
        page = body(client.get(response["Location"]))
        assert "600,50" in page  # its net income, now the latest: +300.50 against the 300.00 baseline
        assert "+S/ 300,50 (+100,17 %)" in page

    def test_an_existing_month_is_updated_and_said_so(self, world, login, enterprise_a):
        client = login(world.field_a)
        response = client.post(
            reverse("record_create", args=[enterprise_a.pk]),
            {"month": "2024-03", "sales": "550", "costs": "200", "jobs": "1"},
            follow=True,
        )
        assert "ya tenía un registro: se actualizó" in body(response)
        assert enterprise_a.records.count() == 2
        assert enterprise_a.records.get(month=datetime.date(2024, 3, 1)).sales == Decimal("550.00")
        assert AuditEvent.objects.filter(model="enterprises.enterpriserecord", action="update").count() == 1

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"sales": "-10"}, "No puede ser negativo"),
            ({"costs": "-1"}, "No puede ser negativo"),
            ({"month": "2099-01"}, "No se registran meses futuros"),
            ({"month": "marzo"}, "AAAA-MM"),
            ({"sales": ""}, "obligatorio"),
        ],
    )
    def test_bad_input_is_shown_and_nothing_saved(self, world, login, enterprise_a, changes, message):
        values = {"month": "2024-09", "sales": "100", "costs": "50", "jobs": "1", **changes}
        response = login(world.field_a).post(reverse("record_create", args=[enterprise_a.pk]), values)
        assert response.status_code == 200 and message in body(response)
        assert enterprise_a.records.count() == 2
        assert not AuditEvent.objects.exists()

    def test_edit_keeps_the_month_and_delete(self, world, login, enterprise_a):
        record = enterprise_a.records.get(month=datetime.date(2024, 8, 1))
        client = login(world.coordinator_a)
        url = reverse("record_edit", args=[record.pk])
        assert "800.00" in body(client.get(url))
        response = client.post(url, {"month": "2024-01", "sales": "820", "costs": "350", "jobs": "2"})
        assert response.status_code == 302
        record.refresh_from_db()
        assert (record.month, record.sales, record.jobs) == (datetime.date(2024, 8, 1), Decimal("820.00"), 2)
        assert client.post(reverse("record_delete", args=[record.pk])).status_code == 302
        assert enterprise_a.records.count() == 1
