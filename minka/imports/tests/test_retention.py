"""Uploaded lists carry people's data in clear: past the retention days, an ended import loses its file (keeping its
place in the history) and an abandoned one goes whole; one being checked or written, and anything recent, stays."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from minka.imports import engine, retention
from minka.imports.models import ImportBatch, ImportStatus
from minka.people.models import Participant

pytestmark = pytest.mark.django_db

LIST = "Nombres;Sexo;Consentimiento;Fecha del consentimiento\nRosa;F;sí;10/01/2025\n"


def batch(world, *, status=None, days_ago=0, name="lista.csv"):
    made = engine.batch_create(
        user=world.field_a, organization=world.org_a, kind="people", file=LIST.encode(), file_name=name
    )
    if status is not None:
        made.status = status
        made.save()
    touched = timezone.now() - datetime.timedelta(days=days_ago)
    ImportBatch.objects.filter(pk=made.pk).update(updated_at=touched)
    made.refresh_from_db()
    return made


def on_disk(made) -> Path:
    return Path(made.file.path)


def test_old_ended_imports_lose_their_file_and_old_drafts_go_whole(world):
    committed = batch(world, days_ago=120, name="importada.csv")
    engine.preview(committed)
    engine.commit(committed)
    ImportBatch.objects.filter(pk=committed.pk).update(updated_at=timezone.now() - datetime.timedelta(days=120))
    committed.refresh_from_db()
    draft = batch(world, status=ImportStatus.PREVIEWED, days_ago=100)
    checking = batch(world, status=ImportStatus.CHECKING, days_ago=100)
    recent = batch(world, status=ImportStatus.FAILED, days_ago=10)
    files = {made.pk: on_disk(made) for made in (committed, draft, checking, recent)}

    assert retention.purge(days=90) == {"files": 1, "drafts": 1}

    committed.refresh_from_db()
    assert not committed.file and not files[committed.pk].exists()
    assert committed.file_name == "importada.csv" and committed.status == ImportStatus.COMMITTED
    assert Participant.objects.filter(given_names="Rosa").count() == 1  # the records stay
    assert not ImportBatch.objects.filter(pk=draft.pk).exists() and not files[draft.pk].exists()
    for kept in (checking, recent):
        kept.refresh_from_db()
        assert kept.file and files[kept.pk].exists()
    assert retention.purge(days=90) == {"files": 0, "drafts": 0}  # a second run finds nothing


def test_the_command_says_what_it_deleted_and_refuses_negative_days(world):
    batch(world, status=ImportStatus.UPLOADED, days_ago=2)
    out = StringIO()
    call_command("imports", "purge", "--days", "1", stdout=out)
    assert "0 archivos borrados, 1 importaciones abandonadas borradas." in out.getvalue()
    with pytest.raises(CommandError, match="negativo"):
        call_command("imports", "purge", "--days", "-1")
