from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "minka.core"
    label = "core"
