from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "minka.submissions"
    verbose_name = _("Envíos de formularios")
