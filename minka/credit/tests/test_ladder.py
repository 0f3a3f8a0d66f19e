"""The progressive ladder (S/ 300, 500, 1,000, 1,500, 2,000): a first credit starts on the first step, a credit
repaid within the product's days late climbs one, a later one stays, an open or written-off one stops the next,
and asking above the step is refused with nothing written."""

import datetime
from decimal import Decimal

import pytest

from minka.core.errors import ApplicationError
from minka.credit import loans
from minka.credit.ladder import eligibility
from minka.credit.models import Installment, Loan, LoanStatus
from minka.credit.tests.conftest import credit_create

D = datetime.date
DAY = datetime.timedelta(days=1)


def repay(credit, loan: Loan, *, days_late: int = 0) -> Loan:
    """Pays every installment in full, each `days_late` days after it falls due; returns the closed loan."""
    for row in Installment.objects.filter(loan=loan, superseded=False).order_by("number"):
        loans.record_repayment(
            user=credit.maker, loan=loan, amount=row.outstanding, on_date=row.due_date + days_late * DAY
        )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED
    return loan


LATER = D(2025, 6, 2)


def apply(credit, borrower, amount, on_date=LATER):
    return loans.apply_for_loan(
        user=credit.maker,
        product=credit.product,
        data={
            "borrower": borrower,
            "amount": amount,
            "repayments": 2,
            "use_category": "crafts",
            "use_description": "Hilos y agujas",
            "applied_on": on_date,
        },
    )


def test_a_first_credit_stands_on_the_first_step(credit):
    allowed = eligibility(credit.borrowers[0], credit.product)
    assert (allowed.amount, allowed.step) == (Decimal("300.00"), 1)
    assert allowed.eligible
    loan = credit.loan(amount="300", repayments=2)
    assert loan.ladder_step == 1


def test_a_credit_repaid_on_time_climbs_to_the_second_step(credit):
    repay(credit, credit.loan(amount="300", repayments=2))
    allowed = eligibility(credit.borrowers[0], credit.product)
    assert (allowed.amount, allowed.step) == (Decimal("500.00"), 2)
    loan = credit.loan(amount="500", applied_on=D(2025, 4, 1), disbursed_on=D(2025, 4, 2))
    assert loan.ladder_step == 2 and loan.amount == Decimal("500.00")


@pytest.mark.parametrize(("days_late", "step", "amount"), [(5, 2, "500.00"), (6, 1, "300.00")])
def test_a_credit_paid_later_than_the_product_allows_stays_on_its_step(world, days_late, step, amount):
    credit = credit_create(world, max_days_late=5)
    closed = repay(credit, credit.loan(amount="300", repayments=2), days_late=days_late)
    assert closed.worst_days_late == days_late
    allowed = eligibility(credit.borrowers[0], credit.product)
    assert (allowed.amount, allowed.step) == (Decimal(amount), step)
    if days_late > 5:
        assert "6" in allowed.reason and "5" in allowed.reason
        with pytest.raises(ApplicationError) as error:
            apply(credit, credit.borrowers[0], "500")
        assert error.value.code == "ladder_step_skipped"


def test_one_late_installment_is_enough_to_stay(credit):
    loan = credit.loan(amount="300", repayments=3)
    rows = list(Installment.objects.filter(loan=loan).order_by("number"))
    for row, late in zip(rows, (0, 1, 0), strict=True):
        loans.record_repayment(user=credit.maker, loan=loan, amount=row.outstanding, on_date=row.due_date + late * DAY)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CLOSED and loan.worst_days_late == 1
    assert eligibility(credit.borrowers[0], credit.product).step == 1


def test_asking_above_the_eligible_amount_skips_a_step_and_writes_nothing(credit):
    before = Loan.objects.count()
    with pytest.raises(ApplicationError) as error:
        apply(credit, credit.borrowers[0], "500")
    assert error.value.code == "ladder_step_skipped"
    assert error.value.fields == {"amount": [error.value.message]}
    assert "300" in error.value.message
    repay(credit, credit.loan(amount="300", repayments=2))
    with pytest.raises(ApplicationError) as error:
        apply(credit, credit.borrowers[0], "1000")
    assert error.value.code == "ladder_step_skipped"
    assert Loan.objects.count() == before + 1


