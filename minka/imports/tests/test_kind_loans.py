"""Importing loans: applications only, entered through the credit lifecycle, which a second person approves."""

import datetime
from decimal import Decimal

import pytest

from minka.core.errors import ApplicationError
from minka.credit import loans
from minka.credit.models import Loan, LoanEvent, LoanStatus
from minka.credit.tests.conftest import credit_create
from minka.imports import engine
from minka.people.identity import dni_hash, dni_last_digits

HEADER = (
    "Fondo;N° de crédito;Código de la persona;DNI;Monto;Número de cuotas;Uso previsto;Descripción del uso;"
    "Fecha de solicitud;Sede o agencia\n"
)


def run(world, text, *, user=None):
    return engine.import_file(
        user=user or world.credit_a,
        organization=world.org_a,
        kind="loans",
        file=text.encode(),
        file_name="creditos.csv",
    )


@pytest.fixture
def credit(world):
    credit = credit_create(world)
    eva = credit.borrower("Eva")
    eva.dni_hash, eva.dni_last_digits = dni_hash("01234567"), dni_last_digits("01234567")
    eva.save()
    return credit


def rows(credit):
    rocio = credit.borrowers[0]
    return (
        f"fondo-alfa;C-015;{rocio.pk};;300;4;Mercadería para vender;Lana;06/01/2025;CDE Urcos\n"
        ";c-016;;1234567;300,00;;insumos;Hilos;2025-01-07;\n"
    )


@pytest.mark.django_db
def test_loans_come_in_as_applications_that_the_importer_may_not_approve(world, credit):
    batch, result = run(world, HEADER + rows(credit))
    assert (result.created, result.error_count) == (2, 0)
    rocio, eva = credit.borrowers
    first, second = Loan.objects.get(borrower=rocio), Loan.objects.get(borrower=eva)
    assert (first.status, first.prepared_by, first.fund, first.product) == (
        LoanStatus.SUBMITTED,
        world.credit_a,
        credit.fund,
        credit.product,
    )
    assert (first.amount, first.repayments, first.annual_rate) == (Decimal("300.00"), 4, Decimal("12.0000"))
    assert (first.use_category, first.applied_on, first.site) == (
        "merchandise",
        datetime.date(2025, 1, 6),
        world.site_a,
    )
    assert (second.repayments, second.use_category, second.disbursed_on) == (6, "raw_materials", None)
    assert batch.records.count() == 4  # two loans and their "applied" events

    with pytest.raises(ApplicationError) as refused:
        loans.approve_loan(user=world.credit_a, loan=first, on_date=datetime.date(2025, 1, 8))
    assert refused.value.code == "same_user"

    _batch, again = run(world, HEADER + rows(credit))
    assert (again.created, again.unchanged) == (0, 2)
    assert Loan.objects.count() == 2

    engine.undo(batch, user=world.credit_a)
    assert not Loan.objects.exists() and not LoanEvent.objects.exists()


@pytest.mark.django_db
def test_an_imported_loan_is_found_by_its_reference_for_its_payments(world, credit):
    run(world, HEADER + rows(credit))
    loan = Loan.objects.get(borrower=credit.borrowers[0])
    loans.record_visit(
        user=world.credit_a,
        loan=loan,
        data={"visited_on": loan.applied_on, "is_evaluation": True, "business_status": "stable", "findings": "Teje."},
    )
    loans.approve_loan(user=world.admin_a, loan=loan, on_date=datetime.date(2025, 1, 8))
    loans.disburse_loan(user=world.credit_a, loan=loan, on_date=datetime.date(2025, 1, 10), channel="cash")
    _batch, result = engine.import_file(
        user=world.credit_a,
        organization=world.org_a,
        kind="payments",
        file="N° de crédito,Fecha de pago,Monto pagado,N° de recibo\nC-015,10/02/2025,80,R-1\n".encode(),
        file_name="pagos.csv",
    )
    assert result.created == 1
    assert list(loan.transactions.filter(kind="repayment").values_list("amount", "receipt")) == [
        (Decimal("80.00"), "R-1")
    ]


@pytest.mark.django_db
def test_an_error_in_the_last_row_writes_nothing_and_errors_name_row_and_column(world, credit):
    too_much = f";C-017;{credit.borrower('Lucía').pk};;5000;6;Otro;Tienda;06/01/2025;\n"
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, HEADER + rows(credit) + too_much)
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [(4, "amount", "out_of_range")]
    assert not Loan.objects.exists()

    bad = "Fondo Beta;C-018;;;300;6;Otro;Tienda;06/01/2099;Sede Lima\n"
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, HEADER + rows(credit) + bad)
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [
        (4, "fund", "unknown_fund"),
        (4, "dni", "person_required"),
        (4, "applied_on", "future_date"),
        (4, "site", "unknown_site"),
    ]
    assert not Loan.objects.exists()


@pytest.mark.django_db
def test_only_those_who_operate_a_fund_import_its_loans(world, credit):
    for user in (world.field_a, world.coordinator_a, world.admin_b):
        with pytest.raises(engine.PermissionDenied):
            run(world, HEADER + rows(credit), user=user)
    assert not Loan.objects.exists()
