"""The import engine: a file becomes a batch, is checked row by row (preview), then written all or nothing.

Public functions (pages, the `minka import` command, the background task and submissions all use these):

- `batch_create(*, user, organization, kind, file, file_name="", program=None, source="file", language="es",
  mapping=None) -> ImportBatch` — checks the user may import that kind there, refuses a file over
  MINKA_IMPORT_MAX_BYTES by its size, stores the file under MEDIA_ROOT/imports/ with its SHA-256 (read in chunks,
  never whole); `file` is an uploaded file, a binary file object or bytes.
- `preview(batch, *, progress=None) -> Preview` — a dry run: every error by row and column, every row repeated
  within the file, every likely duplicate, and how many rows would be created or are already in Minka
  ("unchanged"). Stores the summary, errors and warnings on the batch (status "previewed"). Writes nothing else.
- `commit(batch, *, progress=None) -> Preview` — checks again, then writes every new row inside one
  `transaction.atomic()`: any error (in the file, or a rule a service enforces at write time) and nothing is
  written, the batch is "failed" with its report and `ImportRefused` is raised. A re-import of the same file
  finds every row "unchanged" and creates nothing.
- `undo(batch, *, user)` — deletes what the batch created, newest first, in one transaction; refused with a
  sentence when another record depends on one of them (a person imported and since enrolled by hand).
- `error_report_csv(batch, stream)` — the errors and warnings as CSV (row, column, value, message, code).
- `headers_read(file, name)` — the file's headers, for a mapping page.

`progress(percent, rows_done, rows_total)` is called as rows are checked (0–70 %) and written (70–100 %).
Checking happens outside any transaction, so a caller may store progress in short transactions of its own
(minka.imports.tasks does); writing happens inside the import's transaction, where stored progress becomes
visible only when it ends.

Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2. Blank rows are skipped.
At most `MAX_STORED_ERRORS` errors are kept on the batch (the count in the summary is always complete).
"""

import csv
import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import DatabaseError, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from minka.accounts import access
from minka.audit.models import AuditAction
from minka.audit.services import audit_record
from minka.core.errors import ApplicationError, PermissionDenied
from minka.imports.kinds.base import Context, RowError, RowErrors, kind_get
from minka.imports.mapping import Mapping, mapping_apply
from minka.imports.models import ImportBatch, ImportedRecord, ImportSource, ImportStatus
from minka.imports.readers import file_size, max_bytes, open_table
from minka.imports.values import CellError, is_blank, unescape

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 10_000
WRITE_CHUNK = 1000
CHECKED_SHARE = 70  # percent of the progress bar for checking; writing takes the rest
# Records derived from an imported one that undo may delete with it (they are recomputed, not typed).
UNDO_MAY_CASCADE = {"people.duplicatecandidate"}

Progress = Callable[[int, int, int], None]


def _silent(percent: int, done: int, total: int) -> None:
    pass


class ImportRefused(ApplicationError):
    """The file has errors (or a service refused a row): nothing was written. `preview` holds the report."""

    def __init__(self, message, *, preview: "Preview"):
        super().__init__(message, code="import_errors")
        self.preview = preview


@dataclass
class Preview:
    kind: str
    mapping: Mapping
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    repeated: int = 0
    skipped: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    to_write: list[tuple[int, dict, str]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "unchanged": self.unchanged,
            "repeated": self.repeated,
            "skipped": self.skipped,
            "errors": self.error_count,
            "warnings": len(self.warnings),
            "extra_headers": self.mapping.extra,
            "missing_columns": self.mapping.missing,
        }


# Batches ------------------------------------------------------------------------------------------------------


def _context(batch: ImportBatch, user=None) -> Context:
    return Context(
        organization=batch.organization,
        program=batch.program,
        user=user or batch.created_by,
        language=batch.language,
        batch=batch,
    )


def check_access(kind, context: Context) -> None:
    """The user may import `kind` on behalf of the organization (and into the program, when one is named)."""
    if context.program is not None and not access.programs_visible(context.user).filter(pk=context.program.pk).exists():
        raise PermissionDenied(_("No puede importar datos en ese programa."))
    if kind.needs_program and context.program is None:
        raise ApplicationError(_("Esta importación necesita un programa."), code="program_required")
    kind.check_access(context)


