"""Opening a CSV or XLSX file as a header row and a stream of rows, whatever produced it.

`open_table(path_or_file, name)` returns a `Table`: `headers` (list of str) and `rows()` (an iterator of lists of
raw cell values, each padded to the headers' length), plus `row_count` when it is cheap to know. Rows are read as
they are consumed, never all at once.

- CSV: decoded as UTF-16 when it starts with that BOM (Excel's «Texto Unicode»), else as UTF-8 (a BOM is dropped)
  and, if that fails, as Windows-1252, which is what Excel writes on a Spanish Windows (a superset of Latin-1 for
  every letter a Peruvian name uses). The delimiter is sniffed among
  `,`, `;` (Excel in Spanish) and tab. Cells are strings; a cell starting with `=` is only text here, never
  evaluated. NUL characters are dropped from every cell: no text column can hold them (PostgreSQL refuses them) and
  no person typed one.
- XLSX: openpyxl in read-only mode with `data_only=True`, so a formula cell gives the value Excel last computed;
  a formula never computed (a file written by a program, not saved by Excel) has no value and reads as blank.
  Dates arrive as datetimes, numbers as int/float. The first sheet is read unless one is named.
- A file over `MINKA_IMPORT_MAX_BYTES` (50 MB by default) is refused by its size before a byte is parsed; an
  empty file, a file without a header row, or a file that is neither CSV nor XLSX is refused with a sentence.
"""

