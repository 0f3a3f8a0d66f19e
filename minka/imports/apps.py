from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "minka.imports"
    label = "imports"

    def ready(self):
        # Every kind registers itself on import, so `KINDS` is complete wherever the app is loaded.
        from minka.imports import kinds  # noqa: F401
