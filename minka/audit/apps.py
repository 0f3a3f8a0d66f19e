from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "minka.audit"
    label = "audit"
