"""What the engine gives back: installments, a schedule with its totals, and how payments were allocated.

All frozen: a schedule is a value that can be cached, compared and handed to another thread without copying.
The `paid…`, `outstanding` and `paid_date` fields stay `None` until `replay()` fills them.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .terms import ZERO, LoanTerms


@dataclass(frozen=True, slots=True)
class Parts:
    """An amount split into what a payment settles, in allocation vocabulary."""

    principal: Decimal = ZERO
    interest: Decimal = ZERO
    fees: Decimal = ZERO
    penalties: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.penalties

    def __add__(self, other: "Parts") -> "Parts":
        return Parts(
            self.principal + other.principal,
            self.interest + other.interest,
            self.fees + other.fees,
            self.penalties + other.penalties,
        )

    def __sub__(self, other: "Parts") -> "Parts":
        return Parts(
            self.principal - other.principal,
            self.interest - other.interest,
            self.fees - other.fees,
            self.penalties - other.penalties,
        )


NOTHING = Parts()


@dataclass(frozen=True, slots=True)
class Installment:
    """One repayment: what falls due on `due_date` and the principal still owed after it (`balance`)."""

    number: int
    from_date: date
    due_date: date
    days: int
    principal: Decimal
    interest: Decimal
    fees: Decimal
    penalties: Decimal
    total: Decimal
    balance: Decimal
    paid: Decimal | None = None
    paid_in_advance: Decimal | None = None
    paid_late: Decimal | None = None
    outstanding: Decimal | None = None
    paid_date: date | None = None
    paid_parts: Parts | None = None

    @property
    def due(self) -> Parts:
        return Parts(self.principal, self.interest, self.fees, self.penalties)

    def days_in_arrears(self, on_date: date) -> int:
        """Days this installment has been overdue on `on_date` (0 when paid or not yet due)."""
        if self.due_date >= on_date or (self.outstanding is not None and self.outstanding <= 0):
            return 0
        return (on_date - self.due_date).days


def installment(number: int, span: tuple[date, date], principal, interest, fees, balance) -> Installment:
    start, due = span
    return Installment(
        number=number,
        from_date=start,
        due_date=due,
        days=(due - start).days,
        principal=principal,
        interest=interest,
        fees=fees,
        penalties=ZERO,
        total=principal + interest + fees,
        balance=balance,
    )


@dataclass(frozen=True, slots=True)
class Totals:
    principal: Decimal
    interest: Decimal
    fees: Decimal
    penalties: Decimal
    total: Decimal
    paid: Decimal | None = None
    outstanding: Decimal | None = None

    @classmethod
    def of(cls, installments: tuple[Installment, ...]) -> "Totals":
        replayed = bool(installments) and installments[0].paid is not None
        return cls(
            principal=sum((i.principal for i in installments), ZERO),
            interest=sum((i.interest for i in installments), ZERO),
            fees=sum((i.fees for i in installments), ZERO),
            penalties=sum((i.penalties for i in installments), ZERO),
            total=sum((i.total for i in installments), ZERO),
            paid=sum((i.paid for i in installments), ZERO) if replayed else None,
            outstanding=sum((i.outstanding for i in installments), ZERO) if replayed else None,
        )


@dataclass(frozen=True, slots=True)
class PaymentAllocation:
    """How one payment was applied: to which installments, in which parts, and what was left over."""

    on_date: date
    amount: Decimal
    by_installment: tuple[tuple[int, Parts], ...]
    overpayment: Decimal

    @property
    def parts(self) -> Parts:
        return sum((parts for _number, parts in self.by_installment), NOTHING)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A loan's installments in order. After `replay()`, `as_of` is the date payments were counted to, `payments`
    says how each was allocated and `overpayment` is what the borrower paid beyond everything due."""

    terms: LoanTerms
    installments: tuple[Installment, ...]
    totals: Totals
    as_of: date | None = None
    payments: tuple[PaymentAllocation, ...] = ()
    overpayment: Decimal | None = None

    @property
    def installment_amount(self) -> Decimal:
        """The regular installment (the first one after any grace), as a product sheet would quote it."""
        grace = max(self.terms.grace_on_principal, self.terms.grace_on_interest_payment)
        regular = self.installments[min(grace, len(self.installments) - 1)]
        return regular.total
