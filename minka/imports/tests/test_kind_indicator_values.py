"""Importing reported indicator values: drafts or sent for review, never approved, once per indicator and period."""

import datetime
from decimal import Decimal

import pytest

from minka.imports import engine
from minka.results.models import Indicator, PeriodLock, ReportedValue, Result

HEADER = "Código del indicador,Periodo,Valor,Numerador,Denominador,Narrativa,Enviar a revisión\n"
ROWS = "r1.1,2024-Q3,120,,,Ferias en Urcos,no\nR1.2,2024,,30,40,Ventas sostenidas,sí\nR1.1,programa,200,,,,\n"


def run(world, text, *, user=None, program=None):
    return engine.import_file(
        user=user or world.field_a,
        organization=world.org_a,
        kind="indicator-values",
        file=text.encode(),
        file_name="valores.csv",
        program=program or world.program_a,
    )


@pytest.fixture
def indicators(world):
    result = Result.objects.create(program=world.program_a, level="outcome", code="R1", statement_es="Mejores ventas")
    return {
        code: Indicator.objects.create(
            result=result, code=code, name_es=code, unit=unit, source=source, measure=measure
        )
        for code, unit, source, measure in (
            ("R1.1", "people", "reported", ""),
            ("R1.2", "percent", "reported", ""),
            ("R1.3", "people", "computed", "people_reached"),
        )
    }


@pytest.mark.django_db
def test_values_are_saved_as_drafts_or_sent_never_approved(world, indicators):
    batch, result = run(world, HEADER + ROWS)
    assert (result.created, result.error_count) == (3, 0)
    saved = {
        (report.indicator.code, report.period_label): report
        for report in ReportedValue.objects.select_related("indicator")
    }
    quarter = saved["R1.1", "2024-Q3"]
    assert (quarter.value, quarter.status, quarter.organization, quarter.narrative) == (
        Decimal("120.00"),
        "draft",
        world.org_a,
        "Ferias en Urcos",
    )
    assert (quarter.period_start, quarter.period_end) == (datetime.date(2024, 7, 1), datetime.date(2024, 9, 30))
    ratio = saved["R1.2", "2024"]
    assert (ratio.value, ratio.numerator, ratio.denominator, ratio.status) == (
        None,
        Decimal("30.00"),
        Decimal("40.00"),
        "submitted",
    )
    assert ratio.submitted_by == world.field_a and ratio.amount == Decimal("75")
    assert saved["R1.1", "program"].period_kind == "program"
    assert not ReportedValue.objects.filter(status="approved").exists()
    assert batch.records.count() == 3

    _batch, again = run(world, HEADER + ROWS.replace("120", "999"))
    assert (again.created, again.unchanged) == (0, 3)
    assert ReportedValue.objects.get(pk=quarter.pk).value == Decimal("120.00")


@pytest.mark.django_db
def test_an_error_in_the_last_row_writes_nothing_and_errors_name_row_and_column(world, indicators):
    PeriodLock.objects.create(
        indicator=indicators["R1.2"],
        period_kind="year",
        period_label="2023",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        locked_by=world.admin_a,
    )
    text = (
        HEADER
        + ROWS
        + (
            "R1.3,2024,5,,,,\n"
            "R9,2024,5,,,,\n"
            "R1.2,2024-Q5,,50,40,,\n"
            "R1.2,2024-Q1,,,0,,\n"
            "R1.2,2023-06,,1,2,,\n"
            "R1.1,2024-02,,,,,\n"
        )
    )
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, text)
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [
        (5, "indicator", "not_reported"),
        (6, "indicator", "unknown_indicator"),
        (7, "numerator", "invalid"),
        (7, "period", "invalid_period"),
        (8, "numerator", "required"),
        (8, "denominator", "zero"),
        (9, "period", "period_locked"),
        (10, "value", "required"),
    ]
    assert not ReportedValue.objects.exists()


@pytest.mark.django_db
def test_only_who_reports_for_the_organization_in_the_program_imports_its_values(world, indicators):
    for user in (world.field_b, world.funder_a, world.auditor_a):
        with pytest.raises(engine.PermissionDenied):
            run(world, HEADER + ROWS, user=user)
    with pytest.raises(engine.ApplicationError):
        engine.import_file(
            user=world.field_a, organization=world.org_a, kind="indicator-values", file=b"x", file_name="v.csv"
        )
    assert not ReportedValue.objects.exists()
