"""`minka imports purge [--days N]`: deletes the files of imports ended more than N days ago (90 by default, setting
`MINKA_IMPORT_FILES_DAYS`) and the imports abandoned half-way; see minka.imports.retention."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.commands import TranslatedCommand
from minka.imports import retention


class Command(TranslatedCommand):
    help = gettext_lazy("Borra los archivos de importaciones terminadas y las importaciones abandonadas.")

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True, metavar="purge")
        purge = subcommands.add_parser("purge", help=gettext_lazy("Borra lo que pasó el plazo de conservación."))
        purge.add_argument(
            "--days", type=int, default=None, help=gettext_lazy("Días que se conservan (por omisión, 90).")
        )

    def handle(self, *args, action, days, **options):
        if days is not None and days < 0:
            raise CommandError(_("--days no puede ser negativo."))
        done = retention.purge(days=days)
        self.stdout.write(_("%(files)s archivos borrados, %(drafts)s importaciones abandonadas borradas.") % done)
