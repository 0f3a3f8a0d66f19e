"""In Chromium at phone width (360 px): a coordinator asks for a donor report from the program page, watches its
progress bar while the queue builds it, and downloads it when the page (polling with HTMX, no reload) offers the
link. Screenshots are kept as test artifacts."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from minka.reports.models import DonorReport, ReportStatus
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(os.environ.get("MINKA_TEST_ARTIFACTS", "var/test-artifacts"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_coordinator_asks_follows_and_downloads_a_report_on_a_phone(world, page):
    page.goto(reverse("login"))
    page.fill("#id_username", world.coordinator_a.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    page.goto(reverse("program_detail", args=[world.program_a.slug]))
    with page.expect_navigation():
        page.get_by_role("link", name="Informes para financiadores").click()

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "donor-report-form-360.png"), full_page=True)
    page.get_by_label("Desde").fill("2024-01-01")
    page.get_by_label("Hasta").fill("2024-12-31")
    page.get_by_label("Idioma").select_option("en")
    page.get_by_label("Excel (XLSX)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Pedir el informe").click()

    progress = page.locator("progress#report-progress")
    assert progress.is_visible() and progress.get_attribute("value") == "0"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "donor-report-queued-360.png"), full_page=True)

    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    assert DonorReport.objects.get().status == ReportStatus.DONE

    # The page asks for its status every second and swaps the download link in, without reloading.
    download = page.get_by_role("link", name="Descargar Excel (XLSX)")
    download.wait_for(timeout=5_000)
    assert not progress.count()
    page.screenshot(path=str(ARTIFACTS / "donor-report-done-360.png"), full_page=True)
    with page.expect_download() as file:
        download.click()
    assert file.value.suggested_filename == "alpha_20240101-20241231_en.xlsx"