def batch_create(
    *,
    user,
    organization,
    kind: str,
    file,
    file_name: str = "",
    program=None,
    source: str = ImportSource.FILE,
    language: str = "es",
    mapping: dict | None = None,
) -> ImportBatch:
    kind_object = kind_get(kind)
    batch = ImportBatch(
        organization=organization,
        program=program,
        kind=kind,
        source=source,
        language=language if language in ("es", "en") else "es",
        mapping=mapping or {},
        created_by=user,
    )
    check_access(kind_object, _context(batch, user))
    if isinstance(file, bytes):
        file = io.BytesIO(file)
    size = file_size(file)
    if size > max_bytes():
        raise ApplicationError(
            _("El archivo pesa %(size)s MB; el máximo es %(limit)s MB. Divídalo en partes.")
            % {"size": round(size / 1024 / 1024, 1), "limit": round(max_bytes() / 1024 / 1024)},
            code="file_too_large",
        )
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(1024 * 1024):
        digest.update(chunk)
    file.seek(0)
    name = file_name or getattr(file, "name", "") or "import"
    batch.file_name = str(name).rsplit("/", 1)[-1][:250]
    batch.sha256 = digest.hexdigest()
    with transaction.atomic():
        batch.save()
        batch.file.save(f"{batch.pk}-{batch.sha256[:12]}-{_safe(batch.file_name)}", File(file), save=True)
    return batch


def _safe(name: str) -> str:
    return "".join(char if char.isalnum() or char in ".-_" else "_" for char in name)[-80:] or "import"


def earlier_imports(batch: ImportBatch):
    """Other committed batches of the same file into the same organization (the page can say so)."""
    return ImportBatch.objects.filter(
        organization=batch.organization, sha256=batch.sha256, status=ImportStatus.COMMITTED
    ).exclude(pk=batch.pk)


def headers_read(file, name: str = "") -> list[str]:
    table = open_table(file, name)
    try:
        return table.headers
    finally:
        table.close()


# Checking ----------------------------------------------------------------------------------------------------


def _text(raw) -> str:
    if raw is None:
        return ""
    return str(raw)[:200]


def rows_count(batch: ImportBatch) -> int:
    """The file's data rows, cheaply (an XLSX says how many it has): enough to decide whether to check it now."""
    return _count_rows(batch)


def _count_rows(batch: ImportBatch) -> int:
    with batch.file.open("rb") as handle:
        table = open_table(handle, batch.file_name)
        try:
            if table.row_count is not None:
                return table.row_count
            return sum(1 for row in table.rows() if not all(is_blank(value) for value in row))
        finally:
            table.close()


