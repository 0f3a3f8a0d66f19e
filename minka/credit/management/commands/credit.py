"""`minka credit close-day [--as-of DATE] [--fund SLUG]`: brings every active loan (of one fund, or all) up to a
day: late penalties charged and days in arrears set. Running it again for the same day changes nothing."""

import datetime

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.commands import TranslatedCommand
from minka.credit import tasks
from minka.credit.models import Fund


class Command(TranslatedCommand):
    help = gettext_lazy("Tareas de los fondos de crédito: «minka credit close-day --help» muestra las opciones.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="close-day")
        close = actions.add_parser(
            "close-day",
            help=_("Cierre del día: pone al día los atrasos y carga las moras."),
            description=_("Pone al día los atrasos y carga las moras de los créditos vigentes a una fecha."),
        )
        close.add_argument("--as-of", metavar="AAAA-MM-DD", help=_("La fecha del cierre (por defecto, hoy)."))
        close.add_argument("--fund", metavar="SLUG", help=_("Solo este fondo (por defecto, todos)."))

    def handle(self, *args, action, **options):
        as_of = timezone.localdate()
        if options.get("as_of"):
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(
                    _("--as-of debe ser una fecha AAAA-MM-DD, no «%(value)s».") % {"value": options["as_of"]}
                ) from None
        fund = None
        if options.get("fund"):
            fund = Fund.objects.filter(slug=options["fund"]).first()
            if fund is None:
                raise CommandError(_("No existe un fondo con el identificador «%(slug)s».") % {"slug": options["fund"]})
        closed = tasks.close_day.call(as_of.isoformat(), fund.pk if fund else None)
        self.stdout.write(
            _(
                "Cierre del %(date)s: %(loans)s créditos vigentes, %(in_arrears)s con atraso, "
                "%(penalties)s moras cargadas."
            )
            % {
                "date": closed["as_of"],
                "loans": closed["loans"],
                "in_arrears": closed["in_arrears"],
                "penalties": closed["penalties"],
            }
        )
