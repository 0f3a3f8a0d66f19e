"""Fund pages: the books balance on the page, the collection sheet lists and records exactly what it should (all or
nothing, once), products refuse bad terms, and no one outside the fund sees any of it."""

import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka.accounts.models import Membership, OrganizationRole
from minka.credit import ledger, loans, services, tasks
from minka.credit.models import Account, Fund, Installment, Loan, LoanProduct, LoanStatus, Transaction
from minka.network.models import Site
from minka.testing import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
SHEET_DAY = D(2025, 3, 10)  # the second installment of a loan disbursed on 10 January falls due


def body(response) -> str:
    html = response.content.decode().replace("\xa0", " ")
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return html


def cell(html: str, css_class: str) -> str:
    """The text of the first element with `css_class`, tags stripped."""
    match = re.search(rf'class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</(td|dd|p|span)>', html, re.S)
    assert match, f"no .{css_class} on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def sheet_loans(html: str) -> list[str]:
    return re.findall(r'<tr data-loan="([^"]+)"', html)


def sheet_token(html: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]{32})"', html).group(1)


def sheet_url(fund, site, day=SHEET_DAY) -> str:
    return f"{reverse('credit:collection_sheet', args=[fund.slug])}?site={site.pk}&date={day.isoformat()}"


def outstanding(loan, on) -> Decimal:
    rows = Installment.objects.filter(loan=loan, superseded=False, due_date__lte=on)
    return sum((row.outstanding for row in rows), Decimal("0.00"))


def pay_installment(credit, loan, number, on_date=None):
    row = loan.installments.get(number=number, superseded=False)
    return loans.record_repayment(
        user=credit.maker, loan=loan, amount=row.outstanding, on_date=on_date or row.due_date, receipt=f"R-{number}"
    )


# The books ------------------------------------------------------------------------------------------------------


def test_trial_balance_page_shows_equal_totals_after_every_kind_of_movement(credit, login):
    loan = credit.loan(amount="300", repayments=6)
    first = loan.installments.get(number=1)
    pay_installment(credit, loan, 1)
    services.add_expense(
        user=credit.world.admin_a,
        fund=credit.fund,
        data={"amount": "45.50", "spent_on": D(2025, 2, 15), "description": "Pasajes al penal"},
    )
    response = login(credit.world.admin_a).get(reverse("credit:fund_ledger", args=[credit.fund.slug]))
    assert response.status_code == 200
    html = body(response)
    # Capital 10,000 and the interest received on the credit side; cash, loans and expenses on the debit side.
    expected = f"S/ {Decimal('10000') + first.interest:,.2f}"
    assert cell(html, "total-debit") == expected
    assert cell(html, "total-credit") == expected
    assert "El debe y el haber suman lo mismo" in html
    for memo in ("Aporte de capital de Fundación Gamma", "Pasajes al penal", loan.number):
        assert memo in html
    cash = Decimal("10000") - Decimal("300") + first.principal + first.interest - Decimal("45.50")
    assert f"S/ {cash:,.2f}" in html  # the cash line of the trial balance

    # On a day before the expense and the repayment, only capital and the disbursement.
    response = login(credit.world.admin_a).get(
        reverse("credit:fund_ledger", args=[credit.fund.slug]), {"date": "2025-01-31"}
    )
    html = body(response)
    assert cell(html, "total-debit") == cell(html, "total-credit") == "S/ 10,000.00"
    assert "Pasajes al penal" not in html


