"""The close-of-day benchmark at a tiny size: the portfolio it writes is what it says, and the close of day it
times finds exactly the loans behind and the installments to penalize, then changes nothing on a second run."""

from decimal import Decimal

import pytest
from django.db.models import F, Q

from bench.close_of_day import AS_OF, bench_url, close_timed, portfolio_generate
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
