"""The close of day without a cron: beside its task worker, `minka serve` checks every hour whether today's close
is done and, when it is not, puts it on the task queue. Closing a day twice changes nothing, so a check that races
with a close running already costs one idle task at most."""

import datetime
import threading

from django.utils import timezone

from minka.core import periodic
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


def start(every: float = CHECK_EVERY_SECONDS) -> threading.Event:
    """Starts the hourly check in a daemon thread; setting the returned event stops it."""
    return periodic.start(enqueue_if_due, every=every, name="minka-close-of-day")
