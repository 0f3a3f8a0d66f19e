"""From a submission to Minka's records, through the form version that filled it in.

The version (Minka's hidden `minka_version` answer, else the server's) picks the published `FormVersion`
(minka.fieldforms.definitions), whose `fields` say which Minka field each question fills. Reading answers through
the submission's own version is what keeps a renamed or moved question in its field: version 1's "celular" and
version 2's "telefono" both fill `phone`. A version Minka never published fails that submission alone.

The rows then go through the import kind of the form (minka.imports.kinds), the same checks and writes a
spreadsheet row goes through, recorded in the pull's `ImportBatch` (the submission's id as its row) so the pull
can be undone as a whole. A
credit-use visit goes through the credit app's service, which checks that the user operates the loan's fund.
"""

import contextlib
import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minka.core.errors import ApplicationError
from minka.fieldforms import definitions
from minka.imports import engine
from minka.imports.kinds.base import CellError, Context, RowErrors, kind_get
from minka.imports.models import ImportedRecord
from minka.imports.values import plain

FORM_KINDS = {"registration": "people", "attendance": "attendance", "enterprise_followup": "enterprise-records"}
# The form fields whose answers are choices drawn from Minka's records ("a12", "p45", "d080101"), by record list.
RECORD_FIELDS = {
    "activity": "activity", "person_id": "person", "enterprise": "enterprise", "loan": "loan", "site": "site",
    "district": "district", "activity_type": "activity_type",
}  # fmt: skip


def kind_row(row: dict) -> dict:
    """A form's row as the kind's columns read it: a record choice becomes the record's code ("a12" → "12"). An
    answer that is not such a choice is left for the kind's parser to refuse with its own words."""
    values = dict(row)
    for key, records in RECORD_FIELDS.items():
        if isinstance(values.get(key), str) and values[key]:
            with contextlib.suppress(ValueError):
                values[key] = str(definitions.record_id(records, values[key]))
    return values


def version_of(form_key: str, version: str) -> definitions.FormVersion:
    if not version:
        raise ApplicationError(_("El envío no dice con qué versión del formulario se llenó."), code="unknown_version")
    try:
        return definitions.form_version(form_key, version)
    except definitions.UnknownFormVersion:
        raise ApplicationError(
            _("Versión «%(version)s» del formulario desconocida: Minka nunca publicó esa versión de «%(form)s».")
            % {"version": version, "form": form_key},
            code="unknown_version",
        ) from None


def answers_by_name(version: definitions.FormVersion, answers: dict) -> dict:
    """Kobo's CSV and XLSX exports "with labels" head each column with the question's label ("Nombres") instead of
    its name ("given_names"). Read through the submission's own version, a label gives the name back; a column
    that is already a question's name keeps it. Choice answers need nothing: the kinds' parsers read "Sí" or
    "Mujer" as they read "yes" or "F"."""
    names = {question.name for question in version.questions}
    labels: dict[str, str] = {}
    for question in version.questions:
        for label in (question.label_es, question.label_en):
            if label and question.type != "note":
                labels.setdefault(plain(label), question.name)
    named, by_label = {}, {}
    for key, value in answers.items():
        if isinstance(value, list):
            value = [answers_by_name(version, item) if isinstance(item, dict) else item for item in value]
        if key in names:
            named[key] = value
        else:
            by_label.setdefault(labels.get(plain(key), key), value)
    return by_label | named


def rows_of(version: definitions.FormVersion, answers: dict) -> list[dict]:
    """{Minka field: answer} rows of one submission: one row, or one per item of the form's repeat (each person
    present at a session), the submission's other answers repeated in each."""
    fields, repeats = version.fields, version.repeats
    base = {fields[name]: value for name, value in answers.items() if name in fields and name not in repeats}
    holders = sorted(set(repeats.values()))
    if not holders:
        return [base]
    rows = []
    for holder in holders:
        for item in answers.get(holder) or []:
            rows.append(base | {fields[name]: value for name, value in item.items() if name in fields})
    return rows


def _message(error, kind=None) -> str:
    """The reason a person reads on the failed submissions' list: the field's name as the templates write it
    ("Consentimiento"), with the key the form's question fills in parentheses, then what is wrong."""
    if isinstance(error, RowErrors):
        return "; ".join(_message(each, kind) for each in error.errors)
    column = getattr(error, "column", None)
    if not column:
        return str(error.message)
    known = {each.key: each for each in kind.columns} if kind else {}
    if column in known:
        return f"{known[column].header((get_language() or 'es')[:2])} ({column}): {error.message}"
    return f"{column}: {error.message}"


