"""`minka territories load` and `minka territories show CODE`: Peru's territories from the command line."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.network.models import Territory, TerritoryLevel
from minka.network.territories import territories_load


class Command(BaseCommand):
    help = gettext_lazy("Carga los territorios del Perú (ubigeo INEI) o muestra uno de ellos.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{load,show}")
        actions.add_parser("load", help=gettext_lazy("Crea o actualiza los departamentos, provincias y distritos."))
        show = actions.add_parser("show", help=gettext_lazy("Muestra un territorio con su provincia y departamento."))
        show.add_argument("code", help=gettext_lazy("Ubigeo INEI de 2, 4 o 6 dígitos, p. ej. 081201."))

    def handle(self, *args, action, **options):
        if action == "load":
            self.load()
        else:
            self.show(options["code"].strip())

    def load(self):
        started = time.monotonic()
        written = territories_load()
        seconds = time.monotonic() - started
        counts = dict(Territory.objects.values_list("level").annotate(count=Count("code")).order_by())
        self.stdout.write(
            _("Territorios: %(departments)s departamentos, %(provinces)s provincias, %(districts)s distritos.")
            % {
                "departments": counts.get(TerritoryLevel.DEPARTMENT, 0),
                "provinces": counts.get(TerritoryLevel.PROVINCE, 0),
                "districts": counts.get(TerritoryLevel.DISTRICT, 0),
            }
        )
        self.stdout.write(
            _("Filas creadas o actualizadas: %(written)s (en %(seconds).1f s).")
            % {"written": written, "seconds": seconds}
        )

    def show(self, code):
        territory = Territory.objects.select_related("parent__parent").filter(code=code).first()
        if territory is None:
            if not Territory.objects.exists():
                raise CommandError(_("No hay territorios cargados. Cárguelos con «minka territories load»."))
            raise CommandError(_("No existe un territorio con el código INEI «%(code)s».") % {"code": code})
        self.stdout.write(territory.path)
        node = territory
        while node is not None:
            reniec = node.reniec_code or "—"
            self.stdout.write(f"  {node.get_level_display():<13} {node.code:<6}  RENIEC {reniec:<6}  {node.name}")
            node = node.parent
        if territory.capital:
            self.stdout.write(_("Capital: %(capital)s") % {"capital": territory.capital})
