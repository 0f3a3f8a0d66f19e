"""Attendance sent from the field: one submission per session, one repeat item per person present, each found by
her Minka code (the form's choice "p<id>") or, when she was not on the list, by her DNI."""

import datetime

import pytest

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
