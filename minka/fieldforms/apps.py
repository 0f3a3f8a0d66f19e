from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldformsConfig(AppConfig):
    name = "minka.fieldforms"
    verbose_name = _("Formularios de campo")
