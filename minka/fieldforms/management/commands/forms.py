"""`minka forms export --program SLUG --form ID --user USERNAME [--organization SLUG] -o FILE.xlsx|FILE.xml`.

Writes a program's field form as the XLSForm (.xlsx, for KoboToolbox and ODK Collect) or its XForm (.xml, for
ODK Central), with the program's lists as USERNAME sees them on the forms page: a choice list carries names, so
it never holds more than that user may read. A form pyxform cannot convert is not written.
"""

from pathlib import Path

from django.core.management.base import CommandError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts.models import User
from minka.core.commands import TranslatedCommand
from minka.core.errors import ApplicationError
from minka.fieldforms import selectors
from minka.fieldforms.definitions import FORM_IDS, current
from minka.fieldforms.xlsform import form_build


class Command(TranslatedCommand):
    help = gettext_lazy("Formularios de campo (XLSForm) de un programa, para KoboToolbox y ODK.")

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True, metavar="export")
        export = subcommands.add_parser("export", help=str(gettext_lazy("Escribe un formulario en un archivo.")))
        export.add_argument("--program", required=True, metavar="SLUG", help=str(gettext_lazy("El programa.")))
        export.add_argument("--form", required=True, choices=FORM_IDS, help=str(gettext_lazy("El formulario.")))
        export.add_argument(
            "--user",
            required=True,
            metavar="USERNAME",
            help=str(gettext_lazy("Usuario cuyas listas lleva el formulario (lo que ve en el programa).")),
        )
        export.add_argument(
            "--organization",
            default="",
            metavar="SLUG",
            help=str(gettext_lazy("Organización que registra (solo el registro; por defecto, la primera).")),
        )
        export.add_argument(
            "-o", "--output", required=True, metavar="FILE", help=str(gettext_lazy("Archivo .xlsx o .xml."))
        )

    def handle(self, *args, **options):
        path = Path(options["output"])
        if path.suffix.lower() not in {".xlsx", ".xml"}:
            raise CommandError(_("El archivo de salida debe terminar en .xlsx o .xml."))
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("No hay ningún usuario activo «%(name)s».") % {"name": options["user"]})
        form_id = options["form"]
        try:
            program = selectors.fieldforms_program_get(user=user, slug=options["program"])
            if form_id not in selectors.forms_available(user=user, program=program):
                raise Http404
            organization = None
            if form_id == "registration":
                organization = selectors.organization_for_registration(
                    user=user, program=program, slug=options["organization"]
                )
        except Http404:
            raise CommandError(
                _("«%(name)s» no puede descargar el formulario «%(form)s» del programa «%(program)s».")
                % {"name": user.username, "form": form_id, "program": options["program"]}
            ) from None
        form = current(form_id)
        lists = selectors.record_lists(user=user, program=program, names=form.record_lists)
        try:
            built = form_build(form=form, program=program, lists=lists, organization=organization)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        path.write_bytes(built.xlsx if path.suffix.lower() == ".xlsx" else built.xform.encode())
        self.stdout.write(
            _("Escrito %(path)s: formulario %(form)s, versión %(version)s.")
            % {"path": path, "form": built.form_id, "version": built.version}
        )
