from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "minka.credit"
    verbose_name = _("Crédito solidario")

    def ready(self):
        # The results engine's catalogue of measures gains the portfolio's figures (see credit/measures.py).
        from minka.credit.measures import credit_measures_register

        credit_measures_register()