def test_fund_page_shows_cash_capital_products_and_quality(credit, login):
    loan = credit.loan(amount="300", repayments=6)
    html = body(login(credit.world.credit_a).get(reverse("credit:fund_detail", args=[credit.fund.slug])))
    assert cell(html, "cash") == "S/ 9,700.00"
    assert cell(html, "capital") == "S/ 10,000.00"
    assert cell(html, "glp") == "S/ 300.00"  # never repaid: all of it outstanding, and all of it late
    assert cell(html, "par30") == "100.00 %"
    assert "S/ 300.00 → S/ 500.00 → S/ 1,000.00 → S/ 1,500.00 → S/ 2,000.00" in html
    assert f"/credito/creditos/?fund={credit.fund.pk}" in html
    assert "Nuevo producto" not in html  # a credit officer operates the fund but does not manage it
    # As of the day it was disbursed, the loan is current.
    html = body(
        login(credit.world.credit_a).get(
            reverse("credit:fund_detail", args=[credit.fund.slug]), {"date": loan.disbursed_on.isoformat()}
        )
    )
    assert cell(html, "par30") == "0.00 %"
    assert cell(html, "active-borrowers") == "1"


def test_portfolio_page_groups_by_site_officer_and_product(credit, login):
    credit.loan(amount="300", repayments=6)
    response = login(credit.world.admin_a).get(
        reverse("credit:fund_portfolio", args=[credit.fund.slug]), {"date": "2025-04-15"}
    )
    html = body(response)
    assert "CDE Urcos" in html
    assert "Crédito solidario" in html
    assert "Credit_a" in html  # the officer, by name
    assert "De 61 a 90 días" in html  # the first installment, due 10 Feb, is 64 days late
    trend = html[html.index('<table class="trend">') :]
    trend = trend[: trend.index("</table>")]
    assert trend.count("<tr>") == 13  # the heading and a year of month ends, the last one the day asked for
    assert "15/04/2025" in trend and "31/05/2024" in trend


# The collection sheet -------------------------------------------------------------------------------------------


@pytest.fixture
def sheet(credit):
    """At CDE Urcos on 10 March 2025: Rocío owes her February installment and March's; Ana paid February and owes
    March's. Not on the sheet: Berta (first installment due 20 March), Carla (another site), Dora (paid off)."""
    world = credit.world
    rocio = credit.loan(credit.borrowers[0])
    ana = credit.loan(credit.borrower("Ana"))
    pay_installment(credit, ana, 1)
    berta = credit.loan(credit.borrower("Berta"), applied_on=D(2025, 2, 17), disbursed_on=D(2025, 2, 20))
    carla = credit.loan(credit.borrower("Carla"))
    prison = Site.objects.create(
        organization=world.org_a, name="Penal de Trujillo", kind="prison", district_id="130101"
    )
    Loan.objects.filter(pk=carla.pk).update(site=prison)
    dora = credit.loan(credit.borrower("Dora"))
    loans.pay_off(user=credit.maker, loan=dora, on_date=D(2025, 2, 1), receipt="P-1")
    return {"rocio": rocio, "ana": ana, "berta": berta, "carla": carla, "dora": dora, "prison": prison}


def test_collection_sheet_lists_exactly_the_due_and_late_loans_of_the_site(credit, sheet, login):
    client = login(credit.world.credit_a)
    html = body(client.get(sheet_url(credit.fund, credit.world.site_a)))
    rocio, ana = sheet["rocio"], sheet["ana"]
    assert sheet_loans(html) == [ana.number, rocio.number]  # by borrower: Ana, then Rocío
    row = html[html.index(f'data-loan="{rocio.number}"') :]
    row = row[: row.index("</tr>")]
    assert ">28<" in row  # days late: the February installment, due on the 10th
    assert "1, 2" in row
    assert f"S/ {outstanding(rocio, SHEET_DAY):,.2f}" in row
    assert "Rocío Prueba" in row
    # The prison's sheet has Carla only; the day before, Ana owes nothing yet.
    html = body(client.get(sheet_url(credit.fund, sheet["prison"])))
    assert sheet_loans(html) == [sheet["carla"].number]
    html = body(client.get(sheet_url(credit.fund, credit.world.site_a, D(2025, 3, 9))))
    assert sheet_loans(html) == [rocio.number]


