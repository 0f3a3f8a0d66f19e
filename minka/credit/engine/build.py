"""A schedule from terms, by the engine the terms choose."""

from decimal import ROUND_HALF_EVEN, Context, localcontext

from . import calendar, cumulative, progressive
from .model import Schedule, Totals
from .terms import LoanTerms, ScheduleType

# The engine's own arithmetic context, whatever the caller's thread has set: enough digits for any rate factor,
# and money is always rounded explicitly (`LoanTerms.money`).
ARITHMETIC = Context(prec=34, rounding=ROUND_HALF_EVEN)


def engine_of(terms: LoanTerms):
    """The module (`cumulative` or `progressive`) whose `build()` works out this loan's installments."""
    return progressive if terms.schedule_type == ScheduleType.PROGRESSIVE else cumulative


def schedule(terms: LoanTerms) -> Schedule:
    """The loan's repayment schedule: installments in order and their totals."""
    with localcontext(ARITHMETIC):
        installments = engine_of(terms).build(terms, calendar.periods(terms))
    return Schedule(terms=terms, installments=installments, totals=Totals.of(installments))
