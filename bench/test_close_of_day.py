"""The close-of-day benchmark at a tiny size: the portfolio it writes is what it says, and the close of day it
times finds exactly the loans behind and the installments to penalize, then changes nothing on a second run."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F, Q

from bench.close_of_day import AS_OF, bench_url, close_timed, portfolio_generate
from minka.credit import arrears
from minka.credit.models import EventKind, Installment, Loan, LoanEvent


@pytest.mark.django_db
def test_the_close_it_times_agrees_with_the_portfolio_it_wrote():
    portfolio = portfolio_generate(300, seed=5)
    assert Loan.objects.count() == 300
    assert Installment.objects.count() == portfolio.installments > 300 * 6
    assert 20 < portfolio.behind < 100  # about one loan in six
    # Each loan's installments add up to its amount.
    lent = {loan.pk: loan.amount for loan in Loan.objects.all()}
    for loan_id, principal in Installment.objects.values_list("loan", "principal"):
        lent[loan_id] -= principal
    assert set(lent.values()) == {0}

    (first_seconds, first), (second_seconds, second) = close_timed()

    assert first_seconds > 0 and second_seconds > 0
    assert (first.loans, first.in_arrears, first.penalties) == (300, portfolio.behind, portfolio.penalized)
    assert (second.in_arrears, second.penalties) == (portfolio.behind, 0)
    penalized = Installment.objects.filter(penalties__gt=0)
    assert penalized.count() == portfolio.penalized
    assert LoanEvent.objects.filter(kind=EventKind.PENALTY).count() == portfolio.penalized
    row = penalized.first()
    unpaid = row.principal - row.principal_paid + row.interest - row.interest_paid
    assert row.penalties == (unpaid * Decimal("0.02")).quantize(Decimal("0.01"))
    assert Loan.objects.filter(arrears_as_of=AS_OF).count() == 300
    late = Installment.objects.filter(due_date__lt=AS_OF).filter(
        Q(principal_paid__lt=F("principal")) | Q(interest_paid__lt=F("interest"))
    )
    assert Loan.objects.filter(overdue_since__isnull=False).count() == late.values("loan").distinct().count()


def test_on_postgresql_it_uses_a_database_of_its_own():
    assert (
        bench_url("postgres://postgres@127.0.0.1:5432/test") == "postgres://postgres@127.0.0.1:5432/test_close_of_day"
    )
    assert bench_url("sqlite:///var/bench.sqlite3") == "sqlite:///var/bench.sqlite3"


@pytest.mark.postgresql  # the set-based close of day is PostgreSQL's
@pytest.mark.django_db
def test_on_postgresql_the_set_based_penalties_agree_with_the_python_ones_to_the_cent():
    portfolio_generate(200, seed=7)
    # A tie: 2 % of S/ 1.25 is 2.5 cents, which half to even rounds to 2 (half up would make it 3).
    tie = Installment.objects.filter(due_date__lt=AS_OF - datetime.timedelta(days=10), principal_paid=0).first()
    tie.principal_paid, tie.interest_paid = tie.principal - Decimal("1.25"), tie.interest
    tie.save(update_fields=["principal_paid", "interest_paid"])
    active = Loan.objects.filter(status="active")

    def charged():
        events = LoanEvent.objects.filter(kind=EventKind.PENALTY)
        rows = events.values_list("loan", "on_date", "amount", "principal_outstanding", "data")
        return dict(Installment.objects.values_list("pk", "penalties")), sorted(rows, key=repr)

    savepoint = transaction.savepoint()
    count = arrears._charge_penalties(AS_OF, active)
    in_python = charged()
    transaction.savepoint_rollback(savepoint)
    assert arrears._charge_penalties_sql(AS_OF, None) == count > 10
    assert charged() == in_python
    assert in_python[0][tie.pk] == Decimal("0.02")
