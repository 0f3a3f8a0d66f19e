from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "minka.enterprises"
    label = "enterprises"
