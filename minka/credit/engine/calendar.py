"""The dates of a schedule and the day counts that interest is measured with.

Monthly due dates keep the day of month of their seed (the first repayment date, or the start), clamped to short
months: a loan disbursed on 31 January falls due on 29 February, then 31 March, as in Fineract.
"""

from calendar import isleap
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from .terms import Frequency, LoanTerms, TermsError

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_length(year: int, month: int) -> int:
    return 29 if month == 2 and isleap(year) else _MONTH_DAYS[month - 1]


def add_months(day: date, months: int, day_of_month: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day_of_month, month_length(year, month)))


def shift(day: date, frequency: Frequency, count: int, day_of_month: int) -> date:
    """`count` units of `frequency` after `day`; months keep `day_of_month` where the month has it."""
    if frequency == Frequency.MONTHS:
        return add_months(day, count, day_of_month)
    return day + timedelta(days=count * (7 if frequency == Frequency.WEEKS else 1))


def days_between(start: date, end: date) -> int:
    return (end - start).days


def periods(terms: LoanTerms) -> tuple[tuple[date, date], ...]:
    """Each installment's (from, due) dates; the first period begins at the start, each later one at the previous
    due date."""
    spans = _periods(terms.start_date, terms.first_repayment_date, terms.frequency, terms.every, terms.repayments)
    if spans[0][1] <= terms.disbursement_date:
        raise TermsError(
            "El calendario empieza tan antes del desembolso que la primera cuota vencería antes que él.",
            "schedule_start_date",
            "before_disbursement",
        )
    return spans


@lru_cache(maxsize=4096)
def _periods(start: date, first_due: date | None, frequency: Frequency, every: int, count: int):
    # Dates are counted from the seed each time rather than from the previous due date, so that a clamped
    # 28 February does not drag every later month to the 28th.
    if first_due is None:
        dues = [shift(start, frequency, every * k, start.day) for k in range(1, count + 1)]
    else:
        dues = [shift(first_due, frequency, every * k, first_due.day) for k in range(count)]
    return tuple(zip([start, *dues[:-1]], dues, strict=True))


@lru_cache(maxsize=65536)
def periods_between(start: date, end: date, frequency: Frequency, seed_day: int) -> Decimal:
    """How many repayment units (days, weeks or months) lie between two dates, a broken unit as a fraction of the
    unit that follows; Fineract's measure of a partial period. Cached: a portfolio's loans share their dates."""
    days = days_between(start, end)
    if frequency == Frequency.DAYS:
        return Decimal(days)
    if frequency == Frequency.WEEKS:
        return Decimal(days) / 7
    months = (end.year - start.year) * 12 + end.month - start.month
    if _month_step(start, months, seed_day) == end:
        return Decimal(months)  # whole months: every regular period
    whole = max(0, months - 1)
    while _month_step(start, whole + 1, seed_day) <= end:
        whole += 1
    anchor = _month_step(start, whole, seed_day)
    following = _month_step(start, whole + 1, seed_day)
    return whole + Decimal(days_between(anchor, end)) / days_between(anchor, following)


def _month_step(start: date, months: int, seed_day: int) -> date:
    """`months` after `start`, clamped to short months; a month end goes back to the seed's day where the month
    has it (Fineract's `adjustDate`), so 29 February steps to 31 March for a loan due on the 31st."""
    if not months:
        return start
    stepped = add_months(start, months, start.day)
    if seed_day > 28 and stepped.day >= 28:
        return add_months(stepped, 0, seed_day)
    return stepped


def year_length(day: date) -> int:
    return 366 if isleap(day.year) else 365


def actual_years(start: date, end: date) -> Decimal:
    """Days from `start` to `end` over the actual length of each year they fall in; Fineract splits a period
    that crosses a new year at 31 December."""
    if start.year == end.year:
        return Decimal(days_between(start, end)) / year_length(start)
    total, cursor = Decimal(0), start
    for year in range(start.year, end.year + 1):
        stop = end if year == end.year else date(year, 12, 31)
        total += Decimal(days_between(cursor, stop)) / (366 if isleap(year) else 365)
        cursor = stop
    return total
