"""Every list downloads as CSV and XLSX: the rows and values of the page, scoped like the page, personal columns
only for roles that read personal data, a clear page over the role's row limit, and flat memory however long."""

import csv
import datetime
import gc
import io
import time
import tracemalloc
from decimal import Decimal

import openpyxl
import pytest
from django.test import RequestFactory
from django.urls import reverse

from minka.core import exports
from minka.core.exports import DATE, MONEY, Column
from minka.credit import loans
from minka.credit.tests.conftest import credit_create
from minka.people.models import Participant
from minka.results.models import Indicator, Result, Target
from minka.testing import field_records_create

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()), "a BOM, so Excel reads the accents as UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    assert response["Content-Type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.active


def column(rows, header) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def records(world):
    return field_records_create(world)


# People and enrollments -----------------------------------------------------------------------------------------


def test_people_csv_carries_the_rows_and_values_of_the_list(world, records, login):
    Participant.objects.create(
        given_names="Ñusta",
        paternal_surname="Huamán",
        sex="F",
        birth_date=datetime.date(1990, 5, 17),
        phone="987654321",
        registered_by=world.org_a,
        search_name="nusta huaman",
    )
    client = login(world.field_a)
    rows = read_csv(client.get(reverse("person_list"), {"format": "csv"}))
    assert rows[0][:3] == ["Código", "Nombres", "Apellido paterno"]
    # The list itself (merged people are not on it): the same people, in the same order.
    page = client.get(reverse("person_list"))
    assert column(rows, "Código") == [str(p.pk) for p in page.context["page_obj"]]
    assert column(rows, "Nombres") == ["Ñusta", "Rosalinda", "Rosalinda Elena"]
    nusta = rows[1]
    assert nusta[rows[0].index("Fecha de nacimiento")] == "1990-05-17"
    assert nusta[rows[0].index("Teléfono")] == "987654321"
    assert nusta[rows[0].index("Organización")] == str(world.org_a)


def test_people_export_keeps_the_lists_filters(world, records, login):
    Participant.objects.create(
        given_names="Juan", paternal_surname="Mamani", sex="M", registered_by=world.org_a, search_name="juan mamani"
    )
    client = login(world.field_a)
    rows = read_csv(client.get(reverse("person_list"), {"sex": "M", "format": "csv"}))
    assert column(rows, "Nombres") == ["Juan"]
    rows = read_csv(client.get(reverse("person_list"), {"q": "rosalinda", "format": "csv"}))
    assert column(rows, "Nombres") == ["Rosalinda", "Rosalinda Elena"]


def test_people_xlsx_has_numbers_and_dates(world, records, login):
    records.person.birth_date = datetime.date(1985, 2, 3)
    records.person.save(update_fields=["birth_date"])
    sheet = read_xlsx(login(world.admin_a).get(reverse("person_list"), {"format": "xlsx"}))
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert len(rows) == 3
    person = next(row for row in rows[1:] if row[headers.index("Código")] == records.person.pk)
    assert person[headers.index("Código")] == records.person.pk
    assert isinstance(person[headers.index("Código")], int)
    assert person[headers.index("Fecha de nacimiento")] == datetime.datetime(1985, 2, 3)
    assert isinstance(person[headers.index("Edad")], int)


def test_enrollments_of_the_listed_people(world, records, login):
    rows = read_csv(login(world.field_a).get(reverse("person_list"), {"of": "enrollments", "format": "csv"}))
    assert column(rows, "Nombre") == ["Rosalinda Secreta"]
    assert column(rows, "Programa") == [str(world.program_a)]
    assert column(rows, "Fecha de inscripción") == ["2024-01-10"]


# Activities, attendance and enterprises -------------------------------------------------------------------------


def test_activities_and_attendance(world, records, login):
    client = login(world.coordinator_a)
    rows = read_csv(client.get(reverse("activity_list"), {"format": "csv"}))
    assert column(rows, "Actividad") == ["Taller secreto de Alfa"]
    assert column(rows, "Sesiones") == ["1"] and column(rows, "Personas") == ["1"]
    rows = read_csv(client.get(reverse("activity_list"), {"of": "attendance", "format": "csv"}))
    assert column(rows, "Nombre") == ["Rosalinda Secreta"]
    assert column(rows, "Fecha de la sesión") == ["2024-03-04"]
    sheet = read_xlsx(client.get(reverse("activity_list"), {"of": "attendance", "format": "xlsx"}))
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][values[0].index("Fecha de la sesión")] == datetime.datetime(2024, 3, 4)


def test_enterprises_with_money_as_numbers(world, records, login):
    client = login(world.field_a)
    rows = read_csv(client.get(reverse("enterprise_list"), {"format": "csv"}))
    assert column(rows, "Emprendimiento") == ["Tejidos Secretos Alfa"]
    assert column(rows, "Último ingreso neto (S/)") == ["300.00"]
    sheet = read_xlsx(client.get(reverse("enterprise_list"), {"format": "xlsx"}))
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    net = next(sheet.iter_rows(min_row=2, max_row=2))[header.index("Último ingreso neto (S/)")]
    assert net.value == 300 and net.data_type == "n" and net.number_format == exports.MONEY_FORMAT
    month = next(sheet.iter_rows(min_row=2, max_row=2))[header.index("Último mes registrado")]
    assert month.is_date and month.value == datetime.datetime(2024, 2, 1)


