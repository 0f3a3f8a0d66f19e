"""The credit API: a loan's life over HTTP, the bad input it refuses without posting anything, idempotent
repayments, and who sees (and may do) what."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minka.accounts.models import Membership, OrganizationRole
from minka.core.tests.test_api import Api, assert_error
from minka.credit import loans, services
from minka.credit.models import JournalEntry, Loan, LoanEvent, LoanStatus, Transaction
from minka.credit.tests.conftest import credit_create
from minka.testing import UserFactory

D = datetime.date


@pytest.fixture
def api(client):
    def make(user=None, **headers):
        return Api(client, user, **headers)

    return make


def books():
    """What a refused request must leave as it was: loans, money movements, journal entries, events."""
    return (Loan.objects.count(), Transaction.objects.count(), JournalEntry.objects.count(), LoanEvent.objects.count())


def application(credit, **changes):
    body = {
        "product": credit.product.pk,
        "borrower": credit.borrowers[0].pk,
        "amount": "300.00",
        "repayments": 3,
        "use_category": "raw_materials",
        "use_description": "Lana para chompas",
        "applied_on": "2025-01-06",
        "site": credit.world.site_a.pk,
    }
    return {**body, **changes}


def money(text: str) -> Decimal:
    assert isinstance(text, str), text
    return Decimal(text)


# --- The happy path ---------------------------------------------------------------------------------------------


def test_application_approval_disbursement_and_repayment(credit, api):
    maker, checker = api(credit.maker), api(credit.checker)
    response = maker.post("credit/loans", application(credit))
    assert response.status_code == 201, response.content
    loan = response.json()
    assert (loan["status"], loan["amount"], loan["ladder_step"], loan["prepared_by"]) == (
        "submitted",
        "300.00",
        1,
        "credit_a",
    )
    assert loan["installments"] == [] and loan["transactions"] == []
    path = f"credit/loans/{loan['id']}"

    visit = {"visited_on": "2025-01-07", "is_evaluation": True, "business_status": "stable", "findings": "Teje."}
    response = maker.post(f"{path}/visits", visit)
    assert response.status_code == 201, response.content
    assert response.json()["is_evaluation"] is True

    response = checker.post(f"{path}/approve", {"on_date": "2025-01-08", "note": "Buen historial."})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["approved_by"]) == ("approved", "admin_a")

    response = maker.post(f"{path}/disburse", {"on_date": "2025-01-10", "channel": "cash", "receipt": "D-7"})
    assert response.status_code == 200, response.content
    disbursed = response.json()
    assert disbursed["status"] == "active"
    first = disbursed["installments"][0]
    due = money(first["total"])

    response = maker.post(f"{path}/repayments", {"amount": str(due), "on_date": first["due_date"], "receipt": "R-1"})
    assert response.status_code == 201, response.content
    payment = response.json()
    assert (payment["kind"], payment["amount"], payment["receipt"]) == ("repayment", str(due), "R-1")

    detail = api(credit.world.auditor_a).get(path).json()
    installments = detail["installments"]
    assert len(installments) == 3
    assert sum(money(row["principal"]) for row in installments) == money(detail["amount"]) == Decimal("300.00")
    for row in installments:
        parts = money(row["principal"]) + money(row["interest"]) - money(row["interest_waived"])
        assert money(row["total"]) == parts + money(row["fees"]) + money(row["penalties"])
        assert money(row["outstanding"]) == money(row["total"]) - money(row["paid"])
    assert installments[0]["outstanding"] == "0.00" and installments[0]["paid_on"] == first["due_date"]
    totals = detail["totals"]
    assert money(totals["total"]) == sum(money(row["total"]) for row in installments)
    assert money(totals["paid"]) == due
    assert money(totals["outstanding"]) == money(totals["total"]) - due
    assert money(detail["principal_outstanding"]) == Decimal("300.00") - money(payment["principal"])
    assert money(payment["principal"]) + money(payment["interest"]) == due
    assert [(t["kind"], t["amount"]) for t in detail["transactions"]] == [
        ("disbursement", "300.00"),
        ("repayment", str(due)),
    ]
    assert [event["kind"] for event in detail["events"]] == ["applied", "approved", "disbursed", "repaid"]
    assert detail["events"][-1]["principal_outstanding"] == detail["principal_outstanding"]
    assert detail["can_operate"] is False  # an auditor reads

    fund = api(credit.maker).get(f"credit/funds/{credit.fund.slug}").json()
    assert money(fund["cash_available"]) == Decimal("10000.00") - Decimal("300.00") + due
    assert fund["trial_balance"]["balanced"] is True
    assert (
        fund["trial_balance"]["debit"]
        == fund["trial_balance"]["credit"]
        == str(Decimal("10000.00") + due - money(payment["principal"]))
    )


def test_products_list_their_ladder_and_eligibility_names_the_step(credit, api):
    client = api(credit.maker)
    products = client.get(f"credit/funds/{credit.fund.slug}/products").json()
    assert [step["amount"] for step in products[0]["steps"]] == ["300.00", "500.00", "1000.00", "1500.00", "2000.00"]
    person = credit.borrowers[0]
    answer = client.get(f"credit/products/{credit.product.pk}/eligibility/{person.pk}").json()
    assert (answer["eligible"], answer["amount"], answer["step"]) == (True, "300.00", 1)
    assert answer["reason"]
    credit.loan(person)
    answer = client.get(f"credit/products/{credit.product.pk}/eligibility/{person.pk}").json()
    assert (answer["eligible"], answer["amount"]) == (False, None)
    assert "FONDO-ALFA-00001" in answer["reason"]


def test_loan_list_filters(credit, api):
    late = credit.loan(disbursed_on=D(2025, 1, 10))
    other = credit.borrower("Marisol")
    pending = credit.loan(other, disbursed_on=None)
    Loan.objects.filter(pk=late.pk).update(overdue_since=D(2025, 2, 10), arrears_as_of=D(2025, 3, 1))
    client = api(credit.maker)

    def numbers(**params):
        response = client.get("credit/loans", **params)
        assert response.status_code == 200, response.content
        return [item["number"] for item in response.json()["items"]]

    assert numbers() == [pending.number, late.number]
    assert numbers(status="approved") == [pending.number]
    assert numbers(in_arrears="true") == [late.number]
    assert numbers(in_arrears="false") == [pending.number]
    assert numbers(fund=credit.fund.slug, site=credit.world.site_a.pk) == [pending.number, late.number]
    assert numbers(site=credit.world.site_b.pk) == []
    assert numbers(fund="otro") == []
    row = client.get("credit/loans", status="active").json()["items"][0]
    assert (row["days_in_arrears"], row["principal_outstanding"], row["currency"]) == (19, "300.00", "PEN")


# --- Bad input: a 4xx, nothing posted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "status", "field", "code"),
    [
        ({"amount": "-300.00"}, 422, "amount", "invalid"),
        ({"amount": "0"}, 422, "amount", "invalid"),
        ({"annual_rate": "30"}, 400, "annual_rate", "rate_over_limit"),
        ({"repayments": 0}, 422, "repayments", "invalid"),
        ({"repayments": 13}, 400, "repayments", "out_of_range"),
        ({"amount": "500.00"}, 400, "amount", "ladder_step_skipped"),
        ({"borrower": 987654}, 400, "borrower", "invalid"),
    ],
)
def test_a_bad_application_is_refused_and_nothing_is_written(credit, api, changes, status, field, code):
    before = books()
    response = api(credit.maker).post("credit/loans", application(credit, **changes))
    assert_error(response, status, code, fields=[field])
    assert books() == before


def test_approving_ones_own_application_is_refused(credit, api):
    loan = credit.loan(disbursed_on=None)
    Loan.objects.filter(pk=loan.pk).update(status=LoanStatus.SUBMITTED, approved_by=None, approved_on=None)
    before = books()
    response = api(credit.maker).post(f"credit/loans/{loan.pk}/approve", {"on_date": "2025-01-08"})
    assert_error(response, 403, "same_user")
    assert books() == before
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.SUBMITTED


def test_disbursing_beyond_the_funds_cash_is_refused(world, api):
    credit = credit_create(world, capital="250")
    loan = credit.loan(disbursed_on=None)
    before = books()
    response = api(credit.maker).post(f"credit/loans/{loan.pk}/disburse", {"on_date": "2025-01-10", "channel": "cash"})
    body = assert_error(response, 400, "insufficient_funds", fields=["amount"])
    assert "250" in body["message"]
    assert books() == before
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.APPROVED


def test_a_payment_before_disbursement_is_refused(credit, api):
    approved = credit.loan(disbursed_on=None)
    client = api(credit.maker)
    before = books()
    response = client.post(f"credit/loans/{approved.pk}/repayments", {"amount": "50.00", "on_date": "2025-01-20"})
    assert_error(response, 409, "not_disbursed")
    active = credit.loan(credit.borrower("Marisol"), disbursed_on=D(2025, 1, 10))
    before = books()
    response = client.post(f"credit/loans/{active.pk}/repayments", {"amount": "50.00", "on_date": "2025-01-09"})
    assert_error(response, 400, "before_disbursement", fields=["on_date"])
    assert books() == before


def test_a_payment_on_a_closed_or_written_off_loan_is_refused(credit, api):
    client = api(credit.maker)
    closed = credit.loan(repayments=1)
    quote = client.get(f"credit/loans/{closed.pk}/payoff", on_date="2025-02-10").json()
    response = client.post(f"credit/loans/{closed.pk}/repayments", {"amount": quote["total"], "on_date": "2025-02-10"})
    assert response.status_code == 201
    assert Loan.objects.get(pk=closed.pk).status == LoanStatus.CLOSED

    written_off = credit.loan(credit.borrower("Marisol"))
    response = client.post(f"credit/loans/{written_off.pk}/write-off", {"on_date": "2025-06-01", "reason": "Se fue."})
    assert response.status_code == 200 and response.json()["write_off_requested"] is True
    response = api(credit.checker).post(f"credit/loans/{written_off.pk}/write-off/approve", {"on_date": "2025-06-02"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "written_off"

    before = books()
    for loan, code in ((closed, "loan_closed"), (written_off, "loan_written_off")):
        response = client.post(f"credit/loans/{loan.pk}/repayments", {"amount": "10.00", "on_date": "2025-06-03"})
        assert_error(response, 409, code)
    assert books() == before


def test_a_write_off_is_not_approved_by_who_asked_for_it(credit, api):
    loan = credit.loan()
    client = api(credit.maker)
    client.post(f"credit/loans/{loan.pk}/write-off", {"on_date": "2025-06-01", "reason": "Se fue."})
    before = books()
    assert_error(client.post(f"credit/loans/{loan.pk}/write-off/approve", {"on_date": "2025-06-02"}), 403, "same_user")
    assert books() == before
    response = client.post(f"credit/loans/{loan.pk}/write-off/cancel", {})
    assert response.status_code == 200 and response.json()["write_off_requested"] is False


# --- Idempotency ----------------------------------------------------------------------------------------------------


def test_the_same_idempotency_key_twice_posts_one_payment(credit, api):
    loan = credit.loan()
    client = api(credit.maker)
    body = {"amount": "40.00", "on_date": "2025-02-10", "receipt": "R-9"}
    first = client.post(f"credit/loans/{loan.pk}/repayments", body, HTTP_IDEMPOTENCY_KEY="pago-rocio-1")
    assert first.status_code == 201, first.content
    assert not first.has_header("Idempotent-Replayed")
    before = books()
    again = client.post(f"credit/loans/{loan.pk}/repayments", body, HTTP_IDEMPOTENCY_KEY="pago-rocio-1")
    assert again.status_code == 201, again.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert first.json()["idempotency_key"] == "pago-rocio-1"
    # The key sent in the body instead names the same payment.
    in_body = client.post(f"credit/loans/{loan.pk}/repayments", {**body, "idempotency_key": "pago-rocio-1"})
    assert (in_body.status_code, in_body.json()["id"]) == (201, first.json()["id"])
    assert in_body["Idempotent-Replayed"] == "true"
    assert books() == before
    assert Transaction.objects.filter(idempotency_key="pago-rocio-1").count() == 1
    # The same key for another payment is a conflict, not a second payment.
    response = client.post(
        f"credit/loans/{loan.pk}/repayments", {**body, "amount": "41.00"}, HTTP_IDEMPOTENCY_KEY="pago-rocio-1"
    )
    assert_error(response, 409, "idempotency_conflict")
    response = client.post(
        f"credit/loans/{loan.pk}/repayments", {**body, "idempotency_key": "otra"}, HTTP_IDEMPOTENCY_KEY="pago-rocio-1"
    )
    assert_error(response, 400, "invalid", fields=["idempotency_key"])
    assert books() == before


# --- Payoff, reversal, refund, reschedule --------------------------------------------------------------------------


def test_payoff_quote_and_paying_off_close_the_loan(credit, api):
    loan = credit.loan(repayments=3)
    client = api(credit.maker)
    # On the first due date: that installment's interest is owed, the later ones' is not yet earned. (Inside a
    # period, SQLite checks `interest_paid <= interest - interest_waived` in floating point and may refuse the
    # exact cents; PostgreSQL compares decimals.)
    quote = client.get(f"credit/loans/{loan.pk}/payoff", on_date="2025-02-10").json()
    parts = sum(money(quote[name]) for name in ("principal", "interest", "fees", "penalties"))
    assert money(quote["total"]) == parts
    assert quote["principal"] == "300.00" and money(quote["unearned_interest"]) > 0
    response = client.post(f"credit/loans/{loan.pk}/payoff", {"on_date": "2025-02-10", "receipt": "R-F"})
    assert response.status_code == 200, response.content
    assert response.json()["transaction"]["amount"] == quote["total"]
    assert response.json()["loan"]["status"] == "closed"
    assert_error(client.get(f"credit/loans/{loan.pk}/payoff"), 409, "not_active")


def test_a_reversed_payment_stays_marked_and_the_books_balance(credit, api):
    loan = credit.loan()
    client = api(credit.maker)
    payment = client.post(f"credit/loans/{loan.pk}/repayments", {"amount": "60.00", "on_date": "2025-02-10"}).json()
    response = client.post(
        f"credit/transactions/{payment['id']}/reverse", {"on_date": "2025-02-11", "reason": "Recibo duplicado."}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["reversed_on"], response.json()["reversed_by"]) == ("2025-02-11", "credit_a")
    detail = client.get(f"credit/loans/{loan.pk}").json()
    assert detail["principal_outstanding"] == "300.00" and detail["totals"]["paid"] == "0.00"
    assert detail["events"][-1]["kind"] == "reversed"
    fund = client.get(f"credit/funds/{credit.fund.slug}").json()
    assert fund["cash_available"] == "9700.00" and fund["trial_balance"]["balanced"] is True
    again = client.post(f"credit/transactions/{payment['id']}/reverse", {"on_date": "2025-02-11", "reason": "Otra."})
    assert_error(again, 409, "already_reversed")


def test_an_overpayment_is_refunded_and_a_loan_rescheduled(credit, api):
    client = api(credit.maker)
    closed = credit.loan(repayments=1)
    quote = client.get(f"credit/loans/{closed.pk}/payoff", on_date="2025-02-10").json()
    extra = money(quote["total"]) + Decimal("5.00")
    client.post(f"credit/loans/{closed.pk}/repayments", {"amount": str(extra), "on_date": "2025-02-10"})
    assert client.get(f"credit/loans/{closed.pk}").json()["credit_balance"] == "5.00"
    response = client.post(f"credit/loans/{closed.pk}/refund", {"on_date": "2025-02-11", "receipt": "DV-1"})
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["amount"]) == ("refund", "5.00")

    loan = credit.loan(credit.borrower("Marisol"), repayments=3)
    body = {"on_date": "2025-03-01", "repayments": 4, "first_repayment_on": "2025-04-01", "reason": "Helada."}
    response = client.post(f"credit/loans/{loan.pk}/reschedule", body)
    assert response.status_code == 200, response.content
    detail = response.json()
    live = [row for row in detail["installments"] if not row["superseded"]]
    assert len(live) == 4 and sum(money(row["principal"]) for row in live) == Decimal("300.00")
    assert [r["reason"] for r in detail["reschedules"]] == ["Helada."]
    over = client.post(f"credit/loans/{loan.pk}/reschedule", {**body, "annual_rate": "30"})
    assert_error(over, 400, "rate_over_limit", fields=["annual_rate"])


# --- Who sees and does what ---------------------------------------------------------------------------------------


def test_a_credit_officer_of_another_fund_gets_404(credit, api):
    world = credit.world
    officer = UserFactory(username="credit_a2")
    Membership.objects.create(user=officer, organization=world.org_a, role=OrganizationRole.CREDIT_OFFICER)
    services.create_fund(
        user=world.admin_a,
        data={"organization": world.org_a, "slug": "fondo-dos", "name": "Fondo Dos"},
        officers=[officer],
    )
    loan = credit.loan()
    payment = loans.record_repayment(user=credit.maker, loan=loan, amount="10", on_date=D(2025, 2, 10))
    client = api(officer)
    assert [fund["slug"] for fund in client.get("credit/funds").json()["items"]] == ["fondo-dos"]
    assert client.get("credit/loans").json() == {"count": 0, "items": []}
    before = books()
    for response in (
        client.get(f"credit/funds/{credit.fund.slug}"),
        client.get(f"credit/funds/{credit.fund.slug}/products"),
        client.get(f"credit/funds/{credit.fund.slug}/portfolio"),
        client.get(f"credit/products/{credit.product.pk}/eligibility/{loan.borrower_id}"),
        client.get(f"credit/loans/{loan.pk}"),
        client.get(f"credit/loans/{loan.pk}/payoff"),
        client.post(f"credit/loans/{loan.pk}/repayments", {"amount": "10.00", "on_date": "2025-02-11"}),
        client.post(f"credit/transactions/{payment.pk}/reverse", {"reason": "No."}),
    ):
        assert_error(response, 404, "not_found")
    assert books() == before
    # Applying with the other fund's product names the product as unknown, as one that does not exist.
    response = client.post("credit/loans", application(credit))
    assert_error(response, 400, "invalid", fields=["product"])
    assert books() == before


def test_funders_see_no_fund_and_no_loan(credit, api):
    loan = credit.loan()
    client = api(credit.world.funder_a)
    assert client.get("credit/funds").json()["count"] == 0
    assert client.get("credit/loans").json()["count"] == 0
    assert_error(client.get(f"credit/loans/{loan.pk}"), 404, "not_found")
    assert_error(client.get(f"credit/funds/{credit.fund.slug}"), 404, "not_found")


@pytest.mark.parametrize("reader", ["auditor_a", "program_auditor_a"])
def test_auditors_read_but_may_not_write(credit, api, reader):
    loan = credit.loan()
    client = api(getattr(credit.world, reader))
    assert client.get(f"credit/loans/{loan.pk}").status_code == 200
    assert client.get(f"credit/funds/{credit.fund.slug}").json()["can_operate"] is False
    before = books()
    for response in (
        client.post(f"credit/loans/{loan.pk}/repayments", {"amount": "10.00", "on_date": "2025-02-10"}),
        client.post(f"credit/loans/{loan.pk}/write-off", {"on_date": "2025-02-10", "reason": "No."}),
        client.post("credit/loans", application(credit, borrower=credit.borrower("Marisol").pk)),
    ):
        assert_error(response, 403, "forbidden")
    assert books() == before


# --- Portfolio ------------------------------------------------------------------------------------------------------


def test_portfolio_on_a_day_adds_up(credit, api):
    punctual = credit.loan(repayments=3)
    late = credit.loan(credit.borrower("Marisol"), repayments=3)
    rows = list(punctual.installments.order_by("number"))
    loans.record_repayment(user=credit.maker, loan=punctual, amount=rows[0].total, on_date=rows[0].due_date)
    client = api(credit.maker)
    response = client.get(f"credit/funds/{credit.fund.slug}/portfolio", on_date="2025-04-01", months=3, by="site")
    assert response.status_code == 200, response.content
    body = response.json()
    glp = Decimal("600.00") - rows[0].principal
    assert (body["active_loans"], body["active_borrowers"], money(body["gross_loan_portfolio"])) == (2, 2, glp)
    # Marisol's first installment (10 Feb) is 50 days late on 1 April: her whole unpaid principal is at risk.
    assert money(body["at_risk_30"]) == Decimal("300.00") and body["at_risk_90"] == "0.00"
    assert money(body["par30"]) == (Decimal("300.00") / glp).quantize(Decimal("0.0001"))
    assert sum(money(row["principal"]) for row in body["aging"]) == glp
    assert [row["loans"] for row in body["aging"] if row["loans"]] == [1, 1]
    assert len(body["trend"]) == 3 and body["trend"][-1]["on_date"] == "2025-04-01"
    assert [(group["name"], group["active_loans"]) for group in body["groups"]] == [("CDE Urcos", 2)]
    assert body["period"]["installments_due"] >= 2
    assert late.pk
    assert_error(client.get(f"credit/funds/{credit.fund.slug}/portfolio", on_date="2999-01-01"), 400, "invalid")


def test_lists_cost_the_same_queries_however_many_loans(credit, api):
    client = api(credit.checker)
    credit.loan()
    client.get("me")  # a token's use is recorded at most once a minute: not in the counts below

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    paths = ("credit/loans", "credit/funds", f"credit/funds/{credit.fund.slug}/products")
    one = {path: queries(path) for path in paths}
    for name in ("Marisol", "Julia", "Carmen"):
        credit.loan(credit.borrower(name), disbursed_on=None)
    assert {path: queries(path) for path in one} == one
