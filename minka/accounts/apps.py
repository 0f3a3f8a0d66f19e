from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minka.accounts"
    label = "accounts"
