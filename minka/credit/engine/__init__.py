"""The loan schedule engine: pure Python and `Decimal`, no Django, so that products, the command, the API and the
benchmark all work a schedule out the same way, and the same way as Apache Fineract.

    terms = LoanTerms(principal=Decimal("1000"), rate=Decimal("18"), repayments=12, disbursement_date=date(2025, 3, 3))
    plan = schedule(terms)                                   # installments and totals
    lived = replay(terms, [(date(2025, 4, 10), Decimal("100"))], as_of=date(2025, 5, 1), recalculate_interest=True)
    payoff_amount(terms, payments, on_date)                  # what closes the loan on that day
    allocate(amount, dues, order)                            # one payment against what is due, in order
"""

from .build import schedule
from .model import Installment, Parts, PaymentAllocation, Schedule, Totals
from .replay import Allocation, AllocationOrder, allocate, payoff_amount, replay
from .terms import (
    Amortization,
    DaysInMonth,
    DaysInYear,
    Frequency,
    InterestMethod,
    InterestPeriod,
    LoanTerms,
    RateFrequency,
    Rounding,
    ScheduleType,
    TermsError,
)

__all__ = [
    "Allocation",
    "AllocationOrder",
    "Amortization",
    "DaysInMonth",
    "DaysInYear",
    "Frequency",
    "Installment",
    "InterestMethod",
    "InterestPeriod",
    "LoanTerms",
    "Parts",
    "PaymentAllocation",
    "RateFrequency",
    "Rounding",
    "Schedule",
    "ScheduleType",
    "TermsError",
    "Totals",
    "allocate",
    "payoff_amount",
    "replay",
    "schedule",
]
