from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "minka.activities"
    label = "activities"
