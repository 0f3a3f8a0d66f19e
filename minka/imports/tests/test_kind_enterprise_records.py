"""Importing enterprises' monthly records: one per enterprise and month, never overwriting a month recorded."""

import datetime
from decimal import Decimal

import pytest

from minka.enterprises.models import EnterpriseRecord
from minka.enterprises.services import enterprise_create, record_save_month
from minka.imports import engine

HEADER = "Emprendimiento,Mes,Ventas (S/),Costos (S/),Puestos de trabajo\n"


def run(world, text, *, user=None):
    return engine.import_file(
        user=user or world.field_a,
        organization=world.org_a,
        kind="enterprise-records",
        file=text.encode(),
        file_name="ventas.csv",
    )


def enterprise(world, name, started_on=datetime.date(2024, 1, 15)):
    return enterprise_create(
        user=world.field_a,
        data={
            "organization": world.org_a,
            "program": world.program_a,
            "kind": "individual",
            "name": name,
            "sector": "textiles",
            "stage": "operating",
            "district": world.site_a.district,
            "started_on": started_on,
        },
    )


@pytest.mark.django_db
def test_monthly_records_are_saved_once_and_a_recorded_month_is_left_as_it_was(world):
    tejidos, quesos = enterprise(world, "Tejidos Ausangate"), enterprise(world, "Quesos")
    record_save_month(user=world.field_a, enterprise=quesos, month=datetime.date(2024, 3, 1), sales=10, costs=5)
    text = HEADER + (
        'tejidos ausangate,2024-02,"1.250,50",800,2\n'
        f"{tejidos.pk},03/2024,1300.75,810.1,\n"
        'Quesos,15/03/2024,"2.000",900,1\n'
    )
    batch, result = run(world, text)
    assert (result.created, result.unchanged) == (2, 1)
    saved = {
        record.month: (record.sales, record.costs, record.jobs)
        for record in EnterpriseRecord.objects.filter(enterprise=tejidos)
    }
    assert saved == {
        datetime.date(2024, 2, 1): (Decimal("1250.50"), Decimal("800.00"), 2),
        datetime.date(2024, 3, 1): (Decimal("1300.75"), Decimal("810.10"), 0),
    }
    kept = EnterpriseRecord.objects.get(enterprise=quesos)
    assert (kept.sales, kept.costs) == (Decimal("10.00"), Decimal("5.00"))
    assert batch.records.count() == 2

    _batch, again = run(world, text)
    assert (again.created, again.unchanged) == (0, 3)
    assert EnterpriseRecord.objects.count() == 3


@pytest.mark.django_db
def test_an_error_in_the_last_row_writes_nothing_and_errors_name_row_and_column(world):
    enterprise(world, "Tejidos Ausangate")
    enterprise(world, "Doble")
    enterprise(world, "doble")
    text = HEADER + (
        "Tejidos Ausangate,2024-02,100,50,1\n"
        "Tejidos Ausangate,2023-12,100,50,1\n"
        "Doble,13/2024,-5,50,1\n"
        "Panadería,2024-04,100,abc,1\n"
    )
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, text)
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [
        (3, "month", "before_start"),
        (4, "month", "invalid_date"),
        (4, "sales", "negative"),
        (5, "costs", "invalid_number"),
    ]
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, HEADER + "Tejidos Ausangate,2024-02,100,50,1\nDoble,2024-02,100,50,1\n")
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [
        (3, "enterprise", "ambiguous_enterprise")
    ]
    assert not EnterpriseRecord.objects.exists()


@pytest.mark.django_db
def test_staff_of_another_organization_may_not_import_its_records(world):
    enterprise(world, "Tejidos Ausangate")
    with pytest.raises(engine.PermissionDenied):
        run(world, HEADER + "Tejidos Ausangate,2024-02,100,50,1\n", user=world.field_b)
    assert not EnterpriseRecord.objects.exists()
