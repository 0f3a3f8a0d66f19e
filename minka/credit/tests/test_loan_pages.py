"""Loan pages: the whole life of a loan through the forms, who sees and does what, and bad input shown on the form
with nothing written."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from minka.accounts.models import Membership, OrganizationRole
from minka.credit import ledger
from minka.credit.models import EventKind, Installment, Loan, LoanStatus, Transaction, Visit
from minka.testing import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def body(response):
    html = response.content.decode().replace("\xa0", " ")
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return html


def url(name, loan=None):
    return reverse(f"credit:{name}", args=[loan.pk] if loan is not None else [])


def hidden_key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html)
    assert match, "the payment form carries a hidden idempotency key"
    return match.group(1)


def apply(client, credit, **overrides):
    data = {
        "borrower": credit.borrowers[0].pk,
        "product": credit.product.pk,
        "amount": "300",
        "repayments": "3",
        "annual_rate": "",
        "use_category": "raw_materials",
        "use_description": "Lana de alpaca para chompas",
        "enterprise": "",
        "site": credit.world.site_a.pk,
        "applied_on": "2025-01-06",
    } | overrides
    return client.post(url("loan_create"), data)


def test_a_loan_lives_through_the_pages(credit, login, client):
    world = credit.world
    officer = login(credit.maker)
    form = officer.get(url("loan_create") + f"?fund={credit.fund.pk}&borrower={credit.borrowers[0].pk}")
    assert form.status_code == 200
    html = body(form)
    assert "Rocío Prueba" in html
    # Opened for her and the fund's one product: the first step's amount and its schedule as a start.
    assert 'name="amount" value="300.00"' in html and "Primer crédito: primer escalón." in html
    assert "Cronograma estimado" in html
    # The ladder's first step, shown once borrower and product are chosen (the HTMX refresh).
    partial = officer.get(
        url("loan_create"),
        {"borrower": credit.borrowers[0].pk, "product": credit.product.pk, "amount": "300", "repayments": "3"},
        headers={"HX-Request": "true", "HX-Target": "loan-eligibility"},
    )
    html = body(partial)
    assert "<main" not in partial.content.decode()
    assert "S/ 300.00" in html and "Primer crédito: primer escalón." in html
    assert "Cronograma estimado" in html and html.count("<tr>") == 1 + 3 + 1

    response = apply(officer, credit)
    loan = Loan.objects.get()
    assert response.status_code == 302 and response["Location"] == url("loan_detail", loan)
    assert (loan.status, loan.amount, loan.repayments, loan.prepared_by) == (
        "submitted",
        Decimal("300.00"),
        3,
        credit.maker,
    )
    page = body(officer.get(url("loan_detail", loan)))
    assert "debe aprobarla otra persona" in page
    assert url("loan_approve", loan) not in page  # maker-checker: no approve button for the maker
    assert url("loan_visit", loan) in page

    response = officer.post(
        url("loan_visit", loan),
        {"visited_on": "2025-01-07", "is_evaluation": "on", "business_status": "stable", "findings": "Teje chompas."},
    )
    assert response.status_code == 302
    assert Visit.objects.get(loan=loan).is_evaluation

    checker = login(world.admin_a)
    page = body(checker.get(url("loan_detail", loan)))
    assert url("loan_approve", loan) in page
    assert checker.post(url("loan_approve", loan), {"on_date": "2025-01-08", "note": ""}).status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.approved_by) == (LoanStatus.APPROVED, world.admin_a)

    officer = login(credit.maker)
    response = officer.post(
        url("loan_disburse", loan),
        {"on_date": "2025-01-10", "channel": "cash", "receipt": "D-7", "first_repayment_on": ""},
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.disbursed_on == D(2025, 1, 10)
    assert ledger.cash_available(credit.fund) == Decimal("9700.00")
    first = loan.installments.get(number=1)

    page = body(officer.get(url("loan_detail", loan)))
    key = hidden_key(page)
    response = officer.post(
        url("loan_repay", loan),
        {"amount": str(first.total), "on_date": first.due_date.isoformat(), "receipt": "R-1", "idempotency_key": key},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.paid_on == first.due_date and first.outstanding == 0

    page = body(officer.get(url("loan_detail", loan)))
    assert "S/ 300.00" in page  # the amount
    assert f"pagado S/ {first.principal:,.2f}" in page
    assert first.paid_on.strftime("%d/%m/%Y") in page  # the paid installment's date
    assert f"S/ {Decimal(300) - first.principal:,.2f}" in page  # principal still owed
    assert "R-1" in page and "Desembolso" in page and "Teje chompas." in page
    assert hidden_key(page) != key  # a new form, a new key

    listing = body(officer.get(url("loan_list")))
    assert loan.number in listing and "Rocío Prueba" in listing and "Desembolsado" in listing
    assert f"S/ {Decimal(300) - first.principal:,.2f}" in listing


def test_the_maker_cannot_approve_her_own_application(credit, login):
    client = login(credit.maker)
    apply(client, credit)
    loan = Loan.objects.get()
    visit = {"visited_on": "2025-01-07", "is_evaluation": "on", "business_status": "stable", "findings": "Teje."}
    assert client.post(url("loan_visit", loan), visit).status_code == 302
    response = client.post(url("loan_approve", loan), {"on_date": "2025-01-08", "note": ""})
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert "Quien preparó la solicitud no puede aprobarla" in body(response)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.SUBMITTED and loan.approved_by is None
    assert not loan.events.filter(kind=EventKind.APPROVED, on_date=D(2025, 1, 8)).exists()


def test_a_credit_officer_of_another_fund_and_another_organization_get_404(credit, login):
    loan = credit.loan()
    other_officer = UserFactory(username="credit_a2")
    Membership.objects.create(user=other_officer, organization=credit.world.org_a, role=OrganizationRole.CREDIT_OFFICER)
    for user in (other_officer, credit.world.admin_b, credit.world.field_b):
        client = login(user)
        for name in ("loan_detail", "loan_repay", "loan_approve", "loan_visit"):
            assert client.get(url(name, loan)).status_code == 404, (user, name)
        assert client.post(url("loan_repay", loan), {"amount": "10", "on_date": "2025-02-10"}).status_code == 404
        assert loan.number not in body(client.get(url("loan_list")))
    assert not Transaction.objects.filter(kind="repayment").exists()


def test_an_auditor_sees_the_loan_without_actions_and_may_not_post_one(credit, login):
    loan = credit.loan()
    client = login(credit.world.auditor_a)
    page = body(client.get(url("loan_detail", loan)))
    assert loan.number in page and url("loan_repay", loan) not in page
    assert client.post(url("loan_repay", loan), {"amount": "10", "on_date": "2025-02-10"}).status_code == 403
    assert not Transaction.objects.filter(kind="repayment").exists()


def test_the_same_payment_sent_twice_is_recorded_once(credit, login):
    loan = credit.loan()
    client = login(credit.maker)
    key = hidden_key(body(client.get(url("loan_detail", loan))))
    data = {"amount": "60", "on_date": "2025-02-10", "receipt": "R-9", "idempotency_key": key}
    assert client.post(url("loan_repay", loan), data).status_code == 302
    second = client.post(url("loan_repay", loan), data, follow=True)
    assert "Este pago ya estaba registrado." in body(second)
    assert Transaction.objects.filter(loan=loan, kind="repayment").count() == 1
    assert sum(row.paid for row in loan.installments.all()) == Decimal("60.00")


def test_bad_input_is_shown_on_the_form_and_nothing_is_written(credit, login):
    client = login(credit.maker)
    response = apply(client, credit, amount="0")
    assert response.status_code == 200
    assert "El monto debe ser mayor que cero." in body(response)
    response = apply(client, credit, amount="500")  # a ladder step skipped
    assert response.status_code == 200 and "Puede pedir hasta 300" in body(response)
    assert not Loan.objects.exists()

    approved = credit.loan(disbursed_on=None)
    response = client.post(
        url("loan_repay", approved), {"amount": "50", "on_date": "2025-01-10", "idempotency_key": "k1"}
    )
    assert response.status_code == 200 and "El crédito aún no se desembolsó." in body(response)

    other = credit.borrower("Lucía")
    loan = credit.loan(other)
    response = client.post(url("loan_repay", loan), {"amount": "50", "on_date": "2025-01-09", "idempotency_key": "k2"})
    assert response.status_code == 200 and "La fecha es anterior al desembolso del crédito." in body(response)
    response = client.post(url("loan_repay", loan), {"amount": "0", "on_date": "2025-02-10", "idempotency_key": "k3"})
    assert response.status_code == 200 and "El monto debe ser mayor que cero." in body(response)
    response = client.post(url("loan_disburse", approved), {"on_date": "2025-01-10", "channel": ""})
    assert response.status_code == 200 and 'class="field invalid' in body(response)
    assert not Transaction.objects.filter(kind="repayment").exists()
    assert Installment.objects.filter(loan=approved).count() == 0
    assert all(row.paid == 0 for row in Installment.objects.all())


def test_the_list_filters_by_status_and_arrears(credit, login):
    active = credit.loan()
    pending = credit.loan(credit.borrower("Lucía"), disbursed_on=None)
    client = login(credit.maker)
    listing = body(client.get(url("loan_list"), {"status": "approved"}))
    assert pending.number in listing and active.number not in listing
    Loan.objects.filter(pk=active.pk).update(overdue_since=D(2025, 2, 10), arrears_as_of=D(2025, 3, 2))
    listing = body(client.get(url("loan_list"), {"arrears": "on"}))
    assert active.number in listing and pending.number not in listing
    assert re.search(r'<td class="num">20</td>', listing)


def test_a_follow_up_visit_records_the_use_against_the_plan(credit, login):
    loan = credit.loan()
    client = login(credit.maker)
    response = client.post(
        url("loan_visit", loan),
        {
            "visited_on": "2025-02-01",
            "use_verified": "partly",
            "verified_use_category": "food",
            "business_status": "growing",
            "findings": "Compró lana y vendió comida.",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(loan=loan, is_evaluation=False)
    assert (visit.use_verified, visit.verified_use_category) == ("partly", "food")
    page = body(client.get(url("loan_detail", loan)))
    assert "Uso: En parte (previsto: Insumos y materia prima (lana, hilos, telas))" in page
    missing = client.post(
        url("loan_visit", loan), {"visited_on": "2025-02-02", "business_status": "stable", "findings": "x"}
    )
    assert missing.status_code == 200 and "Indique si el crédito se usó como estaba previsto." in body(missing)


def test_a_reversed_payment_is_marked_and_its_installment_owed_again(credit, login):
    loan = credit.loan()
    client = login(credit.maker)
    key = hidden_key(body(client.get(url("loan_detail", loan))))
    client.post(url("loan_repay", loan), {"amount": "60", "on_date": "2025-02-10", "idempotency_key": key})
    movement = Transaction.objects.get(kind="repayment")
    response = client.post(
        url("loan_reverse", loan), {"movement": movement.pk, "on_date": "2025-02-11", "reason": "Recibo duplicado"}
    )
    assert response.status_code == 302
    movement.refresh_from_db()
    assert movement.reversed_on == D(2025, 2, 11)
    page = body(client.get(url("loan_detail", loan)))
    assert "Revertido" in page and "Recibo duplicado" in page
    assert sum(row.paid for row in loan.installments.all()) == 0


def test_the_menu_leads_to_the_loans_of_those_who_can_see_a_fund(credit, login):
    link = f'href="{url("loan_list")}"'
    assert link in login(credit.maker).get(reverse("home")).content.decode()
    assert link in login(credit.world.admin_a).get(reverse("home")).content.decode()
    assert link not in login(credit.world.field_a).get(reverse("home")).content.decode()
    assert link not in login(credit.world.funder_a).get(reverse("home")).content.decode()


def test_payoff_reschedule_refund_and_write_off_through_their_forms(credit, login):
    world = credit.world
    maker = login(credit.maker)
    loan = credit.loan(repayments=3)
    page = body(maker.get(url("loan_detail", loan), {"payoff_on": "2025-02-10"}))
    first = loan.installments.get(number=1)
    # On the first due date the payoff is the principal and the first installment's interest.
    assert f"S/ {Decimal(300) + first.interest:,.2f}" in page
    response = maker.post(
        url("loan_reschedule", loan),
        {"on_date": "2025-02-10", "repayments": "4", "first_repayment_on": "2025-03-10", "reason": "Mala campaña"},
    )
    assert response.status_code == 302
    assert loan.installments.filter(superseded=True).count() == 3
    assert loan.installments.filter(superseded=False).count() == 4
    page = body(maker.get(url("loan_detail", loan)))
    assert "Cuotas reemplazadas por reprogramación" in page and "Mala campaña" in page

    key = hidden_key(page)
    assert maker.post(url("loan_payoff", loan), {"on_date": "2025-02-20", "idempotency_key": key}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED and loan.credit_balance == 0

    # An overpayment on another loan, refunded.
    other = credit.loan(credit.borrower("Lucía"), repayments=1)
    owed = other.installments.get().total
    maker.post(
        url("loan_repay", other),
        {
            "amount": str(owed + 5),
            "on_date": "2025-02-10",
            "idempotency_key": hidden_key(body(maker.get(url("loan_detail", other)))),
        },
    )
    other.refresh_from_db()
    assert other.credit_balance == Decimal("5.00")
    assert url("loan_refund", other) in body(maker.get(url("loan_detail", other)))
    assert maker.post(url("loan_refund", other), {"on_date": "2025-02-11", "receipt": "DV-1"}).status_code == 302
    other.refresh_from_db()
    assert other.credit_balance == 0

    # A write-off: asked by the officer, not offered to her for approval, approved by the admin.
    bad = credit.loan(credit.borrower("Marta"))
    assert (
        maker.post(url("loan_write_off_request", bad), {"on_date": "2025-03-01", "reason": "Se mudó"}).status_code
        == 302
    )
    assert url("loan_write_off_approve", bad) not in body(maker.get(url("loan_detail", bad)))
    refused = maker.post(url("loan_write_off_approve", bad), {"on_date": "2025-03-02"})
    assert refused.status_code == 200 and "Quien solicitó el castigo no puede aprobarlo." in body(refused)
    admin = login(world.admin_a)
    assert admin.post(url("loan_write_off_approve", bad), {"on_date": "2025-03-02"}).status_code == 302
    bad.refresh_from_db()
    assert bad.status == LoanStatus.WRITTEN_OFF and bad.write_off_approved_by == world.admin_a
    assert ledger.trial_balance(credit.fund).balanced


def test_the_list_answers_a_filter_change_with_its_table_in_constant_queries(
    credit, login, django_assert_max_num_queries
):
    client = login(credit.maker)
    credit.loan()
    hx = {"HX-Request": "true", "HX-Target": "loan-table"}
    with django_assert_max_num_queries(16) as few:
        response = client.get(url("loan_list"), {"status": "active"}, headers=hx)
    assert "<main" not in response.content.decode() and "1 crédito" in body(response)
    for name in ("Lucía", "Marta", "Nora"):
        credit.loan(credit.borrower(name))
    with django_assert_max_num_queries(len(few)):
        response = client.get(url("loan_list"), {"status": "active"}, headers=hx)
    assert "4 créditos" in body(response)


def test_the_only_product_an_officer_offers_comes_chosen(credit, login):
    response = login(credit.maker).get(reverse("credit:loan_create"))
    assert response.context["form"]["product"].value() == credit.product.pk
