"""`minka demo`: `minka serve` with the demo network and one login per role."""

from django.utils.translation import gettext as _

from minka.core.management.commands import serve


class Command(serve.Command):
    help = _("Como `serve`, con la red de demostración cargada y un usuario por rol.")

    def prepare(self):
        super().prepare()
        from minka.demo.loader import DEMO_PASSWORD, demo_load

        result = demo_load()
        self.stdout.write(
            _("Red de demostración lista (cargada ahora).")
            if result.created
            else _("Red de demostración lista (ya estaba cargada).")
        )
        self.stdout.write(_("Usuarios de demostración (contraseña: %(password)s):") % {"password": DEMO_PASSWORD})
        for username, description in result.logins:
            self.stdout.write(f"  {username:<14} {description}")
