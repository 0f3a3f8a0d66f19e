"""The results API: live values and their splits from the records, what funders see, the framework's editing and
the reported values' flow, and its refusals in the API's one error shape with nothing written."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minka.activities.services import attendance_save
from minka.core.tests.test_api import Api, assert_error
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
