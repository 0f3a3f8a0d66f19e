"""In Chromium at phone width: a credit officer sees PAR30 on the fund's page, opens the collection sheet of her
site, records the late borrower's payment, and sees PAR30 fall."""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from minka.credit.models import Installment, Transaction
from minka.credit.tests.conftest import credit_create
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(os.environ.get("MINKA_TEST_ARTIFACTS", "var/test-artifacts"))


def log_in(page, username):
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")


def par30(page, fund) -> Decimal:
    page.goto(reverse("credit:fund_detail", args=[fund.slug]))
    text = page.locator("dd.par30").inner_text().replace("\xa0", " ")
    return Decimal(text.removesuffix(" %"))


def test_collection_sheet_payments_bring_par30_down(world, page):
    today = timezone.localdate()
    credit = credit_create(world)
    # Rocío's credit: three monthly installments already due, the first over 60 days ago. Ana's: not yet due.
    late = credit.loan(
        amount="300",
        applied_on=today - datetime.timedelta(days=100),
        disbursed_on=today - datetime.timedelta(days=98),
        first_repayment_on=today - datetime.timedelta(days=68),
    )
    current = credit.loan(
        credit.borrower("Ana"),
        amount="300",
        applied_on=today - datetime.timedelta(days=5),
        disbursed_on=today - datetime.timedelta(days=3),
    )
    due = sum((row.outstanding for row in Installment.objects.filter(loan=late, due_date__lte=today)), Decimal("0.00"))
    log_in(page, "credit_a")

    before = par30(page, credit.fund)
    assert before == Decimal("50.00")  # 300 of 600 at risk

    page.get_by_role("link", name="Planilla de cobranza").click()
    page.locator("#id_site").select_option(label="CDE Urcos")
    page.fill("#id_date", today.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Ver planilla").click()
    rows = page.locator("table.collection tbody tr")
    assert rows.count() == 1  # Ana owes nothing yet
    row = rows.first
    assert late.number in row.inner_text()
    assert int(row.locator("td.late").inner_text()) >= 61
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "collection-sheet.png"), full_page=True)
    page.emulate_media(media="print")  # on paper: no menu, no filters, no buttons, the sheet alone
    assert not page.locator("header.top").is_visible()
    assert not page.get_by_role("button", name="Registrar los pagos").is_visible()
    assert page.locator("table.collection").is_visible()
    page.screenshot(path=str(ARTIFACTS / "collection-sheet-print.png"), full_page=True)
    page.emulate_media(media="screen")

    row.get_by_label(f"Monto pagado por {late.number}").fill(str(due))
    row.get_by_label(f"Recibo de {late.number}").fill("C-0001")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrar los pagos").click()
    assert "1 pagos registrados" in page.locator(".messages").inner_text()
    assert page.locator("table.collection tbody tr").count() == 0
    payment = Transaction.objects.get(loan=late, receipt="C-0001")
    assert payment.amount == due and payment.on_date == today
    assert not Transaction.objects.filter(loan=current, kind="repayment").exists()

    after = par30(page, credit.fund)
    assert after == Decimal("0.00") < before
    page.screenshot(path=str(ARTIFACTS / "collection-fund-after.png"), full_page=True)
