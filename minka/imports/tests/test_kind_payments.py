"""Importing repayments: the same allocation and ledger as payments recorded by hand, each payment once."""

import datetime
from decimal import Decimal

import pytest

from minka.core.errors import ApplicationError
from minka.credit import ledger, loans
from minka.credit.models import Transaction
from minka.credit.tests.conftest import credit_create
from minka.imports import engine

HEADER = "N° de crédito;Fecha de pago;Monto pagado;N° de recibo\n"
PAYMENTS = [  # (date, amount, receipt) in the order money came in
    (datetime.date(2025, 2, 10), Decimal("55.50"), "R-1"),
    (datetime.date(2025, 3, 12), Decimal("60.00"), "R-2"),
    (datetime.date(2025, 3, 15), Decimal("20.00"), ""),
]


def run(world, text, *, user=None):
    return engine.import_file(
        user=user or world.credit_a,
        organization=world.org_a,
        kind="payments",
        file=text.encode(),
        file_name="pagos.csv",
    )


def csv_of(loan, payments):
    return HEADER + "".join(
        f"{loan.number};{on_date:%d/%m/%Y};{str(amount).replace('.', ',')};{receipt}\n"
        for on_date, amount, receipt in payments
    )


def installments(loan):
    return list(
        loan.installments.order_by("number").values_list(
            "number", "principal_paid", "interest_paid", "fees_paid", "penalties_paid", "paid_on"
        )
    )


@pytest.fixture
def credit(world):
    credit = credit_create(world)
    credit.borrower("Eva")
    return credit


@pytest.mark.django_db
def test_imported_payments_leave_the_loan_as_payments_recorded_by_hand(world, credit):
    imported = credit.loan(credit.borrowers[0])
    by_hand = credit.loan(credit.borrowers[1])
    for on_date, amount, receipt in PAYMENTS:
        loans.record_repayment(user=world.credit_a, loan=by_hand, amount=amount, on_date=on_date, receipt=receipt)

    # The file lists the payments out of order: they are applied in the order the money came in.
    batch, result = run(world, csv_of(imported, reversed(PAYMENTS)))
    assert (result.created, result.error_count) == (3, 0)
    imported.refresh_from_db()
    by_hand.refresh_from_db()
    assert installments(imported) == installments(by_hand)
    assert loans.principal_outstanding(imported) == loans.principal_outstanding(by_hand) < Decimal("300")
    splits = ("on_date", "amount", "principal", "interest", "fees", "penalties", "overpayment", "receipt")
    assert list(imported.transactions.filter(kind="repayment").values_list(*splits)) == list(
        by_hand.transactions.filter(kind="repayment").values_list(*splits)
    )
    assert (imported.status, imported.credit_balance) == (by_hand.status, by_hand.credit_balance)
    assert batch.records.count() == 3
    cash_before = ledger.cash_available(credit.fund)

    _batch, again = run(world, csv_of(imported, PAYMENTS))
    assert (again.created, again.unchanged) == (0, 3)
    assert Transaction.objects.filter(loan=imported, kind="repayment").count() == 3
    assert ledger.cash_available(credit.fund) == cash_before

    # The payments recorded by hand are not counted again when the same list is imported.
    _batch, hand_again = run(world, csv_of(by_hand, PAYMENTS))
    assert (hand_again.created, hand_again.unchanged) == (0, 3)

    # A payment is never deleted: an import of payments is reversed payment by payment, not undone.
    with pytest.raises(ApplicationError) as refused:
        engine.undo(batch, user=world.credit_a)
    assert refused.value.code == "has_dependents"


@pytest.mark.django_db
def test_an_error_in_the_last_row_writes_nothing_and_errors_name_row_and_column(world, credit):
    loan = credit.loan(credit.borrowers[0])
    pending = credit.loan(credit.borrowers[1], disbursed_on=None)
    text = csv_of(loan, PAYMENTS) + (
        f"{loan.number};05/01/2025;10;R-9\n"
        f"{pending.number};10/02/2025;10;R-10\n"
        "FONDO-ALFA-00099;10/02/2025;10;R-11\n"
        f"{loan.number};10/02/2099;0;R-12\n"
    )
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, text)
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [
        (5, "on_date", "before_disbursement"),
        (6, "loan", "not_disbursed"),
        (7, "loan", "unknown_loan"),
        (8, "amount", "invalid_amount"),
    ]
    assert not Transaction.objects.filter(kind="repayment").exists()

    # A payment the loan cannot take (it was repaid by the row before) stops the whole file at its row.
    paid_off = csv_of(loan, PAYMENTS) + f"{loan.number};20/03/2025;400;R-3\n{loan.number};21/03/2025;5;R-4\n"
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, paid_off)
    assert [(e.row, e.code) for e in refused.value.preview.errors] == [(6, "loan_closed")]
    assert not Transaction.objects.filter(kind="repayment").exists()


@pytest.mark.django_db
def test_only_those_who_operate_the_fund_import_its_payments(world, credit):
    loan = credit.loan(credit.borrowers[0])
    for user in (world.field_a, world.funder_a, world.admin_b):
        with pytest.raises(engine.PermissionDenied):
            run(world, csv_of(loan, PAYMENTS), user=user)
    assert not Transaction.objects.filter(kind="repayment").exists()
