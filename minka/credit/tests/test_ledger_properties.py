"""A stateful property test of a fund's books: any sequence of contributions, expenses, loans, payments (short,
exact, too much, retried), reversals, refunds, payoffs, reschedules, write-offs and closes of day keeps

- the trial balance balanced;
- the loans account equal to the principal still owed on active loans;
- cash equal to contributions − expenses − disbursements + repayments − refunds (reversed payments left out);
- what borrowers paid beyond their debt equal to the borrower-credit account;
- every installment's paid parts within its due parts, and one event per payment and per reversal;

and an operation the services refuse leaves every balance exactly as it was.

Each example runs inside a savepoint of the test's transaction, rolled back at its end. Dates move forward from
January 2025 and never pass mid-2026, since the services refuse future dates.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from minka.core.errors import ApplicationError
from minka.credit import arrears, ledger, loans, services
from minka.credit.models import (
    ZERO,
    Account,
    EventKind,
    Installment,
    Loan,
    LoanEvent,
    LoanStatus,
    Transaction,
    TransactionKind,
)
from minka.credit.tests.conftest import credit_create

D = datetime.date
DAY = datetime.timedelta(days=1)
LAST_DAY = D(2026, 6, 30)
CAPITAL = Decimal("3000.00")

cents = st.integers(min_value=1, max_value=60_000).map(lambda n: Decimal(n).scaleb(-2))
pick = st.integers(min_value=0, max_value=1_000)
# Now and then more than the fund has, so that expenses and disbursements are refused too.
large = st.one_of(cents, st.integers(min_value=1_000, max_value=5_000).map(Decimal))


def summed(queryset, expression) -> Decimal:
    """A sum in cents (SQLite adds decimals as floats)."""
    return (queryset.aggregate(total=Sum(expression))["total"] or ZERO).quantize(Decimal("0.01"))


class FundBooks(RuleBasedStateMachine):
    """The fund as the services see it, next to a plain model of where its cash must be."""

    world = None  # set by the test, which owns the database

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.credit = credit_create(self.world, capital=str(CAPITAL), penalty_percent="2")
        self.fund = self.credit.fund
        self.today = D(2025, 1, 10)
        self.cash = CAPITAL
        self.loan_ids: list[int] = []
        self.payment_ids: list[int] = []
        self.people = 0
        self.keys = 0

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    # Helpers -------------------------------------------------------------------------------------------------

    def _snapshot(self):
        rows = Installment.objects.filter(loan__fund=self.fund).order_by("pk")
        return (
            ledger.balances(self.fund),
            list(rows.values_list("pk", "principal_paid", "interest_paid", "fees_paid", "penalties_paid")),
            list(Loan.objects.filter(fund=self.fund).order_by("pk").values_list("pk", "status", "credit_balance")),
            Transaction.objects.filter(loan__fund=self.fund).count(),
        )

    def _attempt(self, call, *, refused: bool | None):
        """Runs a service. `refused`: whether the model expects a refusal (None: either may happen). A refusal
        must leave every balance, installment and loan as it was."""
        before = self._snapshot()
        try:
            result = call()
        except ApplicationError as error:
            assert refused is not False, f"unexpected refusal: {error.code} {error.message}"
            assert self._snapshot() == before, f"refused ({error.code}) but something changed"
            return error
        assert refused is not True, "expected a refusal"
        return result

    def _loan(self, index: int) -> Loan:
        return Loan.objects.get(pk=self.loan_ids[index % len(self.loan_ids)])

    # Rules ---------------------------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=0, max_value=45))
    def time_passes(self, days):
        self.today = min(self.today + days * DAY, LAST_DAY)

    @rule(amount=cents)
    def contribute(self, amount):
        services.add_contribution(
            user=self.world.admin_a,
            fund=self.fund,
            data={"donor_name": "Donante", "amount": amount, "received_on": self.today},
        )
        self.cash += amount

    @rule(amount=large)
    def expense(self, amount):
        refused = amount > self.cash
        self._attempt(
            lambda: services.add_expense(
                user=self.world.admin_a,
                fund=self.fund,
                data={"amount": amount, "spent_on": self.today, "description": "Pasajes"},
            ),
            refused=refused,
        )
        if not refused:
            self.cash -= amount

    @rule(amount=st.integers(min_value=50, max_value=400).map(Decimal), repayments=st.integers(1, 6))
    def lend(self, amount, repayments):
        """Apply, visit, approve and disburse, for a new borrower: the first step lends 100 to 300."""
        self.people += 1
        borrower = self.credit.borrower(f"Persona {self.people}")
        in_range = Decimal(100) <= amount <= Decimal(300)
        applied = self._attempt(
            lambda: self.credit.loan(
                borrower, amount=amount, repayments=repayments, applied_on=self.today, disbursed_on=None
            ),
            refused=not in_range,
        )
        if not in_range:
            assert applied.code in ("out_of_range", "ladder_step_skipped")
            return
        refused = amount > self.cash
        result = self._attempt(
            lambda: loans.disburse_loan(user=self.credit.maker, loan=applied, on_date=self.today, channel="cash"),
            refused=refused,
        )
        if refused:
            assert result.code == "insufficient_funds"
            return
        self.cash -= amount
        self.loan_ids.append(applied.pk)

    @precondition(lambda self: self.loan_ids)
    @rule(index=pick, amount=cents)
    def repay(self, index, amount):
        loan = self._loan(index)
        refused = loan.status != LoanStatus.ACTIVE
        result = self._attempt(
            lambda: loans.record_repayment(user=self.credit.maker, loan=loan, amount=amount, on_date=self.today),
            refused=refused,
        )
        if refused:
            assert result.code in ("loan_closed", "loan_written_off")
            return
        assert result.principal + result.interest + result.fees + result.penalties + result.overpayment == amount
        self.cash += amount
        self.payment_ids.append(result.pk)

    @precondition(lambda self: self.loan_ids)
    @rule(index=pick, extra=st.integers(min_value=1, max_value=5_000).map(lambda n: Decimal(n).scaleb(-2)))
    def pay_everything_and_more(self, index, extra):
        """Closes the loan, keeping `extra` as the borrower's credit; gives it back or not."""
        loan = self._loan(index)
        if loan.status != LoanStatus.ACTIVE:
            return
        owed = sum((row.outstanding for row in Installment.objects.filter(loan=loan, superseded=False)), ZERO)
        movement = self._attempt(
            lambda: loans.record_repayment(user=self.credit.maker, loan=loan, amount=owed + extra, on_date=self.today),
            refused=False,
        )
        assert movement.overpayment == extra
        loan.refresh_from_db()
        assert loan.status == LoanStatus.CLOSED and loan.credit_balance >= extra
        self.cash += owed + extra
        self.payment_ids.append(movement.pk)
        if extra > Decimal("10"):
            refund = self._attempt(
                lambda: loans.refund_credit(user=self.credit.maker, loan=loan, on_date=self.today), refused=False
            )
            assert refund.amount == loan.credit_balance
            self.cash -= refund.amount
            # Its credit given back, the payment can no longer be reversed.
            result = self._attempt(lambda: self._reverse(movement), refused=True)
            assert result.code == "credit_refunded"

    @precondition(lambda self: self.loan_ids)
    @rule(index=pick, amount=cents)
    def repay_twice_with_one_key(self, index, amount):
        loan = self._loan(index)
        if loan.status != LoanStatus.ACTIVE:
            return
        self.keys += 1
        key = f"reintento-{self.keys}"
        pay = lambda: loans.record_repayment(  # noqa: E731
            user=self.credit.maker, loan=loan, amount=amount, on_date=self.today, idempotency_key=key
        )
        first = self._attempt(pay, refused=False)
        again = self._attempt(pay, refused=False)
        assert first.pk == again.pk
        assert Transaction.objects.filter(idempotency_key=key).count() == 1
        self.cash += amount
        self.payment_ids.append(first.pk)

    @precondition(lambda self: self.payment_ids)
    @rule(index=pick)
    def reverse(self, index):
        movement = Transaction.objects.get(pk=self.payment_ids[index % len(self.payment_ids)])
        if movement.reversed_on:
            result = self._attempt(lambda: self._reverse(movement), refused=True)
            assert result.code == "already_reversed"
            return
        # Refused for a payment on rescheduled installments, whose credit was refunded, or on a written-off loan.
        result = self._attempt(lambda: self._reverse(movement), refused=None)
        if not isinstance(result, ApplicationError):
            self.cash -= movement.amount
        else:
            assert result.code in ("rescheduled", "credit_refunded", "loan_written_off")

    def _reverse(self, movement):
        return loans.reverse_transaction(
            user=self.credit.checker, movement=movement, on_date=self.today, reason="Recibo equivocado"
        )

    @precondition(lambda self: self.loan_ids)
    @rule(index=pick, owed_credit=st.booleans())
    def refund(self, index, owed_credit):
        loan = self._loan(index)
        with_credit = Loan.objects.filter(pk__in=self.loan_ids, credit_balance__gt=0).order_by("pk")
        if owed_credit and with_credit:
            loan = with_credit[index % len(with_credit)]
        credit_balance = loan.credit_balance
        result = self._attempt(
            lambda: loans.refund_credit(user=self.credit.maker, loan=loan, on_date=self.today),
            refused=credit_balance == 0,
        )
        if credit_balance:
            assert result.amount == credit_balance
            self.cash -= credit_balance

    @precondition(lambda self: self.loan_ids)
    @rule(index=pick)
    def pay_off(self, index):
        loan = self._loan(index)
        active = loan.status == LoanStatus.ACTIVE
        quote = loans.payoff_quote(loan, self.today) if active else None
        result = self._attempt(
            lambda: loans.pay_off(user=self.credit.maker, loan=loan, on_date=self.today), refused=not active
        )
        if not active:
            assert result.code == "not_active"
            return
        assert Loan.objects.get(pk=loan.pk).status == LoanStatus.CLOSED
        assert loans.principal_outstanding(loan) == 0
        if result is not None:
            assert result.amount == quote.total
            self.cash += result.amount
            self.payment_ids.append(result.pk)

    @precondition(lambda self: self.loan_ids)
    @rule(index=pick, repayments=st.integers(1, 6))
    def reschedule(self, index, repayments):
        loan = self._loan(index)
        owed_before = loans.principal_outstanding(loan)
        result = self._attempt(
            lambda: loans.reschedule_loan(
                user=self.credit.maker,
                loan=loan,
                on_date=self.today,
                repayments=repayments,
                first_repayment_on=self.today + 30 * DAY,
                reason="Enfermedad",
            ),
            refused=None if loan.status == LoanStatus.ACTIVE else True,
        )
        if not isinstance(result, ApplicationError):
            assert result.principal == owed_before == loans.principal_outstanding(loan)

    @precondition(lambda self: self.loan_ids)
    @rule(index=pick)
    def write_off(self, index):
        loan = self._loan(index)
        active = loan.status == LoanStatus.ACTIVE
        self._attempt(
            lambda: loans.request_write_off(user=self.credit.maker, loan=loan, on_date=self.today, reason="Se fue"),
            refused=not active,
        )
        if active:
            self._attempt(
                lambda: loans.approve_write_off(user=self.credit.checker, loan=loan, on_date=self.today),
                refused=False,
            )
            assert Loan.objects.get(pk=loan.pk).status == LoanStatus.WRITTEN_OFF

    @rule()
    def close_the_day(self):
        books = ledger.balances(self.fund)
        arrears.close_of_day(self.today, fund=self.fund)
        again = arrears.close_of_day(self.today, fund=self.fund)
        assert again.penalties == 0
        assert ledger.balances(self.fund) == books  # penalties are income when received, not when charged

    # Invariants ----------------------------------------------------------------------------------------------

    @invariant()
    def the_books_balance(self):
        trial = ledger.trial_balance(self.fund)
        assert trial.balanced, trial

    @invariant()
    def the_loans_account_is_the_principal_owed_on_active_loans(self):
        balances = ledger.balances(self.fund)
        live = Installment.objects.filter(loan__fund=self.fund, superseded=False)
        owed = summed(live.filter(loan__status=LoanStatus.ACTIVE), F("principal") - F("principal_paid"))
        assert balances[Account.LOANS] == owed
        assert summed(live.filter(loan__status=LoanStatus.CLOSED), F("principal") - F("principal_paid")) == 0

    @invariant()
    def cash_is_what_came_in_less_what_went_out(self):
        balances = ledger.balances(self.fund)
        assert balances[Account.CASH] == self.cash
        assert self.cash >= 0
        movements = Transaction.objects.filter(loan__fund=self.fund)

        def total(**filters):
            return summed(movements.filter(**filters), "amount")

        contributed = summed(self.fund.contributions.all(), "amount")
        spent = summed(self.fund.expenses.all(), "amount")
        assert self.cash == (
            contributed
            - spent
            - total(kind=TransactionKind.DISBURSEMENT)
            + total(kind=TransactionKind.REPAYMENT, reversed_on__isnull=True)
            - total(kind=TransactionKind.REFUND)
        )
        assert -balances[Account.CAPITAL] == contributed
        assert balances[Account.OPERATING_EXPENSES] == spent
        assert balances[Account.LOAN_LOSSES] == total(kind=TransactionKind.WRITE_OFF)

    @invariant()
    def the_borrowers_credit_is_what_they_paid_beyond_their_debt(self):
        held = summed(Loan.objects.filter(fund=self.fund), "credit_balance")
        assert -ledger.balances(self.fund)[Account.BORROWER_CREDIT] == held

    @invariant()
    def no_installment_is_overpaid(self):
        # In Python: SQLite would subtract the decimals as floats (1.13 − 1.09 < 0.04).
        for row in Installment.objects.filter(loan__fund=self.fund):
            assert ZERO <= row.principal_paid <= row.principal, row
            assert ZERO <= row.interest_paid <= row.interest - row.interest_waived, row
            assert ZERO <= row.fees_paid <= row.fees, row
            assert ZERO <= row.penalties_paid <= row.penalties, row
            assert row.interest_waived >= 0, row

    @invariant()
    def every_payment_and_reversal_has_its_event(self):
        payments = Transaction.objects.filter(loan__fund=self.fund, kind=TransactionKind.REPAYMENT)
        events = LoanEvent.objects.filter(loan__fund=self.fund)
        assert events.filter(kind=EventKind.REPAID).count() == payments.count()
        assert events.filter(kind=EventKind.REVERSED).count() == payments.filter(reversed_on__isnull=False).count()
        assert events.filter(kind=EventKind.DISBURSED).count() == len(self.loan_ids)


