"""Fineract's cumulative (legacy) schedule: flat or declining balance, equal installments or equal principal.

What it takes from Fineract, on purpose, so that the same product gives the same cents:
- interest is rounded to the currency for each stretch of constant balance, then added;
- the equal installment comes from the annuity formula at a *regular* period's rate (30-day months for daily
  interest), whatever the real length of each period, and is then rounded to the installment multiple;
- with daily interest, "actual" days in year means 365 (Fineract's day count for this engine);
- the last installment takes whatever principal (and, for flat interest, interest) is left.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from .calendar import days_between, periods_between
from .grace import (
    Balances,
    interest_after_grace,
    principal_is_in_grace,
    scheduled_balances,
    scheduled_principal,
    seed_day,
    with_deferred_interest,
)
from .model import Installment, installment
from .terms import HUNDRED, ZERO, Amortization, DaysInMonth, DaysInYear, Frequency, InterestMethod, InterestPeriod

_UNIT_DAYS = {Frequency.MONTHS: 30, Frequency.WEEKS: 7, Frequency.DAYS: 1}


def build(terms, spans: Sequence[tuple[date, date]], balances: Balances | None = None) -> tuple[Installment, ...]:
    if terms.method == InterestMethod.FLAT:
        return _flat(terms, spans)
    return _declining(terms, spans, balances or scheduled_balances(terms))


def periodic_rate(terms, start: date, end: date, seed_day: int) -> Decimal:
    """The interest rate (a fraction) for the stretch from `start` to `end`."""
    if terms.interest_period == InterestPeriod.DAILY:
        if terms.frequency == Frequency.MONTHS and terms.days_in_month == DaysInMonth.DAYS_30:
            days = 30 * periods_between(start, end, Frequency.MONTHS, seed_day)
        else:
            days = days_between(start, end)
        return terms.annual_rate * days / _days_in_year(terms)
    return terms.annual_rate * periods_between(start, end, terms.frequency, seed_day) / _periods_in_year(terms)


def installment_amount(terms, count: int) -> Decimal:
    """The equal installment over `count` periods, rounded to the installment multiple."""
    if terms.interest_period == InterestPeriod.DAILY:
        rate = terms.annual_rate * _UNIT_DAYS[terms.frequency] * terms.every / _days_in_year(terms)
    else:
        rate = terms.annual_rate * terms.every / _periods_in_year(terms)
    if rate == 0:
        return terms.to_multiple(terms.principal / count)
    return terms.to_multiple(terms.principal * rate / (1 - (1 + rate) ** -count))


def _days_in_year(terms) -> int:
    return 365 if terms.days_in_year == DaysInYear.ACTUAL else int(terms.days_in_year)


def _periods_in_year(terms) -> int:
    return {Frequency.MONTHS: 12, Frequency.WEEKS: 52}.get(terms.frequency) or _days_in_year(terms)


def fixed_principal(terms, count: int) -> Decimal:
    """Equal principal: the principal over the periods that repay it, or the product's fixed percentage of it."""
    if terms.principal_percent_per_installment is not None:
        return terms.money(terms.principal * terms.principal_percent_per_installment / HUNDRED)
    return terms.money(terms.principal / count)


def _declining(terms, spans, balances: Balances) -> tuple[Installment, ...]:
    count, money, day = len(spans), terms.money, seed_day(terms)
    amortizing = count - terms.grace_on_principal
    by_installment = (
        terms.amortization == Amortization.EQUAL_INSTALLMENTS and not terms.principal_percent_per_installment
    )
    emi = installment_amount(terms, amortizing) if by_installment else None
    fixed = None if by_installment else fixed_principal(terms, amortizing)
    balance, deferred, rows = terms.principal, ZERO, []
    for number, span in enumerate(spans, 1):
        accrued = sum(
            (
                money(owed * periodic_rate(terms, start, end, day))
                for start, end, owed in balances(number, *span, balance, rows)
            ),
            ZERO,
        )
        interest, own, deferred = interest_after_grace(terms, number, accrued, deferred)
        principal = scheduled_principal(terms, number, emi, own, fixed)
        if number == count or principal > balance:
            principal = balance
        balance -= principal
        rows.append(installment(number, span, principal, interest, terms.fee_per_installment, balance))
        if balance == 0:
            break
    return with_deferred_interest(rows, deferred)


def _flat(terms, spans) -> tuple[Installment, ...]:
    """Flat interest: the whole term's interest on the full principal, spread evenly over the periods that pay it."""
    count, money = len(spans), terms.money
    full = money(terms.principal * _flat_rate_for_term(terms, spans))
    # Rounding each period's share can make the free periods worth more than the whole; they cannot cost less.
    charged = max(ZERO, full - money(full / count) * terms.interest_free_periods)
    silent = max(terms.interest_free_periods, terms.grace_on_interest_payment)
    each_interest = money(charged / (count - silent)) if count > silent else ZERO
    each_principal = fixed_principal(terms, count - terms.grace_on_principal)
    balance, interest_so_far, rows = terms.principal, ZERO, []
    for number, span in enumerate(spans, 1):
        interest = ZERO if number <= silent else each_interest
        if number == count and number > silent:
            interest = max(ZERO, charged - interest_so_far)
        principal = ZERO if principal_is_in_grace(terms, number) else each_principal
        if terms.installment_multiple and principal:
            # Fineract rounds principal and interest to the multiple separately and moves the interest's rounding
            # into the principal, so that the installment itself is a multiple.
            principal = max(ZERO, terms.to_multiple(principal) + terms.to_multiple(interest) - interest)
        if number == count or principal > balance:
            principal = balance
        balance -= principal
        interest_so_far += interest
        rows.append(installment(number, span, principal, interest, terms.fee_per_installment, balance))
        if balance == 0:
            break
    return tuple(rows)


def _flat_rate_for_term(terms, spans) -> Decimal:
    start, end = terms.disbursement_date, spans[-1][1]
    if terms.interest_period == InterestPeriod.DAILY:
        return terms.annual_rate * days_between(start, end) / _days_in_year(terms)
    return terms.annual_rate * periods_between(start, end, terms.frequency, seed_day(terms)) / _periods_in_year(terms)
