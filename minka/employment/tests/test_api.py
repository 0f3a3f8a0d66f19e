"""The job service's API: what each route answers, its rules answered as {message, code, fields} (never a 500,
nothing saved), and its scoping (funders and other organizations find nothing)."""

from functools import partial

import pytest

from minka.core.tests.test_api import Api, assert_error
from minka.employment.models import Application, Placement, Vacancy
from minka.employment.tests.test_pages import jobs_create, person_enrolled

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    return partial(Api, client)


@pytest.fixture
def jobs(world):
    return jobs_create(world)


def vacancy_body(jobs, **changes):
    body = {"employer": jobs.employer.pk, "title": "Mozo/a", "sector": "tourism", "district": "081201",
            "wage": "1025.50", "contract_type": "fixed_term", "hours_per_week": 48, "positions": 1,
            "opens_on": "2025-03-01", "required_skills": [jobs.cooking.pk]}  # fmt: skip
    return {**body, **changes}


def test_lists_are_scoped_and_carry_the_records(world, api, jobs):
    officer = api(world.field_a)
    seekers = officer.get("employment/seekers", program="alpha").json()
    assert seekers["count"] == 2
    yanet = next(item for item in seekers["items"] if item["id"] == jobs.seeker.pk)
    assert yanet["person"]["full_name"] == "Yanet Alfa Quispe"
    assert [skill["name"] for skill in yanet["skills"]] == ["Cocina"] and yanet["languages"] == ["es", "qu"]
    vacancies = officer.get("employment/vacancies", status="open").json()
    assert [v["title"] for v in vacancies["items"]] == ["Ayudante de cocina"]
    assert vacancies["items"][0]["wage"] == "1130.00" and vacancies["items"][0]["currency"] == "PEN"
    placements = officer.get("employment/placements").json()
    assert placements["count"] == 1 and placements["items"][0]["wage"] == "1200.00"
    employer = officer.get(f"employment/employers/{jobs.employer.pk}").json()
    assert employer["contacts"][0]["name"] == "Rosa Gerente" and employer["contacts"][0]["has_portal_login"] is False
    for outsider in (world.funder_a, world.field_b):
        assert api(outsider).get("employment/seekers").json()["count"] == 0
        assert_error(api(outsider).get(f"employment/vacancies/{jobs.vacancy.pk}"), 404, "not_found")


def test_matches_are_ranked_and_explained(world, api, jobs):
    person_enrolled(world, "Nilda Alfa")
    api(world.field_a).post(
        "employment/seekers",
        {"program": "alpha", "organization": "alpha-ngo", "person": person_enrolled(world, "Hilda Alfa").pk,
         "education_level": "secondary", "availability": "full_time", "skills": [jobs.cashier.pk]},
    )  # fmt: skip
    matches = api(world.field_a).get(f"employment/vacancies/{jobs.vacancy.pk}/matches").json()
    assert [m["person"]["full_name"] for m in matches] == ["Yanet Alfa Quispe", "Hilda Alfa Quispe"]
    assert matches[0]["score"] > matches[1]["score"]
    assert matches[0]["application"] == jobs.application.pk and matches[1]["application"] is None
    assert any("Cocina" in reason for reason in matches[1]["reasons"])  # her missing skill is named
    women_under_30 = api(world.field_a).get(f"employment/vacancies/{jobs.vacancy.pk}/matches", sex="M").json()
    assert women_under_30 == []


def test_a_vacancy_from_draft_to_a_hire(world, api, jobs):
    officer = api(world.field_a)
    response = officer.post("employment/vacancies", vacancy_body(jobs))
    assert response.status_code == 201, response.content
    vacancy = response.json()
    assert vacancy["status"] == "draft" and vacancy["wage"] == "1025.50"
    assert (
        officer.post(f"employment/vacancies/{vacancy['id']}/status", {"action": "publish"}).json()["status"] == "open"
    )
    shortlisted = officer.post(
        f"employment/vacancies/{vacancy['id']}/shortlist", {"seeker": jobs.seeker.pk, "on_date": "2025-03-01"}
    )
    assert shortlisted.status_code == 201
    application = shortlisted.json()
    assert application["state"] == "proposed" and application["score"] is not None
    moved = officer.post(
        f"employment/applications/{application['id']}/state", {"state": "applied", "on_date": "2025-03-02"}
    )
    assert moved.json()["applied_on"] == "2025-03-02"
    hired = officer.post(
        f"employment/applications/{application['id']}/placement", {"start_date": "2025-03-10", "wage": "1025.50"}
    )
    assert hired.status_code == 201 and hired.json()["contract_type"] == "fixed_term"
    assert Vacancy.objects.get(pk=vacancy["id"]).status == "filled"  # its one position is taken


def test_bad_input_is_a_clear_error_and_nothing_is_saved(world, api, jobs):
    officer = api(world.field_a)
    before = Vacancy.objects.count()
    assert_error(
        officer.post("employment/vacancies", vacancy_body(jobs, closes_on="2025-02-01")), 400, fields=["closes_on"]
    )
    assert_error(officer.post("employment/vacancies", vacancy_body(jobs, wage="-1")), 422)
    assert_error(officer.post("employment/vacancies", vacancy_body(jobs, district="999999")), 400)
    assert Vacancy.objects.count() == before
    # A placement straight from a proposal (she never applied) is refused.
    assert_error(
        officer.post(f"employment/applications/{jobs.application.pk}/placement", {"start_date": "2025-02-01",
                                                                                 "wage": "1000.00"}),
        400,
    )  # fmt: skip
    # Hiring is not a state change.
    assert_error(officer.post(f"employment/applications/{jobs.application.pk}/state", {"state": "hired"}), 400)
    assert Placement.objects.count() == 1
    assert Application.objects.get(pk=jobs.application.pk).state == "proposed"


def test_auditors_read_and_may_not_write(world, api, jobs):
    auditor = api(world.auditor_a)
    assert auditor.get(f"employment/vacancies/{jobs.vacancy.pk}").json()["title"] == "Ayudante de cocina"
    assert_error(auditor.post(f"employment/vacancies/{jobs.vacancy.pk}/status", {"action": "close"}), 403)
    assert Vacancy.objects.get(pk=jobs.vacancy.pk).status == "open"
