"""Times the close of day (`minka.credit.arrears.close_of_day`) over a large portfolio.

    uv run python bench/close_of_day.py                      # PostgreSQL at MINKA_DATABASE_URL, 100,000 loans
    uv run python bench/close_of_day.py --loans 10000 --database sqlite:///var/bench-close.sqlite3

It writes N active loans of one fund (monthly installments, about 12 each, disbursed over the year before the
closing day; most up to date, a realistic share behind by one to four installments, some of those partly paid)
into a database of its own, then closes the day twice: the first run charges the late penalties and sets every
loan's arrears, the second, for the same day, must change nothing. On PostgreSQL the database is a new one
beside the one the URL names (`<name>_close_of_day`), dropped at the end unless `--keep`.
"""

import argparse
import datetime
import os
import random
import sys
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")
AS_OF = datetime.date(2026, 6, 30)
PENALTY_PERCENT = Decimal("2")
PENALTY_GRACE_DAYS = 3


def _arguments(argv):
    parser = argparse.ArgumentParser(description="Mide el cierre del día sobre una cartera grande de créditos.")
    parser.add_argument("--loans", type=int, default=100_000, help="Créditos vigentes que se generan.")
    parser.add_argument(
        "--database",
        default=os.environ.get("MINKA_DATABASE_URL"),
        help="URL de PostgreSQL (se crea una base aparte) o de un archivo SQLite; por defecto MINKA_DATABASE_URL.",
    )
    parser.add_argument("--keep", action="store_true", help="No borrar la base de PostgreSQL al terminar.")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args(argv)
    if arguments.loans < 1:
        parser.error("--loans debe ser mayor que cero.")
    if not arguments.database:
        parser.error("Indique --database o MINKA_DATABASE_URL.")
    return arguments


def bench_url(url: str) -> str:
    """On PostgreSQL, a database of the benchmark's own beside the one named; other URLs as they are."""
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    base, _slash, name = url.rpartition("/")
    name, _question, query = name.partition("?")
    return f"{base}/{name or 'minka'}_close_of_day" + (f"?{query}" if query else "")


def database_drop(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    server = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None}
    with psycopg.connect(dbname="postgres", password=config["PASSWORD"] or None, autocommit=True, **server) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(config["NAME"])))


# The portfolio -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Portfolio:
    fund: object
    loans: int
    installments: int
    behind: int  # loans with an installment due before the day and not fully paid
    penalized: int  # installments the first close must charge a penalty on


def _months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def portfolio_generate(loans: int, *, as_of: datetime.date = AS_OF, seed: int = 1) -> Portfolio:
    """One fund, one laddered product with a late penalty, and `loans` active loans with their installments.
    Written with bulk inserts (COPY on PostgreSQL), not through the services: only the close of day is timed."""
    from django.db import transaction

    from bench.network import rows_write
    from minka.credit.models import Fund, Installment, Loan, LoanProduct, LoanStatus
    from minka.network.models import Organization
    from minka.people.models import Participant
    from minka.testing import UserFactory

    rng = random.Random(seed)
    with transaction.atomic():
        user = UserFactory(username="bench-close-of-day")
        organization = Organization.objects.create(slug="bench-close-of-day", name="Banco comunal", kind="ngo")
        fund = Fund.objects.create(organization=organization, slug="bench-close-of-day", name="Fondo del benchmark")
        product = LoanProduct.objects.create(
            fund=fund,
            name="Crédito mensual",
            min_amount=Decimal("100"),
            max_amount=Decimal("20000"),
            annual_rate=Decimal("18"),
            max_annual_rate=Decimal("36"),
            max_repayments=24,
            default_repayments=12,
            penalty_percent=PENALTY_PERCENT,
            penalty_grace_days=PENALTY_GRACE_DAYS,
        )
        people = Participant.objects.bulk_create(
            Participant(
                given_names=f"Prestataria {n}",
                paternal_surname="Benchmark",
                search_name=f"prestataria {n} benchmark",
                sex="F",
                registered_by=organization,
            )
            for n in range(min(loans, 20_000))
        )
        terms = {
            "allocation_order": "penalties_fees_interest_principal",
            "penalty_percent": str(PENALTY_PERCENT),
            "penalty_grace_days": PENALTY_GRACE_DAYS,
        }
        plans = []
        for _ in range(loans):
            repayments = rng.choice((6, 9, 12, 12, 12, 12, 18))
            disbursed = as_of - datetime.timedelta(days=rng.randrange(35, 30 * repayments))
            plans.append((Decimal(rng.randrange(300, 5_000, 50)), repayments, disbursed))
        created = Loan.objects.bulk_create(
            (
                Loan(
                    fund=fund,
                    product=product,
                    borrower=people[n % len(people)],
                    officer=user,
                    prepared_by=user,
                    approved_by=user,
                    number=f"B-{n + 1:07d}",
                    status=LoanStatus.ACTIVE,
                    amount=amount,
                    annual_rate=product.annual_rate,
                    repayments=repayments,
                    terms=terms,
                    use_category="merchandise",
                    use_description="Mercadería",
                    applied_on=disbursed,
                    approved_on=disbursed,
                    disbursed_on=disbursed,
                    first_repayment_on=_months(disbursed, 1),
                    disbursement_channel="cash",
                )
                for n, (amount, repayments, disbursed) in enumerate(plans)
            ),
            batch_size=5_000,
        )
        counts = {"installments": 0, "behind": 0, "penalized": 0}

        def installments():
            penalty_before = as_of - datetime.timedelta(days=PENALTY_GRACE_DAYS)
            for loan, (amount, repayments, disbursed) in zip(created, plans, strict=True):
                rows = _schedule(amount, repayments, disbursed)
                due = [row for row in rows if row[2] < as_of]
                # Most borrowers are up to date; one in six is behind by one to four installments.
                unpaid = min(len(due), rng.choice((1, 1, 2, 2, 3, 4))) if rng.random() < 1 / 6 else 0
                if unpaid:
                    counts["behind"] += 1
                for index, (number, start, due_date, principal, interest) in enumerate(rows):
                    paid = index < len(due) - unpaid
                    partly = not paid and index == len(due) - unpaid and rng.random() < 0.3
                    principal_paid = principal if paid else (principal / 2).quantize(CENT) if partly else Decimal(0)
                    interest_paid = interest if paid or partly else Decimal(0)
                    if not paid and due_date < penalty_before:
                        counts["penalized"] += 1
                    counts["installments"] += 1
                    yield (
                        loan.pk,
                        number,
                        start,
                        due_date,
                        principal,
                        interest,
                        0,
                        0,
                        principal_paid,
                        interest_paid,
                        0,
                        0,
                        0,
                        0,
                        due_date if paid else None,
                        False,
                    )

        columns = (
            "loan_id",
            "number",
            "from_date",
            "due_date",
            "principal",
            "interest",
            "fees",
            "penalties",
            "principal_paid",
            "interest_paid",
            "fees_paid",
            "penalties_paid",
            "interest_waived",
            "fees_waived",
            "paid_on",
            "superseded",
        )
        rows_write(Installment, columns, installments())
    return Portfolio(fund, loans, counts["installments"], counts["behind"], counts["penalized"])


