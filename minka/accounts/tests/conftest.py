import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The world makes a dozen users; the production hasher's deliberate slowness would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
