"""In Chromium at phone width (360 px): a field officer takes a session's attendance, and the program's results
page counts the new person at once, with no rebuild step in between."""

import pytest
from django.urls import reverse

from minka.activities.services import attendance_save
from minka.results.tests.test_pages import framework_make, person_make, session_make
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username):
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_attendance_taken_on_a_phone_shows_on_the_results_page(world, page):
    rosa, juana, nelida = (person_make(world, name, "F", surname="Quispe") for name in ("Rosa", "Juana", "Nélida"))
    session = session_make(world)
    attendance_save(user=world.field_a, session=session, present_ids=[rosa.pk, juana.pk])
    framework_make(world)
    results = reverse("results_framework", args=[world.program_a.slug])
    reached = page.locator("#indicator-P1 td.value")

    log_in(page, "field_a")
    page.goto(results)
    assert reached.inner_text() == "2"
    assert "10,0 %" in page.locator("#indicator-P1").inner_text()  # 2 of a target of 20
    assert fits_the_phone(page)

    page.goto(reverse("session_attendance", args=[session.pk]))
    page.get_by_label(nelida.full_name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar asistencia").click()
    assert page.locator(".messages").inner_text() == "Asistencia guardada: 3 presentes."

    page.goto(results)
    assert reached.inner_text() == "3"
    assert "15,0 %" in page.locator("#indicator-P1").inner_text()

    # the indicator's page splits the figure and lists the people behind it
    with page.expect_navigation():
        page.locator("#indicator-P1").get_by_role("link", name="P1 Mujeres y hombres alcanzados").click()
    assert page.locator("#cell-F td.num").inner_text() == "3"
    assert fits_the_phone(page)
    with page.expect_navigation():
        page.locator("#cell-F").get_by_role("link").click()
    assert page.get_by_role("link", name=nelida.full_name).is_visible()
    assert fits_the_phone(page)