def test_less_than_the_step_is_allowed_and_still_counts_as_the_step(credit):
    first = credit.loan(amount="200", repayments=2)
    assert first.ladder_step == 1
    repay(credit, first)
    assert eligibility(credit.borrowers[0], credit.product).amount == Decimal("500.00")


@pytest.mark.parametrize("stage", ["submitted", "approved", "active"])
def test_an_open_credit_stops_the_next_one(credit, stage):
    borrower = credit.borrowers[0]
    if stage == "submitted":
        apply(credit, borrower, "300", on_date=D(2025, 1, 6))
    else:
        credit.loan(amount="300", disbursed_on=None if stage == "approved" else D(2025, 1, 10))
    allowed = eligibility(borrower, credit.product)
    assert not allowed.eligible and allowed.step is None
    assert "FONDO-ALFA-00001" in allowed.reason
    with pytest.raises(ApplicationError) as error:
        apply(credit, borrower, "100")
    assert error.value.code == "not_eligible"
    assert Loan.objects.filter(borrower=borrower).count() == 1


def test_a_rejected_application_does_not_count(credit):
    loan = apply(credit, credit.borrowers[0], "300", on_date=D(2025, 1, 6))
    loans.reject_loan(user=credit.checker, loan=loan, on_date=D(2025, 1, 7), note="Falta aval")
    allowed = eligibility(credit.borrowers[0], credit.product)
    assert (allowed.amount, allowed.step) == (Decimal("300.00"), 1)


def test_a_written_off_credit_stops_every_next_one(credit):
    loan = credit.loan(amount="300", repayments=2)
    loans.request_write_off(user=credit.maker, loan=loan, on_date=D(2025, 6, 1), reason="Sin pagos")
    loans.approve_write_off(user=credit.checker, loan=loan, on_date=D(2025, 6, 2))
    allowed = eligibility(credit.borrowers[0], credit.product)
    assert not allowed.eligible
    assert "FONDO-ALFA-00001" in allowed.reason
    with pytest.raises(ApplicationError) as error:
        apply(credit, credit.borrowers[0], "100")
    assert error.value.code == "not_eligible"


def test_a_write_off_stops_only_the_borrower_who_had_it(credit):
    first = credit.loan(amount="300", repayments=2)
    loans.request_write_off(user=credit.maker, loan=first, on_date=D(2025, 6, 1), reason="Sin pagos")
    loans.approve_write_off(user=credit.checker, loan=first, on_date=D(2025, 6, 2))
    assert not eligibility(credit.borrowers[0], credit.product).eligible
    other = credit.borrower("Ana")
    assert eligibility(other, credit.product).amount == Decimal("300.00")


def test_rocios_ladder_climbs_one_step_per_credit_repaid_on_time_and_stays_at_the_top(credit):
    rocio = credit.borrowers[0]
    start = D(2025, 1, 6)
    seen = []
    for amount in ("300", "500", "1000", "1500", "2000", "2000"):
        allowed = eligibility(rocio, credit.product)
        assert allowed.amount == Decimal(amount)
        seen.append(allowed.step)
        loan = credit.loan(rocio, amount=amount, repayments=2, applied_on=start, disbursed_on=start + 2 * DAY)
        assert loan.ladder_step == allowed.step
        closed = repay(credit, loan)
        assert closed.worst_days_late == 0
        start = closed.closed_on + DAY
    assert seen == [1, 2, 3, 4, 5, 5]
    last = eligibility(rocio, credit.product)
    assert (last.amount, last.step) == (Decimal("2000.00"), 5)
    assert "último escalón" in last.reason
    assert list(Loan.objects.filter(borrower=rocio).order_by("applied_on").values_list("amount", flat=True)) == [
        Decimal(a) for a in ("300", "500", "1000", "1500", "2000", "2000")
    ]
