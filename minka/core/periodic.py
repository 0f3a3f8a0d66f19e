"""Recurring work without a cron: `minka serve` starts a few checks beside its task worker (the close of day, the
scheduled pulls, the purge of old import files), each in a daemon thread of its own."""

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _keep_running(job: Callable[[], object], stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        try:
            job()
        except Exception:
            # A database that was briefly unreachable must not stop the close of day until the next restart.
            logger.exception("%s failed; trying again in %s s", threading.current_thread().name, every)
        finally:
            # The thread lives as long as the server: a connection the job left behind must not grow stale.
            close_old_connections()
        stop.wait(every)


def start(job: Callable[[], object], *, every: float, name: str) -> threading.Event:
    """Runs `job` now and then every `every` seconds in a daemon thread; setting the returned event stops it."""
    stop = threading.Event()
    threading.Thread(target=_keep_running, args=(job, stop, every), name=name, daemon=True).start()
    return stop
