"""Fineract's progressive schedule (its newer EMI engine, `ProgressiveEMICalculator`).

It differs from the cumulative engine where the cents show:
- each period has a *rate factor* from its real dates (30/360 months, or actual days over the year's days), and
  the equal installment is solved over those factors: EMI = balance × Π(1 + rᵢ) / fₙ, where f₁ = 1 and
  fᵢ = 1 + fᵢ₋₁ × (1 + rᵢ);
- interest is summed unrounded over a period's stretches and rounded once per installment;
- "actual" days in year is the real length of the year (a period across the new year is split at 31 December).
A period that begins before the disbursement (see `LoanTerms.schedule_start_date`) bears interest only from it.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from .calendar import actual_years, days_between, periods_between, year_length
from .cumulative import fixed_principal
from .grace import (
    Balances,
    interest_after_grace,
    scheduled_balances,
    scheduled_principal,
    seed_day,
    with_deferred_interest,
)
from .model import Installment, installment
from .terms import ZERO, Amortization, DaysInMonth, DaysInYear, Frequency, InterestMethod, InterestPeriod

_PERIODS_IN_YEAR = {Frequency.MONTHS: 12, Frequency.WEEKS: 52}
_UNIT_DAYS = {Frequency.MONTHS: 30, Frequency.WEEKS: 7}


def build(terms, spans: Sequence[tuple[date, date]], balances: Balances | None = None) -> tuple[Installment, ...]:
    balances = balances or scheduled_balances(terms)
    count, money, day = len(spans), terms.money, seed_day(terms)
    free, grace = terms.interest_free_periods, terms.grace_on_principal
    factors = [
        ZERO if number <= free else rate_factor(terms, span, max(span[0], terms.disbursement_date), span[1], day)
        for number, span in enumerate(spans, 1)
    ]
    flat = terms.method == InterestMethod.FLAT
    if flat:
        flat_interest = [money(terms.principal * factor) for factor in factors]
        emi = terms.to_multiple((terms.principal + sum(flat_interest[grace:], ZERO)) / (count - grace))
        fixed = None
    elif terms.amortization == Amortization.EQUAL_INSTALLMENTS and not terms.principal_percent_per_installment:
        emi, fixed = equal_installment(terms, terms.principal, factors[grace:]), None
    else:
        emi, fixed = None, fixed_principal(terms, count - grace)

    balance, deferred, rows = terms.principal, ZERO, []
    for number, span in enumerate(spans, 1):
        if flat:
            accrued = flat_interest[number - 1]
        elif number <= free:
            accrued = ZERO
        else:
            accrued = money(_interest(terms, span, factors[number - 1], balances(number, *span, balance, rows), day))
        interest, own, deferred = interest_after_grace(terms, number, accrued, deferred)
        principal = scheduled_principal(terms, number, emi, own, fixed)
        if number == count or principal > balance:
            principal = balance
        balance -= principal
        rows.append(installment(number, span, principal, interest, terms.fee_per_installment, balance))
        if balance == 0:
            break
    return with_deferred_interest(rows, deferred)


def _interest(terms, span, period_factor: Decimal, stretches, seed_day: int) -> Decimal:
    """A period's interest, unrounded: each stretch's balance times its share of the rate."""
    whole_period = (max(span[0], terms.disbursement_date), span[1])
    return sum(
        (
            owed * (period_factor if (a, z) == whole_period else rate_factor(terms, span, a, z, seed_day))
            for a, z, owed in stretches
        ),
        ZERO,
    )


def equal_installment(terms, balance: Decimal, factors: Sequence[Decimal]) -> Decimal:
    """The installment that repays `balance` over periods with these rate factors, rounded to the multiple."""
    growth, fn = Decimal(1), Decimal(1)
    for factor in factors:
        growth *= 1 + factor
    for factor in factors[1:]:
        fn = 1 + fn * (1 + factor)
    return terms.to_multiple(terms.money(balance * growth / fn))


def rate_factor(terms, span: tuple[date, date], start: date, end: date, seed_day: int) -> Decimal:
    """The interest rate (a fraction) for the stretch `start`–`end` of the repayment period `span`."""
    if start >= end:
        return ZERO
    period_start, due = span
    period_days = days_between(period_start, due)
    if terms.interest_period == InterestPeriod.SAME_AS_REPAYMENT and terms.frequency in _PERIODS_IN_YEAR:
        whole = periods_between(period_start, due, terms.frequency, seed_day) / _PERIODS_IN_YEAR[terms.frequency]
        return terms.annual_rate * whole * days_between(start, end) / period_days
    if terms.days_in_month == DaysInMonth.ACTUAL or terms.frequency == Frequency.DAYS:
        if terms.days_in_year == DaysInYear.ACTUAL:
            # The year fraction is taken to the due date and shared out by days, as Fineract does.
            to_due = terms.annual_rate * actual_years(start, due)
            return to_due * days_between(start, end) / days_between(start, due)
        return terms.annual_rate * days_between(start, end) / int(terms.days_in_year)
    days_in_year = year_length(start) if terms.days_in_year == DaysInYear.ACTUAL else int(terms.days_in_year)
    units = periods_between(period_start, due, terms.frequency, seed_day)
    whole = terms.annual_rate * _UNIT_DAYS[terms.frequency] * units / days_in_year
    return whole * days_between(start, end) / period_days
