"""Writing connections and bringing submissions in.

A pull reads the server page by page and handles each submission on its own: it is stored once per organization
by its instance uuid, and its import into Minka runs in a savepoint, so one that fails (an unknown form version, a
participant that does not exist) is recorded with its reason while the others go in. Pulling again skips what was
imported and retries what failed. A server that cannot be read stops the pull with its error written on the
connection; what came in before the error stays, complete, and the next pull goes on from there.
"""

import hashlib
import json

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.accounts.access import program_organization_ids
from minka.audit.models import AuditAction
from minka.audit.services import audit_changes, audit_record, record_snapshot
from minka.core.errors import ApplicationError
from minka.submissions import clients, exports, mapping, received, sealing
from minka.submissions.models import Pull, PullSource, ServerConnection, ServerKind, Submission, SubmissionStatus

CONNECTION_FIELDS = (
    "name", "kind", "base_url", "username", "asset_uid", "odk_project_id", "odk_form_id", "form_key", "program",
    "enabled", "pull_every_hours",
)  # fmt: skip
SECRET_FIELDS = {"secret_sealed"}
PROGRESS_EVERY = 20


def _audited(connection: ServerConnection) -> dict:
    """The connection's snapshot for the trail, without its sealed secret (a change of it shows as "changed")."""
    snapshot = {k: v for k, v in record_snapshot(connection).items() if k not in SECRET_FIELDS}
    snapshot["secret"] = "•" if connection.secret_sealed else ""
    return snapshot


def _check(connection: ServerConnection) -> None:
    errors = {}
    if connection.kind == ServerKind.KOBO and not connection.asset_uid.strip():
        errors["asset_uid"] = [_("KoboToolbox necesita el uid del formulario.")]
    if connection.kind == ServerKind.ODK:
        if connection.odk_project_id is None:
            errors["odk_project_id"] = [_("ODK Central necesita el número del proyecto.")]
        if not connection.odk_form_id.strip():
            errors["odk_form_id"] = [_("ODK Central necesita el identificador del formulario.")]
        if not connection.username.strip():
            errors["username"] = [_("ODK Central necesita el usuario (correo).")]
    if connection.program_id and connection.organization_id not in program_organization_ids(connection.program):
        errors["program"] = [_("La organización no participa en ese programa.")]
    if errors:
        raise ApplicationError(_("Revise los datos de la conexión."), fields=errors)


@transaction.atomic
def connection_save(*, user, connection: ServerConnection, data: dict, secret: str = "") -> ServerConnection:
    """Creates or changes a connection. An empty `secret` keeps the one stored; it is never read back."""
    creating = connection.pk is None
    if creating:
        connection.created_by = user
    before = {} if creating else _audited(connection)
    for name in CONNECTION_FIELDS:
        if name in data:
            setattr(connection, name, data[name])
    if secret:
        connection.secret_sealed = sealing.seal(secret.strip())
    if creating and not connection.secret_sealed:
        raise ApplicationError(
            _("Escriba el token (Kobo) o la contraseña (ODK)."), fields={"secret": [_("Obligatorio.")]}
        )
    _check(connection)
    connection.save()
    changes = audit_changes(before, _audited(connection))
    if changes:
        action = AuditAction.CREATE if creating else AuditAction.UPDATE
        audit_record(actor=user, action=action, instance=connection, changes=changes,
                     organization=connection.organization, program=connection.program)  # fmt: skip
    return connection


def _parsed(rows, parse):
    """Each row with its NUL characters dropped (no database text or JSON column holds them; a broken device or
    export is the only way one arrives), paired with what Minka reads from it."""
    for row in rows:
        row = received.without_nul(row)
        yield row, parse(row)


def _fetch(connection: ServerConnection):
    try:
        secret = sealing.unseal(connection.secret_sealed)
    except sealing.SealBroken:
        raise clients.ServerError(_("El token guardado ya no se puede leer: escríbalo de nuevo.")) from None
    if connection.kind == ServerKind.KOBO:
        yield from _parsed(clients.kobo_submissions(connection.base_url, secret, connection.asset_uid),
                           received.from_kobo)  # fmt: skip
    else:
        rows = clients.odk_submissions(
            connection.base_url, connection.username, secret, connection.odk_project_id, connection.odk_form_id
        )
        yield from _parsed(rows, received.from_odk)


