"""A list exported from Minka comes back in elsewhere as the same records; broken files never half-import."""

import csv
import datetime
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minka.imports import engine
from minka.imports.models import ImportBatch, ImportedRecord
from minka.people.models import Consent, Participant

FIELDS = ("given_names", "paternal_surname", "maternal_surname", "sex", "birth_date", "phone", "area", "district_id")


def register(world):
    people = [
        ("Rosa", "Quispe", "Huamán", "F", datetime.date(1990, 3, 15), "987654321", "rural", "081201"),
        ("José", "Ñahui", "", "M", datetime.date(1979, 12, 31), "", "urban", None),
        ("María Elena", "Condori", "Mamani", "F", None, "+5184123456", "", "081201"),
    ]
    for values in people:
        Participant.objects.create(
            **dict(zip(FIELDS, values, strict=True)),
            registered_by=world.org_a,
            search_name=" ".join(values[:3]).lower(),
        )


@pytest.mark.django_db
def test_an_exported_people_list_imported_into_another_organization_gives_the_same_people(world, client):
    register(world)
    client.force_login(world.field_a)
    response = client.get("/personas/?format=csv")
    assert response.status_code == 200
    exported = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    # The partner adds the consent she took (an export never carries another organization's consents).
    rows = [[*rows[0], "Consentimiento", "Fecha del consentimiento"]] + [[*row, "sí", "2025-01-10"] for row in rows[1:]]
    stream = io.StringIO()
    csv.writer(stream).writerows(rows)

    batch, result = engine.import_file(
        user=world.admin_b, organization=world.org_b, kind="people", file=stream.getvalue().encode(), file_name="p.csv"
    )
    assert result.created == 3 and result.mapping.as_headers()["district"] == "Ubigeo"
    assert "Código" in result.mapping.extra and "DNI (últimos dígitos)" in result.mapping.extra

    def records(organization):
        return sorted(Participant.objects.filter(registered_by=organization).values_list(*FIELDS))

    assert records(world.org_b) == records(world.org_a)
    assert Consent.objects.filter(participant__registered_by=world.org_b).count() == 3
    _again, repeat = engine.import_file(
        user=world.admin_b, organization=world.org_b, kind="people", file=stream.getvalue().encode(), file_name="p.csv"
    )
    assert (repeat.created, repeat.unchanged) == (0, 3)
    assert Participant.objects.count() == 6 and batch.records.count() == 6


GOOD_ROW = ["Ana", "F", "10/01/1990", "sí", "10/01/2025"]
HEADER = ["Nombres", "Sexo", "Fecha de nacimiento", "Consentimiento", "Fecha del consentimiento"]
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "sí", "no", "F", "M", "31/02/2024", "45657", "=SUM(A1)", "1.234,5", "\x00", "é", ";", '"']),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=7), max_size=6),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    header=st.booleans(),
    garbage=st.binary(max_size=40),
)
def test_broken_files_never_crash_and_never_half_import(world, rows, encoding, delimiter, header, garbage):
    """Whatever the file, the import ends in a report or a whole commit: never an exception of another kind, never
    a person written without her batch listing her, never a failed batch that left anything behind."""
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=delimiter)
    if header:
        writer.writerow(HEADER)
    writer.writerow(GOOD_ROW)
    writer.writerows(rows)
    data = stream.getvalue().encode(encoding, errors="replace") + garbage
    before = Participant.objects.count()
    try:
        batch, result = engine.import_file(
            user=world.field_a, organization=world.org_a, kind="people", file=data, file_name="roto.csv"
        )
    except engine.ImportRefused as refused:
        assert refused.preview.error_count > 0
        assert Participant.objects.count() == before
        return
    except engine.ApplicationError as refused:  # refused before a batch exists (empty file, no headers…)
        assert refused.code in {"empty_file", "no_headers", "file_format"}
        assert Participant.objects.count() == before
        return
    assert result.ok
    new = Participant.objects.count() - before
    assert new == result.created
    assert ImportedRecord.objects.filter(batch=batch, content_type__model="participant").count() == new
    assert ImportBatch.objects.filter(status="failed", records__isnull=False).count() == 0


@pytest.mark.django_db
def test_an_xlsx_with_date_cells_and_serials_imports(world):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["Ana", "F", datetime.datetime(1990, 1, 10), "Sí", 45667])
    book.active.append(["Eva", "Mujer", 32883, "si", "2025-01-10"])
    stream = io.BytesIO()
    book.save(stream)
    _batch, result = engine.import_file(
        user=world.field_a, organization=world.org_a, kind="people", file=stream.getvalue(), file_name="lista.xlsx"
    )
    assert result.created == 2
    assert dict(Participant.objects.values_list("given_names", "birth_date")) == {
        "Ana": datetime.date(1990, 1, 10),
        "Eva": datetime.date(1990, 1, 10),
    }
    assert set(Consent.objects.values_list("given_on", flat=True)) == {datetime.date(2025, 1, 10)}


def _good_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(GOOD_ROW)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


GOOD_XLSX = _good_xlsx()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(GOOD_XLSX) - 1), st.integers(0, 255)), max_size=8))
def test_a_damaged_xlsx_never_crashes_and_never_half_imports(world, flips):
    data = bytearray(GOOD_XLSX)
    for position, value in flips:
        data[position] = value
    before = Participant.objects.count()
    try:
        _batch, result = engine.import_file(
            user=world.field_a, organization=world.org_a, kind="people", file=bytes(data), file_name="roto.xlsx"
        )
    except engine.ImportRefused as refused:
        assert refused.preview.error_count > 0 and Participant.objects.count() == before
        return
    assert Participant.objects.count() - before == result.created
