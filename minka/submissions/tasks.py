"""Background pulls, for django-tasks' database backend (`minka db_worker` runs the queue); `minka serve` enqueues
the due ones (minka.submissions.schedule)."""

from django_tasks import task

from minka.submissions import services
from minka.submissions.models import ServerConnection


@task()
def pull_connection(connection_id: int) -> dict:
    """Pulls one connection's new submissions; plain JSON in and out, as the queue stores them."""
    connection = ServerConnection.objects.select_related("organization").get(pk=connection_id)
    done = services.pull(connection=connection)
    return {"pull": done.pk, "imported": done.imported, "failed": done.failed, "error": done.error}