def _check(batch: ImportBatch, kind, context: Context, progress: Progress) -> Preview:
    total = _count_rows(batch)
    with batch.file.open("rb") as handle:
        table = open_table(handle, batch.file_name)
        try:
            mapping = mapping_apply(kind, table.headers, batch.mapping or None)
            result = Preview(kind=kind.slug, mapping=mapping)
            if mapping.missing:
                for key in mapping.missing:
                    result.add_error(
                        RowError(
                            row=1,
                            column=key,
                            message=_("Falta la columna obligatoria «%(header)s».")
                            % {"header": kind.column(key).header(context.language)},
                            code="missing_column",
                        )
                    )
                return result
            kind.prepare(context)
            seen: dict[str, tuple[int, tuple]] = {}
            for number, raw_row in enumerate(table.rows(), start=table.header_line + 1):
                if all(is_blank(value) for value in raw_row):
                    continue
                result.rows += 1
                _check_row(kind, context, mapping, number, raw_row, seen, result)
                if result.rows % 500 == 0:
                    done = min(result.rows, total)
                    progress(CHECKED_SHARE * done // max(total, 1), done, total)
        finally:
            table.close()
    progress(CHECKED_SHARE, result.rows, result.rows)
    return result


def _check_row(kind, context, mapping: Mapping, number: int, raw_row: list, seen: dict, result: Preview) -> None:
    values, errors = {}, []
    for column in kind.columns:
        index = mapping.columns.get(column.key)
        raw = unescape(raw_row[index]) if index is not None else None
        try:
            values[column.key] = column.parser(raw)
        except CellError as error:
            errors.append(RowError(number, column.key, error.message, error.code, _text(raw)))
            continue
        if values[column.key] is None and column.required:
            errors.append(RowError(number, column.key, _("Falta este dato, que es obligatorio."), "required", ""))
    # Two rows are the same when they read the same ("F" and "Femenino", "María " and "María"), not when typed alike.
    fingerprint = tuple(repr(values.get(key)) for key in mapping.columns)
    if not errors:
        try:
            values = kind.clean(values, context)
        except CellError as error:
            errors.append(_row_error(number, error, raw_row, mapping))
        except RowErrors as many:
            errors.extend(_row_error(number, error, raw_row, mapping) for error in many.errors)
        except ApplicationError as error:
            errors.append(RowError(number, None, str(error.message), error.code, ""))
    if errors:
        for error in errors:
            result.add_error(error)
        return
    if values is None:
        result.skipped += 1
        return
    key = kind.natural_key(values)
    if key in seen:
        first, first_fingerprint = seen[key]
        if first_fingerprint == fingerprint:
            result.repeated += 1
            result.warnings.append(
                RowError(number, None, _("Repite la fila %(row)s; se importa una vez.") % {"row": first}, "repeated")
            )
        else:
            result.add_error(
                RowError(
                    number,
                    None,
                    _("Es el mismo registro que la fila %(row)s, con otros datos; deje una sola.") % {"row": first},
                    "duplicate_in_file",
                )
            )
        return
    seen[key] = (number, fingerprint)
    if kind.existing(values, context) is not None:
        result.unchanged += 1
        return
    for message in kind.likely_duplicates(values, context):
        result.warnings.append(RowError(number, None, str(message), "likely_duplicate"))
    result.created += 1
    result.to_write.append((number, values, key))


def _row_error(number: int, error: CellError, raw_row: list, mapping: Mapping) -> RowError:
    index = mapping.columns.get(error.column) if error.column else None
    value = _text(raw_row[index]) if index is not None else ""
    return RowError(number, error.column, error.message, error.code, value)


def _unreadable(kind, error: ApplicationError) -> Preview:
    """A file that cannot be read (empty, not a spreadsheet, broken) reports that as its one error, on row 1."""
    result = Preview(kind=kind.slug, mapping=Mapping())
    result.add_error(RowError(1, None, str(error.message), error.code))
    return result


def _store_report(batch: ImportBatch, result: Preview, status: str, **more) -> None:
    batch.summary = result.summary()
    batch.errors = [error.as_dict() for error in result.errors]
    batch.warnings = [warning.as_dict() for warning in result.warnings[:MAX_STORED_ERRORS]]
    batch.mapping = result.mapping.as_headers()
    batch.status = status
    batch.rows_total = result.rows
    for name, value in more.items():
        setattr(batch, name, value)
    batch.save()


def _with_language(batch: ImportBatch):
    # Messages stored on the batch are in the importer's language.
    return override(batch.language or "es")


def preview(batch: ImportBatch, *, progress: Progress | None = None) -> Preview:
    kind = kind_get(batch.kind)
    context = _context(batch)
    with _with_language(batch):
        check_access(kind, context)
        try:
            result = _check(batch, kind, context, progress or _silent)
        except ApplicationError as error:
            result = _unreadable(kind, error)
        _store_report(batch, result, ImportStatus.PREVIEWED, progress=0, rows_done=0)
    return result


# Writing -----------------------------------------------------------------------------------------------------


class _WriteRefused(Exception):
    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


def _write(batch: ImportBatch, kind, context: Context, result: Preview, progress: Progress) -> None:
    total = len(result.to_write)
    keys = {number: key for number, _values, key in result.to_write}
    done = 0
    for start in range(0, total, WRITE_CHUNK):
        chunk = result.to_write[start : start + WRITE_CHUNK]
        try:
            written = kind.write_many([(number, values) for number, values, _key in chunk], context)
        except ApplicationError as error:
            number = getattr(error, "row", None) or chunk[0][0]
            field_name = next(iter(error.fields), None)
            raise _WriteRefused(RowError(number, field_name, str(error.message), error.code)) from None
        except (ValidationError, ProtectedError, DatabaseError) as error:
            logger.warning("Import %s refused at write time: %s", batch.pk, error)
            raise _WriteRefused(
                RowError(chunk[0][0], None, _("La base de datos rechazó una fila de este bloque."), "write_failed")
            ) from None
        records = []
        for number, created in written:
            for instance in created:
                records.append(
                    ImportedRecord(
                        batch=batch,
                        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
                        object_id=instance.pk,
                        row=number,
                        natural_key=keys.get(number, "")[:250],
                    )
                )
        ImportedRecord.objects.bulk_create(records, batch_size=2000)
        done += len(chunk)
        progress(CHECKED_SHARE + (100 - CHECKED_SHARE) * done // max(total, 1), done, total)


def commit(batch: ImportBatch, *, progress: Progress | None = None) -> Preview:
    """Checks and writes the whole batch, or nothing. Raises ImportRefused (after storing the report)."""
    progress = progress or _silent
    kind = kind_get(batch.kind)
    context = _context(batch)
    with _with_language(batch):
        check_access(kind, context)
        # Taken in one statement, so a second click (or a second worker) finds it running and goes away.
        startable = (ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.QUEUED, ImportStatus.FAILED)
        taken = ImportBatch.objects.filter(pk=batch.pk, status__in=startable).update(
            status=ImportStatus.RUNNING, progress=0
        )
        if not taken:
            raise ApplicationError(
                _("Esta importación ya está en curso o terminó; para importar otra vez, suba el archivo de nuevo."),
                code="already_done",
            )
        try:
            result = _check(batch, kind, context, progress)
        except ApplicationError as error:
            result = _unreadable(kind, error)
        if not result.ok:
            _store_report(batch, result, ImportStatus.FAILED, progress=0)
            raise ImportRefused(_("El archivo tiene errores; no se importó nada."), preview=result)
        try:
            with transaction.atomic():
                _write(batch, kind, context, result, progress)
                _store_report(
                    batch,
                    result,
                    ImportStatus.COMMITTED,
                    progress=100,
                    rows_done=result.rows,
                    committed_at=timezone.now(),
                )
                audit_record(
                    actor=context.user,
                    action=AuditAction.CREATE,
                    instance=batch,
                    changes={"created": [None, result.created], "unchanged": [None, result.unchanged]},
                    organization=batch.organization,
                    program=batch.program,
                )
        except _WriteRefused as refused:
            result.to_write = []
            result.created = 0
            result.add_error(refused.error)
            batch.refresh_from_db()
            _store_report(batch, result, ImportStatus.FAILED, progress=0)
            raise ImportRefused(_("Una fila fue rechazada al guardarla; no se importó nada."), preview=result) from None
    return result


def import_file(
    *,
    user,
    organization,
    kind: str,
    file,
    file_name="",
    program=None,
    language="es",
    mapping=None,
    dry_run=False,
    progress: Progress | None = None,
) -> tuple[ImportBatch, Preview]:
    """One call for the command and the tests: a batch from the file, then its preview or its commit."""
    batch = batch_create(
        user=user,
        organization=organization,
        kind=kind,
        file=file,
        file_name=file_name,
        program=program,
        language=language,
        mapping=mapping,
    )
    if dry_run:
        return batch, preview(batch, progress=progress)
    return batch, commit(batch, progress=progress)


# Undoing -----------------------------------------------------------------------------------------------------


def batch_can_undo(user, batch: ImportBatch) -> bool:
    kind = kind_get(batch.kind)
    try:
        check_access(kind, _context(batch, user))
    except ApplicationError:
        return False
    return True


def _dependents(model, ids_query, batch: ImportBatch) -> list[str]:
    """Names of the kinds of records, not created by this batch, that point at the batch's `model` records."""
    found = []
    for relation in model._meta.related_objects:
        if relation.many_to_many or relation.related_model._meta.label_lower in UNDO_MAY_CASCADE:
            continue
        related = relation.related_model
        own = batch.records.filter(content_type=ContentType.objects.get_for_model(related)).values("object_id")
        pointing = related._base_manager.filter(**{f"{relation.field.name}__in": ids_query}).exclude(pk__in=own)
        if related is model:
            pointing = pointing.exclude(pk__in=ids_query)
        if pointing.exists():
            found.append(str(related._meta.verbose_name_plural))
    return found


@transaction.atomic
def undo(batch: ImportBatch, *, user) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not batch_can_undo(user, batch):
        raise PermissionDenied(_("No puede deshacer esta importación."))
    if batch.status != ImportStatus.COMMITTED:
        raise ApplicationError(_("Solo se deshace una importación hecha."), code="not_committed")
    order = batch.records.values("content_type").annotate(last=Max("pk")).order_by("-last")
    removed = {}
    for entry in order:
        content_type = ContentType.objects.get_for_id(entry["content_type"])
        model = content_type.model_class()
        ids = batch.records.filter(content_type=content_type).values("object_id")
        dependents = _dependents(model, ids, batch)
        if dependents:
            raise ApplicationError(
                _("No se puede deshacer: otros registros dependen de lo importado (%(what)s).")
                % {"what": ", ".join(dependents)},
                code="has_dependents",
            )
        try:
            count, _detail = model._base_manager.filter(pk__in=ids).delete()
        except ProtectedError:
            raise ApplicationError(
                _("No se puede deshacer: otros registros dependen de lo importado."), code="has_dependents"
            ) from None
        removed[model._meta.label_lower] = count
    batch.status = ImportStatus.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = user
    batch.save(update_fields=["status", "undone_at", "undone_by", "updated_at"])
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        instance=batch,
        changes={"undone": [None, removed]},
        organization=batch.organization,
        program=batch.program,
    )
    return batch


# Reports -----------------------------------------------------------------------------------------------------


def error_report_rows(batch: ImportBatch):
    kind = kind_get(batch.kind)
    headers = {column.key: column.header(batch.language) for column in kind.columns}
    for entry in [*batch.errors, *batch.warnings]:
        yield [
            entry["row"],
            headers.get(entry["column"], entry["column"] or ""),
            entry.get("value", ""),
            entry["message"],
            entry["code"],
        ]


def error_report_csv(batch: ImportBatch, stream=None) -> str | None:
    """Writes the report to `stream` (a text file or HttpResponse), or returns it as a string."""
    target = stream or io.StringIO()
    writer = csv.writer(target)
    with override(batch.language or "es"):
        writer.writerow([_("Fila"), _("Columna"), _("Valor"), _("Problema"), _("Código")])
    for row in error_report_rows(batch):
        writer.writerow(row)
    return None if stream is not None else target.getvalue()