def _schedule(amount: Decimal, repayments: int, disbursed: datetime.date):
    """Equal principal, monthly interest on the balance: (number, from, due, principal, interest) per installment."""
    rows, balance, start = [], amount, disbursed
    share = (amount / repayments).quantize(CENT, ROUND_HALF_EVEN)
    for number in range(1, repayments + 1):
        principal = share if number < repayments else balance
        interest = (balance * Decimal("0.015")).quantize(CENT, ROUND_HALF_EVEN)
        due = _months(disbursed, number)
        rows.append((number, start, due, principal, interest))
        balance -= principal
        start = due
    return rows


# Timing ------------------------------------------------------------------------------------------------------


def close_timed(as_of: datetime.date = AS_OF):
    """Closes the day twice; returns ((seconds, result) of the first run, (seconds, result) of the second)."""
    from minka.credit.arrears import close_of_day

    runs = []
    for _ in range(2):
        started = time.perf_counter()
        result = close_of_day(as_of)
        runs.append((time.perf_counter() - started, result))
    return runs


def main(argv=None) -> int:
    arguments = _arguments(argv)
    url = bench_url(arguments.database)
    postgres = url != arguments.database
    from bench.generate import database_setup

    started = time.perf_counter()
    database_setup(url)
    try:
        from django.db import connection

        from minka.credit.models import Loan

        if Loan.objects.exists():
            print("La base ya tiene créditos; use otra base o bórrela primero.", file=sys.stderr)
            return 1
        migrated = time.perf_counter()
        portfolio = portfolio_generate(arguments.loans, seed=arguments.seed)
        if connection.vendor == "postgresql":
            # As a database that has lived a while would be: its statistics known, its visibility map set.
            from minka.credit.models import Installment

            with connection.cursor() as cursor:
                for model in (Loan, Installment):
                    cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        written = time.perf_counter()
        (first_seconds, first), (second_seconds, second) = close_timed()
        print(f"database: {connection.vendor} · migrate {migrated - started:.1f} s · write {written - migrated:.1f} s")
        print(
            f"portfolio: {portfolio.loans:,} active loans · {portfolio.installments:,} installments · "
            f"{portfolio.behind:,} behind · {portfolio.penalized:,} installments past the penalty's tolerance"
        )
        print(f"{'close of day':<28} {'seconds':>8} {'loans/s':>10} {'in arrears':>11} {'penalties':>10}")
        for name, seconds, result in (
            ("first run (penalties)", first_seconds, first),
            ("second run (same day)", second_seconds, second),
        ):
            print(
                f"{name:<28} {seconds:>8.2f} {result.loans / seconds:>10,.0f} "
                f"{result.in_arrears:>11,} {result.penalties:>10,}"
            )
        agrees = first.in_arrears == portfolio.behind and first.penalties == portfolio.penalized
        idempotent = second.penalties == 0 and second.in_arrears == first.in_arrears
        if not (agrees and idempotent):
            print("The close of day disagrees with the portfolio written.", file=sys.stderr)
            return 1
        return 0
    finally:
        if postgres and not arguments.keep:
            from django.db import connections

            connections.close_all()
            database_drop(url)


if __name__ == "__main__":
    sys.exit(main())
