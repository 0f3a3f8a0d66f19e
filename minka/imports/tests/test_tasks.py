"""Long imports run in the background and tell their progress; short ones are committed at once."""

from io import StringIO

import pytest
from django.core.management import call_command

from minka.imports import engine, tasks
from minka.imports.models import ImportStatus
from minka.people.models import Participant

HEADER = "Nombres;Sexo;Consentimiento;Fecha del consentimiento\n"


def batch_of(world, rows: int):
    data = HEADER + "".join(f"Persona {n};F;sí;10/01/2025\n" for n in range(rows))
    batch = engine.batch_create(
        user=world.field_a, organization=world.org_a, kind="people", file=data.encode(), file_name="lista.csv"
    )
    engine.preview(batch)
    return batch


@pytest.mark.django_db
def test_a_short_import_is_committed_at_once(world):
    batch = batch_of(world, 3)
    assert tasks.commit_or_queue(batch) is False
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.progress == 100 and Participant.objects.count() == 3


# The worker closes its database connection when its batch is done: only a test outside a transaction survives it.
@pytest.mark.django_db(transaction=True)
def test_a_long_import_is_queued_then_run_by_the_worker_with_its_progress(world, monkeypatch):
    monkeypatch.setattr(tasks, "BACKGROUND_ROWS", 5)
    batch = batch_of(world, 12)
    assert tasks.commit_or_queue(batch) is True
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED and Participant.objects.count() == 0
    seen = []
    saver = tasks.progress_saver(batch.pk)
    monkeypatch.setattr(tasks, "progress_saver", lambda batch_id: lambda *args: (seen.append(args[0]), saver(*args)))
    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.progress == 100 and batch.rows_total == 12
    assert Participant.objects.count() == 12
    assert seen == sorted(seen) and seen[-1] == 100
