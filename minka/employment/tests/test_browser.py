"""In Chromium at phone width (360 px): a field officer publishes a vacancy, shortlists its top match, records her
application and her hire, and sees the program's "people placed" indicator and the job service's summary count
her. Screenshots are kept as test artifacts (in $MINKA_TEST_ARTIFACTS, else var/test-artifacts/)."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from minka.employment import services
from minka.employment.models import ApplicationState, Placement
from minka.employment.tests.test_pages import START, jobs_create
from minka.results.models import Indicator, Result
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(os.environ.get("MINKA_TEST_ARTIFACTS", "var/test-artifacts"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways"


def placed_indicator(world):
    result = Result.objects.create(
        program=world.program_a, level="outcome", code="2", statement_es="Jóvenes con empleo digno"
    )
    return Indicator.objects.create(
        result=result, code="E1", name_es="Personas colocadas", unit="people", source="computed",
        measure="employment_people_placed", cumulative=True,
    )  # fmt: skip


def indicator_value(page, world) -> str:
    page.goto(reverse("results_framework", args=[world.program_a.slug]))
    return page.locator("#indicator-E1 td.value").inner_text().strip()


def test_publish_shortlist_the_top_match_hire_and_see_the_indicator_move(world, page):
    jobs = jobs_create(world)  # one earlier hire (Wilber, on the cashier vacancy)
    placed_indicator(world)
    draft = services.vacancy_create(
        user=world.field_a,
        data={"employer": jobs.employer, "title": "Cocinera/o de hotel", "sector": "tourism",
              "district": jobs.employer.district, "wage": Decimal("1300.00"), "contract_type": "fixed_term",
              "hours_per_week": 48, "opens_on": START, "required_skills": [jobs.cooking]},
    )  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.goto(reverse("login"))
    page.fill("#id_username", world.field_a.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    assert indicator_value(page, world) == "1"

    # Publish the draft.
    page.goto(reverse("employment:vacancy_detail", args=[world.program_a.slug, draft.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Publicar").click()
    assert "Vacante publicada" in page.content()
    assert page.locator("h1 .badge").inner_text() == "Abierta"
    fits(page)

    # Shortlist the top match: Yanet cooks, and is the only one still looking.
    with page.expect_navigation():
        page.get_by_role("link", name="Ver candidatos").click()
    top = page.locator("li.match").first
    assert "Yanet Alfa" in top.inner_text() and "Cocina" in top.inner_text()
    fits(page)
    page.screenshot(path=str(ARTIFACTS / "employment-matches-360.png"), full_page=True)
    with page.expect_navigation():
        top.get_by_role("button", name="Preseleccionar").click()
    assert "está en la preselección" in page.content()

    # Her application: she applied, then the hire.
    page.goto(reverse("employment:vacancy_detail", args=[world.program_a.slug, draft.pk]))
    with page.expect_navigation():
        page.locator("table.applications").get_by_role("link", name="Yanet Alfa Quispe").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Cambiar estado").click()
    page.get_by_label("Nuevo estado").select_option("applied")
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Registrar contratación").click()
    fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar").click()
    assert "Contratación de Yanet Alfa Quispe registrada" in page.content()
    assert page.locator("h1 .badge").inner_text() == "Contratada/o"
    page.screenshot(path=str(ARTIFACTS / "employment-hired-360.png"), full_page=True)
    placement = Placement.objects.get(application__vacancy=draft)
    assert placement.application.state == ApplicationState.HIRED and placement.wage == Decimal("1300.00")

    # The program counts her.
    page.goto(reverse("employment:home", args=[world.program_a.slug]))
    assert page.locator("#placement-count").inner_text() == "2"
    assert indicator_value(page, world) == "2"
    fits(page)
    page.screenshot(path=str(ARTIFACTS / "employment-results-360.png"), full_page=True)
