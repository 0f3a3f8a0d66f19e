import pytest

from minka.testing import world_create


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs `collectstatic`; tests render templates straight from the source folders.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def world(db):
    """Two organizations with users in every role; see minka/testing.py."""
    return world_create()


@pytest.fixture
def login(client):
    """Logs the test client in as the given user and returns it."""

    def log_in(user):
        client.force_login(user)
        return client

    return log_in
