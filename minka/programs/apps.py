from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "minka.programs"
    label = "programs"