def test_collection_sheet_records_every_payment_once(credit, sheet, login):
    client = login(credit.world.credit_a)
    url = sheet_url(credit.fund, credit.world.site_a)
    token = sheet_token(body(client.get(url)))
    rocio, ana = sheet["rocio"], sheet["ana"]
    rocio_due = outstanding(rocio, SHEET_DAY)
    before = Transaction.objects.count()
    form = {
        "token": token,
        f"amount_{rocio.pk}": str(rocio_due),
        f"receipt_{rocio.pk}": "C-101",
        f"amount_{ana.pk}": "20",
        f"receipt_{ana.pk}": "C-102",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    assert Transaction.objects.count() == before + 2
    paid = Transaction.objects.get(loan=rocio, receipt="C-101")
    assert (paid.amount, paid.on_date, paid.recorded_by) == (rocio_due, SHEET_DAY, credit.world.credit_a)
    assert Transaction.objects.get(loan=ana, receipt="C-102").amount == Decimal("20.00")
    html = body(client.get(response.url))
    assert "2 pagos registrados por" in html
    assert sheet_loans(html) == [ana.number]  # Rocío is up to date; Ana still owes the rest of March
    # The same sheet sent again (a double tap, a reload) records nothing more.
    response = client.post(url, form)
    assert response.status_code == 302
    assert Transaction.objects.count() == before + 2
    assert "ya estaban registrados" in body(client.get(response.url))
    assert loans.principal_outstanding(rocio) < Decimal("300")
    assert ledger.trial_balance(credit.fund).balanced


def test_a_bad_row_records_none_of_the_sheet(credit, sheet, login):
    client = login(credit.world.credit_a)
    url = sheet_url(credit.fund, credit.world.site_a)
    token = sheet_token(body(client.get(url)))
    rocio, ana = sheet["rocio"], sheet["ana"]
    before = Transaction.objects.count()
    response = client.post(url, {"token": token, f"amount_{rocio.pk}": "50", f"amount_{ana.pk}": "-3"})
    assert response.status_code == 200
    assert Transaction.objects.count() == before
    html = body(response)
    row = html[html.index(f'data-loan="{ana.number}"') :]
    assert 'class="error"' in row[: row.index("</tr>")]
    assert 'value="50"' in html  # the good row keeps what was typed

    # A row the service refuses (Ana's loan was paid off by someone else meanwhile): the other is rolled back.
    loans.pay_off(user=credit.maker, loan=ana, on_date=SHEET_DAY, receipt="P-2")
    before = Transaction.objects.count()
    response = client.post(url, {"token": token, f"amount_{rocio.pk}": "50", f"amount_{ana.pk}": "30"})
    assert response.status_code == 200
    assert Transaction.objects.count() == before
    assert not Transaction.objects.filter(loan=rocio, kind="repayment").exists()
    assert f"{ana.number}: El crédito ya está cancelado" in body(response)


def test_collection_sheet_is_printable(credit, sheet, login):
    html = body(login(credit.world.credit_a).get(sheet_url(credit.fund, credit.world.site_a)))
    assert "@media print" in html
    print_rules = html[html.index("@media print") :]
    assert ".top" in print_rules and "display: none" in print_rules
    assert 'onclick="window.print()"' in html


# Forms -------------------------------------------------------------------------------------------------------------


def product_form(**changes):
    values = {
        "name": "Crédito penal",
        "min_amount": "100",
        "max_amount": "2000",
        "annual_rate": "18",
        "max_annual_rate": "24",
        "min_repayments": "1",
        "max_repayments": "12",
        "default_repayments": "6",
        "every": "1",
        "frequency": "months",
        "method": "declining",
        "amortization": "equal_installments",
        "interest_period": "same_as_repayment",
        "days_in_year": "actual",
        "days_in_month": "actual",
        "schedule_type": "cumulative",
        "rounding": "half_even",
        "installment_multiple": "",
        "grace_principal": "0",
        "grace_interest": "0",
        "interest_free": "0",
        "fee_per_installment": "0",
        "penalty_percent": "0",
        "penalty_grace_days": "0",
        "allocation_order": "penalties_fees_interest_principal",
        "ladder_max_days_late": "5",
        "steps": "300, 500, 1000",
    }
    return values | changes


def test_product_form_rejects_a_rate_over_the_maximum_and_unordered_steps(credit, login):
    client = login(credit.world.admin_a)
    url = reverse("credit:product_create", args=[credit.fund.slug])
    response = client.post(url, product_form(annual_rate="30"))
    assert response.status_code == 200
    assert "Supera la tasa máxima del producto." in body(response)
    response = client.post(url, product_form(steps="500, 300, 1000"))
    assert response.status_code == 200
    assert "Los escalones deben ir de menor a mayor" in body(response)
    response = client.post(url, product_form(steps="50, 300"))  # below the product's minimum: the service says so
    assert response.status_code == 200
    assert "Cada escalón debe estar entre el monto mínimo y el máximo" in body(response)
    assert not LoanProduct.objects.filter(name="Crédito penal").exists()

    response = client.post(url, product_form())
    assert response.status_code == 302
    product = LoanProduct.objects.get(name="Crédito penal")
    assert [step.amount for step in product.steps.all()] == [Decimal("300"), Decimal("500"), Decimal("1000")]
    assert product.ladder_max_days_late == 5
    edit = reverse("credit:product_edit", args=[credit.fund.slug, product.pk])
    assert 'value="300, 500, 1000"' in body(client.get(edit))
    response = client.post(edit, product_form(steps="300, 600", annual_rate="20"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.annual_rate == Decimal("20")
    assert [step.amount for step in product.steps.all()] == [Decimal("300"), Decimal("600")]


def test_fund_contribution_and_expense_forms_post_to_the_books(credit, login):
    client = login(credit.world.admin_a)
    slug = credit.fund.slug
    response = client.post(
        reverse("credit:contribution_create", args=[slug]),
        {"donor_name": "Parroquia San José", "amount": "2500", "received_on": "2025-02-01", "reference": "DEP-9"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("credit:expense_create", args=[slug]),
        {"amount": "999999", "spent_on": "2025-02-02", "description": "Demasiado"},
    )
    assert response.status_code == 200
    assert "El fondo tiene" in body(response)
    balances = ledger.balances(credit.fund)
    assert balances[Account.CAPITAL] == Decimal("-12500.00")
    assert balances[Account.OPERATING_EXPENSES] == 0
    response = client.post(reverse("credit:contribution_create", args=[slug]), {"amount": "10"})
    assert response.status_code == 200
    assert "Indique quién aporta el capital." in body(response)


def test_fund_create_and_edit(world, login):
    client = login(world.admin_a)
    response = client.post(
        reverse("credit:fund_create"),
        {
            "organization": world.org_a.pk,
            "program": world.program_a.pk,
            "name": "Fondo del penal",
            "slug": "fondo-penal",
            "currency": "PEN",
            "arrears_buckets": "30,60,90",
            "officers": [world.credit_a.pk],
        },
    )
    assert response.status_code == 302
    fund = Fund.objects.get(slug="fondo-penal")
    assert list(fund.officers.all()) == [world.credit_a]
    response = client.post(
        reverse("credit:fund_edit", args=[fund.slug]),
        {"program": world.program_a.pk, "name": "Fondo del penal", "slug": "fondo-penal", "arrears_buckets": "60,30"},
    )
    assert response.status_code == 200
    assert "Escriba días crecientes" in body(response)
    # org B's admin cannot open a fund for org A.
    response = login(world.admin_b).post(
        reverse("credit:fund_create"),
        {"organization": world.org_a.pk, "name": "X", "slug": "x", "currency": "PEN", "arrears_buckets": "30"},
    )
    assert response.status_code == 200
    assert not Fund.objects.filter(slug="x").exists()


def test_close_of_day_button_and_command(credit, login):
    loan = credit.loan(amount="300", repayments=6)
    response = login(credit.world.credit_a).post(reverse("credit:close_day", args=[credit.fund.slug]))
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.overdue_since == D(2025, 2, 10)
    assert loan.days_in_arrears > 30
    out = StringIO()
    call_command("credit", "close-day", "--as-of", "2025-03-01", "--fund", credit.fund.slug, stdout=out)
    assert "1 créditos vigentes, 1 con atraso" in out.getvalue()
    assert login(credit.world.auditor_a).post(reverse("credit:close_day", args=[credit.fund.slug])).status_code == 403
    with pytest.raises(CommandError):
        call_command("credit", "close-day", "--as-of", "1 de marzo", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("credit", "close-day", "--fund", "no-existe", stdout=StringIO())


# The worker closes its database connection when its batch is done: only a test outside a transaction survives it.
@pytest.mark.django_db(transaction=True)
def test_close_of_day_runs_from_the_queue(credit):
    loan = credit.loan(amount="300", repayments=6)
    result = tasks.close_day.enqueue("2025-02-20", credit.fund.pk)
    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    assert tasks.close_day.get_result(result.id).return_value == {
        "as_of": "2025-02-20",
        "loans": 1,
        "in_arrears": 1,
        "penalties": 0,
    }
    loan.refresh_from_db()
    assert (loan.overdue_since, loan.days_in_arrears) == (D(2025, 2, 10), 10)


# Who sees what ------------------------------------------------------------------------------------------------------


def pages(credit, loan):
    slug = credit.fund.slug
    return [
        ("get", reverse("credit:fund_detail", args=[slug])),
        ("get", reverse("credit:fund_edit", args=[slug])),
        ("post", reverse("credit:fund_edit", args=[slug])),
        ("get", reverse("credit:contribution_create", args=[slug])),
        ("post", reverse("credit:expense_create", args=[slug])),
        ("get", reverse("credit:product_create", args=[slug])),
        ("post", reverse("credit:product_edit", args=[slug, credit.product.pk])),
        ("get", reverse("credit:fund_ledger", args=[slug])),
        ("get", reverse("credit:fund_portfolio", args=[slug])),
        ("get", reverse("credit:loan_statement", args=[slug, loan.pk])),
        ("post", reverse("credit:close_day", args=[slug])),
        ("get", sheet_url(credit.fund, credit.world.site_a)),
        ("post", sheet_url(credit.fund, credit.world.site_a)),
    ]


def test_outsiders_and_officers_of_another_fund_get_404(credit, login):
    world = credit.world
    loan = credit.loan(amount="300")
    other_officer = UserFactory(username="credit_a2")
    Membership.objects.create(user=other_officer, organization=world.org_a, role=OrganizationRole.CREDIT_OFFICER)
    services.create_fund(
        user=world.admin_a,
        data={"organization": world.org_a, "slug": "fondo-otro", "name": "Otro fondo"},
        officers=[other_officer],
    )
    for user in (other_officer, world.admin_b, world.field_b, world.funder_a, world.nobody):
        client = login(user)
        for method, url in pages(credit, loan):
            assert getattr(client, method)(url).status_code == 404, (user.username, method, url)
        assert "Fondo Alfa" not in body(client.get(reverse("credit:fund_list")))
    assert "Otro fondo" in body(login(other_officer).get(reverse("credit:fund_list")))
    assert Transaction.objects.filter(loan=loan).count() == 1  # the disbursement only


def test_readers_and_officers_are_refused_what_they_may_not_change(credit, login):
    loan = credit.loan(amount="300")
    slug = credit.fund.slug
    auditor = login(credit.world.auditor_a)
    assert auditor.get(reverse("credit:fund_ledger", args=[slug])).status_code == 200
    assert auditor.get(reverse("credit:loan_statement", args=[slug, loan.pk])).status_code == 200
    token = "0" * 32
    response = auditor.post(sheet_url(credit.fund, credit.world.site_a), {"token": token, f"amount_{loan.pk}": "5"})
    assert response.status_code == 403
    officer = login(credit.world.credit_a)
    for name in ("product_create", "contribution_create", "expense_create", "fund_edit"):
        assert officer.get(reverse(f"credit:{name}", args=[slug])).status_code == 403
    assert Transaction.objects.filter(loan=loan).count() == 1
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.ACTIVE


def test_every_page_renders_for_the_fund_admin(credit, login):
    loan = credit.loan(amount="300")
    pay_installment(credit, loan, 1)
    client = login(credit.world.admin_a)
    slug = credit.fund.slug
    headings = {
        reverse("credit:fund_list"): "Fondos de crédito",
        reverse("credit:fund_create"): "Nuevo fondo",
        reverse("credit:fund_edit", args=[slug]): "Editar fondo",
        reverse("credit:contribution_create", args=[slug]): "Registrar aporte de capital",
        reverse("credit:expense_create", args=[slug]): "Registrar gasto operativo",
        reverse("credit:product_create", args=[slug]): "Nuevo producto de crédito",
        reverse("credit:product_edit", args=[slug, credit.product.pk]): "Editar producto de crédito",
        reverse("credit:fund_ledger", args=[slug]): "Libro del fondo y balance de comprobación",
        reverse("credit:fund_portfolio", args=[slug]): "Cartera al",
        reverse("credit:loan_statement", args=[slug, loan.pk]): f"Estado de cuenta del crédito {loan.number}",
        reverse("credit:collection_sheet", args=[slug]): "Planilla de cobranza",
    }
    for url, heading in headings.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert re.search(rf"<h1>\s*{re.escape(heading)}", body(response)), url
    html = body(client.get(reverse("credit:loan_statement", args=[slug, loan.pk])))
    first = loan.installments.get(number=1)
    assert cell(html, "principal-balance") == f"S/ {Decimal('300') - first.principal:,.2f}"
    assert "R-1" in html
    html = body(client.get(reverse("credit:fund_detail", args=[slug])))
    assert "Nuevo producto" in html and "Cerrar el día" in html


def test_collection_sheet_queries_do_not_grow_with_its_rows(credit, login):
    client = login(credit.world.credit_a)
    credit.loan()
    url = sheet_url(credit.fund, credit.world.site_a)
    with CaptureQueriesContext(connection) as one:
        assert len(sheet_loans(body(client.get(url)))) == 1
    for name in ("Ana", "Berta", "Carla"):
        credit.loan(credit.borrower(name))
    with CaptureQueriesContext(connection) as four:
        assert len(sheet_loans(body(client.get(url)))) == 4
    assert len(four) == len(one)


@pytest.mark.django_db(transaction=True)
def test_the_close_of_day_is_queued_once_a_day_while_loans_are_behind_it(credit):
    from minka.credit import nightly

    credit.loan(amount="300", repayments=6)
    assert nightly.enqueue_if_due(D(2025, 2, 20))
    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    assert not nightly.enqueue_if_due(D(2025, 2, 20)), "the day is closed: nothing more to queue"
    assert nightly.enqueue_if_due(D(2025, 2, 21))


def test_the_sheet_opens_on_the_site_where_the_fund_has_loans_running(credit, login):
    Site.objects.create(
        organization=credit.world.org_a, name="Agencia A, sin créditos", kind="agency", district_id="081201"
    )
    credit.loan(amount="300", repayments=6)
    response = login(credit.maker).get(reverse("credit:collection_sheet", args=[credit.fund.slug]))
    assert response.context["site"] == credit.world.site_a
