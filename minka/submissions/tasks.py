"""Background pulls, for django-tasks' database backend (`minka db_worker` runs the queue); `minka serve` enqueues
the due ones (minka.submissions.schedule), and the connection's page queues a pull asked for by hand and a long
export, which would take longer than a page should hang (or a proxy wait)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from minka.submissions import exports, services
from minka.submissions.models import Pull, ServerConnection

# An export up to this many submissions goes in while the page waits (a few seconds); a longer one is queued.
BACKGROUND_SUBMISSIONS = 25


@task()
def pull_connection(connection_id: int) -> dict:
    """Pulls one connection's new submissions; plain JSON in and out, as the queue stores them."""
    connection = ServerConnection.objects.select_related("organization").get(pk=connection_id)
    done = services.pull(connection=connection)
    return _result(done)


def _result(done: Pull) -> dict:
    return {"pull": done.pk, "imported": done.imported, "failed": done.failed, "error": done.error}


def _finishing(pull_id: int, run) -> dict:
    started = Pull.objects.select_related("connection__organization", "started_by").get(pk=pull_id)
    try:
        return _result(run(started))
    except Exception:
        # A defect, not a bad file: the page must not show the pull under way for ever. What came in stays (each
        # submission is its own transaction); the task's own result keeps the traceback.
        Pull.objects.filter(pk=pull_id).update(finished_at=timezone.now(), error=_("Error interno; avise al equipo."))
        raise


@task()
def pull_started(pull_id: int) -> dict:
    """Runs a pull from the server that a user asked for on the connection's page."""
    return _finishing(pull_id, services.pull_run)


@task()
def upload_started(pull_id: int) -> dict:
    """Imports an export kept by `services.upload_waiting`."""
    return _finishing(pull_id, services.upload_run)


def pull_queue(*, connection: ServerConnection, user) -> Pull:
    started = services.pull_waiting(connection=connection, user=user)
    pull_started.enqueue(started.pk)
    return started


def upload_or_queue(*, connection: ServerConnection, user, name: str, data: bytes) -> Pull:
    """Imports a short export now, or keeps a long one for the queue (its pull then has no `finished_at` yet).
    A file that cannot be read is refused here either way (ApplicationError), with nothing kept."""
    rows = exports.read_export(name, data)
    if len(rows) <= BACKGROUND_SUBMISSIONS:
        return services.upload_rows(connection=connection, user=user, name=name, rows=rows)
    started = services.upload_waiting(connection=connection, user=user, name=name, data=data)
    upload_started.enqueue(started.pk)
    return started
