"""`minka submissions pull [--connection ID]`: brings in the new submissions of one connection, or of every enabled
one, and says how many came in and how many failed. Pulling again imports nothing twice."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.commands import TranslatedCommand
from minka.submissions import services
from minka.submissions.models import ServerConnection


class Command(TranslatedCommand):
    help = gettext_lazy("Envíos de KoboToolbox y ODK Central: «minka submissions pull --help» muestra las opciones.")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="pull")
        pull = actions.add_parser(
            "pull",
            help=_("Trae los envíos nuevos de los servidores de formularios."),
            description=_("Trae los envíos nuevos de una conexión, o de todas las activas, y los importa."),
        )
        pull.add_argument("--connection", type=int, metavar="ID", help=_("Solo esta conexión (por defecto, todas)."))

    def handle(self, *args, action, connection=None, **options):
        connections = ServerConnection.objects.select_related("organization")
        if connection is not None:
            connections = connections.filter(pk=connection)
            if not connections.exists():
                raise CommandError(_("No existe la conexión %(id)s.") % {"id": connection})
        else:
            connections = connections.filter(enabled=True)
        errors = 0
        for each in connections:
            done = services.pull(connection=each)
            counts = {"name": each.name, "new": done.imported, "failed": done.failed, "already": done.already}
            self.stdout.write(
                _("%(name)s: %(new)s nuevos importados, %(failed)s fallidos, %(already)s ya estaban.") % counts
            )
            if done.error:
                errors += 1
                self.stderr.write(f"{each.name}: {done.error}")
        if errors:
            raise CommandError(_("%(count)s conexiones no se pudieron leer.") % {"count": errors})