@pytest.mark.django_db
def test_the_fund_books_hold_after_any_sequence_of_operations(world):
    FundBooks.world = world
    run_state_machine_as_test(
        FundBooks,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


# Sequences the machine found, kept as plain examples ---------------------------------------------------------


@pytest.mark.django_db
def test_paying_off_a_rescheduled_loan_pays_what_the_reschedule_carried_and_closes_it(world):
    credit = credit_create(world, penalty_percent="2")
    loan = credit.loan(amount="300", repayments=3)
    arrears.close_of_day(D(2025, 3, 20), fund=credit.fund)
    late = Installment.objects.filter(loan=loan, due_date__lt=D(2025, 3, 20))
    penalties = summed(late, "penalties")
    carried_interest = summed(late, "interest")
    assert penalties > 0
    loans.reschedule_loan(
        user=credit.maker,
        loan=loan,
        on_date=D(2025, 3, 20),
        repayments=2,
        first_repayment_on=D(2025, 4, 20),
        reason="Enfermedad",
    )
    quote = loans.payoff_quote(loan, D(2025, 3, 25))
    assert quote.penalties == penalties
    assert quote.interest > carried_interest  # carried whole, plus five days of the new period
    loans.pay_off(user=credit.maker, loan=loan, on_date=D(2025, 3, 25))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    assert ledger.balances(credit.fund)[Account.LOANS] == 0
    assert ledger.balances(credit.fund)[Account.PENALTY_INCOME] == -penalties


@pytest.mark.django_db
def test_a_reversed_payoff_owes_the_waived_interest_again_and_a_later_payoff_closes(world):
    credit = credit_create(world)
    loan = credit.loan(amount="300", repayments=4)
    interest = summed(Installment.objects.filter(loan=loan), "interest")
    payoff = loans.pay_off(user=credit.maker, loan=loan, on_date=D(2025, 1, 10))
    assert payoff.amount == Decimal("300.00")
    loans.reverse_transaction(user=credit.checker, movement=payoff, on_date=D(2025, 1, 10), reason="Cheque sin fondos")
    rows = Installment.objects.filter(loan=loan)
    assert summed(rows, "interest_waived") == 0
    assert sum((row.outstanding for row in rows), ZERO) == Decimal("300.00") + interest
    later = loans.pay_off(user=credit.maker, loan=loan, on_date=D(2025, 2, 8))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    assert Decimal("300.00") < later.amount < Decimal("300.00") + interest
