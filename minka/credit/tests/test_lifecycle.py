"""A loan's life through the services: application to closure, with the rules that protect the fund."""

import datetime
from decimal import Decimal

import pytest

from minka.core.errors import ApplicationError
from minka.credit import arrears, ledger, loans, services
from minka.credit.models import Account, EventKind, Installment, LoanEvent, LoanStatus, Transaction

D = datetime.date


def test_disbursement_lays_out_the_engine_schedule_and_posts_cash_out(credit):
    loan = credit.loan(amount="300", repayments=6)
    rows = list(loan.installments.order_by("number"))
    assert len(rows) == 6
    assert sum(row.principal for row in rows) == Decimal("300.00")
    assert rows[0].due_date == D(2025, 2, 10)
    assert loan.status == LoanStatus.ACTIVE
    assert ledger.cash_available(credit.fund) == Decimal("9700.00")
    assert ledger.balances(credit.fund)[Account.LOANS] == Decimal("300.00")
    assert ledger.trial_balance(credit.fund).balanced


def test_repayments_are_allocated_oldest_first_and_close_the_loan(credit):
    loan = credit.loan(amount="300", repayments=2)
    rows = list(loan.installments.order_by("number"))
    total = sum(row.principal + row.interest for row in rows)
    first = loans.record_repayment(
        user=credit.maker,
        loan=loan,
        amount=rows[0].principal + rows[0].interest,
        on_date=rows[0].due_date,
        receipt="R-1",
    )
    assert (first.principal, first.interest) == (rows[0].principal, rows[0].interest)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    loans.record_repayment(
        user=credit.maker,
        loan=loan,
        amount=total - first.amount + Decimal("5"),
        on_date=rows[1].due_date,
        receipt="R-2",
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    assert loan.credit_balance == Decimal("5.00")
    assert loan.worst_days_late == 0
    balances = ledger.balances(credit.fund)
    assert balances[Account.LOANS] == 0
    assert balances[Account.BORROWER_CREDIT] == Decimal("-5.00")
    assert balances[Account.INTEREST_INCOME] == -sum(row.interest for row in rows)
    assert ledger.trial_balance(credit.fund).balanced
    with pytest.raises(ApplicationError) as error:
        loans.record_repayment(user=credit.maker, loan=loan, amount="10", on_date=rows[1].due_date)
    assert error.value.code == "loan_closed"
    loans.refund_credit(user=credit.maker, loan=loan, on_date=rows[1].due_date)
    assert ledger.balances(credit.fund)[Account.BORROWER_CREDIT] == 0


def test_the_same_idempotency_key_posts_once(credit):
    loan = credit.loan()
    one = loans.record_repayment(user=credit.maker, loan=loan, amount="20", on_date=D(2025, 2, 1), idempotency_key="k1")
    two = loans.record_repayment(user=credit.maker, loan=loan, amount="20", on_date=D(2025, 2, 1), idempotency_key="k1")
    assert one.pk == two.pk
    assert Transaction.objects.filter(kind="repayment").count() == 1
    with pytest.raises(ApplicationError) as error:
        loans.record_repayment(user=credit.maker, loan=loan, amount="25", on_date=D(2025, 2, 1), idempotency_key="k1")
    assert error.value.code == "idempotency_conflict"


def test_reversal_takes_the_payment_back_and_reopens(credit):
    loan = credit.loan(amount="300", repayments=1)
    owed = loan.installments.get().principal + loan.installments.get().interest
    payment = loans.record_repayment(user=credit.maker, loan=loan, amount=owed, on_date=D(2025, 2, 10))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    loans.reverse_transaction(user=credit.checker, movement=payment, on_date=D(2025, 2, 11), reason="Recibo duplicado")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    row = loan.installments.get()
    assert row.principal_paid == row.interest_paid == 0
    assert Transaction.objects.get(pk=payment.pk).reversed_on == D(2025, 2, 11)
    assert ledger.balances(credit.fund)[Account.LOANS] == Decimal("300.00")
    assert ledger.trial_balance(credit.fund).balanced
    kinds = list(LoanEvent.objects.filter(loan=loan).values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.REOPENED, EventKind.REVERSED]


def test_bad_input_is_refused_and_nothing_is_posted(credit):
    entries = lambda: credit.fund.journal.count()  # noqa: E731
    before = entries()
    cases = [
        ({"amount": "0"}, "not_positive"),
        ({"amount": "-5"}, "not_positive"),
        ({"annual_rate": "30"}, "rate_over_limit"),
        ({"repayments": 0}, "out_of_range"),
        ({"amount": "500"}, "ladder_step_skipped"),
    ]
    for change, code in cases:
        data = {
            "borrower": credit.borrowers[0],
            "amount": "300",
            "repayments": 6,
            "use_category": "food",
            "use_description": "Venta de comida",
            "applied_on": D(2025, 1, 6),
        } | change
        with pytest.raises(ApplicationError) as error:
            loans.apply_for_loan(user=credit.maker, product=credit.product, data=data)
        assert error.value.code == code, change
    assert entries() == before
    loan = credit.loan(disbursed_on=None)
    with pytest.raises(ApplicationError) as error:
        loans.approve_loan(user=credit.maker, loan=loan, on_date=D(2025, 1, 7))
    loan = credit.loan(credit.borrower("Ana"), disbursed_on=D(2025, 1, 10))
    with pytest.raises(ApplicationError) as error:
        loans.record_repayment(user=credit.maker, loan=loan, amount="10", on_date=D(2025, 1, 9))
    assert error.value.code == "before_disbursement"


def test_approving_ones_own_application_is_refused(credit):
    loan = loans.apply_for_loan(
        user=credit.maker,
        product=credit.product,
        data={
            "borrower": credit.borrowers[0],
            "amount": "300",
            "repayments": 6,
            "use_category": "food",
            "use_description": "Comida",
            "applied_on": D(2025, 1, 6),
        },
    )
    loans.record_visit(
        user=credit.maker,
        loan=loan,
        data={"visited_on": D(2025, 1, 6), "is_evaluation": True, "business_status": "stable", "findings": "Bien"},
    )
    with pytest.raises(ApplicationError) as error:
        loans.approve_loan(user=credit.maker, loan=loan, on_date=D(2025, 1, 7))
    assert error.value.code == "same_user"
    assert error.value.status == 403
    loan.refresh_from_db()
    assert loan.status == LoanStatus.SUBMITTED


def test_disbursing_beyond_the_funds_cash_is_refused(world):
    from minka.credit.tests.conftest import credit_create

    credit = credit_create(world, capital="200")
    loan = credit.loan(disbursed_on=None)
    with pytest.raises(ApplicationError) as error:
        loans.disburse_loan(user=credit.maker, loan=loan, on_date=D(2025, 1, 10), channel="cash")
    assert error.value.code == "insufficient_funds"
    assert not Installment.objects.filter(loan=loan).exists()
    assert ledger.cash_available(credit.fund) == Decimal("200.00")


def test_close_of_day_sets_arrears_and_charges_penalties_once(world):
    from minka.credit.tests.conftest import credit_create

    credit = credit_create(world, penalty_percent="5")
    loan = credit.loan(amount="300", repayments=3)
    first = loan.installments.order_by("number").first()
    result = arrears.close_of_day(first.due_date + datetime.timedelta(days=10))
    assert result.in_arrears == 1 and result.penalties == 1
    loan.refresh_from_db()
    assert loan.days_in_arrears == 10
    first.refresh_from_db()
    assert first.penalties == ((first.principal + first.interest) * Decimal("0.05")).quantize(Decimal("0.01"))
    again = arrears.close_of_day(first.due_date + datetime.timedelta(days=10))
    assert again.penalties == 0


def test_payoff_charges_interest_only_as_far_as_accrued(credit):
    loan = credit.loan(amount="300", repayments=3)
    rows = list(loan.installments.order_by("number"))
    midway = rows[0].from_date + (rows[0].due_date - rows[0].from_date) // 2
    quote = loans.payoff_quote(loan, midway)
    assert quote.principal == Decimal("300.00")
    assert Decimal("0") < quote.interest < rows[0].interest
    loans.pay_off(user=credit.maker, loan=loan, on_date=midway, receipt="P-1")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    assert ledger.balances(credit.fund)[Account.INTEREST_INCOME] == -quote.interest


def test_write_off_needs_a_second_person(credit):
    loan = credit.loan()
    loans.request_write_off(user=credit.maker, loan=loan, on_date=D(2025, 3, 1), reason="Salió en libertad sin pagar")
    with pytest.raises(ApplicationError):
        loans.approve_write_off(user=credit.maker, loan=loan, on_date=D(2025, 3, 2))
    loans.approve_write_off(user=credit.checker, loan=loan, on_date=D(2025, 3, 2))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF
    assert ledger.balances(credit.fund)[Account.LOAN_LOSSES] == Decimal("300.00")
    with pytest.raises(ApplicationError) as error:
        loans.record_repayment(user=credit.maker, loan=loan, amount="10", on_date=D(2025, 3, 3))
    assert error.value.code == "loan_written_off"


def test_reschedule_keeps_the_old_installments_as_history(credit):
    loan = credit.loan(amount="300", repayments=3)
    change = loans.reschedule_loan(
        user=credit.maker,
        loan=loan,
        on_date=D(2025, 3, 15),
        repayments=4,
        first_repayment_on=D(2025, 4, 15),
        reason="Enfermedad",
    )
    assert change.principal == Decimal("300.00")
    live = loan.installments.filter(superseded=False)
    assert live.count() == 4
    assert sum(row.principal for row in live) == Decimal("300.00")
    assert loan.installments.filter(superseded=True).count() == 3
    assert len(change.previous_schedule) == 3


def test_payoff_waives_the_fees_of_installments_not_yet_due_and_a_reversal_restores_them(world):
    from minka.credit.tests.conftest import credit_create

    credit = credit_create(world)
    services.update_product(user=world.admin_a, product=credit.product, data={"fee_per_installment": Decimal("2")})
    loan = credit.loan(amount="300", repayments=3)
    rows = list(loan.installments.order_by("number"))
    assert [row.fees for row in rows] == [Decimal("2.00")] * 3
    on = rows[0].due_date + datetime.timedelta(days=5)
    quote = loans.payoff_quote(loan, on)
    assert quote.fees == Decimal("2.00")  # the first installment's, fallen due; not the two to come
    assert quote.unearned_fees == Decimal("4.00")
    payment = loans.pay_off(user=credit.maker, loan=loan, on_date=on, receipt="P-2")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    assert ledger.balances(credit.fund)[Account.FEE_INCOME] == Decimal("-2.00")
    assert [row.fees_waived for row in loan.installments.order_by("number")] == [0, Decimal("2.00"), Decimal("2.00")]
    loans.reverse_transaction(user=credit.checker, movement=payment, on_date=on, reason="Cheque sin fondos")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert not loan.installments.filter(fees_waived__gt=0).exists()
    assert ledger.trial_balance(credit.fund).balanced
