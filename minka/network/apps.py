from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "minka.network"
    label = "network"
