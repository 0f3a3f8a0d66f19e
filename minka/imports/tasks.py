"""Background imports, for django-tasks' database backend (`minka db_worker` runs the queue; `minka serve` and
`minka demo` run it).

`commit_or_queue(batch)` is what a page calls: a batch of up to `BACKGROUND_ROWS` rows is committed at once (a
second or two), a longer one is queued and the page polls `batch.progress`. The task stores its progress in
short transactions of its own while the rows are checked, so a polling page sees it move; the writing itself is
one transaction (all or nothing), whose end sets 100 %.
"""

from django.db import connection
from django_tasks import task

from minka.imports import engine
from minka.imports.models import ImportBatch, ImportStatus

BACKGROUND_ROWS = 2000


def progress_saver(batch_id: int):
    """A progress callback that writes the batch's progress when it changes (at most once per percent)."""
    last = {"percent": -1}

    def save(percent: int, done: int, total: int) -> None:
        if percent == last["percent"]:
            return
        last["percent"] = percent
        if connection.in_atomic_block:
            return  # inside the import's own transaction: invisible to others until it ends, and rolled back with it
        ImportBatch.objects.filter(pk=batch_id).update(progress=percent, rows_done=done, rows_total=total)

    return save


@task()
def import_commit(batch_id: int) -> dict:
    """Commits one batch. Arguments and result are plain JSON, as the queue stores them."""
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        result = engine.commit(batch, progress=progress_saver(batch_id))
    except engine.ImportRefused as refused:
        return {"batch": batch_id, "status": ImportStatus.FAILED, "errors": refused.preview.error_count}
    except Exception:
        # A defect, not a bad file: the page must not show "importing" for ever. Nothing was written (the writing
        # is one transaction); the task's own result keeps the traceback.
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.FAILED, progress=0)
        raise
    return {"batch": batch_id, "status": ImportStatus.COMMITTED, "created": result.created}


def commit_or_queue(batch: ImportBatch) -> bool:
    """Commits a short batch now (raising ImportRefused on errors) or queues a long one; True when queued."""
    if batch.rows_total > BACKGROUND_ROWS:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.QUEUED, progress=0)
        import_commit.enqueue(batch.pk)
        return True
    engine.commit(batch)
    return False
