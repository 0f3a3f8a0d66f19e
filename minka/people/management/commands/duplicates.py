"""`minka duplicates find [--program SLUG]`: queues the possible duplicates of a program or of the whole network."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.people.duplicates import duplicates_scan
from minka.programs.models import Program


class Command(BaseCommand):
    help = gettext_lazy("Busca posibles duplicados de personas y los pone en la cola de revisión.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{find}")
        find = actions.add_parser("find", help=gettext_lazy("Compara a las personas y añade los pares nuevos."))
        find.add_argument(
            "--program", metavar="SLUG", help=gettext_lazy("Solo las personas de este programa (por defecto, la red).")
        )

    def handle(self, *args, action, **options):
        program = None
        if options.get("program"):
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(
                    _("No existe un programa con el identificador «%(slug)s».") % {"slug": options["program"]}
                )
        started = time.monotonic()
        stats = duplicates_scan(program=program)
        self.stdout.write(
            _("Pares nuevos: %(created)s (de %(found)s encontrados).")
            % {"created": stats.created, "found": stats.found}
        )
        self.stdout.write(
            _("%(people)s personas, %(blocks)s bloques, %(comparisons)s comparaciones, en %(seconds).1f s.")
            % {
                "people": stats.people,
                "blocks": stats.blocks,
                "comparisons": stats.comparisons,
                "seconds": time.monotonic() - started,
            }
        )
