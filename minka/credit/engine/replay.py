"""A loan's life against its schedule: payments applied in order up to a date, what is paid and still owed, and
what would close the loan on a given day.

With interest recalculation, interest accrues day by day on the principal actually outstanding, as Fineract's
daily recalculation does: before `as_of`, on what the payments really left; from `as_of` on, on what the schedule
would leave if every installment still owed were paid when due (overdue principal counted as paid on `as_of`).
Installments keep their amount and the last one absorbs the difference. Since what a payment pays depends on the
interest it is allocated against, and that interest on what the payments paid, the two are worked out again until
they agree: usually three or four rounds. Should rounding ever keep them from agreeing, the last round after
`MAX_ROUNDS` stands (its payments are applied to its own installments, so every total still adds up).
"""

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum
from itertools import accumulate, pairwise

from . import calendar
from .build import ARITHMETIC, engine_of
from .model import NOTHING, Installment, Parts, PaymentAllocation, Schedule, Totals
from .terms import ZERO, InterestMethod, LoanTerms, TermsError

MAX_ROUNDS = 12


class AllocationOrder(StrEnum):
    """The order a payment settles each installment's parts in (installments oldest first)."""

    PENALTIES_FEES_INTEREST_PRINCIPAL = "penalties_fees_interest_principal"
    INTEREST_PRINCIPAL_PENALTIES_FEES = "interest_principal_penalties_fees"


_ORDER = {
    AllocationOrder.PENALTIES_FEES_INTEREST_PRINCIPAL: ("penalties", "fees", "interest", "principal"),
    AllocationOrder.INTEREST_PRINCIPAL_PENALTIES_FEES: ("interest", "principal", "penalties", "fees"),
}


@dataclass(frozen=True, slots=True)
class Allocation:
    """What one payment settles of each installment given (same order), and what it paid beyond all of it."""

    parts: tuple[Parts, ...]
    overpayment: Decimal

    @property
    def total(self) -> Parts:
        return sum(self.parts, NOTHING)


def allocate(
    amount: Decimal, dues: Sequence[Parts], order: AllocationOrder = AllocationOrder.PENALTIES_FEES_INTEREST_PRINCIPAL
) -> Allocation:
    """Apply `amount` to what is still due on each installment, oldest first, each installment's parts in `order`.
    Never more than is due: the rest comes back as the overpayment."""
    if amount < 0:
        raise TermsError("El monto de un pago no puede ser negativo.", "payments", "not_negative")
    names, left, settled = _ORDER[AllocationOrder(order)], amount, []
    for due in dues:
        if not left:
            settled.append(NOTHING)
            continue
        taken = {}
        for name in names:
            taken[name] = min(left, max(ZERO, getattr(due, name)))
            left -= taken[name]
        settled.append(Parts(**taken))
    return Allocation(tuple(settled), left)


def replay(
    terms: LoanTerms,
    payments: Iterable[tuple[date, Decimal]],
    *,
    as_of: date | None = None,
    recalculate_interest: bool = False,
    order: AllocationOrder = AllocationOrder.PENALTIES_FEES_INTEREST_PRINCIPAL,
) -> Schedule:
    """The schedule with the payments made up to `as_of` (by default the last payment) applied: each installment's
    `paid`, `outstanding` and `paid_date`, and each payment's allocation."""
    with localcontext(ARITHMETIC):
        applied, as_of = _lived(terms, payments, as_of, recalculate_interest, order)
        return applied.schedule(terms, as_of)


def payoff_amount(
    terms: LoanTerms,
    payments: Iterable[tuple[date, Decimal]],
    on_date: date,
    *,
    recalculate_interest: bool = False,
    order: AllocationOrder = AllocationOrder.PENALTIES_FEES_INTEREST_PRINCIPAL,
) -> Decimal:
    """What closes the loan on `on_date`: the principal still owed, interest accrued up to that day (not to the
    end of the term), fees and penalties fallen due, less what was paid towards them."""
    with localcontext(ARITHMETIC):
        applied, _as_of = _lived(terms, payments, on_date, recalculate_interest, order)
        accrued = _interest_accrued(terms, applied, on_date, recalculate_interest)
    lived = applied.schedule(terms, on_date)
    paid = sum((row.paid_parts for row in lived.installments), NOTHING)
    fallen_due = sum((row.due for row in lived.installments if row.due_date <= on_date), NOTHING)
    owed = (
        terms.principal
        - paid.principal
        + accrued
        - paid.interest
        + fallen_due.fees
        + fallen_due.penalties
        - paid.fees
        - paid.penalties
        - lived.overpayment
    )
    return max(ZERO, owed)


def _lived(
    terms: LoanTerms, payments, as_of: date | None, recalculate_interest: bool, order
) -> tuple["_Applied", date]:
    payments = _checked(terms, payments)
    as_of = as_of or (payments[-1][0] if payments else terms.disbursement_date)
    if as_of < terms.disbursement_date:
        raise TermsError("La fecha de corte es anterior al desembolso.", "as_of", "before_disbursement")
    if recalculate_interest and terms.method == InterestMethod.FLAT:
        raise TermsError("El interés plano no se recalcula por días.", "method", "flat_recalculation")
    payments = [payment for payment in payments if payment[0] <= as_of]
    engine, spans = engine_of(terms), calendar.periods(terms)
    rows = engine.build(terms, spans)
    applied = _Applied(rows, payments, order)
    if recalculate_interest:
        for _round in range(MAX_ROUNDS):
            rebuilt = engine.build(terms, spans, _actual_balances(terms, applied, as_of))
            if rebuilt == rows:
                break
            rows, applied = rebuilt, _Applied(rebuilt, payments, order)
    return applied, as_of


