"""The results API: live values and their splits from the records, what funders see, the framework's editing and
the reported values' flow, and its refusals in the API's one error shape with nothing written."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minka.activities.services import attendance_save
from minka.audit.models import AuditEvent
from minka.core.tests.test_api import Api, assert_error
from minka.people.models import Participant
from minka.results.models import Evidence, Indicator, PeriodLock, ReportedValue, ReportStatus, Result, Target
from minka.results.tests.test_pages import alpha, media, person_make, session_make  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

BASE = "programs/alpha"


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


class TestValues:
    def test_the_value_is_the_distinct_people_of_the_records_split_by_sex(self, world, alpha, api):  # noqa: F811
        # A second session of the same people and one newcomer: ten people stay ten, plus one.
        again = session_make(world)
        newcomer = person_make(world, "Nueva", "F")
        attendance_save(user=world.field_a, session=again, present_ids=[p.pk for p in alpha["women"]] + [newcomer.pk])
        body = api(world.field_a).get(f"{BASE}/indicators/P1/value", by="sex").json()
        assert (body["value"], body["target"], body["progress"], body["additive"]) == (11, 20, "55.0", True)
        assert {c["key"]["sex"]: c["value"] for c in body["cells"]} == {"F": 8, "M": 3}
        assert {c["labels"]["sex"] for c in body["cells"]} == {"Mujer", "Hombre"}

    def test_funders_get_small_cells_hidden(self, world, alpha, api):  # noqa: F811
        body = api(world.funder_a).get(f"{BASE}/indicators/P1/value", by="sex").json()
        cells = {c["key"]["sex"]: c for c in body["cells"]}
        assert body["value"] == 10
        assert cells["M"]["value"] is None and cells["M"]["suppressed"]  # three men
        assert cells["F"]["value"] is None and cells["F"]["suppressed"]  # else 10 − 7 gives the men away

    def test_the_program_values_have_the_commands_shape(self, world, alpha, api):  # noqa: F811
        body = api(world.coordinator_a).get(f"{BASE}/values", period="2024", by="sex").json()
        assert (body["program"], body["period"], body["by"]) == ("alpha", "2024", ["sex"])
        entries = {entry["code"]: entry for entry in body["indicators"]}
        assert entries["P1"]["value"] == 10 and len(entries["P1"]["cells"]) == 2
        assert entries["R1"]["cells"] is None and entries["R1"]["not_split_by"] == ["sex"]

    def test_the_trend_runs_cumulative_by_month(self, world, alpha, api):  # noqa: F811
        points = api(world.field_a).get(f"{BASE}/indicators/P1/trend").json()
        # The activity runs into April: the figure carries on, cumulative, without new sessions.
        assert [(p["period"], p["value"]) for p in points] == [("2024-03", 10), ("2024-04", 10)]

    @pytest.mark.parametrize(
        ("query", "field"),
        [({"period": "2024-13"}, "period"), ({"by": "color"}, "by"), ({"phase": 9}, "phase"),
         ({"territory": "99"}, "territory"), ({"organization": "nadie"}, "organization"),
         ({"by": "enterprise_kind"}, "by")],
    )  # fmt: skip
    def test_bad_filters_name_their_parameter(self, world, alpha, api, query, field):  # noqa: F811
        assert_error(api(world.field_a).get(f"{BASE}/indicators/P1/value", **query), 400, fields=[field])

    def test_outsiders_find_no_program(self, world, alpha, api):  # noqa: F811
        for outsider in (world.admin_b, world.nobody):
            assert_error(api(outsider).get(f"{BASE}/indicators/P1/value"), 404, "not_found")

    def test_cells_by_sex_and_age_band_match_the_people_counted_by_hand(self, world, alpha, api):  # noqa: F811
        # Ages on 31 December 2024 (the period's end), each well inside its band: 9, 24, 39, 54, 74, and the ten of
        # the fixture born in 1995 (29).
        born = [("Niña", "F", datetime.date(2015, 5, 2)), ("Joven", "M", datetime.date(2000, 3, 1)),
                ("Adulta", "F", datetime.date(1985, 1, 20)), ("Mayor", "M", datetime.date(1970, 8, 8)),
                ("Abuela", "F", datetime.date(1950, 2, 2))]  # fmt: skip
        people = []
        for name, sex, birth_date in born:
            person = person_make(world, name, sex)
            Participant.objects.filter(pk=person.pk).update(birth_date=birth_date, birth_year=birth_date.year)
            people.append(person)
        attendance_save(user=world.field_a, session=session_make(world, day=datetime.date(2024, 5, 6)),
                        present_ids=[p.pk for p in people] + [alpha["women"][0].pk])  # fmt: skip

        bands = ((0, 14, "0-14"), (15, 29, "15-29"), (30, 44, "30-44"), (45, 64, "45-64"), (65, 200, "65+"))

        def band(age):
            return next(code for low, high, code in bands if low <= age <= high)

        end = datetime.date(2024, 12, 31)
        expected = Counter()
        for person in Participant.objects.filter(attendances__session__activity__program=world.program_a).distinct():
            if person.birth_date is None:
                age = end.year - person.birth_year
            else:
                birthday_to_come = (end.month, end.day) < (person.birth_date.month, person.birth_date.day)
                age = end.year - person.birth_date.year - birthday_to_come
            expected[(person.sex, band(age))] += 1

        body = api(world.coordinator_a).get(f"{BASE}/indicators/P1/value", period="2024", by="sex,age_band").json()
        got = {(c["key"]["sex"], c["key"]["age_band"]): c["value"] for c in body["cells"]}
        assert got == dict(expected) and sum(expected.values()) == 15
        assert body["value"] == 15 and body["additive"] is True
        assert all(set(c["labels"]) == {"sex", "age_band"} for c in body["cells"])

    def test_funders_get_the_program_values_and_the_trend_without_small_figures(self, world, alpha, api):  # noqa: F811
        funder = api(world.funder_a)
        entries = {e["code"]: e for e in funder.get(f"{BASE}/values", by="sex").json()["indicators"]}
        assert entries["P1"]["value"] == 10 and not entries["P1"]["suppressed"]
        assert all(cell["value"] is None and cell["suppressed"] for cell in entries["P1"]["cells"])
        # Per period, May's three newcomers are a figure under five: hidden from the funder, shown to staff.
        few = [person_make(world, f"Poca{n}", "F") for n in range(3)]
        may = session_make(world, day=datetime.date(2024, 5, 6))
        attendance_save(user=world.field_a, session=may, present_ids=[p.pk for p in few])
        Indicator.objects.filter(code="P1").update(cumulative=False)
        staff = {p["period"]: p["value"] for p in api(world.field_a).get(f"{BASE}/indicators/P1/trend").json()}
        points = {p["period"]: p for p in funder.get(f"{BASE}/indicators/P1/trend").json()}
        assert {period: staff[period] for period in ("2024-03", "2024-04", "2024-05")} == {
            "2024-03": 10, "2024-04": 0, "2024-05": 3}  # fmt: skip
        assert (points["2024-03"]["value"], points["2024-03"]["suppressed"]) == (10, False)
        assert (points["2024-05"]["value"], points["2024-05"]["suppressed"]) == (None, True)

    def test_a_percentage_is_the_sum_of_numerators_over_the_sum_of_denominators(self, world, alpha, api):  # noqa: F811
        Indicator.objects.filter(code="R1").update(unit="percent")
        field, coordinator = api(world.field_a), api(world.coordinator_a)
        for period, numerator, denominator in (("2024-Q1", "1", "4"), ("2024-Q2", "9", "12")):
            report = field.post(
                f"{BASE}/indicators/R1/reports",
                {"period": period, "organization": "alpha-ngo", "numerator": numerator, "denominator": denominator},
            ).json()["id"]
            field.post(f"{BASE}/reports/{report}/submit", {})
            assert coordinator.post(f"{BASE}/reports/{report}/approve", {}).status_code == 200
        body = coordinator.get(f"{BASE}/indicators/R1/value", period="2024").json()
        # (1 + 9) / (4 + 12) = 62.5 %, not the mean of 25 % and 75 % (50 %).
        assert Decimal(body["value"]) == Decimal(100) * 10 / 16
        assert (Decimal(body["numerator"]), Decimal(body["denominator"])) == (10, 16)
        assert isinstance(body["value"], str)  # decimals travel as strings


class TestFramework:
    def test_a_coordinator_builds_a_result_an_indicator_and_a_target(self, world, alpha, api):  # noqa: F811
        client = api(world.coordinator_a)
        response = client.post(
            f"{BASE}/results",
            {"code": "1.2", "level": "outcome", "parent": alpha["impact"].pk, "statement_es": "Más empleo"},
        )
        assert response.status_code == 201 and response.json()["parent"] == alpha["impact"].pk
        outcome = response.json()["id"]
        response = client.post(
            f"{BASE}/indicators",
            {"result": outcome, "code": "S1", "name_es": "Sesiones", "unit": "other", "unit_label": "sesiones",
             "source": "computed", "measure": "sessions_held", "disaggregations": ["province"],
             "organizations": ["alpha-ngo"], "territories": ["08"]},
        )  # fmt: skip
        assert response.status_code == 201, response.content
        assert (response.json()["organizations"], response.json()["territories"]) == (["alpha-ngo"], ["08"])
        assert client.get(f"{BASE}/indicators/S1/value").json()["value"] == 1
        response = client.post(f"{BASE}/indicators/S1/targets", {"period": "2024-Q1", "value": "4"})
        assert response.status_code == 201 and response.json()["period"] == "2024-Q1"
        value = client.get(f"{BASE}/indicators/S1/value", period="2024-Q1").json()
        assert (value["target"], value["progress"]) == (4, "25.0")  # counts as integers, as in the command

    def test_field_staff_and_funders_may_read_but_not_change_the_framework(self, world, alpha, api):  # noqa: F811
        for user in (world.field_a, world.funder_a):
            response = api(user).post(f"{BASE}/results", {"code": "9", "level": "impact", "statement_es": "No"})
            assert_error(response, 403, "forbidden")
            assert api(user).get(f"{BASE}/results").status_code == 200
        assert not Result.objects.filter(code="9").exists()

    def test_a_result_under_the_wrong_level_is_refused_and_nothing_saved(self, world, alpha, api):  # noqa: F811
        response = api(world.coordinator_a).post(
            f"{BASE}/results", {"code": "9", "level": "output", "parent": alpha["impact"].pk, "statement_es": "Mal"}
        )
        assert_error(response, 400)
        assert not Result.objects.filter(code="9").exists()


class TestReports:
    def test_draft_evidence_submission_approval_and_the_lock(self, world, alpha, api, media):  # noqa: F811
        field, coordinator = api(world.field_a), api(world.coordinator_a)
        response = field.post(
            f"{BASE}/indicators/R1/reports", {"period": "2024", "organization": "alpha-ngo", "value": "4"}
        )
        assert response.status_code == 201 and response.json()["status"] == "draft"
        report = response.json()["id"]
        upload = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta", content_type="application/pdf")
        response = field.client.post(
            f"/api/v1/{BASE}/reports/{report}/evidence", {"file": upload, "description": "Acta"}, **field.headers
        )
        assert response.status_code == 201 and response.json()["name"].endswith(".pdf")
        assert field.post(f"{BASE}/reports/{report}/submit", {}).json()["status"] == "submitted"

        assert_error(field.post(f"{BASE}/reports/{report}/approve", {}), 403, "forbidden")
        assert coordinator.post(f"{BASE}/reports/{report}/approve", {}).json()["status"] == "approved"
        assert coordinator.get(f"{BASE}/indicators/R1/value").json()["value"] == 4
        lock = coordinator.get(f"{BASE}/locks").json()
        assert [(item["indicator"], item["period"], item["active"]) for item in lock] == [("R1", "2024", True)]

        # The locked year takes no target, and nothing is written.
        response = coordinator.post(f"{BASE}/indicators/R1/targets", {"period": "2024-Q2", "value": "9"})
        assert_error(response, 409, "period_locked", fields=["period"])
        assert not Target.objects.filter(indicator__code="R1", period_label="2024-Q2").exists()

        response = coordinator.post(f"{BASE}/locks/{lock[0]['id']}/reopen", {"reason": "Faltaba un comité."})
        assert response.json()["active"] is False and response.json()["reopen_reason"] == "Faltaba un comité."
        assert ReportedValue.objects.get().status == ReportStatus.RETURNED

    def test_approving_ones_own_report_is_refused(self, world, alpha, api):  # noqa: F811
        client = api(world.coordinator_a)
        report = client.post(
            f"{BASE}/indicators/R1/reports", {"period": "2024", "organization": "alpha-ngo", "value": "2"}
        ).json()["id"]
        client.post(f"{BASE}/reports/{report}/submit", {})
        assert_error(client.post(f"{BASE}/reports/{report}/approve", {}), 403, "own_report")
        assert ReportedValue.objects.get().status == ReportStatus.SUBMITTED and not PeriodLock.objects.exists()

    def test_a_percentage_with_a_zero_denominator_is_refused(self, world, alpha, api):  # noqa: F811
        Indicator.objects.filter(code="R1").update(unit="percent")
        response = api(world.field_a).post(
            f"{BASE}/indicators/R1/reports",
            {"period": "2024", "organization": "alpha-ngo", "numerator": "3", "denominator": "0"},
        )
        assert_error(response, 400, fields=["denominator"])
        assert not ReportedValue.objects.exists()

    def test_funders_see_approved_values_only_and_no_evidence(self, world, alpha, api):  # noqa: F811
        field = api(world.field_a)
        report = field.post(
            f"{BASE}/indicators/R1/reports", {"period": "2024", "organization": "alpha-ngo", "value": "2"}
        ).json()["id"]
        funder = api(world.funder_a)
        assert funder.get(f"{BASE}/indicators/R1/reports").json() == []
        assert_error(funder.get(f"{BASE}/reports/{report}"), 403, "forbidden")
        assert_error(funder.get(f"{BASE}/locks"), 403, "forbidden")
        assert not Evidence.objects.exists() and Decimal(ReportedValue.objects.get().value) == 2

    def test_returning_asks_for_a_note_and_sends_the_report_back(self, world, alpha, api):  # noqa: F811
        field, coordinator = api(world.field_a), api(world.coordinator_a)
        report = field.post(
            f"{BASE}/indicators/R1/reports", {"period": "2024", "organization": "alpha-ngo", "value": "3"}
        ).json()["id"]
        field.post(f"{BASE}/reports/{report}/submit", {})
        events = AuditEvent.objects.count()
        assert_error(coordinator.post(f"{BASE}/reports/{report}/return", {"note": "  "}), 400, fields=["note"])
        assert ReportedValue.objects.get().status == ReportStatus.SUBMITTED and AuditEvent.objects.count() == events
        body = coordinator.post(f"{BASE}/reports/{report}/return", {"note": "Falta el acta."}).json()
        assert (body["status"], body["review_note"]) == ("returned", "Falta el acta.")
        # Back with its author, who corrects it; the value counts only once approved.
        assert field.patch(f"{BASE}/reports/{report}", {"value": "5"}).json()["value"] == "5"
        assert coordinator.get(f"{BASE}/indicators/R1/value").json()["value"] is None

    def test_funders_write_nothing(self, world, alpha, api):  # noqa: F811
        funder = api(world.funder_a)
        events = AuditEvent.objects.count()
        assert_error(funder.post(f"{BASE}/indicators/P1/targets", {"period": "2025", "value": "5"}), 403, "forbidden")
        assert_error(funder.patch(f"{BASE}/indicators/P1", {"name_es": "Otro"}), 403, "forbidden")
        assert_error(funder.delete(f"{BASE}/indicators/R1"), 403, "forbidden")
        response = funder.post(f"{BASE}/indicators/R1/reports", {"period": "2024", "organization": "gamma-fund",
                                                                  "value": "1"})  # fmt: skip
        assert_error(response, 403, "forbidden")
        assert Target.objects.count() == 1 and not ReportedValue.objects.exists()
        assert Indicator.objects.get(code="P1").name_es == "Mujeres y hombres alcanzados"
        assert AuditEvent.objects.count() == events


class TestNothingHalfWritten:
    def test_a_patch_with_one_bad_reference_changes_nothing(self, world, alpha, api):  # noqa: F811
        client = api(world.coordinator_a)
        events = AuditEvent.objects.count()
        response = client.patch(f"{BASE}/indicators/P1", {"name_es": "Cambiado", "territories": ["08", "99"]})
        assert_error(response, 400, fields=["territories"])
        indicator = Indicator.objects.get(code="P1")
        assert indicator.name_es == "Mujeres y hombres alcanzados" and not indicator.territories.exists()
        assert AuditEvent.objects.count() == events

    def test_an_indicator_the_model_refuses_is_not_created(self, world, alpha, api):  # noqa: F811
        response = api(world.coordinator_a).post(
            f"{BASE}/indicators",
            {"result": alpha["output"].pk, "code": "X1", "name_es": "Sin medida", "unit": "people",
             "source": "computed", "measure": "no_such_measure", "organizations": ["alpha-ngo"]},
        )  # fmt: skip
        assert_error(response, 400)
        assert not Indicator.objects.filter(code="X1").exists()

    def test_a_target_moved_into_a_locked_period_stays_where_it_was(self, world, alpha, api):  # noqa: F811
        field, coordinator = api(world.field_a), api(world.coordinator_a)
        target = coordinator.post(f"{BASE}/indicators/R1/targets", {"period": "2025", "value": "6"}).json()["id"]
        report = field.post(
            f"{BASE}/indicators/R1/reports", {"period": "2024", "organization": "alpha-ngo", "value": "2"}
        ).json()["id"]
        field.post(f"{BASE}/reports/{report}/submit", {})
        coordinator.post(f"{BASE}/reports/{report}/approve", {})
        response = coordinator.patch(f"{BASE}/targets/{target}", {"period": "2024-Q4", "value": "8"})
        assert_error(response, 409, "period_locked", fields=["period"])
        assert Target.objects.filter(pk=target).values_list("period_label", "value").get() == ("2025", Decimal(6))
        # A second report of the locked year is refused too.
        response = field.post(
            f"{BASE}/indicators/R1/reports", {"period": "2024-Q3", "organization": "alpha-ngo", "value": "1"}
        )
        assert_error(response, 409, "period_locked")
        assert ReportedValue.objects.count() == 1
