"""Writing stories: drafted by the field, published by the program's coordination, only with consent on record.

Who writes: the program's editors (coordinators, admins of its catalysts) write any story and are the only ones
who make one public. The staff of the program's organizations (admins, field and credit officers), who hear the
testimonies, draft and correct internal stories and record the consent they gathered; a story already public is
the coordination's to change or remove, but anyone who drafts may record that the person took her consent back,
since it must take effect at once.

The rule: a story is public only while the consent to publish it is recorded (date, and who recorded it: the
user who records it). Withdrawing the consent makes the story internal at once. Every write is audited.
"""

import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from minka.accounts import access
from minka.audit.services import audit_create, audit_delete, audit_update, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.services import record_save
from minka.stories.models import Story, StoryVisibility

STORY_FIELDS = (
    "project",
    "title",
    "text",
    "language",
    "photo",
    "photo_description",
    "video_url",
    "person",
    "storyteller",
    "territory",
    "told_on",
    "consent_to_publish",
    "consent_recorded_on",
    "consent_note",
    "visibility",
)
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}  # what Pillow reads → the stored file's extension
PHOTO_MAX_SIDE = 1280
PHOTO_SAVE_OPTIONS = {"JPEG": {"quality": 82, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 80}}


def story_can_publish(user, program) -> bool:
    return access.program_can_edit(user, program)


def story_can_draft(user, program) -> bool:
    """Program editors, and the staff of the organizations taking part in the program."""
    if access.program_can_edit(user, program):
        return True
    return bool(access.organization_ids(user, access.STAFF_ROLES) & access.program_organization_ids(program))


def story_can_edit(user, story: Story) -> bool:
    if story_can_publish(user, story.program):
        return True
    return story.visibility == StoryVisibility.INTERNAL and story_can_draft(user, story.program)


def photo_prepare(photo) -> ContentFile:
    """A JPEG, PNG or WebP image of at most 5 MB, made ready to publish: turned upright, no longer than
    PHOTO_MAX_SIDE on its longer side (light on a phone), and saved again without its metadata (a camera's GPS
    position could tell where the person lives). Anything else is refused with a message that says why."""
    if photo.size > PHOTO_MAX_BYTES:
        message = _("La foto pesa más de 5 MB: redúzcala antes de subirla.")
        raise ApplicationError(message, fields={"photo": [message]})
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            image_format = image.format
            if image_format not in PHOTO_FORMATS:
                raise UnidentifiedImageError(image_format)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        message = _("El archivo no es una foto JPEG, PNG o WebP.")
        raise ApplicationError(message, fields={"photo": [message]}) from None
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    if image_format == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    buffer = io.BytesIO()
    upright.save(buffer, format=image_format, **PHOTO_SAVE_OPTIONS[image_format])
    stem = Path(photo.name).stem[:80] or "foto"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{PHOTO_FORMATS[image_format]}")


def _consent_fields(user, data: dict, story: Story) -> dict:
    """Who recorded the consent is the user recording it. Consent taken back makes the story internal; a story
    asked to be public without consent is refused, saying why."""
    if not data.get("consent_to_publish", story.consent_to_publish):
        wants_public = data.get("visibility", story.visibility) == StoryVisibility.PUBLIC
        if wants_public and not story.consent_to_publish:
            message = _("Para publicar la historia, registre antes el consentimiento de la persona.")
            raise ApplicationError(message, fields={"visibility": [message]})
        data["visibility"] = StoryVisibility.INTERNAL
        return data
    recorded_on = data.get("consent_recorded_on", story.consent_recorded_on)
    if recorded_on is None:
        message = _("Indique en qué fecha se registró el consentimiento.")
        raise ApplicationError(message, fields={"consent_recorded_on": [message]})
    if recorded_on > timezone.localdate():
        message = _("La fecha del consentimiento no puede estar en el futuro.")
        raise ApplicationError(message, fields={"consent_recorded_on": [message]})
    changed = (
        not story.consent_to_publish
        or story.consent_recorded_on != recorded_on
        or story.consent_note != data.get("consent_note", story.consent_note)
    )
    if changed or story.consent_recorded_by_id is None:
        data["consent_recorded_by"] = user
    return data


def _photo_field(data: dict) -> None:
    """A new upload is checked; False (the form's "clear" box) removes the photo; None leaves it as it is."""
    if "photo" not in data:
        return
    photo = data["photo"]
    if photo is None:
        del data["photo"]
    elif photo is False:
        data["photo"] = ""
    elif isinstance(photo, UploadedFile):
        data["photo"] = photo_prepare(photo)


def _check_links(program, data: dict) -> None:
    project = data.get("project")
    if project is not None and project.program_id != program.pk:
        message = _("El proyecto pertenece a otro programa.")
        raise ApplicationError(message, fields={"project": [message]})


@transaction.atomic
def story_save(*, user, program, data: dict, story: Story | None = None) -> Story:
    data = {key: value for key, value in data.items() if key in STORY_FIELDS}
    if story is None:
        if not story_can_draft(user, program):
            raise PermissionDenied(_("No tiene permiso para registrar historias de este programa."))
        current = Story(program=program)
    else:
        current = Story.objects.select_for_update().select_related("program").get(pk=story.pk, program=program)
        if not story_can_edit(user, current):
            raise PermissionDenied(_("Solo la coordinación del programa modifica una historia ya publicada."))
    _check_links(program, data)
    _photo_field(data)
    data = _consent_fields(user, data, current)
    wants_public = data.get("visibility", current.visibility) == StoryVisibility.PUBLIC
    if wants_public and current.visibility != StoryVisibility.PUBLIC and not story_can_publish(user, program):
        message = _("Solo la coordinación del programa publica historias.")
        raise PermissionDenied(message)
    if current.pk is None:
        story = record_save(current, data)
        audit_create(actor=user, instance=story, program=program)
        return story
    before = record_snapshot(current)
    record_save(current, data)
    audit_update(actor=user, instance=current, before=before, program=program)
    return current


@transaction.atomic
def consent_withdraw(*, user, story: Story) -> Story:
    """The person took back her consent: the story stops being public now."""
    if not story_can_draft(user, story.program):
        raise PermissionDenied(_("No tiene permiso para modificar historias de este programa."))
    story = Story.objects.select_for_update().select_related("program").get(pk=story.pk)
    before = record_snapshot(story)
    story.consent_to_publish = False
    story.visibility = StoryVisibility.INTERNAL
    story.save(update_fields=["consent_to_publish", "visibility", "updated_at"])
    audit_update(actor=user, instance=story, before=before, program=story.program)
    return story


@transaction.atomic
def story_delete(*, user, story: Story) -> None:
    if not story_can_edit(user, story):
        raise PermissionDenied(_("Solo la coordinación del programa elimina una historia ya publicada."))
    audit_delete(actor=user, instance=story, program=story.program)
    photo = story.photo.name
    story.delete()
    if photo:
        # The file goes once the row is surely gone: a rolled-back delete keeps its photo.
        transaction.on_commit(lambda: Story._meta.get_field("photo").storage.delete(photo))


@transaction.atomic
def public_results_set(*, user, program, on: bool):
    """Switches the program's public results page on or off: its coordination decides, and the trail says who."""
    from minka.programs.models import Program

    if not access.program_can_edit(user, program):
        raise PermissionDenied(_("Solo la coordinación del programa publica sus resultados."))
    program = Program.objects.select_for_update().get(pk=program.pk)
    before = record_snapshot(program)
    program.public_results = on
    program.save(update_fields=["public_results", "updated_at"])
    audit_update(actor=user, instance=program, before=before, program=program)
    return program
