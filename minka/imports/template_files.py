"""Blank templates to fill in: the kind's headers in Spanish or English, and how to fill each column.

`template_write(kind, stream, file_format="xlsx"|"csv", language="es"|"en")` writes to a binary stream.
- XLSX: a first sheet with the headers only (bold, shaded, frozen, required ones marked in the instructions), so
  nothing but the user's rows is ever imported; a second sheet of instructions: each column, whether it is
  required, its format or allowed values, and an example.
- CSV: the header row only, UTF-8 with a BOM (so Excel shows accents), separated by `;` in Spanish (what Excel
  in Spanish expects) and `,` in English. The importer reads either.
"""

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

FORMATS = ("xlsx", "csv")
HEADER_FILL = PatternFill("solid", fgColor="DDE7D4")


def template_write(kind, stream, *, file_format: str = "xlsx", language: str = "es") -> None:
    language = "en" if language == "en" else "es"
    with override(language):
        if file_format == "csv":
            _csv(kind, stream, language)
        else:
            _xlsx(kind, stream, language)


def _csv(kind, stream, language: str) -> None:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    csv.writer(text, delimiter=";" if language == "es" else ",").writerow(
        [column.header(language) for column in kind.columns]
    )
    text.detach()


def _xlsx(kind, stream, language: str) -> None:
    book = Workbook()
    data = book.active
    data.title = _("Datos")[:31]
    data.append([column.header(language) for column in kind.columns])
    for index, column in enumerate(kind.columns, start=1):
        cell = data.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        data.column_dimensions[cell.column_letter].width = max(14, len(column.header(language)) + 4)
    data.freeze_panes = "A2"
    notes = book.create_sheet(_("Instrucciones")[:31])
    notes.append([_("Columna"), _("Obligatoria"), _("Formato o valores permitidos"), _("Ejemplo")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in kind.columns:
        notes.append(
            [column.header(language), _("sí") if column.required else _("no"), column.help_text(), column.example]
        )
    for letter, width in zip("ABCD", (30, 12, 70, 24), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    book.save(stream)