def _uuid_of(row: dict, got: received.Received) -> str:
    """Its instance uuid; a submission without one (an edited export) gets a digest of its content, which a
    second upload of the same file finds again."""
    if got.instance_uuid:
        return got.instance_uuid[:100]
    digest = hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()
    return f"sin-uuid:{digest[:40]}"


def imported_uuids(organization_id) -> set[str]:
    """The organization's submissions in Minka now: imported, and not in a batch that was undone since (undoing a
    pull takes its submissions out as if they never came, so the next pull brings them back)."""
    from minka.imports.models import ImportStatus

    imported = Submission.objects.filter(organization_id=organization_id, status=SubmissionStatus.IMPORTED)
    return set(imported.exclude(batch__status=ImportStatus.UNDONE).values_list("instance_uuid", flat=True))


def _take(connection: ServerConnection, pull: Pull, row: dict, got: received.Received, user, batches) -> str:
    """Stores one submission and imports it if it was not already; returns "imported", "failed" or "already"."""
    uuid = _uuid_of(row, got)
    if uuid in batches.imported or uuid in batches.seen:  # a row twice in one file (or page) is one submission
        return "already"
    batches.seen.add(uuid)
    submission = Submission.objects.filter(organization_id=connection.organization_id, instance_uuid=uuid).first()
    if submission is None:
        submission = Submission(organization_id=connection.organization_id, instance_uuid=uuid)
    submission.connection, submission.pull, submission.raw = connection, pull, row
    submission.form_id = got.form_id or connection.form_key
    submission.form_version, submission.submitted_at = got.form_version[:100], got.submitted_at
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:  # another pull stored it a moment ago: it is that pull's to import
        return "already"
    known = set(batches)
    try:
        with transaction.atomic():
            records = mapping.import_submission(
                connection=connection, submission=submission, received=got, user=user, batches=batches
            )
    except ApplicationError as error:
        for kind in set(batches) - known:  # made in the savepoint just rolled back
            del batches[kind]
        submission.status, submission.failure_reason = SubmissionStatus.FAILED, error.message
        submission.records, submission.batch = [], None
        submission.save(update_fields=["status", "failure_reason", "records", "batch", "updated_at"])
        return "failed"
    batches.imported.add(uuid)
    submission.batch = batches.get(mapping.FORM_KINDS.get(connection.form_key))
    submission.status, submission.failure_reason = SubmissionStatus.IMPORTED, ""
    submission.imported_at, submission.records = timezone.now(), records
    submission.save(update_fields=["status", "failure_reason", "imported_at", "records", "batch", "updated_at"])
    return "imported"


class _Batches(dict):
    """The pull's ImportBatch of each import kind, made when its first submission goes in, so the history of
    imports lists the pull and it can be undone as a whole."""

    def __init__(self, connection: ServerConnection, pull: Pull, user):
        super().__init__()
        self.connection, self.pull, self.user = connection, pull, user
        self.imported = imported_uuids(connection.organization_id)
        self.seen: set[str] = set()

    def __call__(self, kind: str):
        if kind not in self:
            from minka.imports.models import ImportBatch, ImportStatus

            self[kind] = ImportBatch.objects.create(
                organization=self.connection.organization, program=self.connection.program, kind=kind,
                source=self.connection.kind, file_name=self.pull.file_name or str(self.connection),
                status=ImportStatus.RUNNING, created_by=self.user or self.connection.created_by,
            )  # fmt: skip
            self.pull.batches.add(self[kind])
        return self[kind]

    def close(self) -> None:
        from django.contrib.contenttypes.models import ContentType

        from minka.imports.kinds import kind_get
        from minka.imports.models import ImportedRecord, ImportStatus

        for batch in self.values():
            # Counted as a file import counts its rows: people for a registration (not their consents and
            # enrollments too), attendances for a session; the history's columns then mean the same for both.
            main = ContentType.objects.get_for_model(kind_get(batch.kind).model, for_concrete_model=True)
            created = ImportedRecord.objects.filter(batch=batch, content_type=main).count()
            batch.status, batch.progress, batch.committed_at = ImportStatus.COMMITTED, 100, timezone.now()
            batch.summary = {
                "created": created,
                "records": ImportedRecord.objects.filter(batch=batch).count(),
                "submissions": self.pull.received,
            }
            batch.save(update_fields=["status", "progress", "committed_at", "summary", "updated_at"])


