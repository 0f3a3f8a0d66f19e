from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IatiConfig(AppConfig):
    name = "minka.iati"
    verbose_name = _("Exportación IATI")
