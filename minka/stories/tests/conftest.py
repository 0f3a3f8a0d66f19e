"""Builders for the stories' tests: a small photo, and stories written straight to the database (the services'
own tests write through the services)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minka.stories.models import Story, StoryVisibility

CONSENT_DAY = datetime.date(2025, 3, 10)


def photo_upload(name="foto.jpg", *, size=(64, 48), image_format="JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (160, 90, 40)).save(buffer, format=image_format)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded photos go to a temporary folder, never to the real media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def stories(world):
    """In program alpha: a published story with consent, an internal one without, and one internal with consent."""
    published = Story.objects.create(
        program=world.program_a,
        title="Historia publicada de Alfa",
        text="Texto publicado.",
        storyteller="Dora",
        consent_to_publish=True,
        consent_recorded_on=CONSENT_DAY,
        consent_recorded_by=world.coordinator_a,
        consent_note="Formulario firmado",
        visibility=StoryVisibility.PUBLIC,
    )
    internal = Story.objects.create(program=world.program_a, title="Historia interna de Alfa", text="Texto interno.")
    consented = Story.objects.create(
        program=world.program_a,
        title="Historia con consentimiento, aún interna",
        text="Texto.",
        consent_to_publish=True,
        consent_recorded_on=CONSENT_DAY,
        consent_recorded_by=world.field_a,
    )
    return {"published": published, "internal": internal, "consented": consented}
