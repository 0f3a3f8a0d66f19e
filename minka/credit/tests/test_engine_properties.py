"""Rules every schedule keeps, whatever the terms (hypothesis draws them across all the settings): the principal
is repaid exactly, the balance reaches zero, no amount is negative, dates move forward; allocations never take
more than is due; a loan closed on its disbursement day owes its principal."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minka.credit.engine import LoanTerms, Parts, allocate, payoff_amount, replay, schedule

EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def loan_terms(draw, *, method=None) -> LoanTerms:
    decimals = draw(st.sampled_from([0, 2, 2, 2, 3]))
    principal = Decimal(draw(st.integers(1, 10**8))).scaleb(-decimals)
    repayments = draw(st.integers(1, 36))
    disbursed = date(2020, 1, 1) + timedelta(days=draw(st.integers(0, 3650)))
    first_repayment = draw(st.none() | st.integers(1, 70).map(lambda days: disbursed + timedelta(days=days)))
    frequency = draw(st.sampled_from(["months", "weeks", "days"]))
    return LoanTerms(
        principal=principal,
        rate=Decimal(draw(st.integers(0, 6000))).scaleb(-2),
        rate_frequency=draw(st.sampled_from(["year", "year", "month"])),
        repayments=repayments,
        disbursement_date=disbursed,
        first_repayment_date=first_repayment,
        every=draw(st.integers(1, 3)) if frequency != "days" else draw(st.integers(1, 30)),
        frequency=frequency,
        method=method or draw(st.sampled_from(["declining", "declining", "flat"])),
        amortization=draw(st.sampled_from(["equal_installments", "equal_principal"])),
        interest_period=draw(st.sampled_from(["same_as_repayment", "daily"])),
        days_in_year=draw(st.sampled_from(["actual", "360", "364", "365"])),
        days_in_month=draw(st.sampled_from(["actual", "30"])),
        grace_on_principal=draw(st.integers(0, repayments - 1)),
        grace_on_interest_payment=draw(st.integers(0, repayments - 1)),
        interest_free_periods=draw(st.integers(0, repayments)),
        installment_multiple=draw(st.sampled_from([None, None, Decimal(1), Decimal(5), Decimal("0.5"), Decimal(100)])),
        decimals=decimals,
        rounding=draw(st.sampled_from(["half_even", "half_up"])),
        schedule_type=draw(st.sampled_from(["cumulative", "progressive"])),
        fee_per_installment=draw(st.sampled_from([Decimal(0), Decimal(0), Decimal(2)])),
        principal_percent_per_installment=draw(st.sampled_from([None, None, None, Decimal(5), Decimal(20)])),
    )


def payments_for(terms: LoanTerms, plan, draw) -> list[tuple[date, Decimal]]:
    """Up to eight payments of any size, on any day from the disbursement to a month after the last due date."""
    last = plan.installments[-1].due_date + timedelta(days=30)
    span = (last - terms.disbursement_date).days
    count = draw(st.integers(0, 8))
    days = draw(st.lists(st.integers(0, span), min_size=count, max_size=count))
    amounts = draw(st.lists(st.integers(1, int(plan.totals.total * 100) + 100), min_size=count, max_size=count))
    return [
        (terms.disbursement_date + timedelta(days=day), terms.money(Decimal(amount) / 100))
        for day, amount in zip(days, amounts, strict=True)
        if terms.money(Decimal(amount) / 100) > 0
    ]


def assert_well_formed(terms: LoanTerms, plan) -> None:
    rows = plan.installments
    assert 1 <= len(rows) <= terms.repayments
    assert sum(row.principal for row in rows) == terms.principal
    assert rows[-1].balance == 0
    balance = terms.principal
    previous_due = terms.start_date
    for row in rows:
        assert row.principal >= 0 and row.interest >= 0 and row.fees >= 0
        assert row.total == row.principal + row.interest + row.fees + row.penalties
        assert row.balance == balance - row.principal >= 0
        assert row.from_date == previous_due < row.due_date and row.days == (row.due_date - row.from_date).days
        for amount in (row.principal, row.interest, row.total, row.balance):
            assert amount == terms.money(amount)
        balance, previous_due = row.balance, row.due_date
    assert plan.totals.total == sum(row.total for row in rows)


@EXAMPLES
@given(loan_terms())
def test_every_schedule_repays_the_principal_exactly_with_nothing_negative_and_dates_moving_forward(terms):
    assert_well_formed(terms, schedule(terms))


@EXAMPLES
@given(loan_terms(), st.data())
def test_replayed_payments_are_all_accounted_for_and_never_pay_more_than_is_due(terms, data):
    plan = schedule(terms)
    payments = payments_for(terms, plan, data.draw)
    recalculate = terms.method == "declining" and data.draw(st.booleans())
    lived = replay(
        terms, payments, as_of=plan.installments[-1].due_date + timedelta(days=31), recalculate_interest=recalculate
    )

    assert_well_formed(terms, lived)
    assert lived.totals.paid + lived.overpayment == sum(amount for _day, amount in payments)
    for row in lived.installments:
        assert 0 <= row.paid <= row.total and row.outstanding == row.total - row.paid
        assert row.paid_in_advance + row.paid_late <= row.paid
        paid = row.paid_parts
        assert paid.principal <= row.principal and paid.interest <= row.interest and paid.fees <= row.fees
        assert (row.paid_date is not None) <= (row.outstanding == 0)


@EXAMPLES
@given(loan_terms(method="declining"))
def test_with_recalculation_paying_every_installment_on_its_day_changes_nothing(terms):
    plan = schedule(terms)
    on_time = [(row.due_date, row.total) for row in plan.installments if row.total > 0]
    lived = replay(terms, on_time, recalculate_interest=True)
    assert [row.due for row in lived.installments] == [row.due for row in plan.installments]
    assert lived.totals.outstanding == 0


@EXAMPLES
@given(loan_terms())
def test_a_loan_closed_on_its_disbursement_day_owes_its_principal(terms):
    assert payoff_amount(terms, [], terms.disbursement_date) == terms.principal


@EXAMPLES
@given(loan_terms(), st.data())
def test_the_payoff_never_exceeds_what_remains_of_the_schedule_plus_late_interest(terms, data):
    plan = schedule(terms)
    on_date = plan.installments[-1].due_date
    payments = payments_for(terms, plan, data.draw)
    payoff = payoff_amount(terms, payments, on_date)
    lived = replay(terms, payments, as_of=on_date)
    assert 0 <= payoff == max(Decimal(0), lived.totals.outstanding - lived.overpayment)


amounts = st.integers(0, 10**6).map(lambda cents: Decimal(cents).scaleb(-2))
dues = st.lists(st.builds(Parts, amounts, amounts, amounts, amounts), max_size=6)


@settings(max_examples=300)
@given(amounts, dues, st.sampled_from(["penalties_fees_interest_principal", "interest_principal_penalties_fees"]))
def test_an_allocation_never_exceeds_what_is_due_and_returns_the_rest(amount, owed, order):
    allocation = allocate(amount, owed, order)
    for parts, due in zip(allocation.parts, owed, strict=True):
        for name in ("principal", "interest", "fees", "penalties"):
            assert 0 <= getattr(parts, name) <= getattr(due, name)
    assert allocation.total.total + allocation.overpayment == amount
    assert allocation.overpayment == max(Decimal(0), amount - sum(due.total for due in owed))
