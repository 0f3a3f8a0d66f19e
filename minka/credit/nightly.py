"""The close of day without a cron: beside its task worker, `minka serve` checks every hour whether today's close
is done and, when it is not, puts it on the task queue. Closing a day twice changes nothing, so a check that races
with a close running already costs one idle task at most."""

import datetime
import threading

from django.db import close_old_connections
from django.utils import timezone

from minka.credit.models import Loan, LoanStatus
from minka.credit.tasks import close_day

CHECK_EVERY_SECONDS = 3600


def enqueue_if_due(today: datetime.date | None = None) -> bool:
    """Enqueues today's close of day if an active loan has not been brought up to today; says whether it did."""
    today = today or timezone.localdate()
    if not Loan.objects.filter(status=LoanStatus.ACTIVE).exclude(arrears_as_of=today).exists():
        return False
    close_day.enqueue(today.isoformat())
    return True


def _keep_days_closed(stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        try:
            enqueue_if_due()
        finally:
            close_old_connections()
        stop.wait(every)


def start(every: float = CHECK_EVERY_SECONDS) -> threading.Event:
    """Starts the hourly check in a daemon thread; setting the returned event stops it."""
    stop = threading.Event()
    threading.Thread(target=_keep_days_closed, args=(stop, every), name="minka-close-of-day", daemon=True).start()
    return stop