def _run(connection: ServerConnection, pull: Pull, rows, user) -> Pull:
    # A scheduled pull (or the command's) imports on behalf of whoever set the connection up, with that person's
    # rights: one who has since lost them sees each submission fail with the reason, not a silent import.
    user = user or connection.created_by
    counts = {"imported": 0, "failed": 0, "already": 0}
    batches = _Batches(connection, pull, user)
    try:
        for row, got in rows:
            pull.received += 1
            counts[_take(connection, pull, row, got, user, batches)] += 1
            if pull.received % PROGRESS_EVERY == 0:
                # The connection's page shows a long pull's counts growing while it runs.
                Pull.objects.filter(pk=pull.pk).update(
                    received=pull.received, imported=counts["imported"], failed=counts["failed"],
                    already=counts["already"],
                )  # fmt: skip
    except clients.ServerError as error:
        pull.error = str(error)
    batches.close()
    pull.imported, pull.failed, pull.already = counts["imported"], counts["failed"], counts["already"]
    pull.finished_at = timezone.now()
    pull.save()
    return pull


def pull_waiting(*, connection: ServerConnection, user=None) -> Pull:
    """A pull from the server, recorded before the task queue runs it (`pull_run`), so its page shows it coming."""
    return Pull.objects.create(connection=connection, started_by=user, source=PullSource.SERVER)


def pull(*, connection: ServerConnection, user=None) -> Pull:
    """Brings in the connection's new submissions from its server and retries the ones that failed before."""
    return pull_run(pull_waiting(connection=connection, user=user))


def pull_run(started: Pull) -> Pull:
    connection, user = started.connection, started.started_by
    done = _run(connection, started, _fetch(connection), user)
    connection.last_pulled_at = done.finished_at
    if done.error:
        connection.last_error, connection.last_error_at = done.error, done.finished_at
    else:
        connection.last_error, connection.last_error_at = "", None
    connection.save(update_fields=["last_pulled_at", "last_error", "last_error_at", "updated_at"])
    return done


def _upload_pull(connection: ServerConnection, user, name: str) -> Pull:
    return Pull.objects.create(connection=connection, started_by=user, source=PullSource.UPLOAD, file_name=name[:255])


def upload(*, connection: ServerConnection, user, name: str, data: bytes) -> Pull:
    """Brings in the submissions of a Kobo export file (JSON, CSV or XLSX), exactly as a pull would."""
    return upload_rows(connection=connection, user=user, name=name, rows=exports.read_export(name, data))


def upload_rows(*, connection: ServerConnection, user, name: str, rows: list[dict]) -> Pull:
    """The submissions of an export already read (`exports.read_export`)."""
    started = _upload_pull(connection, user, name)
    return _run(connection, started, _parsed(rows, received.from_kobo), user)


def upload_waiting(*, connection: ServerConnection, user, name: str, data: bytes) -> Pull:
    """An export kept for the task queue (`upload_run`): a long one takes minutes, longer than a page should hang.
    The caller has read it once already, so a file that cannot be read was refused before anything was kept."""
    started = _upload_pull(connection, user, name)
    safe = "".join(char if char.isalnum() or char in ".-_" else "_" for char in name)[-80:]
    started.file.save(f"{started.pk}-{safe}", ContentFile(data), save=True)
    return started


def upload_run(started: Pull) -> Pull:
    """Imports a kept export, then deletes the file: what it carried now lives in the records it made."""
    with started.file.open("rb") as kept:
        data = kept.read()
    try:
        rows = exports.read_export(started.file_name, data)
    except ApplicationError as error:
        rows, started.error = [], error.message
    done = _run(started.connection, started, _parsed(rows, received.from_kobo), started.started_by)
    done.file.delete(save=False)
    Pull.objects.filter(pk=done.pk).update(file="")
    return done
