"""In Chromium at phone width (360 px): a field officer uploads a list, fixes a header in the mapping, sees the
preview's errors, uploads the corrected file, commits, and watches the progress bar finish while the queue imports
it (the page polls with HTMX, no reload). Screenshots are kept as test artifacts."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from minka.imports import tasks
from minka.imports.models import ImportBatch, ImportStatus
from minka.imports.tests.test_pages import BAD, GOOD, HEADER
from minka.people.models import Participant
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(os.environ.get("MINKA_TEST_ARTIFACTS", "var/test-artifacts"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_upload_fix_a_header_correct_commit_and_watch_the_progress(world, page, tmp_path, monkeypatch):
    monkeypatch.setattr(tasks, "BACKGROUND_ROWS", 1)  # this small file goes through the queue, as a long one would
    broken, fixed = tmp_path / "lista.csv", tmp_path / "lista-corregida.csv"
    broken.write_text(HEADER + GOOD[0] + BAD, encoding="utf-8")
    fixed.write_text(HEADER + "".join(GOOD), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.goto(reverse("login"))
    page.fill("#id_username", world.field_a.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    page.goto(reverse("import_list"))
    with page.expect_navigation():
        page.get_by_role("link", name="Nueva importación").click()
    page.get_by_label("Qué datos trae el archivo").select_option("people")
    page.get_by_label("Archivo", exact=True).set_input_files(str(broken))
    with page.expect_navigation():
        page.get_by_role("button", name="Subir y revisar las columnas").click()

    assert "Faltan columnas obligatorias" in page.content()
    fits(page)
    page.screenshot(path=str(ARTIFACTS / "import-mapping-360.png"), full_page=True)
    page.get_by_label("Nombres (obligatoria)").select_option("Primer nombre")
    with page.expect_navigation():
        page.get_by_role("button", name="Revisar el archivo").click()

    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == 1 and "30/02/1985" in errors.first.inner_text()
    assert page.get_by_role("button", name="Importar").is_disabled()
    fits(page)
    page.screenshot(path=str(ARTIFACTS / "import-preview-errors-360.png"), full_page=True)

    page.get_by_label("Archivo corregido").set_input_files(str(fixed))
    with page.expect_navigation():
        page.get_by_role("button", name="Subir el archivo corregido").click()
    assert not page.locator("table.import-errors").count()
    with page.expect_navigation():
        page.get_by_role("button", name="Importar").click()

    progress = page.locator("progress#import-progress")
    assert progress.is_visible()
    fits(page)
    page.screenshot(path=str(ARTIFACTS / "import-queued-360.png"), full_page=True)
    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    assert ImportBatch.objects.get().status == ImportStatus.COMMITTED and Participant.objects.count() == 2

    page.get_by_text("2 registros nuevos").wait_for(timeout=5_000)
    assert not progress.count()
    page.screenshot(path=str(ARTIFACTS / "import-done-360.png"), full_page=True)
