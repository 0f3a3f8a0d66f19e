"""In Chromium at phone width: a coordinator resolves a duplicate, then undoes the merge."""

import pytest
from django.urls import reverse

from minka.people.models import Merge, Participant
from minka.people.tests.test_duplicates import planted  # noqa: F401
from minka.people.tests.test_duplicates_pages import duplicate_urls, queue  # noqa: F401
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


def test_resolve_a_duplicate_on_a_phone(world, queue, page):  # noqa: F811
    log_in(page, "coord_a")
    page.goto(reverse("duplicate_list"))
    assert fits_the_phone(page)
    page.get_by_role("link", name="María Quispe Huamán y Maria Quispe Huaman").click()
    page.get_by_text("¿Es la misma persona?").wait_for()
    assert fits_the_phone(page)
    page.get_by_label("Sí, es la misma persona: fusionar los registros").check()
    page.get_by_label("Maria Quispe Huaman · Asociación Beta").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar decisión").click()
    page.get_by_text("Registros fusionados: se conserva el de Maria Quispe Huaman.").wait_for()
    assert fits_the_phone(page)
    assert Participant.objects.get(pk=queue["maria_a"].pk).merged_into_id == queue["maria_b"].pk

    page.get_by_role("link", name="Deshacer").click()
    page.get_by_text("El registro de María Quispe Huamán fue fusionado").wait_for()
    assert fits_the_phone(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Deshacer fusión").click()
    page.get_by_text("Fusión deshecha").wait_for()
    assert Merge.objects.get().undone_at is not None
    assert not Participant.objects.filter(merged_into__isnull=False).exists()
