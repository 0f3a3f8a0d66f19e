from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "minka.public"
    verbose_name = _("Página pública de resultados")
