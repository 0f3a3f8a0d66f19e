"""Importing enrollments and attendance: people found by code or DNI, sessions made when missing, bulk writes."""

import datetime

import pytest

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, Attendance, Session
from minka.audit.models import AuditEvent
from minka.imports import engine
from minka.people.identity import dni_hash, dni_last_digits
from minka.people.models import Enrollment, Participant


def person(world, name, dni="", organization=None):
    return Participant.objects.create(
        given_names=name,
        paternal_surname="Quispe",
        sex="F",
        registered_by=organization or world.org_a,
        search_name=f"{name.lower()} quispe",
        dni_hash=dni_hash(dni) if dni else "",
        dni_last_digits=dni_last_digits(dni) if dni else "",
    )


def run(world, text, kind, *, user=None, program=None, dry_run=False):
    return engine.import_file(
        user=user or world.field_a,
        organization=world.org_a,
        kind=kind,
        file=text.encode(),
        file_name="datos.csv",
        program=program,
        dry_run=dry_run,
    )


@pytest.mark.django_db
def test_enrollments_by_code_or_dni_into_the_imports_program(world):
    ana, rosa = person(world, "Ana", "01234567"), person(world, "Rosa")
    stranger = person(world, "Lucía", organization=world.org_b)
    text = (
        "Código de la persona,DNI,Fecha de inscripción,Estado\n"
        f",1234567,10/01/2025,activa\n"
        f"{rosa.pk},,2025-01-12,Concluida\n"
    )
    _batch, result = run(world, text, "enrollments", program=world.program_a)
    assert result.created == 2
    enrollments = {e.participant_id: e for e in Enrollment.objects.filter(program=world.program_a)}
    assert enrollments[ana.pk].enrolled_on == datetime.date(2025, 1, 10)
    assert enrollments[rosa.pk].status == "completed" and enrollments[rosa.pk].ended_on is not None
    _batch, again = run(world, text, "enrollments", program=world.program_a)
    assert (again.created, again.unchanged) == (0, 2)
    with pytest.raises(engine.ImportRefused) as refused:
        run(
            world,
            f"Código de la persona,Fecha de inscripción\n{stranger.pk},10/01/2025\n",
            "enrollments",
            program=world.program_a,
        )
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [(2, "person_id", "unknown_person")]


@pytest.fixture
def workshop(world):
    activity_types_ensure(world.program_a)
    return Activity.objects.create(
        program=world.program_a,
        organization=world.org_a,
        activity_type=world.program_a.activity_types.first(),
        title="Taller de costos",
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2025, 3, 31),
    )


@pytest.mark.django_db
def test_attendance_makes_missing_sessions_skips_absences_and_audits_each_session(world, workshop):
    people = [person(world, name, dni) for name, dni in (("Ana", "01234567"), ("Rosa", ""), ("Eva", ""))]
    for someone in people:
        Enrollment.objects.create(
            participant=someone, program=world.program_a, organization=world.org_a, enrolled_on="2025-01-10"
        )
    existing = Session.objects.create(activity=workshop, date=datetime.date(2025, 3, 4))
    text = (
        "Actividad;Fecha de la sesión;Código de la persona;DNI;Asistió\n"
        "taller de COSTOS;04/03/2025;;01234567;sí\n"
        f"{workshop.pk};04/03/2025;{people[1].pk};;si\n"
        f"Taller de costos;11/03/2025;{people[1].pk};;x\n"
        f"Taller de costos;11/03/2025;{people[2].pk};;no\n"
    )
    batch, result = run(world, text, "attendance", program=world.program_a)
    assert (result.created, result.skipped) == (3, 1)
    assert set(Attendance.objects.filter(session=existing).values_list("participant_id", flat=True)) == {
        people[0].pk,
        people[1].pk,
    }
    new_session = Session.objects.get(activity=workshop, date=datetime.date(2025, 3, 11))
    assert list(new_session.attendances.values_list("participant_id", flat=True)) == [people[1].pk]
    assert batch.records.count() == 4  # three attendances and the new session
    events = AuditEvent.objects.filter(model="activities.session", action="update")
    assert {event.object_id for event in events} == {str(existing.pk), str(new_session.pk)}
    _batch, again = run(world, text, "attendance", program=world.program_a)
    assert (again.created, again.unchanged, again.skipped) == (0, 3, 1)
    engine.undo(batch, user=world.field_a)
    assert Attendance.objects.count() == 0
    assert list(Session.objects.values_list("pk", flat=True)) == [existing.pk]


@pytest.mark.django_db
def test_attendance_errors_name_the_row_and_column(world, workshop):
    outsider = person(world, "Ana")  # not enrolled
    text = (
        "Actividad,Fecha de la sesión,Código de la persona\n"
        f"Taller de costos,04/04/2025,{outsider.pk}\n"
        f"Taller inexistente,04/03/2025,{outsider.pk}\n"
        f"Taller de costos,04/03/2025,{outsider.pk}\n"
    )
    with pytest.raises(engine.ImportRefused) as refused:
        run(world, text, "attendance")
    assert [(e.row, e.column, e.code) for e in refused.value.preview.errors] == [
        (2, "session_date", "outside_activity"),
        (2, "person_id", "not_enrolled"),
        (3, "activity", "unknown_activity"),
        (4, "person_id", "not_enrolled"),
    ]
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_staff_of_another_organization_may_not_import_attendance_here(world, workshop):
    with pytest.raises(engine.PermissionDenied):
        run(world, "Actividad,Fecha de la sesión,DNI\n", "attendance", user=world.field_b)
