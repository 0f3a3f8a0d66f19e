"""How long uploaded import files are kept. A partner's list carries people's DNIs and phones in clear; once its
import is done, what matters lives in the records it made. So, after `KEEP_DAYS` (setting
`MINKA_IMPORT_FILES_DAYS`, 90 by default) since it was last touched:

- the file of an import that ended (imported, undone, or refused for its errors) is deleted, and the import stays
  in the history with its counts, its report and its file's name;
- an import left half-way (uploaded or checked, never committed) is deleted whole, file and all.

Imports being checked or written are never touched. `minka serve` runs this once a day beside its worker (as the
close of day runs), and `minka imports purge [--days N]` runs it by hand (Ley 29733's principle of proportionality:
keep personal data no longer than the purpose needs).
"""

import datetime
import threading

from django.conf import settings
from django.utils import timezone

from minka.core import periodic
from minka.imports.models import ImportBatch, ImportStatus

CHECK_EVERY_SECONDS = 24 * 3600
ENDED = (ImportStatus.COMMITTED, ImportStatus.UNDONE, ImportStatus.FAILED)
DRAFTS = (ImportStatus.UPLOADED, ImportStatus.PREVIEWED)


def keep_days() -> int:
    return int(getattr(settings, "MINKA_IMPORT_FILES_DAYS", 90))


def purge(*, days: int | None = None, now: datetime.datetime | None = None) -> dict:
    """Deletes the files of ended imports and the abandoned drafts untouched for `days`; returns the counts."""
    before = (now or timezone.now()) - datetime.timedelta(days=keep_days() if days is None else days)
    old = ImportBatch.objects.filter(updated_at__lt=before)
    files = 0
    for batch in old.filter(status__in=ENDED).exclude(file=""):
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")  # not save(): the history keeps its date
        files += 1
    drafts = 0
    for batch in old.filter(status__in=DRAFTS, pulls__isnull=True):
        if batch.file:
            batch.file.delete(save=False)
        batch.delete()
        drafts += 1
    return {"files": files, "drafts": drafts}


def start(every: float = CHECK_EVERY_SECONDS) -> threading.Event:
    """Starts the daily purge in a daemon thread; setting the returned event stops it."""
    return periodic.start(purge, every=every, name="minka-import-files")