# Loans and payments ---------------------------------------------------------------------------------------------


def test_loans_and_payments(world, login):
    credit = credit_create(world)
    loan = credit.loan(amount="300")
    loans.record_repayment(user=credit.maker, loan=loan, amount="55.50", on_date=datetime.date(2025, 2, 10))
    client = login(world.admin_a)
    rows = read_csv(client.get(reverse("credit:loan_list"), {"format": "csv"}))
    assert column(rows, "Número") == [loan.number]
    assert column(rows, "Monto") == ["300.00"]
    assert column(rows, "Prestataria/o") == ["Rocío Prueba"]
    sheet = read_xlsx(client.get(reverse("credit:loan_list"), {"format": "xlsx"}))
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][values[0].index("Monto")] == 300
    assert values[1][values[0].index("Fecha de desembolso")] == datetime.datetime(2025, 1, 10)
    assert isinstance(values[1][values[0].index("Capital pendiente")], float)
    rows = read_csv(client.get(reverse("credit:loan_list"), {"of": "payments", "format": "csv"}))
    assert column(rows, "Monto") == ["55.50"] and column(rows, "Fecha") == ["2025-02-10"]
    # The list's filters: no loan of another status, no payment either.
    rows = read_csv(client.get(reverse("credit:loan_list"), {"status": "closed", "of": "payments", "format": "csv"}))
    assert rows[1:] == []


# Indicators -----------------------------------------------------------------------------------------------------


def test_indicators_of_the_framework(world, login):
    result = Result.objects.create(program=world.program_a, level="impact", code="1", statement_es="Impacto")
    indicator = Indicator.objects.create(
        result=result, code="I1", name_es="Mujeres con ingresos", unit="people", source="reported",
        baseline_value=Decimal("12"),
    )  # fmt: skip
    Target.objects.create(indicator=indicator, value=Decimal(40), period_kind="program", period_label="")
    url = reverse("results_framework", args=[world.program_a.slug])
    for user in (world.coordinator_a, world.funder_a):  # aggregates: funders download them too
        rows = read_csv(login(user).get(url, {"format": "csv"}))
        assert column(rows, "Código") == ["I1"]
        assert column(rows, "Línea de base") == ["12"] or column(rows, "Línea de base") == ["12.00"]
    sheet = read_xlsx(login(world.coordinator_a).get(url, {"format": "xlsx"}))
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][values[0].index("Meta")] == 40


# Scoping --------------------------------------------------------------------------------------------------------

