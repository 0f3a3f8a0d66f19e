"""The results pages: live figures in the framework, splits and their privacy, the records behind a number, the
framework's editing and the reported values' approval, checked by what each page shows to whom."""

import datetime
import html as entities
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityType, Session
from minka.activities.services import attendance_save
from minka.enterprises.models import Enterprise, EnterpriseRecord
from minka.people.models import Enrollment, Participant
from minka.results import services
from minka.results.models import Evidence, Indicator, PeriodLock, ReportedValue, ReportStatus, Result, Target

pytestmark = pytest.mark.django_db


# Helpers ---------------------------------------------------------------------------------------------------------


def body(response) -> str:
    """The page's main content, with the non-breaking spaces of Spanish numbers made plain."""
    html = response.content.decode().replace("\xa0", " ")
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return html


def text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities read, spaces squeezed."""
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def row_html(html: str, dom_id: str) -> str:
    match = re.search(rf'<tr id="{re.escape(dom_id)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {dom_id}"
    return match[1]


def row(html: str, dom_id: str) -> str:
    """The text of the table row with this id."""
    return text(row_html(html, dom_id))


def cells(html: str, dom_id: str) -> list[str]:
    """The text of each cell of the table row with this id."""
    return [text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html(html, dom_id), re.S)]


def framework_url(world, **query):
    url = reverse("results_framework", args=[world.program_a.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def indicator_url(world, code, name="indicator_detail"):
    return reverse(name, args=[world.program_a.slug, code])


def person_make(world, given_names, sex, surname="Prueba", district="081201"):
    person = Participant.objects.create(
        given_names=given_names,
        paternal_surname=surname,
        sex=sex,
        birth_year=1995,
        district_id=district,
        registered_by=world.org_a,
        search_name=f"{given_names} {surname}".lower(),
    )
    Enrollment.objects.create(
        participant=person, program=world.program_a, organization=world.org_a, enrolled_on=datetime.date(2024, 2, 1)
    )
    return person


def session_make(world, day=datetime.date(2024, 3, 4), organization=None, category_code="business-training"):
    activity_types_ensure(world.program_a)
    activity = Activity.objects.create(
        program=world.program_a,
        project=world.project_a,
        organization=organization or world.org_a,
        site=world.site_a,
        activity_type=ActivityType.objects.get(program=world.program_a, code=category_code),
        title="Taller de costos",
        start_date=day,
        end_date=day + datetime.timedelta(days=30),
    )
    return Session.objects.create(activity=activity, date=day, topic="Costos")


def enterprise_make(world, name, *, baseline, latest):
    """An enterprise of org A with a first and a later month of net income."""
    enterprise = Enterprise.objects.create(
        organization=world.org_a,
        program=world.program_a,
        project=world.project_a,
        kind="individual",
        name=name,
        sector="textiles",
        stage="operating",
        district_id="081201",
        started_on=datetime.date(2024, 1, 1),
    )
    for month, net in ((datetime.date(2024, 1, 1), baseline), (datetime.date(2024, 3, 1), latest)):
        EnterpriseRecord.objects.create(
            enterprise=enterprise,
            month=month,
            sales=Decimal(1000 + net),
            costs=Decimal(1000),
            recorded_by=world.field_a,
        )
    return enterprise


def framework_make(world):
    """Program alpha's framework: impact 1 → outcome 1.1 → output 1.1.1, with P1 (people reached, split by sex,
    target 20 for the whole program) under the output and R1 (reported) under the outcome."""
    editor, program = world.coordinator_a, world.program_a

    def result(code, level, parent=None):
        data = {"code": code, "level": level, "parent": parent, "statement_es": f"Resultado {code}",
                "statement_en": f"Result {code}"}  # fmt: skip
        return services.result_save(user=editor, program=program, data=data)

    impact = result("1", "impact")
    outcome = result("1.1", "outcome", impact)
    output = result("1.1.1", "output", outcome)
    reach = services.indicator_save(
        user=editor,
        program=program,
        data={
            "result": output,
            "code": "P1",
            "name_es": "Mujeres y hombres alcanzados",
            "name_en": "Women and men reached",
            "unit": "people",
            "source": "computed",
            "measure": "people_reached",
            "disaggregations": ["sex"],
            "baseline_value": Decimal(0),
        },
    )
    services.target_save(user=editor, indicator=reach, period="", value=Decimal(20))
    services.indicator_save(
        user=editor,
        program=program,
        data={
            "result": outcome,
            "code": "R1",
            "name_es": "Comités formados",
            "name_en": "Committees formed",
            "unit": "other",
            "unit_label": "comités",
            "source": "reported",
        },
    )
    return {"impact": impact, "outcome": outcome, "output": output}


@pytest.fixture
def alpha(world):
    """Ten people of org A (seven women, three men) at a March 2024 session, and the framework over them."""
    women = [person_make(world, f"Mujer{n}", "F") for n in range(7)]
    men = [person_make(world, f"Hombre{n}", "M", surname="Varón") for n in range(3)]
    session = session_make(world)
    attendance_save(user=world.field_a, session=session, present_ids=[p.pk for p in women + men])
    results = framework_make(world)
    return {"women": women, "men": men, "session": session, **results}


def report_make(world, *, by=None, period="2024", value="4", submit=True):
    reported = Indicator.objects.get(program=world.program_a, code="R1")
    report = services.report_save(
        user=by or world.field_a,
        indicator=reported,
        period=period,
        data={"organization": world.org_a, "value": Decimal(value), "narrative": "Acta de la asamblea."},
    )
    return services.report_submit(user=by or world.field_a, report=report) if submit else report


# The framework ---------------------------------------------------------------------------------------------------


class TestFramework:
    def test_the_tree_shows_live_values_with_target_and_progress(self, world, alpha, login):
        html = body(login(world.coordinator_a).get(framework_url(world)))

        assert cells(html, "indicator-P1")[1:] == ["0", "20", "10", "50,0 %"]
        assert 'style="width: 50.0%"' in html  # the bar, in CSS's decimal point whatever the language
        # impact → outcome → output, nested in that order, each with its indicators
        impact, outcome, output = (html.index(f'id="result-{alpha[k].pk}"') for k in ("impact", "outcome", "output"))
        assert impact < outcome < html.index('id="indicator-R1"') < output < html.index('id="indicator-P1"')
        assert '<h2><span class="badge">Impacto</span> 1 · Resultado 1</h2>' in html
        assert "acumulado" in row(html, "indicator-P1") and "calculado" in row(html, "indicator-P1")
        assert "reportado" in row(html, "indicator-R1")

    def test_new_attendance_counts_at_once(self, world, alpha, login):
        client = login(world.coordinator_a)
        assert cells(body(client.get(framework_url(world))), "indicator-P1")[3] == "10"

        newcomer = person_make(world, "Nueva", "F")
        session = alpha["session"]
        present = [*session.attendances.values_list("participant_id", flat=True), newcomer.pk]
        attendance_save(user=world.field_a, session=session, present_ids=present)

        assert cells(body(client.get(framework_url(world))), "indicator-P1")[3] == "11"

    def test_period_filter_counts_up_to_its_end(self, world, alpha, login):
        client = login(world.coordinator_a)
        assert cells(body(client.get(framework_url(world, period="2024-02"))), "indicator-P1")[3] == "0"
        html = body(client.get(framework_url(world, period="2024-Q1")))
        assert cells(html, "indicator-P1")[3] == "10"
        assert "periodo 2024-Q1" in html

    def test_an_invalid_period_is_a_form_error_not_a_failure(self, world, alpha, login):
        response = login(world.coordinator_a).get(framework_url(world, period="2024-13"))

        assert response.status_code == 200
        html = body(response)
        assert "No se entiende el periodo «2024-13». Use 2019, 2019-Q3, 2019-07 o 2019-01..2019-12." in html
        assert "desde el inicio hasta hoy" in html  # what the figures shown are for
        assert cells(html, "indicator-P1")[3] == "10"

    def test_an_unknown_phase_is_a_form_error(self, world, alpha, login):
        response = login(world.coordinator_a).get(framework_url(world, phase="9"))
        assert response.status_code == 200
        assert "Fase:" in body(response) and "Escoja una opción válida" in body(response)

    def test_editors_get_the_editing_links_and_others_do_not(self, world, alpha, login):
        html = body(login(world.coordinator_a).get(framework_url(world)))
        assert reverse("result_create", args=["alpha"]) in html
        assert reverse("indicator_edit", args=["alpha", "P1"]) in html
        assert reverse("target_create", args=["alpha", "P1"]) in html

        for user in (world.field_a, world.funder_a, world.auditor_a):
            html = body(login(user).get(framework_url(world)))
            assert "Nuevo resultado" not in html and "/editar/" not in html and "Eliminar" not in html

    def test_pending_reports_are_listed_for_editors(self, world, alpha, login):
        report_make(world)
        html = body(login(world.coordinator_a).get(framework_url(world)))
        assert "Valores reportados por revisar" in html
        assert reverse("report_detail", args=["alpha", ReportedValue.objects.get().pk]) in html
        assert "1 por revisar" in row(html, "indicator-R1")
        assert "Valores reportados por revisar" not in body(login(world.field_a).get(framework_url(world)))

    def test_funders_see_a_small_total_as_under_five(self, world, alpha, login):
        # Only the three men took part in a second activity counted by P2.
        services.indicator_save(
            user=world.coordinator_a,
            program=world.program_a,
            data={
                "result": alpha["output"],
                "code": "P2",
                "name_es": "Hombres en ferias",
                "unit": "people",
                "source": "computed",
                "measure": "people_reached",
                "activity_categories": ["event"],
            },
        )
        session = session_make(world, category_code="event")
        attendance_save(user=world.field_a, session=session, present_ids=[p.pk for p in alpha["men"]])

        html = body(login(world.funder_a).get(framework_url(world)))
        assert cells(html, "indicator-P2")[3] == "< 5"
        assert cells(html, "indicator-P1")[3] == "10"
        assert "Usted ve cifras agregadas" in html
        assert cells(body(login(world.field_a).get(framework_url(world))), "indicator-P2")[3] == "3"

    def test_the_page_takes_as_many_queries_for_more_people(self, world, alpha, login):
        client = login(world.coordinator_a)
        client.get(framework_url(world))  # sessions, content types and the like, cached from here on
        with CaptureQueriesContext(connection) as before:
            client.get(framework_url(world))
        more = [person_make(world, f"Otra{n}", "F") for n in range(15)]
        session = alpha["session"]
        present = [*session.attendances.values_list("participant_id", flat=True), *(p.pk for p in more)]
        attendance_save(user=world.field_a, session=session, present_ids=present)

        with CaptureQueriesContext(connection) as after:
            html = body(client.get(framework_url(world)))
        assert cells(html, "indicator-P1")[3] == "25"
        assert len(after) == len(before)


# An indicator ----------------------------------------------------------------------------------------------------


class TestIndicator:
    def test_definition_targets_and_value(self, world, alpha, login):
        services.target_save(user=world.coordinator_a, indicator=Indicator.objects.get(code="P1"), period="2024",
                             value=Decimal(12), territory=None, organization=world.org_a)  # fmt: skip
        html = body(login(world.field_a).get(indicator_url(world, "P1")))

        assert "Personas alcanzadas" in html and "Personas distintas presentes" in html
        assert "Acumulado: cada periodo cuenta desde el inicio." in html
        targets = re.search(r'<section id="targets">(.*?)</section>', html, re.S)[1]
        assert cells(targets, f"target-{Target.objects.get(period_label='program').pk}")[::2] == [
            "todo el programa",
            "20",
        ]
        assert cells(targets, f"target-{Target.objects.get(period_label='2024').pk}") == ["2024", "Alfa", "12"]

    def test_split_by_sex_adds_up_to_the_total(self, world, alpha, login):
        html = body(login(world.field_a).get(indicator_url(world, "P1") + "?by=sex"))

        assert cells(html, "cell-F") == ["Mujer", "7"]
        assert cells(html, "cell-M") == ["Hombre", "3"]
        assert cells(html, "cell-total") == ["Total", "10"]
        assert "se superponen" not in html

    def test_the_indicator_first_shows_its_promised_split(self, world, alpha, login):
        html = body(login(world.field_a).get(indicator_url(world, "P1")))
        assert cells(html, "cell-F") == ["Mujer", "7"]

    def test_splits_by_organization_or_activity_type_say_they_overlap(self, world, alpha, login):
        # Two women also attended a session of org B's activity in program alpha: they count once for each.
        from minka.programs.models import ProjectPartner

        ProjectPartner.objects.create(project=world.project_a, organization=world.org_b, role="ally")
        session = session_make(world, day=datetime.date(2024, 4, 1), organization=world.org_b)
        attendance_save(user=world.coordinator_a, session=session, present_ids=[p.pk for p in alpha["women"][:2]])
        client = login(world.coordinator_a)

        html = body(client.get(indicator_url(world, "P1") + "?by=organization"))
        assert "Los grupos se superponen" in html and "las filas no se suman" in html
        assert cells(html, f"cell-{world.org_a.pk}") == ["Alfa", "10"]
        assert cells(html, f"cell-{world.org_b.pk}") == ["Beta", "2"]
        assert cells(html, "cell-total") == ["Total de personas distintas", "10"]
        assert "Los grupos se superponen" in body(client.get(indicator_url(world, "P1") + "?by=activity_type"))

    def test_two_splits_make_a_crosstab(self, world, alpha, login):
        html = body(login(world.field_a).get(indicator_url(world, "P1") + "?by=sex&by=district"))
        assert cells(html, "cell-F-081201") == ["Mujer", "Urcos", "7"]
        # written as the API and the command take them, the same table
        assert body(login(world.field_a).get(indicator_url(world, "P1") + "?by=sex,district")) == html

    def test_a_percentage_shows_its_parts_and_its_records(self, world, alpha, login):
        for name, latest in (("Tejidos Uno", 300), ("Tejidos Dos", 250), ("Tejidos Tres", 50)):
            enterprise_make(world, name, baseline=100, latest=latest)
        services.indicator_save(
            user=world.coordinator_a,
            program=world.program_a,
            data={
                "result": alpha["impact"],
                "code": "E1",
                "name_es": "Emprendimientos con más ingreso",
                "unit": "percent",
                "source": "computed",
                "measure": "enterprises_income_up",
            },
        )
        client = login(world.field_a)
        html = body(client.get(indicator_url(world, "E1") + "?by=enterprise_kind"))

        assert "Numerador / denominador" in html and "2 / 3" in html
        assert cells(html, "cell-individual") == ["Individual", "66,7 %", "2", "3"]
        assert cells(html, "cell-total") == ["Total", "66,7 %", "2", "3"]
        assert "Cada fila es el porcentaje o la mediana de su propio grupo" in html
        assert "se superponen" not in html
        records = body(client.get(indicator_url(world, "E1", "indicator_records")))
        assert "3 registros" in records and "Tejidos Tres" in records

    def test_a_split_the_measure_lacks_is_a_form_error(self, world, alpha, login):
        response = login(world.field_a).get(indicator_url(world, "P1") + "?by=enterprise_kind")
        assert response.status_code == 200
        assert "Escoja una opción válida" in body(response)
        assert "10" in re.search(r'<section class="card headline" id="value">(.*?)</section>', body(response), re.S)[1]

    def test_funders_see_small_cells_hidden_and_no_records(self, world, alpha, login):
        response = login(world.funder_a).get(indicator_url(world, "P1") + "?by=sex")
        html = body(response)

        assert cells(html, "cell-M") == ["Hombre", "< 5"]  # three men: hidden
        assert cells(html, "cell-F") == ["Mujer", "oculto"]  # else 10 − 7 would give them away
        assert cells(html, "cell-total") == ["Total", "10"]
        assert reverse("indicator_records", args=["alpha", "P1"]) not in html
        assert "Mujer0" not in html

    def test_the_trend_has_a_table_and_a_chart(self, world, alpha, login):
        html = body(login(world.field_a).get(indicator_url(world, "P1")))
        trend = re.search(r'<section id="trend">(.*?)</section>', html, re.S)[1]

        assert "<svg" in trend and "<rect" in trend and "<script" not in trend
        assert cells(trend, "trend-2024-03") == ["2024-03", "10", "—"]
        assert cells(trend, "trend-2024-04") == ["2024-04", "10", "—"]  # cumulative: March's people still count

    def test_english_readers_get_english_names_and_labels(self, world, alpha, login):
        world.field_a.language = "en"
        world.field_a.save()
        client = login(world.field_a)
        client.cookies["django_language"] = "en"

        html = body(client.get(indicator_url(world, "P1") + "?by=sex"))
        assert "Women and men reached" in html and "Mujeres y hombres alcanzados" not in html
        assert '<th scope="col">Sex</th>' in html
        framework = body(client.get(framework_url(world)))
        assert "Result 1.1.1" in framework and "Resultado 1.1.1" not in framework


# The records behind a number ---------------------------------------------------------------------------------------


class TestRecords:
    def test_a_cell_lists_its_people_with_links_to_their_profiles(self, world, alpha, login):
        html = body(login(world.field_a).get(indicator_url(world, "P1") + "?by=sex"))
        link = re.search(r'<tr id="cell-M">.*?href="([^"]+)"', html, re.S)[1].replace("&amp;", "&")

        records = body(login(world.field_a).get(link))
        for man in alpha["men"]:
            assert reverse("person_detail", args=[man.pk]) in records
            assert row(records, f"person-{man.pk}").startswith(f"{man.full_name} Hombre")
        assert "Mujer0" not in records
        assert "3 registros" in records

    def test_the_total_lists_everyone(self, world, alpha, login):
        records = body(login(world.coordinator_a).get(indicator_url(world, "P1", "indicator_records")))
        assert "10 registros" in records
        assert all(f'id="person-{p.pk}"' in records for p in alpha["women"] + alpha["men"])

    def test_funders_are_refused_and_outsiders_find_nothing(self, world, alpha, login):
        url = indicator_url(world, "P1", "indicator_records") + "?c_sex=M"
        refused = login(world.funder_a).get(url)
        assert refused.status_code == 403
        assert "cifras agregadas" in refused.content.decode() and "Hombre0" not in refused.content.decode()
        for outsider in (world.admin_b, world.nobody):
            assert login(outsider).get(url).status_code == 404

    def test_a_cell_typed_wrong_is_a_clear_error(self, world, alpha, login):
        client = login(world.field_a)
        response = client.get(indicator_url(world, "P1", "indicator_records") + "?c_organization=abc")
        assert response.status_code == 400 and "no es un valor de organization" in body(response)
        response = client.get(indicator_url(world, "P1", "indicator_records") + "?c_enterprise_kind=x")
        assert response.status_code == 400 and "no se desagrega" in body(response)
        response = client.get(indicator_url(world, "P1", "indicator_records") + "?period=hoy")
        assert response.status_code == 400 and "No se entiende el periodo" in body(response)


# Editing the framework -------------------------------------------------------------------------------------------


class TestEditing:
    def test_a_result_under_the_wrong_level_is_refused(self, world, alpha, login):
        response = login(world.coordinator_a).post(
            reverse("result_create", args=["alpha"]),
            {"level": "output", "parent": alpha["impact"].pk, "code": "9", "statement_es": "Mal colgado"},
        )
        assert response.status_code == 200
        assert "Un efecto contribuye a un impacto y un producto a un efecto." in body(response)
        assert not Result.objects.filter(code="9").exists()

    def test_a_result_is_created_under_its_parent(self, world, alpha, login):
        response = login(world.coordinator_a).post(
            reverse("result_create", args=["alpha"]),
            {"level": "outcome", "parent": alpha["impact"].pk, "code": "1.2", "statement_es": "Más empleo"},
        )
        assert response.status_code == 302
        assert Result.objects.get(code="1.2").parent == alpha["impact"]

    def test_an_indicator_with_a_split_its_measure_lacks_is_refused(self, world, alpha, login):
        data = {"result": alpha["output"].pk, "code": "E1", "name_es": "Emprendimientos", "unit": "enterprises",
                "direction": "ascending", "source": "computed", "measure": "enterprises_created",
                "disaggregations": ["sex"], "position": 1}  # fmt: skip
        client = login(world.coordinator_a)
        response = client.post(reverse("indicator_create", args=["alpha", alpha["output"].pk]), data)
        assert response.status_code == 200
        assert "Esta medida no se desagrega por: sex." in body(response)
        assert not Indicator.objects.filter(code="E1").exists()

        data |= {"disaggregations": ["district"], "organizations": [world.org_a.pk], "districts": "081201"}
        response = client.post(reverse("indicator_create", args=["alpha", alpha["output"].pk]), data)
        assert response.status_code == 302
        created = Indicator.objects.get(code="E1")
        assert created.disaggregations == ["district"]
        assert list(created.organizations.all()) == [world.org_a]
        assert [t.code for t in created.territories.all()] == ["081201"]

    def test_an_indicator_code_that_cannot_name_an_address_is_refused(self, world, alpha, login):
        data = {"result": alpha["output"].pk, "code": "1/2", "name_es": "Sesiones", "unit": "people",
                "direction": "ascending", "source": "computed", "measure": "sessions_held", "position": 2}  # fmt: skip
        response = login(world.coordinator_a).post(
            reverse("indicator_create", args=["alpha", alpha["output"].pk]), data
        )
        assert response.status_code == 200
        assert "Use letras, números, puntos, guiones o guiones bajos" in body(response)
        assert not Indicator.objects.filter(code="1/2").exists()

    def test_editing_an_indicator_keeps_it_whole(self, world, alpha, login):
        client = login(world.coordinator_a)
        form = client.get(indicator_url(world, "P1", "indicator_edit"))
        assert 'value="people_reached" selected' in form.content.decode()
        data = {"result": alpha["output"].pk, "code": "P1", "name_es": "Personas alcanzadas", "unit": "people",
                "direction": "ascending", "cumulative": "on", "source": "computed", "measure": "people_reached",
                "disaggregations": ["sex", "age_band"], "position": 1}  # fmt: skip
        assert client.post(indicator_url(world, "P1", "indicator_edit"), data).status_code == 302
        assert Indicator.objects.get(code="P1").disaggregations == ["sex", "age_band"]

    def test_only_editors_change_the_framework(self, world, alpha, login):
        for user in (world.field_a, world.funder_a, world.auditor_a):
            client = login(user)
            assert client.get(reverse("result_create", args=["alpha"])).status_code == 403
            assert client.get(indicator_url(world, "P1", "target_create")).status_code == 403
            assert client.post(indicator_url(world, "P1", "indicator_delete")).status_code == 403
        assert Indicator.objects.filter(code="P1").exists()

    def test_a_target_is_set_for_a_period(self, world, alpha, login):
        response = login(world.coordinator_a).post(
            indicator_url(world, "P1", "target_create"), {"period": "2025-Q1", "value": "30"}
        )
        assert response.status_code == 302
        target = Target.objects.get(period_label="2025-Q1")
        assert (target.value, target.period_kind) == (Decimal(30), "quarter")

    def test_a_target_with_a_bad_period_is_a_form_error(self, world, alpha, login):
        response = login(world.coordinator_a).post(
            indicator_url(world, "P1", "target_create"), {"period": "el año que viene", "value": "30"}
        )
        assert response.status_code == 200 and "No se entiende el periodo" in body(response)
        assert Target.objects.count() == 1

    def test_a_target_on_a_locked_period_is_refused_and_nothing_saved(self, world, alpha, login):
        services.report_approve(user=world.coordinator_a, report=report_make(world, period="2024"))
        client = login(world.coordinator_a)
        before = Target.objects.count()

        for period in ("2024", "2024-03"):
            response = client.post(indicator_url(world, "R1", "target_create"), {"period": period, "value": "5"})
            assert response.status_code == 200
            assert "El periodo 2024 de este indicador está cerrado por una aprobación" in body(response)
            assert "Periodo cerrado." in body(response)
        assert Target.objects.count() == before

    def test_deleting_a_result_with_indicators_is_refused_with_a_message(self, world, alpha, login):
        response = login(world.coordinator_a).post(
            reverse("result_delete", args=["alpha", alpha["output"].pk]), follow=True
        )
        assert "tiene resultados o indicadores debajo" in body(response)
        assert Result.objects.filter(pk=alpha["output"].pk).exists()


# Reported values -------------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class TestReports:
    def test_draft_evidence_submit_and_approval(self, world, alpha, login, media):
        field = login(world.field_a)
        page = body(field.get(indicator_url(world, "R1")))
        assert reverse("report_create", args=["alpha", "R1"]) in page

        response = field.post(
            reverse("report_create", args=["alpha", "R1"]),
            {"period": "2024-Q2", "organization": world.org_a.pk, "value": "3", "narrative": "Tres comités."},
        )
        report = ReportedValue.objects.get()
        assert response.status_code == 302 and report.status == ReportStatus.DRAFT
        upload = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta", content_type="application/pdf")
        field.post(reverse("evidence_add", args=["alpha", report.pk]), {"file": upload, "description": "Acta"})
        assert Evidence.objects.get().reported_value == report
        field.post(reverse("report_submit", args=["alpha", report.pk]))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

        # The one who submitted it sees no review buttons; a program editor does, and approves.
        assert "Aprobar" not in body(field.get(reverse("report_detail", args=["alpha", report.pk])))
        coordinator = login(world.coordinator_a)
        assert "Aprobar" in body(coordinator.get(reverse("report_detail", args=["alpha", report.pk])))
        coordinator.post(reverse("report_review", args=["alpha", report.pk]), {"decision": "approve"})
        report.refresh_from_db()
        assert report.status == ReportStatus.APPROVED
        assert PeriodLock.objects.get().period_label == "2024-Q2"
        assert cells(body(coordinator.get(framework_url(world))), "indicator-R1")[3] == "3"

    def test_approving_ones_own_report_is_refused(self, world, alpha, login):
        report = report_make(world, by=world.coordinator_a)
        client = login(world.coordinator_a)
        assert "Aprobar" not in body(client.get(reverse("report_detail", args=["alpha", report.pk])))

        response = client.post(reverse("report_review", args=["alpha", report.pk]), {"decision": "approve"})
        assert response.status_code == 403
        assert "No puede aprobar ni devolver un valor que usted mismo envió." in response.content.decode()
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED and not PeriodLock.objects.exists()

    def test_returning_needs_a_note(self, world, alpha, login):
        report = report_make(world)
        client = login(world.coordinator_a)
        response = client.post(reverse("report_review", args=["alpha", report.pk]), {"decision": "return"})
        assert response.status_code == 200 and "Obligatorio al devolver." in body(response)
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

        client.post(
            reverse("report_review", args=["alpha", report.pk]), {"decision": "return", "review_note": "Falta el acta."}
        )
        report.refresh_from_db()
        assert report.status == ReportStatus.RETURNED and report.review_note == "Falta el acta."
        assert "Falta el acta." in body(login(world.field_a).get(reverse("report_detail", args=["alpha", report.pk])))

    def test_a_percentage_is_reported_as_numerator_and_denominator(self, world, alpha, login):
        Indicator.objects.filter(code="R1").update(unit="percent")
        client = login(world.field_a)
        form = body(client.get(reverse("report_create", args=["alpha", "R1"])))
        assert 'name="numerator"' in form and 'name="value"' not in form
        response = client.post(
            reverse("report_create", args=["alpha", "R1"]),
            {"period": "2024", "organization": world.org_a.pk, "numerator": "5", "denominator": "0"},
        )
        assert response.status_code == 200 and "denominador" in body(response)
        assert not ReportedValue.objects.exists()

    def test_evidence_is_served_only_to_those_who_read_the_records(self, world, alpha, login, media):
        report = report_make(world, submit=False)
        upload = SimpleUploadedFile("lista.pdf", b"%PDF-1.4 lista de firmas", content_type="application/pdf")
        evidence = services.evidence_add(user=world.field_a, report=report, file=upload, description="Lista")
        url = reverse("evidence_download", args=["alpha", evidence.pk])

        response = login(world.field_a).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 lista de firmas"
        assert response["Content-Disposition"].startswith("attachment")
        assert login(world.funder_a).get(url).status_code == 403
        for outsider in (world.admin_b, world.nobody):
            assert login(outsider).get(url).status_code == 404
        assert str(media) in evidence.file.path  # stored outside the static files, never linked from them

    def test_an_editor_reopens_a_locked_period_with_a_reason(self, world, alpha, login):
        services.report_approve(user=world.coordinator_a, report=report_make(world))
        lock = PeriodLock.objects.get()
        client = login(world.coordinator_a)
        assert reverse("period_reopen", args=["alpha", lock.pk]) in body(client.get(indicator_url(world, "R1")))

        response = client.post(reverse("period_reopen", args=["alpha", lock.pk]), {"reason": ""})
        assert response.status_code == 200 and "Este campo es obligatorio" in body(response)
        client.post(reverse("period_reopen", args=["alpha", lock.pk]), {"reason": "Cifra mal sumada."})
        lock.refresh_from_db()
        assert not lock.is_active
        history = body(client.get(indicator_url(world, "R1")))
        assert "Cifra mal sumada." in history and "reabierto" in history
        assert ReportedValue.objects.get().status == ReportStatus.RETURNED
        assert login(world.field_a).get(reverse("period_reopen", args=["alpha", lock.pk])).status_code == 403

    def test_funders_see_approved_values_only_and_no_report_pages(self, world, alpha, login):
        approved = report_make(world, period="2024")
        services.report_approve(user=world.coordinator_a, report=approved)
        draft = report_make(world, period="2025", submit=False)
        client = login(world.funder_a)

        html = body(client.get(indicator_url(world, "R1")))
        assert f'id="report-{approved.pk}"' in html and f'id="report-{draft.pk}"' not in html
        assert "Reportar un valor" not in html
        assert client.get(reverse("report_detail", args=["alpha", approved.pk])).status_code == 403
        assert client.get(reverse("report_create", args=["alpha", "R1"])).status_code == 403
