"""In Chromium at phone width: the project list filters reload only the table, and program pages fit the screen."""

import pytest
from django.urls import reverse

from minka.testing import TEST_PASSWORD, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username):
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_project_filters_reload_the_table_on_a_phone(world, page):
    nieva = ProjectFactory(
        program=world.program_a, code="alfa-nieva", title_es="Empleo en Nieva", lead_organization=world.org_a
    )
    nieva.territories.set(["0104"])
    log_in(page, "admin_a")
    page.goto(reverse("project_list"))
    assert fits_the_phone(page)
    assert page.locator("#project-table").get_by_text("Empleo en Nieva").count() == 1
    page.evaluate("document.querySelector('h1').dataset.marker = 'kept'")  # gone if the whole page reloads
    page.select_option("#id_territory", "0812")
    page.wait_for_url("**territory=0812**")
    page.locator("#project-table").get_by_text("Empleo en Nieva").wait_for(state="detached")
    assert page.locator("#project-table").get_by_text("Emprendimientos en Quispicanchi").count() == 1
    assert page.evaluate("document.querySelector('h1').dataset.marker") == "kept"


def test_program_and_project_pages_fit_a_phone(world, page):
    log_in(page, "coordinator_a")
    for url in (
        reverse("program_detail", args=["alpha"]),
        reverse("project_detail", args=["alpha", "alfa-quispicanchi"]),
        reverse("project_create", args=["alpha"]),
        reverse("initiative_list", args=["alpha"]),
    ):
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert fits_the_phone(page), url
