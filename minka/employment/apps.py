from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "minka.employment"
    label = "employment"
    verbose_name = _("Servicio de empleo")

    def ready(self):
        # The results engine's catalogue of measures gains the job service's figures (see employment/measures.py).
        from minka.employment.measures import employment_measures_register

        employment_measures_register()