import codecs
import csv
import io
import itertools
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from minka.core.errors import ApplicationError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DELIMITERS = ",;\t"
SNIFF_BYTES = 64 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def max_bytes() -> int:
    return int(getattr(settings, "MINKA_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass
class Table:
    headers: list[str]
    _rows: Iterator[list] = field(repr=False)
    row_count: int | None = None
    _close: object = field(default=None, repr=False)
    header_line: int = 1  # the header row's number in the file (a title row or blank lines may come before it)

    def rows(self) -> Iterator[list]:
        width = len(self.headers)
        try:
            for row in self._rows:
                row = [_without_nul(value) for value in row]
                if len(row) < width:
                    row.extend([None] * (width - len(row)))
                yield row
        except (csv.Error, zipfile.BadZipFile, EOFError, KeyError, ValueError, SyntaxError) as error:
            # A cell over csv's size limit, a quote never closed, a damaged sheet inside an XLSX (the XML parsers'
            # errors are SyntaxErrors): the file cannot be read past here.
            raise ApplicationError(
                _("El archivo no se puede leer más allá de la línea %(line)s (%(problem)s).")
                % {"line": getattr(self._rows, "line_num", "?"), "problem": error},
                code="unreadable_file",
            ) from None

    def close(self) -> None:
        if callable(self._close):
            self._close()


def file_size(source) -> int:
    if isinstance(source, (str, Path)):
        return os.path.getsize(source)
    position = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def _binary(source):
    if isinstance(source, (str, Path)):
        return open(source, "rb")  # closed by the Table
    source.seek(0)
    return source


def open_table(source, name: str = "", *, sheet: str | None = None) -> Table:
    """`source`: a path or a binary file object. `name` (the uploaded file's name) helps tell CSV from XLSX, but the
    content decides: an XLSX is a zip whatever it is called."""
    size = file_size(source)
    if size == 0:
        raise ApplicationError(_("El archivo está vacío."), code="empty_file")
    limit = max_bytes()
    if size > limit:
        raise ApplicationError(
            _("El archivo pesa %(size)s MB; el máximo es %(limit)s MB. Divídalo en partes.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024)},
            code="file_too_large",
        )
    handle = _binary(source)
    start = handle.read(4)
    handle.seek(0)
    owned = handle is not source
    if start == XLSX_MAGIC:
        return _xlsx(handle, sheet=sheet, owned=owned)
    if name.lower().endswith((".xls", ".xlsx", ".ods")) or start.startswith(b"\xd0\xcf\x11\xe0"):
        if owned:
            handle.close()
        raise ApplicationError(
            _("Solo se leen archivos CSV y XLSX; guarde la hoja como «Libro de Excel (.xlsx)»."), code="file_format"
        )
    return _csv(handle, owned=owned)


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


def _encoding(handle) -> str:
    """UTF-16 if the file starts with its BOM; UTF-8 if the whole file decodes as UTF-8 (checked in chunks, never
    loaded whole); else Windows-1252."""
    start = handle.read(2)
    handle.seek(0)
    if start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := handle.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    handle.seek(0)
    return encoding


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        # The line with the most separators is the header row (a title typed above it may have none).
        lines = sample.splitlines()[:HEADER_SEARCH_ROWS] or [""]
        return max(DELIMITERS, key=lambda delimiter: max(line.count(delimiter) for line in lines))


def _csv(handle, *, owned: bool) -> Table:
    encoding = _encoding(handle)
    # cp1252 leaves five bytes undefined; errors="replace" keeps a stray one from stopping a whole import.
    stream = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")

    def close():
        # A file the caller opened (an upload) stays open for them: the wrapper lets go of it instead.
        if owned:
            stream.close()
        else:
            stream.detach()

    sample = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not sample.strip():
        close()
        raise ApplicationError(_("El archivo está vacío."), code="empty_file")
    reader = csv.reader(stream, delimiter=_delimiter(sample))
    try:
        headers, line, rows = _headers(reader)
    except ApplicationError:
        close()
        raise
    return Table(headers=headers, _rows=rows, _close=close, header_line=line)


# How far down a title ("Lista de participantes - enero") may push the header row.
HEADER_SEARCH_ROWS = 10


def _header_cells(row) -> list[str]:
    headers = ["" if value is None else " ".join(_without_nul(str(value)).split()) for value in row]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _headers(rows: Iterator[list]) -> tuple[list[str], int, Iterator[list]]:
    """The header row, its line number, and the rows after it. The header row is the first of the top rows with
    two or more cells filled: a title typed above the table (one cell) is passed over. A file whose top rows all
    have a single cell has its first non-blank row as headers. Blank rows above are skipped however many; trailing
    blank headers are dropped."""
    top, filled = [], 0
    for row in rows:
        top.append(row)
        cells = sum(1 for cell in _header_cells(row) if cell)
        filled += cells > 0
        if cells >= 2 or filled >= HEADER_SEARCH_ROWS:
            break
    counts = [sum(1 for cell in _header_cells(row) if cell) for row in top]
    chosen = next((i for i, count in enumerate(counts) if count >= 2), None)
    if chosen is None:
        chosen = next((i for i, count in enumerate(counts) if count), None)
    if chosen is None:
        raise ApplicationError(_("El archivo no tiene una fila de encabezados."), code="no_headers")
    rest = top[chosen + 1 :]
    following = itertools.chain(rest, rows) if rest else rows
    return _header_cells(top[chosen]), chosen + 1, following


def _xlsx(handle, *, sheet: str | None, owned: bool) -> Table:
    from openpyxl import load_workbook

    def close_file():
        if owned:
            handle.close()

    try:
        book = load_workbook(handle, read_only=True, data_only=True)
    except Exception:  # a damaged workbook fails in many ways inside openpyxl, zipfile and the XML parser
        close_file()
        raise ApplicationError(
            _("El archivo XLSX está dañado o no es una hoja de cálculo."), code="file_format"
        ) from None

    def close():
        book.close()
        close_file()

    if sheet is not None and sheet not in book.sheetnames:
        close()
        raise ApplicationError(_("El archivo no tiene una hoja «%(sheet)s».") % {"sheet": sheet}, code="no_sheet")
    worksheet = book[sheet] if sheet else book.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    try:
        headers, line, rows = _headers(rows)
    except ApplicationError:
        close()
        raise
    total = worksheet.max_row - line if worksheet.max_row else None
    return Table(headers=headers, _rows=rows, row_count=total, _close=close, header_line=line)
