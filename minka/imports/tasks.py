"""Background imports, for django-tasks' database backend (`minka db_worker` runs the queue; `minka serve` and
`minka demo` run it).

`commit_or_queue(batch)` is what a page calls: a batch of up to `BACKGROUND_ROWS` rows is committed at once (a
second or two), a longer one is queued and the page polls `batch.progress`. The task stores its progress in short
transactions of its own while the rows are checked, so a polling page sees it move; the writing itself is one
transaction (all or nothing), whose end sets 100 %.

`preview_or_queue(batch, mapping)` does the same for the dry run: 20,000 rows take seconds to check and a 50 MB
file minutes, longer than a page should hang (or a proxy wait). Meanwhile the batch is "checking" and the preview
page shows the progress, then the preview itself.
"""

from django.db import connection
from django_tasks import task

from minka.core.errors import ApplicationError
from minka.imports import engine
from minka.imports.models import ImportBatch, ImportStatus

BACKGROUND_ROWS = 2000
# Checking alone runs about 3,000 rows a second: up to this many, the preview is shown at once.
BACKGROUND_CHECK_ROWS = 5000


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


def _checking_progress(batch_id: int):
    """Checking is the first 70 % of an import's bar; alone, it fills the whole bar."""
    save = progress_saver(batch_id)

    def report(percent: int, done: int, total: int) -> None:
        save(min(99, percent * 100 // engine.CHECKED_SHARE), done, total)

    return report


def _preview_keeping(batch: ImportBatch, mapping: dict, progress=None) -> None:
    """The dry run with the user's mapping, which is then kept whole: a column the user left out stays out when
    the import is committed (the engine stores only the mapped columns, and would guess the others again)."""
    engine.preview(batch, progress=progress)
    ImportBatch.objects.filter(pk=batch.pk).update(mapping=mapping)
    batch.mapping = mapping


@task()
def import_preview(batch_id: int, mapping: dict) -> dict:
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        _preview_keeping(batch, mapping, progress=_checking_progress(batch_id))
    except ApplicationError as error:
        # The access or the mapping no longer holds (a role taken away meanwhile): back to the mapping page.
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.UPLOADED, progress=0)
        return {"batch": batch_id, "status": ImportStatus.UPLOADED, "error": error.message}
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.UPLOADED, progress=0)
        raise
    return {"batch": batch_id, "status": ImportStatus.PREVIEWED, "errors": batch.summary.get("errors", 0)}


def preview_or_queue(batch: ImportBatch, mapping: dict) -> bool:
    """Checks a short file now or queues a long one; True when queued. `mapping` is the user's {column: header}."""
    batch.mapping = mapping
    batch.save(update_fields=["mapping", "updated_at"])
    if engine.rows_count(batch) > BACKGROUND_CHECK_ROWS:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING, progress=0)
        batch.status = ImportStatus.CHECKING
        import_preview.enqueue(batch.pk, mapping)
        return True
    _preview_keeping(batch, mapping)
    return False