LISTS = [
    ("person_list", {}),
    ("person_list", {"of": "enrollments"}),
    ("activity_list", {}),
    ("activity_list", {"of": "attendance"}),
    ("enterprise_list", {}),
    ("credit:loan_list", {}),
    ("credit:loan_list", {"of": "payments"}),
]
TRACES = ["Rosalinda", "Secreta", "Taller secreto", "Tejidos Secretos", "Rocío", "FONDO-ALFA", "Asociación Alfa"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_outsiders_get_nothing_of_organization_a(world, records, login, fmt):
    credit = credit_create(world)
    loans.record_repayment(user=credit.maker, loan=credit.loan(), amount="20", on_date=datetime.date(2025, 2, 10))
    for user in (world.admin_b, world.field_b, world.coordinator_b, world.nobody, world.funder_a):
        client = login(user)
        for name, params in LISTS:
            response = client.get(reverse(name), {**params, "format": fmt})
            assert response.status_code in (200, 404), (user, name, response.status_code)
            if response.status_code == 404:
                continue
            if fmt == "csv":
                text = b"".join(response.streaming_content).decode("utf-8-sig")
            else:
                sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
                rows = list(sheet.iter_rows(values_only=True))
                assert len(rows) == 1, (user, name, rows)
                text = " ".join(str(value) for row in rows for value in row)
            for trace in TRACES:
                assert trace not in text, (user.username, name, trace)
    # The people registry does not exist for funders or people without an organization: 404, as on the page.
    for user in (world.funder_a, world.nobody):
        assert login(user).get(reverse("person_list"), {"format": fmt}).status_code == 404
    # Another program's indicators: 404, as the page.
    url = reverse("results_framework", args=[world.program_a.slug])
    assert login(world.admin_b).get(url, {"format": fmt}).status_code == 404


def test_personal_columns_only_for_roles_that_read_personal_data(world, records):
    columns = [Column("Nombre", lambda p: p.full_name, personal=True), Column("Sexo", lambda p: p.sex)]
    request = RequestFactory().get("/", {"format": "csv"})
    request.user = world.funder_a
    response = exports.export_response(request, rows=Participant.objects.filter(pk=records.person.pk),
                                       columns=columns, filename="x")  # fmt: skip
    assert read_csv(response) == [["Sexo"], ["F"]]
    request.user = world.auditor_a
    response = exports.export_response(request, rows=Participant.objects.filter(pk=records.person.pk),
                                       columns=columns, filename="x")  # fmt: skip
    assert read_csv(response) == [["Nombre", "Sexo"], ["Rosalinda Secreta", "F"]]


def test_typed_cells_in_the_xlsx():
    columns = [
        Column("Monto", lambda r: r[0], MONEY),
        Column("Día", lambda r: r[1], DATE),
        Column("Vacío", lambda r: None),
    ]
    handle = exports.xlsx_file([(Decimal("1234.50"), datetime.date(2025, 3, 1))], columns)
    sheet = openpyxl.load_workbook(handle).active
    amount, day, empty = next(sheet.iter_rows(min_row=2, max_row=2))
    assert amount.value == 1234.5 and amount.number_format == "#,##0.00"
    assert day.is_date and day.value == datetime.datetime(2025, 3, 1)
    assert empty.value is None


def test_text_that_looks_like_a_formula_stays_text():
    columns = [Column("Nombre", lambda r: r[0]), Column("Saldo", lambda r: r[1], MONEY)]
    rows = [('=HYPERLINK("http://example.com","clic")', Decimal("-5"))]
    line = list(exports.csv_lines(rows, columns))[1]
    assert next(csv.reader([line])) == ['\'=HYPERLINK("http://example.com","clic")', "-5.00"]
    sheet = openpyxl.load_workbook(exports.xlsx_file(rows, columns)).active
    name, balance = next(sheet.iter_rows(min_row=2, max_row=2))
    assert (name.data_type, name.value) == ("s", '=HYPERLINK("http://example.com","clic")')
    assert balance.value == -5


# The row limit --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_over_the_roles_limit_is_refused_with_a_clear_message(world, records, login, settings, fmt):
    Participant.objects.create(given_names="Ana", sex="F", registered_by=world.org_a, search_name="ana")
    settings.MINKA_EXPORT_ROW_LIMITS = {"staff": 1, "other": 1}
    response = login(world.field_a).get(reverse("person_list"), {"format": fmt})
    assert response.status_code == 400
    text = response.content.decode()
    assert "La lista tiene 3 filas y su rol puede descargar hasta 1." in text
    assert "export_too_large" in text
    settings.MINKA_EXPORT_ROW_LIMITS = {"staff": 3, "other": 1}
    assert login(world.field_a).get(reverse("person_list"), {"format": fmt}).status_code == 200
    # The auditor is not staff: the smaller limit.
    assert login(world.auditor_a).get(reverse("person_list"), {"format": fmt}).status_code == 400


def test_the_list_page_offers_the_downloads(world, records, login):
    client = login(world.field_a)
    for name in ("person_list", "activity_list", "enterprise_list"):
        page = client.get(reverse(name), {"sex": "F"} if name == "person_list" else {})
        assert b"format=csv" in page.content and b"format=xlsx" in page.content, name
    assert b"sex=F&amp;format=csv" in client.get(reverse("person_list"), {"sex": "F"}).content or (
        b"sex=F&format=csv" in client.get(reverse("person_list"), {"sex": "F"}).content
    )


# Memory ---------------------------------------------------------------------------------------------------------

LARGE = 50_000
SAMPLE = 10_000


def test_a_streamed_export_of_a_large_list_stays_within_a_memory_bound(world, login):
    """50,000 people streamed as CSV: the peak of Python allocations while the whole file is produced stays under
    a few megabytes (measured 5.4 MB for 60,000 on SQLite), less than half of what merely holding a fifth of them
    as objects takes (10,000 people: ~24 MB; 60,000: 146 MB). Memory does not grow with the list: rows are read
    2,000 at a time and written out one by one."""
    Participant.objects.bulk_create(
        (
            Participant(
                given_names=f"Persona {i}", paternal_surname="Grande", sex="F" if i % 2 else "M",
                birth_date=datetime.date(1980 + i % 30, 1 + i % 12, 1 + i % 28), phone=f"9{i:08d}",
                registered_by=world.org_a, search_name=f"persona {i} grande",
            )
            for i in range(LARGE)
        ),
        batch_size=5000,
    )  # fmt: skip
    client = login(world.admin_a)
    gc.collect()
    started = time.monotonic()
    tracemalloc.start()
    try:
        response = client.get(reverse("person_list"), {"format": "csv"})
        lines = size = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
            size += len(chunk)
        _, streamed_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        materialised = list(Participant.objects.select_related("registered_by", "district")[:SAMPLE])
        _, materialised_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del materialised
    elapsed = time.monotonic() - started
    assert lines == LARGE + 1
    print(f"\n{LARGE} rows, {size / 1e6:.1f} MB of CSV in {elapsed:.1f} s: streamed peak "
          f"{streamed_peak / 1e6:.1f} MB; {SAMPLE} rows held as objects: {materialised_peak / 1e6:.1f} MB")  # fmt: skip
    assert streamed_peak < 15_000_000
    assert streamed_peak * 2 < materialised_peak
