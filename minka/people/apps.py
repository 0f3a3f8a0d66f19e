from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "minka.people"
    label = "people"
