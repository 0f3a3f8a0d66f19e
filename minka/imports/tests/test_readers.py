"""Files as partners send them: Latin-1 or UTF-8, semicolons from Excel in Spanish, XLSX with dates and serials."""

import datetime
import io

import pytest
from openpyxl import Workbook

from minka.core.errors import ApplicationError
from minka.imports.readers import open_table

NAMES = "Nombres;Apellido paterno\nMaría;Ñañez\nJosé;Huamán\n"


def read(data: bytes, name="lista.csv"):
    table = open_table(io.BytesIO(data), name)
    try:
        return table.headers, list(table.rows())
    finally:
        table.close()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_accents_and_enye_survive_any_usual_encoding(encoding):
    headers, rows = read(NAMES.encode(encoding))
    assert headers == ["Nombres", "Apellido paterno"]
    assert rows == [["María", "Ñañez"], ["José", "Huamán"]]


def test_excels_unicode_text_reads_as_tab_separated_utf16():
    headers, rows = read("Nombres\tApellido paterno\nMaría\tÑañez\n".encode("utf-16"), "lista.txt")
    assert headers == ["Nombres", "Apellido paterno"] and rows == [["María", "Ñañez"]]


def test_nul_characters_are_dropped_from_headers_and_cells():
    headers, rows = read(b"Nom\x00bres;DNI\nAn\x00a;\x000123\n")
    assert headers == ["Nombres", "DNI"] and rows == [["Ana", "0123"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed(delimiter):
    text = f'DNI{delimiter}Nombres{delimiter}Monto\n01234567{delimiter}Ana{delimiter}"1.234,50"\n'
    headers, rows = read(text.encode())
    assert headers == ["DNI", "Nombres", "Monto"] and rows == [["01234567", "Ana", "1.234,50"]]


def test_short_rows_are_padded_and_a_formula_in_a_csv_is_only_text():
    _headers, rows = read(b"a,b,c\n=SUM(A1:A3)\n")
    assert rows == [["=SUM(A1:A3)", None, None]]


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_xlsx_gives_dates_numbers_and_serials_as_cells():
    data = xlsx([["Fecha", "Serial", "Monto"], [datetime.date(2024, 12, 31), 45657, 12.5]])
    headers, rows = read(data, "datos.xlsx")
    assert headers == ["Fecha", "Serial", "Monto"]
    assert rows == [[datetime.datetime(2024, 12, 31), 45657, 12.5]]


def test_an_xlsx_named_csv_is_still_read_as_xlsx():
    headers, _rows = read(xlsx([["Nombres"], ["Ana"]]), "lista.csv")
    assert headers == ["Nombres"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"\n\n  \n", "empty_file"),
        (b"PK\x03\x04not really a zip", "file_format"),
        (b"\xd0\xcf\x11\xe0old excel", "file_format"),
    ],
)
def test_empty_or_unreadable_files_are_refused_with_a_sentence(data, code):
    with pytest.raises(ApplicationError) as refused:
        read(data, "lista.xls" if data.startswith(b"\xd0") else "lista.csv")
    assert refused.value.code == code


def test_a_file_over_the_limit_is_refused_by_its_size(settings, tmp_path):
    settings.MINKA_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "grande.csv"
    path.write_bytes(b"a\n" + b"x\n" * 1000)
    with pytest.raises(ApplicationError) as refused:
        open_table(path, path.name)
    assert refused.value.code == "file_too_large"


def test_an_uploaded_file_stays_open_for_its_owner_once_read():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("lista.csv", NAMES.encode())
    table = open_table(upload, upload.name)
    assert table.headers == ["Nombres", "Apellido paterno"]
    table.close()
    upload.seek(0)
    assert upload.read() == NAMES.encode()


def test_a_title_typed_above_the_table_is_passed_over_and_rows_keep_their_numbers():
    book = Workbook()
    sheet = book.active
    sheet.append(["Padrón de participantes - Nazareth"])
    sheet.append([])
    sheet.append(["DNI", "Nombres"])
    sheet.append(["01234567", "Rosa"])
    sheet.append(["07654321", "Juana"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = open_table(io.BytesIO(buffer.getvalue()), "lista.xlsx")
    assert table.headers == ["DNI", "Nombres"] and table.header_line == 3
    assert list(table.rows()) == [["01234567", "Rosa"], ["07654321", "Juana"]]
    assert table.row_count == 2

    csv_table = open_table(io.BytesIO(b"Lista de enero\nDNI;Nombres\n01234567;Rosa\n"), "lista.csv")
    assert csv_table.headers == ["DNI", "Nombres"] and csv_table.header_line == 2
    assert list(csv_table.rows()) == [["01234567", "Rosa"]]


def test_a_single_column_file_keeps_its_first_row_as_headers():
    table = open_table(io.BytesIO(b"DNI\n01234567\n07654321\n"), "lista.csv")
    assert table.headers == ["DNI"] and table.header_line == 1
    assert list(table.rows()) == [["01234567"], ["07654321"]]


def test_many_blank_lines_above_the_headers_are_skipped():
    table = open_table(io.BytesIO(b"\n" * 15 + b"DNI;Nombres\n01234567;Rosa\n"), "lista.csv")
    assert table.headers == ["DNI", "Nombres"] and table.header_line == 16
    assert list(table.rows()) == [["01234567", "Rosa"]]
