"""Grace, shared by both engines: which periods pay no principal, which defer their interest, which charge none."""

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from .model import Installment, installment
from .terms import ZERO, LoanTerms

# (installment number, from, due, scheduled principal balance, installments built so far) → the stretches of the
# period with the principal that bears interest on each: [(from, to, balance), …]. A schedule uses one stretch at
# the scheduled balance; a replay with interest recalculation splits the period where payments moved the balance.
Balances = Callable[[int, date, date, Decimal, Sequence[Installment]], list[tuple[date, date, Decimal]]]


def scheduled_balances(terms: LoanTerms) -> Balances:
    """Interest on the scheduled balance, from the disbursement on (a period may start earlier, see
    `LoanTerms.schedule_start_date`)."""
    disbursed = terms.disbursement_date

    def stretches(_number, start, due, balance, _built):
        start = max(start, disbursed)
        return [(start, due, balance)] if start < due else []

    return stretches


def interest_after_grace(terms: LoanTerms, number: int, accrued: Decimal, deferred: Decimal):
    """(interest due with this installment, this period's own interest, interest still deferred).

    Interest-free periods charge nothing. Periods with grace on interest payment charge it later: it accrues,
    is carried, and falls due with the first installment after the grace (or the last one). The period's own
    interest is what an equal installment's principal is worked out from, as in Fineract.
    """
    if number <= terms.interest_free_periods:
        return ZERO, ZERO, deferred
    if number <= terms.grace_on_interest_payment:
        return ZERO, accrued, deferred + accrued
    return deferred + accrued, accrued, ZERO


def principal_is_in_grace(terms: LoanTerms, number: int) -> bool:
    return number <= terms.grace_on_principal


def scheduled_principal(terms: LoanTerms, number: int, emi: Decimal | None, own_interest: Decimal, fixed) -> Decimal:
    """The principal an installment repays, before the last one takes what is left: none in grace, the equal
    installment less the period's own interest (never below nothing), or the fixed principal."""
    if principal_is_in_grace(terms, number):
        return ZERO
    if emi is None:
        return fixed
    return max(ZERO, emi - own_interest)


def seed_day(terms: LoanTerms) -> int:
    """The day of month monthly due dates keep, which partial months are measured against."""
    return (terms.first_repayment_date or terms.start_date).day


def with_deferred_interest(rows: list[Installment], deferred: Decimal) -> tuple[Installment, ...]:
    """Interest still deferred by grace when the principal runs out falls due with the last installment."""
    if deferred and rows:
        last = rows[-1]
        span = (last.from_date, last.due_date)
        rows[-1] = installment(last.number, span, last.principal, last.interest + deferred, last.fees, last.balance)
    return tuple(rows)
