"""The partner's list (partner_list.py, 60 people here) through the pages in Chromium as a new user would: upload
the XLSX with its title row and the partner's own headers, see them matched (the consent column too), see each
mistake by row and column and the rows typed twice, download the error report, upload the corrected list,
commit, watch the progress finish; then upload the same list again and see nothing new."""

import csv
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from minka.imports import tasks
from minka.imports.models import ImportBatch, ImportStatus
from minka.imports.tests.partner_list import CONSENT_HEADER, partner_list
from minka.people.models import Participant
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload_and_review(page, path):
    page.goto(reverse("import_list"))
    with page.expect_navigation():
        page.get_by_role("link", name="Nueva importación").click()
    page.get_by_label("Qué datos trae el archivo").select_option("people")
    page.get_by_label("Archivo", exact=True).set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Subir y revisar las columnas").click()
    consent = page.get_by_label("Consentimiento (obligatoria)")
    assert consent.input_value() == CONSENT_HEADER  # matched without help; the user checks it and goes on
    with page.expect_navigation():
        page.get_by_role("button", name="Revisar el archivo").click()


def test_a_partners_list_through_the_pages(world, page, tmp_path, monkeypatch):
    monkeypatch.setattr(tasks, "BACKGROUND_ROWS", 1)  # through the queue, as the 2,000-row list goes
    broken, fixed = partner_list(60, seed=3), partner_list(60, seed=3, fixed=True)
    (tmp_path / "padron.xlsx").write_bytes(broken.content)
    (tmp_path / "padron-corregido.xlsx").write_bytes(fixed.content)

    page.goto(reverse("login"))
    page.fill("#id_username", world.field_a.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    upload_and_review(page, tmp_path / "padron.xlsx")

    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() == len(broken.errors) > 0
    shown = {int(errors.nth(i).locator("td").first.inner_text()) for i in range(errors.count())}
    assert shown == set(broken.errors)
    assert page.get_by_role("button", name="Importar").is_disabled()
    for row in broken.repeated_rows:
        assert page.get_by_text(f"Fila {row}: Repite la fila").count() == 1
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar el informe de errores (CSV)").click()
    report = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert {int(line[0]) for line in report[1:] if line and line[-1] != "repeated"} == set(broken.errors)

    page.get_by_label("Archivo corregido").set_input_files(str(tmp_path / "padron-corregido.xlsx"))
    with page.expect_navigation():
        page.get_by_role("button", name="Subir el archivo corregido").click()
    assert not page.locator("table.import-errors").count()
    with page.expect_navigation():
        page.get_by_role("button", name="Importar").click()
    assert page.locator("progress#import-progress").is_visible()
    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    page.get_by_text("60 registros nuevos").wait_for(timeout=5_000)
    assert "sigue en segundo plano" not in page.content()  # no notice left saying it is still running
    committed = ImportBatch.objects.get(status=ImportStatus.COMMITTED)
    assert committed.summary["created"] == 60 and Participant.objects.filter(registered_by=world.org_a).count() >= 60
    before = Participant.objects.count()

    upload_and_review(page, tmp_path / "padron-corregido.xlsx")
    cards = page.locator("main").inner_text()
    assert "Por crear\n0" in cards and "Ya estaban (sin cambios)\n60" in cards
    assert Participant.objects.count() == before
