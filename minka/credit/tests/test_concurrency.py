"""Integrity under load, on PostgreSQL: payments posted at the same moment on one loan queue up behind its row
lock instead of allocating the same installment twice; retries with one idempotency key post once; every
balance change writes its event in the same transaction; the fund's cash never goes below zero.

Each test starts its threads together at a barrier; every thread has its own database connection and closes it
when done. SQLite has no row locks (it serializes whole writes), so these tests run on PostgreSQL only; CI runs
the suite on both.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Count, F, Sum

from minka.core.errors import ApplicationError
from minka.credit import ledger, loans
from minka.credit.models import (
    ZERO,
    Account,
    Allocation,
    EventKind,
    Installment,
    Loan,
    LoanEvent,
    LoanStatus,
    Transaction,
    TransactionKind,
)
from minka.credit.tests.conftest import credit_create

pytestmark = [
    pytest.mark.postgresql,  # row locks under load
    pytest.mark.django_db(transaction=True),
]

D = datetime.date
THREADS = 8


def run_together(*calls):
    """Runs each call in its own thread, all released at once; returns (results, errors) in the calls' order."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # handed back to the test, which decides
            errors[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting: a deadlock?"
    return results, errors


def assert_books_agree(credit, loan_list):
    """The ledger balances, and its loans account and cash agree with the installments and the transactions."""
    fund = credit.fund
    assert ledger.trial_balance(fund).balanced
    balances = ledger.balances(fund)
    outstanding = sum((loans.principal_outstanding(loan) for loan in loan_list if _active(loan)), ZERO)
    assert balances[Account.LOANS] == outstanding
    movements = Transaction.objects.filter(loan__fund=fund)
    disbursed = movements.filter(kind=TransactionKind.DISBURSEMENT).aggregate(s=Sum("amount"))["s"] or ZERO
    repaid = movements.filter(kind=TransactionKind.REPAYMENT, reversed_on__isnull=True).aggregate(s=Sum("amount"))
    capital = -balances[Account.CAPITAL]
    assert balances[Account.CASH] == capital - disbursed + (repaid["s"] or ZERO)
    assert balances[Account.CASH] >= 0


def _active(loan):
    return Loan.objects.get(pk=loan.pk).status == LoanStatus.ACTIVE


def assert_installments_not_overpaid(loan):
    """Each installment's paid parts stay within its due parts, and equal what the allocations say was paid."""
    for row in Installment.objects.filter(loan=loan):
        assert row.principal_paid <= row.principal
        assert row.interest_paid <= row.interest - row.interest_waived
        assert row.fees_paid <= row.fees
        assert row.penalties_paid <= row.penalties
        allocated = Allocation.objects.filter(installment=row, transaction__reversed_on__isnull=True).aggregate(
            principal=Sum("principal"), interest=Sum("interest"), fees=Sum("fees"), penalties=Sum("penalties")
        )
        for name in ("principal", "interest", "fees", "penalties"):
            assert getattr(row, f"{name}_paid") == (allocated[name] or ZERO), (row.number, name)


def assert_one_event_per_payment(loan):
    payments = Transaction.objects.filter(loan=loan, kind=TransactionKind.REPAYMENT)
    events = LoanEvent.objects.filter(loan=loan, kind=EventKind.REPAID)
    assert events.count() == payments.count()
    assert set(events.values_list("transaction", flat=True)) == set(payments.values_list("pk", flat=True))
    assert not events.values("transaction").annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_payments_at_the_same_moment_on_one_loan_never_allocate_an_installment_twice(world):
    credit = credit_create(world)
    loan = credit.loan(amount="300", repayments=6)
    owed = Installment.objects.filter(loan=loan).aggregate(total=Sum(F("principal") + F("interest")))["total"]
    # Together they pay less than is owed, so every one is accepted and each must find what the last one left.
    amount = (owed / (THREADS + 1)).quantize(Decimal("0.01"))
    version = Loan.objects.get(pk=loan.pk).version
    calls = [
        lambda n=n: loans.record_repayment(
            user=credit.maker, loan=Loan(pk=loan.pk), amount=amount, on_date=D(2025, 2, 10), receipt=f"R-{n}"
        )
        for n in range(THREADS)
    ]
    results, errors = run_together(*calls)

    assert errors == [None] * THREADS
    assert len({movement.pk for movement in results}) == THREADS
    rows = Installment.objects.filter(loan=loan)
    paid = rows.aggregate(total=Sum(F("principal_paid") + F("interest_paid") + F("fees_paid") + F("penalties_paid")))[
        "total"
    ]
    assert paid == amount * THREADS
    # Oldest first: every installment before the last one touched is settled in full.
    touched = [row for row in rows.order_by("number") if row.principal_paid or row.interest_paid]
    for row in touched[:-1]:
        assert row.principal_paid == row.principal and row.interest_paid == row.interest
    assert_installments_not_overpaid(loan)
    assert_one_event_per_payment(loan)
    assert_books_agree(credit, [loan])
    loan.refresh_from_db()
    assert loan.version == version + THREADS  # one bump per payment: none was lost
    assert loan.credit_balance == 0 and loan.status == LoanStatus.ACTIVE


def test_payments_at_the_same_moment_that_overpay_close_the_loan_once(world):
    credit = credit_create(world)
    loan = credit.loan(amount="300", repayments=2)
    owed = Installment.objects.filter(loan=loan).aggregate(total=Sum(F("principal") + F("interest")))["total"]
    # Any two of them pay the loan off: the rest arrive at a closed loan and are refused, nothing posted.
    amount = (owed * Decimal("0.6")).quantize(Decimal("0.01"))
    calls = [
        lambda n=n: loans.record_repayment(
            user=credit.maker, loan=Loan(pk=loan.pk), amount=amount, on_date=D(2025, 3, 10), receipt=f"R-{n}"
        )
        for n in range(THREADS)
    ]
    results, errors = run_together(*calls)

    accepted = [movement for movement in results if movement is not None]
    refused = [error for error in errors if error is not None]
    assert len(accepted) == 2 and len(refused) == THREADS - 2
    assert all(isinstance(error, ApplicationError) and error.code == "loan_closed" for error in refused)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    assert loan.credit_balance == amount * 2 - owed
    assert sum(movement.overpayment for movement in accepted) == loan.credit_balance
    assert LoanEvent.objects.filter(loan=loan, kind=EventKind.CLOSED).count() == 1
    assert_installments_not_overpaid(loan)
    assert_one_event_per_payment(loan)
    assert_books_agree(credit, [loan])
    assert ledger.balances(credit.fund)[Account.BORROWER_CREDIT] == -loan.credit_balance


def test_retries_with_the_same_idempotency_key_post_once(world):
    credit = credit_create(world)
    loan = credit.loan(amount="300", repayments=6)
    calls = [
        lambda: loans.record_repayment(
            user=credit.maker,
            loan=Loan(pk=loan.pk),
            amount="55.50",
            on_date=D(2025, 2, 10),
            receipt="R-1",
            idempotency_key="caja-2025-02-10-0001",
        )
        for _ in range(THREADS)
    ]
    results, errors = run_together(*calls)

    assert errors == [None] * THREADS
    assert len({movement.pk for movement in results}) == 1
    assert Transaction.objects.filter(idempotency_key="caja-2025-02-10-0001").count() == 1
    assert Transaction.objects.filter(loan=loan, kind=TransactionKind.REPAYMENT).count() == 1
    paid = Installment.objects.filter(loan=loan).aggregate(s=Sum(F("principal_paid") + F("interest_paid")))["s"]
    assert paid == Decimal("55.50")
    assert_installments_not_overpaid(loan)
    assert_one_event_per_payment(loan)
    assert_books_agree(credit, [loan])


def test_one_idempotency_key_sent_for_two_loans_at_once_posts_one_payment(world):
    credit = credit_create(world)
    first = credit.loan(amount="300", repayments=6)
    second = credit.loan(credit.borrower("Ana"), amount="300", repayments=6)
    calls = [
        lambda target=target: loans.record_repayment(
            user=credit.maker, loan=Loan(pk=target.pk), amount="40", on_date=D(2025, 2, 10), idempotency_key="k-9"
        )
        for target in (first, second) * (THREADS // 2)
    ]
    results, errors = run_together(*calls)

    assert Transaction.objects.filter(idempotency_key="k-9").count() == 1
    movement = Transaction.objects.get(idempotency_key="k-9")
    assert {result.pk for result in results if result is not None} == {movement.pk}
    for error in errors:
        assert error is None or (isinstance(error, ApplicationError) and error.code == "idempotency_conflict")
    other = second if movement.loan_id == first.pk else first
    assert not Transaction.objects.filter(loan=other, kind=TransactionKind.REPAYMENT).exists()
    assert not Allocation.objects.filter(installment__loan=other).exists()
    for loan in (first, second):
        assert_installments_not_overpaid(loan)
        assert_one_event_per_payment(loan)
    assert_books_agree(credit, [first, second])


def test_disbursements_at_the_same_moment_never_spend_more_than_the_funds_cash(world):
    credit = credit_create(world, capital="1000")
    people = [credit.borrowers[0], *(credit.borrower(f"Persona {n}") for n in range(THREADS - 1))]
    approved = [credit.loan(person, amount="300", disbursed_on=None) for person in people]
    calls = [
        lambda loan=loan: loans.disburse_loan(
            user=credit.maker, loan=Loan.objects.get(pk=loan.pk), on_date=D(2025, 1, 10), channel="cash"
        )
        for loan in approved
    ]
    results, errors = run_together(*calls)

    done = [loan for loan in results if loan is not None]
    assert len(done) == 3  # 3 × 300 fit in 1,000; a fourth would not
    assert all(isinstance(error, ApplicationError) and error.code == "insufficient_funds" for error in errors if error)
    assert ledger.cash_available(credit.fund) == Decimal("100.00")
    assert Installment.objects.filter(loan__in=[loan.pk for loan in approved]).values("loan").distinct().count() == 3
    assert_books_agree(credit, approved)


def test_payments_and_a_reversal_at_the_same_moment_keep_the_books_straight(world):
    credit = credit_create(world)
    loan = credit.loan(amount="300", repayments=6)
    wrong = loans.record_repayment(user=credit.maker, loan=loan, amount="50", on_date=D(2025, 2, 10), receipt="X")
    calls = [
        lambda n=n: loans.record_repayment(
            user=credit.maker, loan=Loan(pk=loan.pk), amount="30", on_date=D(2025, 2, 11), receipt=f"R-{n}"
        )
        for n in range(THREADS - 1)
    ]
    calls.append(
        lambda: loans.reverse_transaction(
            user=credit.checker, movement=Transaction.objects.get(pk=wrong.pk), on_date=D(2025, 2, 11), reason="Doble"
        )
    )
    _results, errors = run_together(*calls)

    assert errors == [None] * THREADS
    paid = Installment.objects.filter(loan=loan).aggregate(
        s=Sum(F("principal_paid") + F("interest_paid") + F("fees_paid") + F("penalties_paid"))
    )["s"]
    assert paid == Decimal("30") * (THREADS - 1)
    assert LoanEvent.objects.filter(loan=loan, kind=EventKind.REVERSED).count() == 1
    assert_installments_not_overpaid(loan)
    assert_one_event_per_payment(loan)
    assert_books_agree(credit, [loan])