def _run_kind(slug: str, rows: list[dict], *, connection, user, batch) -> list:
    """Every row through the kind's parsers, checks and writer; a problem in any row fails the submission."""
    kind = kind_get(slug)
    context = Context(organization=connection.organization, user=user, program=connection.program, batch=batch)
    engine.check_access(kind, context)
    kind.prepare(context)
    ready, seen = [], set()
    for number, form_row in enumerate(rows, start=1):
        row = kind_row(form_row)
        values, problems = {}, []
        for column in kind.columns:
            try:
                values[column.key] = column.parser(row.get(column.key))
            except CellError as error:
                error.column = error.column or column.key
                problems.append(error)
                continue
            if column.required and values[column.key] is None:
                problems.append(CellError(_("Falta un valor obligatorio."), code="required", column=column.key))
        if problems:
            raise ApplicationError("; ".join(_message(problem, kind) for problem in problems), code="invalid_row")
        try:
            values = kind.clean(values, context)
        except (CellError, RowErrors) as error:
            raise ApplicationError(_message(error, kind), code="invalid_row") from None
        key = kind.natural_key(values)
        if key not in seen and kind.existing(values, context) is None:
            ready.append((number, values, key))
        seen.add(key)
    written = kind.write_many([(number, values) for number, values, _key in ready], context)
    keys = {number: key for number, _values, key in ready}
    return [(record, keys.get(number, "")) for number, records in written for record in records]


def _credit_visit(row: dict, *, connection, user) -> list:
    from minka.credit import loans
    from minka.credit.models import Loan
    from minka.imports import values as parsers

    try:
        loan_id = definitions.record_id("loan", str(row.get("loan") or ""))
        visited_on = parsers.date(row.get("visited_on"))
        is_evaluation = parsers.yes_no(row.get("is_evaluation"))
    except (ValueError, CellError) as error:
        raise ApplicationError(str(error), code="invalid_row") from None
    loan = Loan.objects.filter(pk=loan_id, fund__organization=connection.organization).select_related("fund").first()
    if loan is None:
        raise ApplicationError(_("El crédito del envío no existe en Minka."), code="not_found")
    data = {**row, "visited_on": visited_on or datetime.date.today(), "is_evaluation": bool(is_evaluation)}
    return [loans.record_visit(user=user, loan=loan, data=data)]


def _check_origin(connection, answers: dict) -> None:
    """The hidden answers Minka's forms carry must agree with the connection: a form downloaded for another
    program or organization, or another form sent to this one, is refused rather than filed in the wrong place."""
    form, program, organization = (answers.get(f"minka_{name}") for name in ("form", "program", "organization"))
    if form and form != connection.form_key:
        raise ApplicationError(
            _("El envío es del formulario «%(sent)s», no del que recoge esta conexión (%(form)s).")
            % {"sent": form, "form": connection.form_key},
            code="wrong_form",
        )
    if program and connection.program_id and program != connection.program.slug:
        raise ApplicationError(
            _("El envío es del programa «%(sent)s», no del de la conexión.") % {"sent": program}, code="wrong_program"
        )
    if organization and organization != connection.organization.slug:
        raise ApplicationError(
            _("El envío registra para la organización «%(sent)s», no para la de la conexión.") % {"sent": organization},
            code="wrong_organization",
        )


def import_submission(*, connection, submission, received, user, batches) -> list[dict]:
    """Creates the submission's records; returns them as [{model, pk}]. Raises ApplicationError with the reason
    the submission cannot go in. `batches(kind)` gives the pull's ImportBatch for that kind."""
    _check_origin(connection, received.answers)
    version = version_of(connection.form_key, received.form_version)
    rows = rows_of(version, answers_by_name(version, received.answers))
    if not rows:
        raise ApplicationError(_("El envío no trae ninguna fila que importar."), code="empty")
    if version.form_id == "credit_visit":
        records = [(record, "") for record in _credit_visit(rows[0], connection=connection, user=user)]
    else:
        batch = batches(FORM_KINDS[version.form_id])
        records = _run_kind(FORM_KINDS[version.form_id], rows, connection=connection, user=user, batch=batch)
        ImportedRecord.objects.bulk_create(
            ImportedRecord(
                batch=batch,
                content_type=ContentType.objects.get_for_model(record, for_concrete_model=True),
                object_id=record.pk,
                row=submission.pk,
                natural_key=key[:250],
            )
            for record, key in records
        )
    return [{"model": record._meta.label_lower, "pk": record.pk} for record, _key in records]
