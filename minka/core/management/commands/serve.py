"""`minka serve`: prepare the database and serve Minka with its task worker beside it."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


def interrupt(signum, frame):
    raise KeyboardInterrupt


# Listening on every interface is the user's explicit choice (--host 0.0.0.0), never our default.
ALL_INTERFACES = {"0.0.0.0", "::"}  # noqa: S104


class Command(BaseCommand):
    help = _("Migra la base de datos, carga los territorios y sirve Minka con su trabajador de tareas.")
    load_demo = False

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help=_("Dirección en la que escuchar (127.0.0.1)."))
        parser.add_argument("--port", type=int, default=8000, help=_("Puerto (8000)."))
        parser.add_argument("--threads", type=int, default=8, help=_("Hilos del servidor (8)."))
        parser.add_argument("--no-worker", action="store_true", help=_("No iniciar el trabajador de tareas."))

    def handle(self, *args, host, port, threads, no_worker, **options):
        if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS and host not in ALL_INTERFACES:
            settings.ALLOWED_HOSTS.append(host)
        if host in ALL_INTERFACES and not os.environ.get("MINKA_ALLOWED_HOSTS"):
            settings.ALLOWED_HOSTS.append("*")
        self.prepare()
        from waitress import create_server

        from minka.wsgi import application

        # Bound before it is announced, so the printed address answers at once.
        server = create_server(application, host=host, port=port, threads=threads, ident="Minka")
        worker = None if no_worker else self.start_worker()
        nightly = None if no_worker else self.start_nightly()
        pulls = None if no_worker else self.start_submission_pulls()
        purges = None if no_worker else self.start_import_files_purge()
        # Ctrl-C stops waitress with KeyboardInterrupt; SIGTERM (a service manager's stop) does the same.
        signal.signal(signal.SIGTERM, interrupt)
        try:
            self.announce(host, port)
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
            if nightly is not None:
                nightly.set()
            if pulls is not None:
                pulls.set()
            if purges is not None:
                purges.set()
            if worker is not None:
                self.stop_worker(worker)
            self.stdout.write(_("Minka se detuvo."))

    def prepare(self):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from minka.network.territories import territories_load_if_empty

        created = territories_load_if_empty()
        if created:
            self.stdout.write(_("Territorios del Perú cargados: %(count)s.") % {"count": created})

    def announce(self, host, port):
        shown = "localhost" if host in {"127.0.0.1"} | ALL_INTERFACES else host
        self.stdout.write(
            self.style.SUCCESS(_("Minka está en http://%(host)s:%(port)s/") % {"host": shown, "port": port})
        )
        self.stdout.write(_("Pulse Ctrl-C para detenerlo."))

    def start_worker(self):
        # The worker is its own process so a long task never holds up a page; it inherits our environment.
        return subprocess.Popen(
            [sys.executable, "-m", "minka.cli", "db_worker", "--interval", "1"],
            env=os.environ.copy(),
            start_new_session=True,
        )

    def start_nightly(self):
        # Loans are brought up to each day (arrears, late penalties) without a cron: see minka.credit.nightly.
        from minka.credit import nightly

        return nightly.start()

    def start_submission_pulls(self):
        # Form servers' submissions are pulled on each connection's schedule: see minka.submissions.schedule.
        from minka.submissions import schedule

        return schedule.start()

    def start_import_files_purge(self):
        # Uploaded lists carry people's data in clear: kept only so long, see minka.imports.retention.
        from minka.imports import retention

        return retention.start()

    def stop_worker(self, worker):
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
