"""Scheduled pulls without a cron: beside its task worker, `minka serve` checks every quarter of an hour which
connections are due (enabled, with a period, last pulled longer ago than it) and puts their pulls on the task
queue. A pull that races with another one costs nothing: each submission is imported once by its uuid."""

import threading

from django.utils import timezone

from minka.core import periodic
from minka.submissions.models import ServerConnection
from minka.submissions.tasks import pull_connection

CHECK_EVERY_SECONDS = 900


def due_connections(now=None) -> list[ServerConnection]:
    now = now or timezone.now()
    candidates = ServerConnection.objects.filter(enabled=True, pull_every_hours__gt=0)
    return [connection for connection in candidates if connection.is_due(now)]


def enqueue_due(now=None) -> int:
    """Enqueues a pull of every due connection; says how many."""
    due = due_connections(now)
    for connection in due:
        # Marked as pulled now, so the next check does not enqueue it again while its pull waits in the queue.
        ServerConnection.objects.filter(pk=connection.pk).update(last_pulled_at=now or timezone.now())
        pull_connection.enqueue(connection.pk)
    return len(due)


def start(every: float = CHECK_EVERY_SECONDS) -> threading.Event:
    """Starts the check in a daemon thread; setting the returned event stops it."""
    return periodic.start(enqueue_due, every=every, name="minka-submission-pulls")
