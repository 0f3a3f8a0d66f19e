"""Importing people with their consent: end to end through the engine, all or nothing, re-import as a no-op."""

import pytest

from minka.audit.models import AuditEvent
from minka.imports import engine
from minka.imports.models import ImportBatch, ImportStatus
from minka.people.identity import dni_hash
from minka.people.models import Consent, Enrollment, Participant

HEADER = "DNI;Nombres;Apellido paterno;Sexo;Fecha de nacimiento;Consentimiento;Fecha del consentimiento\n"
ROWS = [
    "1234567;María;Quispe;F;15/03/1990;sí;10/01/2025\n",  # DNI lost its leading zero
    ";Rosa;Mamani;mujer;1985-07-02;si;2025-01-10\n",
    "87654321;Juan;Huamán;M;31/12/1979;Sí;10/01/2025\n",
]


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    return (header + "".join(rows)).encode(encoding)


def run(world, data, *, user=None, dry_run=False, program=None, name="lista.csv"):
    return engine.import_file(
        user=user or world.field_a,
        organization=world.org_a,
        kind="people",
        file=data,
        file_name=name,
        program=program,
        dry_run=dry_run,
    )


@pytest.mark.django_db
def test_people_import_registers_each_person_with_consent_and_hashed_dni(world):
    batch, result = run(world, csv_bytes(ROWS), program=world.program_a)
    assert result.ok and result.created == 3
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.summary["created"] == 3
    maria = Participant.objects.get(given_names="María")
    assert maria.dni_hash == dni_hash("01234567") and maria.dni_last_digits == "567"
    assert maria.birth_date.isoformat() == "1990-03-15" and maria.registered_by == world.org_a
    assert Consent.objects.filter(participant__registered_by=world.org_a).count() == 3
    assert Enrollment.objects.filter(program=world.program_a, organization=world.org_a).count() == 3
    assert batch.records.count() == 9  # person, consent and enrollment for each row
    assert AuditEvent.objects.filter(model="people.participant", action="create").count() == 3
    assert not any("01234567" in str(event.changes) for event in AuditEvent.objects.all())


@pytest.mark.django_db
def test_reimporting_the_same_file_creates_nothing(world):
    run(world, csv_bytes(ROWS))
    batch, result = run(world, csv_bytes(ROWS))
    assert (result.created, result.unchanged) == (0, 3)
    assert Participant.objects.count() == 3 and batch.records.count() == 0


@pytest.mark.django_db
def test_an_error_in_the_last_row_writes_nothing(world):
    broken = [*ROWS, ";Ana;Condori;F;30/02/1990;sí;10/01/2025\n"]
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, csv_bytes(broken))
    errors = refused.value.preview.errors
    assert [(e.row, e.column, e.code) for e in errors] == [(5, "birth_date", "invalid_date")]
    assert Participant.objects.count() == 0 and Consent.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportStatus.FAILED


@pytest.mark.django_db
def test_a_person_without_consent_is_an_error_not_a_registration(world):
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, csv_bytes([";Ana;Condori;F;;no;\n"]))
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [(2, "consent", "consent_required")]
    assert Participant.objects.count() == 0


@pytest.mark.django_db
def test_a_repeated_row_is_imported_once_and_a_conflicting_one_is_an_error(world):
    _batch, result = run(world, csv_bytes([ROWS[0], ROWS[0]]))
    assert (result.created, result.repeated) == (1, 1)
    assert [w.code for w in result.warnings] == ["repeated"]
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, csv_bytes([ROWS[2], ROWS[2].replace("Juan", "Juana")]))
    assert [(e.row, e.code) for e in refused.value.preview.errors] == [(3, "duplicate_in_file")]


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_an_outsider_may_not_import(world):
    batch, result = run(world, csv_bytes(ROWS), dry_run=True)
    assert result.created == 3 and Participant.objects.count() == 0
    assert batch.status == ImportStatus.PREVIEWED
    with pytest.raises(engine.PermissionDenied):
        run(world, csv_bytes(ROWS), user=world.funder_a)


@pytest.mark.django_db
def test_undo_removes_what_the_batch_created_unless_something_depends_on_it(world):
    batch, _result = run(world, csv_bytes(ROWS))
    engine.undo(batch, user=world.admin_a)
    assert Participant.objects.count() == 0 and Consent.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE and batch.undone_by == world.admin_a
    again, _result = run(world, csv_bytes(ROWS))
    Enrollment.objects.create(
        participant=Participant.objects.first(),
        program=world.program_a,
        organization=world.org_a,
        enrolled_on="2025-01-10",
    )
    with pytest.raises(engine.ApplicationError, match="dependen"):
        engine.undo(again, user=world.admin_a)
    assert Participant.objects.count() == 3


@pytest.mark.django_db
def test_a_dni_registered_while_the_import_ran_fails_it_whole(world, monkeypatch):
    """The database's unique DNI constraint is the last word: the import that meets it writes nothing."""
    from minka.imports.kinds.people import PeopleKind

    Participant.objects.create(
        given_names="Otra", sex="F", registered_by=world.org_b, search_name="otra", dni_hash=dni_hash("87654321")
    )
    monkeypatch.setattr(PeopleKind, "existing", lambda self, values, context: None)
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, csv_bytes(ROWS))
    assert [e.code for e in refused.value.preview.errors] == ["write_failed"]
    assert Participant.objects.count() == 1 and Consent.objects.count() == 0
    assert ImportBatch.objects.get().status == ImportStatus.FAILED


@pytest.mark.django_db
def test_the_error_report_lists_row_column_value_and_message(world):
    broken = [*ROWS, ";Ana;Condori;X;30/02/1990;sí;10/01/2025\n", ROWS[0]]
    with pytest.raises(engine.ImportRefused):
        run(world, csv_bytes(broken))
    report = engine.error_report_csv(ImportBatch.objects.get()).splitlines()
    assert report[0] == "Fila,Columna,Valor,Problema,Código"
    assert report[1].startswith("5,Sexo,X,") and report[1].endswith(",invalid_choice")
    assert report[2].startswith("5,Fecha de nacimiento,30/02/1990,")
    assert report[3].startswith("6,,,Repite la fila 2")


@pytest.mark.django_db
def test_a_batch_is_committed_once_however_often_it_is_asked(world):
    batch, _result = run(world, csv_bytes(ROWS))
    with pytest.raises(engine.ApplicationError) as refused:
        engine.commit(batch)
    assert refused.value.code == "already_done" and Participant.objects.count() == 3
    running = engine.batch_create(
        user=world.field_a, organization=world.org_a, kind="people", file=csv_bytes(ROWS), file_name="l.csv"
    )
    ImportBatch.objects.filter(pk=running.pk).update(status=ImportStatus.RUNNING)
    with pytest.raises(engine.ApplicationError):
        engine.commit(running)
