from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "minka.demo"
    label = "demo"
