"""In Chromium at phone width: a field officer goes from the program page to its field forms and downloads the
attendance XLSForm, which pyxform converts."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from pyxform.xls2xform import convert

from minka.testing import TEST_PASSWORD, field_records_create

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(os.environ.get("MINKA_TEST_ARTIFACTS", "var/test-artifacts"))


def test_field_officer_downloads_a_form_from_the_program_page(world, page, tmp_path):
    field_records_create(world)
    page.goto(reverse("login"))
    page.fill("#id_username", "field_a")
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    page.goto(reverse("program_detail", args=["alpha"]))
    with page.expect_navigation():
        page.get_by_role("link", name="Formularios de campo").click()
    assert page.locator("h1").inner_text() == "Formularios de campo"
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "fieldforms-list-360.png"), full_page=True)
    row = page.locator("li.card", has_text="Asistencia a una sesión")
    with page.expect_download() as download:
        row.get_by_role("link", name="XLSForm (Kobo, ODK)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("minka_attendance_alpha-")
    assert "Taller secreto de Alfa" in convert(xlsform=saved).xform
