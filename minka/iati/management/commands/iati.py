"""`minka iati export --program SLUG -o FILE [--lang es|en]`: a program's projects as IATI 2.03 activities.

The file is written only when it passes the IATI schema and every code is in its codelist; otherwise the
command says why and exits with an error, leaving no file behind.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.commands import TranslatedCommand
from minka.core.errors import ApplicationError
from minka.iati.export import program_activities_bytes
from minka.programs.models import Program


class Command(TranslatedCommand):
    help = gettext_lazy("Publica un programa en el estándar IATI 2.03 (un iati-activity por proyecto).")

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True, metavar="export")
        export = subcommands.add_parser("export", help=str(gettext_lazy("Exporta un programa a un archivo XML.")))
        export.add_argument(
            "--program", required=True, metavar="SLUG", help=str(gettext_lazy("Identificador del programa."))
        )
        export.add_argument(
            "-o", "--output", required=True, metavar="FILE", help=str(gettext_lazy("Archivo XML de salida."))
        )
        export.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            help=str(gettext_lazy("Idioma principal del archivo (por defecto, el de la instalación).")),
        )

    def handle(self, *args, **options):
        lang = options.get("lang") or settings.LANGUAGE_CODE[:2]
        with translation.override(lang):
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(_("No hay ningún programa «%(slug)s».") % {"slug": options["program"]})
            try:
                content = program_activities_bytes(program, lang=lang)
            except ApplicationError as error:
                raise CommandError(str(error.message)) from error
            path = Path(options["output"])
            path.write_bytes(content)
            self.stdout.write(
                _("Escrito %(path)s: %(count)s actividades IATI.")
                % {"path": path, "count": content.count(b"<iati-activity ")}
            )
