"""Reading a KoboToolbox export a user uploads: JSON (the API's list, or its {results} page), CSV (Kobo writes `;`
by default, Excel in Spanish too; a `,` file is understood as well) or XLSX. Rows come out as Kobo's API would give
them, {"grupo/pregunta": value, "_uuid": …}, so they go through the same path as pulled submissions."""

import csv
import io
import json
import zipfile

from django.utils.translation import gettext as _

from minka.core.errors import ApplicationError

MAX_BYTES = 50 * 1024 * 1024


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _from_json(data: bytes) -> list[dict]:
    try:
        parsed = json.loads(_text(data))
    except ValueError:
        raise ApplicationError(_("El archivo no es un JSON válido."), code="bad_file") from None
    rows = parsed.get("results") if isinstance(parsed, dict) else parsed
    if not isinstance(rows, list):
        raise ApplicationError(_("El JSON no trae una lista de envíos."), code="bad_file")
    return [row for row in rows if isinstance(row, dict)]


def _table(header: list, body) -> list[dict]:
    names = [str(name or "").strip() for name in header]
    rows = []
    for values in body:
        row = {name: value for name, value in zip(names, values, strict=False) if name and value not in (None, "")}
        if row:
            rows.append(row)
    return rows


def _from_csv(data: bytes) -> list[dict]:
    text = _text(data).replace("\x00", "")
    first_line = text.splitlines()[0] if text else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        # newline="" lets the reader see a stray carriage return as the end of a line, as Excel means it
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ApplicationError(_("El CSV está dañado: no se pueden separar sus filas."), code="bad_file") from None
    if not lines:
        return []
    return _table(lines[0], lines[1:])


def _from_xlsx(data: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ApplicationError(_("El archivo no es un XLSX que se pueda leer."), code="bad_file") from None
    sheets = [(sheet.title, _sheet_rows(sheet)) for sheet in book.worksheets]
    book.close()
    (title, rows), repeats = sheets[0], sheets[1:]
    _attach_repeats(title, rows, repeats)
    return rows


def _as_text(row: dict) -> dict:
    # Excel gives dates and numbers as such; the rest of the path reads text, as from the API
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in row.items()}


def _sheet_rows(sheet) -> list[dict]:
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, None)
    return [_as_text(row) for row in _table(list(header or []), lines)]


def _attach_repeats(title: str, rows: list[dict], repeat_sheets) -> None:
    """Kobo's XLSX export puts each repeat (the people present at a session) on a sheet of its own, named after
    the repeat, one line per item pointing to its submission by `_submission__uuid` (and `_parent_index`, the
    submission's `_index`). The items go back into their submission as the API gives them: a list under the
    repeat's name. Lines of a repeat inside a repeat (their parent table is not the first sheet) are left out."""
    by_uuid = {str(row["_uuid"]): row for row in rows if row.get("_uuid")}
    by_index = {str(row["_index"]): row for row in rows if row.get("_index") is not None}
    for name, items in repeat_sheets:
        for item in items:
            if item.get("_parent_table_name") not in (None, "", title):
                continue
            parent = by_uuid.get(str(item.get("_submission__uuid", ""))) or by_index.get(str(item.get("_parent_index")))
            if parent is None:
                continue
            answers = {key: value for key, value in item.items() if not key.startswith("_")}
            parent.setdefault(name, []).append(answers)


def read_export(name: str, data: bytes) -> list[dict]:
    """The submissions in an uploaded export, each as a dict of column → value (empty cells left out)."""
    if not data:
        raise ApplicationError(_("El archivo está vacío."), code="empty_file")
    if len(data) > MAX_BYTES:
        raise ApplicationError(_("El archivo pasa de 50 MB: expórtelo por partes."), code="too_large")
    lower = name.lower()
    if lower.endswith(".json"):
        rows = _from_json(data)
    elif lower.endswith(".csv"):
        rows = _from_csv(data)
    elif lower.endswith(".xlsx"):
        rows = _from_xlsx(data)
    else:
        raise ApplicationError(_("Suba la exportación de Kobo en JSON, CSV o XLSX."), code="bad_file")
    if not rows:
        raise ApplicationError(_("El archivo no trae ningún envío."), code="empty_file")
    return rows
