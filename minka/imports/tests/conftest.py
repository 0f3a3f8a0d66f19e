import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Imported files are kept beside their batch; in tests, in a folder that disappears with the test.
    settings.MEDIA_ROOT = tmp_path / "media"
