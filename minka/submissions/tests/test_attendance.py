"""Attendance sent from the field: one submission per session, one repeat item per person present, each found by
her Minka code (the form's choice "p<id>") or, when she was not on the list, by her DNI."""

import datetime
import io

import pytest
from openpyxl import Workbook

from minka.activities.models import Attendance, Session
from minka.fieldforms import definitions
from minka.people.identity import dni_hash
from minka.people.models import Enrollment, Participant
from minka.submissions import services
from minka.submissions.models import Submission
from minka.submissions.tests.conftest import connection_create, kobo_submission, odk_submission
from minka.testing import field_records_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(world):
    records = field_records_create(world)
    walk_in = Participant.objects.create(
        given_names="Nuevita", paternal_surname="Sin lista", sex="F", registered_by=world.org_a,
        search_name="nuevita sin lista", dni_hash=dni_hash("45112233"),
    )  # fmt: skip
    Enrollment.objects.create(
        participant=walk_in, program=world.program_a, organization=world.org_a, enrolled_on=datetime.date(2024, 1, 2)
    )
    records.walk_in = walk_in
    return records


def session_answers(field, people: list[dict], day="2024-03-11") -> dict:
    return {
        "minka_form": "attendance",
        "minka_version": definitions.current("attendance").version,
        "minka_program": "alpha",
        "activity": f"a{field.activity.pk}",
        "session_date": day,
        "topic": "Costos",
        "present": people,
    }


def test_a_session_submitted_from_kobo_records_everyone_present_once(world, servers, field):
    connection = connection_create(world, servers, form_key="attendance")
    people = [{"present/person": f"p{field.person.pk}"}, {"present/person_dni": "45112233"}]
    row = kobo_submission(0, session_answers(field, people))
    servers.kobo_assets[connection.asset_uid] = [row]
    done = services.pull(connection=connection, user=world.admin_a)
    assert (done.imported, done.failed) == (1, 0), Submission.objects.values_list("failure_reason", flat=True)[:1]
    session = Session.objects.get(activity=field.activity, date=datetime.date(2024, 3, 11))
    assert set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True)) == {
        field.person.pk,
        field.walk_in.pk,
    }
    assert services.pull(connection=connection, user=world.admin_a).already == 1
    assert Attendance.objects.filter(session=session).count() == 2


def test_one_unknown_person_fails_the_whole_session_and_nothing_of_it_is_written(world, servers, field):
    connection = connection_create(world, servers, form_key="attendance")
    people = [{"present/person": f"p{field.person.pk}"}, {"present/person_dni": "49999999"}]
    servers.kobo_assets[connection.asset_uid] = [kobo_submission(0, session_answers(field, people, day="2024-03-18"))]
    done = services.pull(connection=connection, user=world.admin_a)
    assert (done.imported, done.failed) == (0, 1)
    assert "DNI" in Submission.objects.get().failure_reason
    assert not Session.objects.filter(activity=field.activity, date=datetime.date(2024, 3, 18)).exists()


def test_a_session_from_odk_central_with_its_repeat_expanded(world, servers, field):
    connection = connection_create(world, servers, kind="odk", form_key="attendance")
    answered = session_answers(field, [])
    row = odk_submission(0, {})
    row.pop("datos")
    row.update({key: value for key, value in answered.items() if key != "present"})
    row["present"] = [
        {"person": f"p{field.walk_in.pk}", "person_dni": None, "__id": "a1b2", "__Submissions-id": row["__id"]}
    ]
    servers.odk_forms[(3, "registration")] = [row]
    done = services.pull(connection=connection, user=world.admin_a)
    assert (done.imported, done.failed) == (1, 0), Submission.objects.values_list("failure_reason", flat=True)[:1]
    assert Attendance.objects.filter(session__date=datetime.date(2024, 3, 11), participant=field.walk_in).exists()


def test_a_kobo_xlsx_export_with_the_people_present_on_their_own_sheet(world, servers, field):
    """As Kobo exports a form with a repeat: the sessions on the first sheet, each person present on the "present"
    sheet, pointing to her session by `_submission__uuid` and `_parent_index`."""
    connection = connection_create(world, servers, form_key="attendance")
    sessions = [
        kobo_submission(n, session_answers(field, [], day=day)) for n, day in enumerate(("2024-03-11", "2024-03-12"))
    ]
    book = Workbook()
    main = book.active
    main.title = "Asistencia a sesiones"
    header = [key for key in sessions[0] if not isinstance(sessions[0][key], (list, dict))] + ["_index"]
    main.append(header)
    for index, row in enumerate(sessions, start=1):
        main.append([row.get(key) for key in header[:-1]] + [index])
    present = book.create_sheet("present")
    present.append(["present/person", "present/person_dni", "_index", "_parent_table_name", "_parent_index",
                    "_submission__id", "_submission__uuid"])  # fmt: skip
    people = [(1, f"p{field.person.pk}", None), (1, None, "45112233"), (2, None, "45112233")]
    for item, (parent, person, dni) in enumerate(people, start=1):
        row = sessions[parent - 1]
        present.append([person, dni, item, "Asistencia a sesiones", parent, row["_id"], row["_uuid"]])
    data = io.BytesIO()
    book.save(data)

    done = services.upload(connection=connection, user=world.admin_a, name="asistencia.xlsx", data=data.getvalue())
    assert (done.imported, done.failed) == (2, 0), list(Submission.objects.values_list("failure_reason", flat=True))
    first = Session.objects.get(activity=field.activity, date=datetime.date(2024, 3, 11))
    second = Session.objects.get(activity=field.activity, date=datetime.date(2024, 3, 12))
    assert set(Attendance.objects.filter(session=first).values_list("participant_id", flat=True)) == {
        field.person.pk,
        field.walk_in.pk,
    }
    assert list(Attendance.objects.filter(session=second).values_list("participant_id", flat=True)) == [
        field.walk_in.pk
    ]