def _checked(terms: LoanTerms, payments) -> list[tuple[date, Decimal]]:
    checked = []
    for on_date, amount in payments:
        if isinstance(amount, float):
            raise TermsError("Los montos se dan como decimales exactos, no como float.", "payments", "float")
        amount = Decimal(amount)
        if amount <= 0:
            raise TermsError("Cada pago debe ser mayor que cero.", "payments", "positive")
        if amount != terms.money(amount):
            raise TermsError("Un pago tiene más decimales que la moneda.", "payments", "decimals")
        if on_date < terms.disbursement_date:
            raise TermsError("Hay un pago anterior al desembolso.", "payments", "before_disbursement")
        checked.append((on_date, amount))
    return sorted(checked, key=lambda payment: payment[0])


class _Applied:
    """Payments applied in date order to a set of installments; what each paid, and when principal went down."""

    def __init__(self, rows: Sequence[Installment], payments, order):
        self.rows = rows
        remaining = [row.due for row in rows]
        self.paid = [NOTHING] * len(rows)
        self.early = [ZERO] * len(rows)
        self.late = [ZERO] * len(rows)
        self.paid_date: list[date | None] = [None] * len(rows)
        self.allocations, self.principal_days, principal_paid = [], [], []
        for on_date, amount in payments:
            allocation = allocate(amount, remaining, order)
            for index, parts in enumerate(allocation.parts):
                if not parts.total:
                    continue
                remaining[index] -= parts
                self.paid[index] += parts
                due_date = rows[index].due_date
                if on_date < due_date:
                    self.early[index] += parts.total
                elif on_date > due_date:
                    self.late[index] += parts.total
                if remaining[index].total == 0:
                    self.paid_date[index] = on_date
            self.allocations.append(
                PaymentAllocation(
                    on_date=on_date,
                    amount=amount,
                    by_installment=tuple((rows[i].number, p) for i, p in enumerate(allocation.parts) if p.total),
                    overpayment=allocation.overpayment,
                )
            )
            self.principal_days.append(on_date)
            principal_paid.append(allocation.total.principal)
        # Principal repaid up to and including each payment day, for the balance on any date by bisection.
        self.principal_repaid = list(accumulate(principal_paid, initial=ZERO))

    def repaid_by(self, on_date: date) -> Decimal:
        return self.principal_repaid[bisect_right(self.principal_days, on_date)]

    def paid_principal(self, number: int) -> Decimal:
        # A recalculated schedule can run longer than the one the payments were applied to.
        return self.paid[number - 1].principal if number <= len(self.paid) else ZERO

    def schedule(self, terms: LoanTerms, as_of: date) -> Schedule:
        rows = tuple(
            replace(
                row,
                paid=self.paid[i].total,
                paid_in_advance=self.early[i],
                paid_late=self.late[i],
                outstanding=row.total - self.paid[i].total,
                paid_date=self.paid_date[i],
                paid_parts=self.paid[i],
            )
            for i, row in enumerate(self.rows)
        )
        return Schedule(
            terms=terms,
            installments=rows,
            totals=Totals.of(rows),
            as_of=as_of,
            payments=tuple(self.allocations),
            overpayment=sum((a.overpayment for a in self.allocations), ZERO),
        )


def _actual_balances(terms: LoanTerms, applied: _Applied, as_of: date, *, close_on: date | None = None):
    """The principal bearing interest through each period: what payments left before `as_of`, what the schedule
    would leave after it. With `close_on`, nothing bears interest from that day (the loan is paid off)."""
    disbursed, principal = terms.disbursement_date, terms.principal
    cuts = [day for day in applied.principal_days if day < as_of]
    # Principal of the installments built so far that the payments left unpaid, added up as they are built.
    unpaid = {"rows": 0, "amount": ZERO}

    def unpaid_before(built) -> Decimal:
        for row in built[unpaid["rows"] :]:
            unpaid["amount"] += max(ZERO, row.principal - applied.paid_principal(row.number))
        unpaid["rows"] = len(built)
        return unpaid["amount"]

    def stretches(_number, start, due, _balance, built):
        start, end = max(start, disbursed), min(due, close_on) if close_on else due
        if start >= end:
            return []
        points = sorted({start, end, *(d for d in cuts if start < d < end), *([as_of] if start < as_of < end else [])})
        result = []
        for a, z in pairwise(points):
            if a < as_of:
                owed = principal - applied.repaid_by(a)
            else:
                owed = principal - applied.repaid_by(as_of) - unpaid_before(built)
            result.append((a, z, max(ZERO, owed)))
        return result

    return stretches


def _interest_accrued(terms: LoanTerms, applied: _Applied, on_date: date, recalculated: bool) -> Decimal:
    """Interest the loan has earned up to `on_date`: its installments worked out again as if it closed that day."""
    if terms.method == InterestMethod.FLAT:
        accrued = ZERO
        for row in applied.rows:
            if row.due_date <= on_date:
                accrued += row.interest
            elif row.from_date < on_date:
                start = max(row.from_date, terms.disbursement_date)
                accrued += terms.money(
                    row.interest * calendar.days_between(start, on_date) / (row.due_date - start).days
                )
        return accrued
    if recalculated:
        balances = _actual_balances(terms, applied, on_date, close_on=on_date)
    else:
        balances = _scheduled_until(terms, on_date)
    closing = engine_of(terms).build(terms, calendar.periods(terms), balances)
    return sum((row.interest for row in closing), ZERO)


def _scheduled_until(terms: LoanTerms, on_date: date):
    disbursed = terms.disbursement_date

    def stretches(_number, start, due, balance, _built):
        start, end = max(start, disbursed), min(due, on_date)
        return [(start, end, balance)] if start < end else []

    return stretches
