"""The rule of stories: public only with the consent to publish recorded (when, by whom), in the model's check,
the database's constraint and the services; withdrawing consent makes a story internal."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from minka.audit.models import AuditEvent
from minka.core.errors import ApplicationError, PermissionDenied
from minka.stories import services
from minka.stories.models import Story, StoryVisibility
from minka.stories.tests.conftest import CONSENT_DAY, photo_upload

pytestmark = pytest.mark.django_db


def story_data(**more):
    return {"title": "Mi historia", "text": "Lo que aprendí.", "language": "es", **more}


@pytest.mark.parametrize(
    "consent",
    [
        {},
        {"consent_to_publish": True},
        {"consent_to_publish": True, "consent_recorded_on": CONSENT_DAY},
        {"consent_recorded_on": CONSENT_DAY, "consent_note": "firmado"},
    ],
)
def test_the_database_refuses_a_public_story_without_recorded_consent(world, consent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.create(program=world.program_a, title="t", text="x", visibility=StoryVisibility.PUBLIC, **consent)


def test_the_database_takes_a_public_story_with_consent_recorded(world):
    story = Story.objects.create(
        program=world.program_a,
        title="t",
        text="x",
        visibility=StoryVisibility.PUBLIC,
        consent_to_publish=True,
        consent_recorded_on=CONSENT_DAY,
        consent_recorded_by=world.coordinator_a,
    )
    assert list(Story.objects.publishable()) == [story]


def test_the_model_check_names_the_visibility(world):
    story = Story(program=world.program_a, title="t", text="x", visibility=StoryVisibility.PUBLIC)
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert "visibility" in error.value.message_dict


def test_publishable_leaves_out_internal_and_unconsented_stories(stories):
    assert list(Story.objects.publishable()) == [stories["published"]]


def test_a_coordinator_publishes_with_consent_and_is_recorded_as_who_recorded_it(world):
    story = services.story_save(
        user=world.coordinator_a,
        program=world.program_a,
        data=story_data(consent_to_publish=True, consent_recorded_on=CONSENT_DAY, visibility="public"),
    )
    assert story.is_publishable
    assert story.consent_recorded_by == world.coordinator_a
    event = AuditEvent.objects.get(model="stories.story", object_id=str(story.pk))
    assert event.action == "create" and event.program_id == world.program_a.pk


def test_publishing_without_consent_is_refused_with_the_field_named(world):
    with pytest.raises(ApplicationError) as error:
        services.story_save(user=world.coordinator_a, program=world.program_a, data=story_data(visibility="public"))
    assert "consentimiento" in error.value.fields["visibility"][0]
    assert not Story.objects.exists()


def test_consent_without_a_date_is_refused(world):
    with pytest.raises(ApplicationError) as error:
        services.story_save(user=world.coordinator_a, program=world.program_a, data=story_data(consent_to_publish=True))
    assert "consent_recorded_on" in error.value.fields


def test_withdrawing_consent_makes_the_story_internal_and_is_audited(world, stories):
    story = services.consent_withdraw(user=world.field_a, story=stories["published"])
    story.refresh_from_db()
    assert (story.visibility, story.consent_to_publish) == (StoryVisibility.INTERNAL, False)
    assert not Story.objects.publishable().exists()
    event = AuditEvent.objects.filter(model="stories.story", object_id=str(story.pk)).latest("pk")
    assert event.changes["visibility"] == ["public", "internal"]


def test_unticking_consent_in_the_form_data_makes_the_story_internal(world, stories):
    story = services.story_save(
        user=world.coordinator_a,
        program=world.program_a,
        story=stories["published"],
        data={"consent_to_publish": False, "visibility": "public"},
    )
    assert story.visibility == StoryVisibility.INTERNAL


def test_field_staff_draft_internal_stories_but_do_not_publish(world, stories):
    draft = services.story_save(user=world.field_a, program=world.program_a, data=story_data())
    assert draft.visibility == StoryVisibility.INTERNAL
    with pytest.raises(PermissionDenied):
        services.story_save(
            user=world.field_a,
            program=world.program_a,
            story=stories["consented"],
            data={"visibility": "public"},
        )
    with pytest.raises(PermissionDenied):
        services.story_save(
            user=world.field_a, program=world.program_a, story=stories["published"], data={"title": "Otro"}
        )
    with pytest.raises(PermissionDenied):
        services.story_delete(user=world.field_a, story=stories["published"])


@pytest.mark.parametrize("user", ["funder_a", "auditor_a", "program_auditor_a", "field_b", "nobody"])
def test_readers_and_outsiders_do_not_write_stories(world, user):
    with pytest.raises(PermissionDenied):
        services.story_save(user=getattr(world, user), program=world.program_a, data=story_data())


def test_a_project_of_another_program_is_refused(world):
    with pytest.raises(ApplicationError) as error:
        services.story_save(user=world.coordinator_a, program=world.program_a, data=story_data(project=world.project_b))
    assert "project" in error.value.fields


def test_a_photo_is_checked_for_type_and_size(world, monkeypatch):
    """A JPEG is kept; text named .jpg, a GIF and an over-sized photo are refused on the photo field."""
    story = services.story_save(
        user=world.coordinator_a, program=world.program_a, data=story_data(photo=photo_upload())
    )
    assert story.photo.name.startswith("stories/")
    with pytest.raises(ApplicationError) as error:
        services.story_save(
            user=world.coordinator_a,
            program=world.program_a,
            data=story_data(photo=SimpleUploadedFile("foto.jpg", b"no soy una foto", content_type="image/jpeg")),
        )
    assert "JPEG" in error.value.fields["photo"][0]
    with pytest.raises(ApplicationError) as error:
        services.story_save(
            user=world.coordinator_a, program=world.program_a, data=story_data(photo=photo_upload(image_format="GIF"))
        )
    assert "photo" in error.value.fields
    monkeypatch.setattr(services, "PHOTO_MAX_BYTES", 100)
    with pytest.raises(ApplicationError) as error:
        services.story_save(user=world.coordinator_a, program=world.program_a, data=story_data(photo=photo_upload()))
    assert "5 MB" in error.value.fields["photo"][0]
    assert Story.objects.count() == 1


def test_deleting_a_story_removes_its_photo(world, django_capture_on_commit_callbacks):
    story = services.story_save(
        user=world.coordinator_a, program=world.program_a, data=story_data(photo=photo_upload())
    )
    storage, name = story.photo.storage, story.photo.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_delete(user=world.coordinator_a, story=story)
    assert not Story.objects.exists() and not storage.exists(name)
    assert AuditEvent.objects.filter(model="stories.story", action="delete").count() == 1


def test_a_photo_is_made_light_and_loses_its_metadata(world):
    """A big camera photo is stored at most 1280 px on its longer side, without its EXIF (a GPS position could
    tell where the person lives)."""
    exif = Image.Exif()
    exif[0x010F] = "CamaraSecreta"  # Make
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (10, 120, 60)).save(buffer, format="JPEG", exif=exif)
    assert b"CamaraSecreta" in buffer.getvalue()
    upload = SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue(), content_type="image/jpeg")
    story = services.story_save(user=world.coordinator_a, program=world.program_a, data=story_data(photo=upload))
    assert (story.photo_width, story.photo_height) == (1280, 853)
    stored = story.photo.read()
    assert b"CamaraSecreta" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (1280, 853) and image.format == "JPEG"
