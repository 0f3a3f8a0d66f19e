"""In Chromium at phone width (360 px): a field officer takes a session's attendance and sees the person's history
change."""

import pytest
from django.urls import reverse

from minka.activities.models import Attendance
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


def test_take_attendance_on_a_phone_and_see_the_history_change(world, activity_a, people_a, page):
    rosa, juana, nelida = people_a["enrolled"]
    teodora = people_a["walk_in"]
    session = activity_a.sessions.order_by("date").first()
    log_in(page, "field_a")
    page.goto(reverse("session_attendance", args=[session.pk]))
    assert fits_the_phone(page)
    count = page.locator(".att-count")
    assert count.inner_text() == "0 de 3 presentes"

    # the filter box narrows the list as she types, accents or not
    page.fill("#roster-filter", "nelida")
    assert page.locator("#roster li:visible").count() == 1
    page.fill("#roster-filter", "")
    assert page.locator("#roster li:visible").count() == 3

    page.get_by_label("Rosa Huamán").check()
    page.get_by_label("Juana Condori").check()
    assert count.inner_text() == "2 de 3 presentes"  # counted as she ticks
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar asistencia").click()
    assert page.locator(".messages").inner_text() == "Asistencia guardada: 2 presentes."
    assert count.inner_text() == "2 de 3 presentes"
    assert page.get_by_label("Rosa Huamán").is_checked() and not page.get_by_label("Nélida Apaza").is_checked()
    assert fits_the_phone(page)

    # a walk-in, found by name, joins the list; not enrolled, she is enrolled when the officer says so
    page.fill("#walkin-search", "teodora")
    walk_in = page.locator("#walkin-results").get_by_label("Teodora Ccama")
    walk_in.check()
    assert page.locator("#roster").get_by_label("Teodora Ccama").is_checked()
    assert count.inner_text() == "3 de 4 presentes"
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar asistencia").click()
    assert "No están inscritas en el programa: Teodora Ccama." in page.locator(".errors").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Inscribir y guardar").click()
    assert count.inner_text() == "3 de 4 presentes"
    saved = set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))
    assert saved == {rosa.pk, juana.pk, teodora.pk}

    # the activity shows each person's sessions, and her profile shows the activity
    page.goto(reverse("activity_detail", args=[activity_a.pk]))
    assert fits_the_phone(page)
    assert "1 de 4" in page.locator(f"#participant-{rosa.pk}").inner_text()
    assert page.locator(f"#participant-{nelida.pk}").count() == 0
    with page.expect_navigation():
        page.locator(f"#participant-{rosa.pk}").get_by_role("link", name="Rosa Huamán").click()
    assert page.url.endswith(reverse("person_detail", args=[rosa.pk]))
    history = page.get_by_role("row", name="Taller de costos")
    assert "1 de 4" in history.inner_text()
    assert fits_the_phone(page)
