"""Times the loan schedule engine (`minka.credit.engine`): schedules generated per second for a few typical loans.

    uv run python bench/loan_schedules.py [--seconds 2] [--loans 1000]

Each kind is timed over `--loans` different loans (amounts, rates and disbursement dates drawn with a fixed
seed, so that runs compare), one `schedule()` call per loan, round after round until `--seconds` have passed; the
terms are built beforehand, as a product's are. The last line replays a loan's payments with daily interest
recalculation, which works the schedule out again until payments and interest agree. No database is involved.
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from minka.credit.engine import LoanTerms, replay, schedule

KINDS = {
    "monthly 12, declining, equal installments": {"repayments": 12},
    "weekly 24, flat": {"repayments": 24, "frequency": "weeks", "method": "flat"},
    "monthly 18, daily interest, multiple of 1": {
        "repayments": 18,
        "interest_period": "daily",
        "installment_multiple": Decimal(1),
    },
    "monthly 12, progressive, 360/30": {
        "repayments": 12,
        "schedule_type": "progressive",
        "days_in_year": "360",
        "days_in_month": "30",
    },
}


def _arguments(argv):
    parser = argparse.ArgumentParser(description="Mide cuántos cronogramas de préstamo calcula el motor por segundo.")
    parser.add_argument("--seconds", type=float, default=2.0, help="Tiempo de medición de cada tipo de préstamo.")
    parser.add_argument("--loans", type=int, default=1000, help="Préstamos distintos de cada tipo.")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args(argv)
    if arguments.seconds <= 0 or arguments.loans < 1:
        parser.error("--seconds y --loans deben ser mayores que cero.")
    return arguments


def loans(kind: dict, count: int, rng: random.Random) -> list[LoanTerms]:
    """`count` loans of one kind: S/ 300 to 20,000, 10 % to 60 % a year, disbursed on any day of two years."""
    return [
        LoanTerms(
            principal=Decimal(rng.randrange(300, 20_000)),
            rate=Decimal(rng.randrange(1000, 6000)).scaleb(-2),
            disbursement_date=date(2024, 1, 1) + timedelta(days=rng.randrange(730)),
            **kind,
        )
        for _ in range(count)
    ]


def per_second(function, items: list, seconds: float) -> tuple[float, int]:
    """Calls `function` on each item, round after round, for about `seconds`: (calls per second, calls)."""
    calls, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for item in items:
            function(item)
        calls += len(items)
    return calls / elapsed, calls


def _replayed(terms: LoanTerms):
    """Three payments: the first installment late, the second on time, a part of the third early."""
    installments = schedule(terms).installments
    first, second, third = installments[:3]
    payments = [
        (first.due_date + timedelta(days=9), first.total),
        (second.due_date, second.total),
        (third.due_date - timedelta(days=10), terms.money(third.total / 2)),
    ]
    return replay(terms, payments, as_of=third.due_date, recalculate_interest=True)


def main(argv=None) -> int:
    arguments = _arguments(argv)
    rng = random.Random(arguments.seed)
    print(f"{'loan':<44} {'schedules/s':>12} {'µs each':>9} {'timed':>9}")
    for name, kind in KINDS.items():
        rate, calls = per_second(schedule, loans(kind, arguments.loans, rng), arguments.seconds)
        print(f"{name:<44} {rate:>12,.0f} {1e6 / rate:>9.0f} {calls:>9,}")
    daily = loans(KINDS["monthly 18, daily interest, multiple of 1"], arguments.loans, rng)
    rate, calls = per_second(_replayed, daily, arguments.seconds)
    print(f"{'replay 3 payments, daily recalculation':<44} {rate:>12,.0f} {1e6 / rate:>9.0f} {calls:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
