"""Every list downloads as CSV or XLSX: the rows the user sees on the page, with the page's filters, streamed.

A list view describes its columns once (`Column`) and hands its scoped, filtered queryset to `export_response`
when the address asks for `?format=csv` or `?format=xlsx`. Rows are read from the database in chunks
(`iterator(chunk_size=…)`), so memory stays flat however long the list: the CSV is written row by row to the
response, the XLSX row by row (openpyxl's write-only mode) into a temporary file that is then streamed.

Columns marked `personal` (names, DNI digits, birth date, phone…) are left out for users without personal-data
rights; a list over the row limit of the user's role is refused with a clear page, never a 500.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from minka.accounts import access
from minka.core.errors import ApplicationError

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
MONEY_FORMAT = "#,##0.00"
CENT = Decimal("0.01")
DATE_FORMAT = "yyyy-mm-dd"

TEXT, INTEGER, DECIMAL, MONEY, DATE, BOOLEAN = "text", "integer", "decimal", "money", "date", "boolean"
# A spreadsheet runs a cell that starts like a formula; a name typed as "=HYPERLINK(…)" must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (a lazy translation), how to read it from a row, and its type."""

    header: Any
    value: Callable[[Any], Any]
    kind: str = TEXT
    personal: bool = False


def choice_label(choices, read: Callable[[Any], Any]) -> Callable[[Any], str]:
    """A column value reading a choice's label, translated once per language and value rather than once per row
    (a lazy label costs a translation lookup each time; on a million rows that is most of the export's time)."""
    labels = dict(choices.choices)
    cache: dict = {}

    def value(row) -> str:
        key = (get_language(), read(row))
        if key not in cache:
            cache[key] = str(labels.get(key[1], key[1] or ""))
        return cache[key]

    return value


def export_format(request) -> str | None:
    """'csv' or 'xlsx' when the list's address asks for a download; None for the page itself."""
    wanted = (request.GET.get("format") or "").lower()
    return wanted if wanted in FORMATS else None


def row_limit(user) -> int:
    """How many rows one download may hold: generous for network admins and staff, smaller for the others."""
    limits = settings.MINKA_EXPORT_ROW_LIMITS
    if access.is_network_admin(user) or access.organization_ids(user, access.STAFF_ROLES):
        return limits["staff"]
    return limits["other"]


def personal_data_allowed(user) -> bool:
    """Whether the user reads personal data at all (staff, auditors, coordinators); funders never do."""
    return bool(
        access.is_network_admin(user)
        or access.organization_ids(user, access.PERSONAL_DATA_ROLES)
        or access.whole_program_ids(user)
    )


def _count(rows) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def _iterate(rows) -> Iterable:
    return rows.iterator(chunk_size=CHUNK_SIZE) if isinstance(rows, QuerySet) else iter(rows)


def export_response(request, *, rows, columns: list[Column], filename: str):
    """The download asked for by `?format=`: the rows (a QuerySet, or a list already in memory) as CSV or XLSX.

    Over the role's limit, a 400 page saying how many rows the list has and how many may be downloaded."""
    user = request.user
    if not personal_data_allowed(user):
        columns = [column for column in columns if not column.personal]
    limit = row_limit(user)
    total = _count(rows)
    if total > limit:
        error = ApplicationError(
            _(
                "La lista tiene %(total)s filas y su rol puede descargar hasta %(limit)s. "
                "Use los filtros para acotarla y vuelva a intentarlo."
            )
            % {"total": f"{total:,}", "limit": f"{limit:,}"},
            code="export_too_large",
            fields={"format": [_("Demasiadas filas para una descarga.")]},
        )
        return render(request, "core/export_refused.html", {"error": error}, status=400)
    stamp = timezone.localdate().isoformat()
    if export_format(request) == "xlsx":
        return xlsx_response(rows, columns, f"{filename}-{stamp}.xlsx")
    return csv_response(rows, columns, f"{filename}-{stamp}.csv")


# CSV ------------------------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose `write` hands the line back, for a csv.writer feeding a generator."""

    def write(self, value):
        return value


def _csv_text(value, kind: str) -> Any:
    if value is None:
        return ""
    if kind == BOOLEAN:
        return _("sí") if value else _("no")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if kind == MONEY and isinstance(value, (Decimal, int)):
        return format(Decimal(value).quantize(CENT), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(rows, columns: list[Column]) -> Iterable[str]:
    """The CSV, line by line: a BOM (so Excel reads the accents as UTF-8), the headers, then one line per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(column.header) for column in columns])
    for row in _iterate(rows):
        yield writer.writerow([_csv_text(column.value(row), column.kind) for column in columns])


def csv_response(rows, columns: list[Column], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(rows, columns)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# XLSX -----------------------------------------------------------------------------------------------------------


def _xlsx_cell(sheet, value, kind: str):
    if value is None:
        return None
    if kind == BOOLEAN:
        return _("sí") if value else _("no")
    if kind in (MONEY, DECIMAL) and isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=float(value))
        if kind == MONEY:
            cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith("="):  # openpyxl would write it as a formula
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def xlsx_file(rows, columns: list[Column], *, title: str = "Minka"):
    """The workbook written row by row (write-only mode keeps no row in memory) into a temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(column.header) for column in columns])
    for row in _iterate(rows):
        sheet.append([_xlsx_cell(sheet, column.value(row), column.kind) for column in columns])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it, the system removes it)
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(rows, columns: list[Column], filename: str) -> FileResponse:
    return FileResponse(
        xlsx_file(rows, columns),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
