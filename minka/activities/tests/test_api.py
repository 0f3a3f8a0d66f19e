"""Activities, sessions and bulk attendance through the API: scoped like the pages, written through the services."""

import datetime
from functools import partial

import pytest

from minka.activities.models import Activity, Attendance, Session
from minka.activities.tests.conftest import enroll, person_create
from minka.audit.models import AuditEvent
from minka.core.tests.test_api import Api, assert_error
from minka.people.models import Enrollment


@pytest.fixture
def api(client):
    return partial(Api, client)


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def activity_body(**extra):
    return {
        "program": "alpha",
        "activity_type": "listening",
        "title": "Escucha en Andahuaylillas",
        "organization": "alpha-ngo",
        "project": None,
        "site": None,
        "start_date": "2024-04-01",
        "end_date": "2024-04-30",
        "facilitators": "Rosa Mamani",
        **extra,
    }


# --- Activities -------------------------------------------------------------------------------------------------


def test_lists_are_scoped_and_funders_see_none(world, api, activity_a, activity_b):
    for user in (world.field_a, world.admin_a, world.auditor_a, world.coordinator_a, world.program_auditor_a):
        assert ids(api(user).get("activities")) == {activity_a.pk}, user
    for user in world.users_of_b():
        assert ids(api(user).get("activities")) == {activity_b.pk}, user
    for user in (world.funder_a, world.nobody):
        assert api(user).get("activities").json() == {"count": 0, "items": []}
    item = api(world.field_a).get("activities").json()["items"][0]
    assert item["session_count"] == 4
    assert item["activity_type"]["code"] == "business-training"
    assert item["site"]["district"]["code"] == "081201"
    assert item["completion_percent"] == "75.00"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "activities/{activity}", None),
        ("patch", "activities/{activity}", {"title": "Robado"}),
        ("get", "activities/{activity}/sessions", None),
        ("post", "activities/{activity}/sessions", {"date": "2024-03-20"}),
        ("patch", "sessions/{session}", {"topic": "Robado"}),
        ("get", "sessions/{session}/attendance", None),
        ("put", "sessions/{session}/attendance", {"participants": []}),
    ],
)
def test_outsiders_and_funders_get_404(world, api, activity_a, people_a, method, path, body):
    session = activity_a.sessions.first()
    Attendance.objects.create(session=session, participant=people_a["enrolled"][0], recorded_by=world.field_a)
    url = path.format(activity=activity_a.pk, session=session.pk)
    for user in [*world.users_of_b(), world.funder_a, world.nobody]:
        client = api(user)
        response = client.request(method, url, body) if body is not None else client.request(method, url)
        assert_error(response, 404, "not_found")
    activity_a.refresh_from_db()
    assert activity_a.title == "Taller de costos"
    assert activity_a.sessions.count() == 4
    assert Attendance.objects.filter(session=session).count() == 1


def test_a_field_officer_creates_an_activity(world, api):
    response = api(world.field_a).post("activities", activity_body(project=world.project_a.pk, site=world.site_a.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["program"] == "alpha" and body["project"] == world.project_a.pk
    assert body["organization"]["slug"] == "alpha-ngo" and body["site"]["id"] == world.site_a.pk
    assert body["activity_type"]["code"] == "listening"  # the program's first activity brought the catalogue
    assert body["can_edit"] is True
    activity = Activity.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(model="activities.activity", object_id=str(activity.pk), action="create").exists()


@pytest.mark.parametrize(
    ("extra", "field", "status"),
    [
        ({"end_date": "2024-03-01"}, "end_date", 400),
        ({"activity_type": "no-such-type"}, "activity_type", 400),
        ({"organization": "beta-ngo"}, "organization", 400),
        ({"organization": "gamma-fund"}, "organization", 400),  # takes part in the program, but not the user's
        ({"site": 987654}, "site", 400),
        ({"program": "beta"}, "program", 400),
        ({"completion_percent": "120"}, "completion_percent", 422),
        ({"start_date": "2024-02-30"}, "start_date", 422),
    ],
)
def test_bad_activities_are_refused_naming_the_field(world, api, activity_a, extra, field, status):
    response = api(world.field_a).post("activities", activity_body(**extra))
    assert_error(response, status, fields=[field])
    assert Activity.objects.count() == 1


def test_auditors_and_funders_cannot_create_or_change(world, api, activity_a):
    for user in (world.auditor_a, world.program_auditor_a):
        assert_error(api(user).post("activities", activity_body()), 403, "forbidden")
        assert_error(api(user).patch(f"activities/{activity_a.pk}", {"title": "Otro"}), 403, "forbidden")
    assert api(world.funder_a).post("activities", activity_body()).status_code in (400, 403)
    assert Activity.objects.count() == 1


def test_update_keeps_sessions_inside_the_dates(world, api, activity_a):
    client = api(world.field_a)
    response = client.patch(f"activities/{activity_a.pk}", {"title": "Taller de costos y precios"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Taller de costos y precios"
    response = client.patch(f"activities/{activity_a.pk}", {"end_date": "2024-03-15"})
    assert_error(response, 400, "sessions_outside", fields=["end_date"])
    activity_a.refresh_from_db()
    assert activity_a.end_date == datetime.date(2024, 3, 31)
    assert_error(client.patch(f"activities/{activity_a.pk}", {"title": None}), 422, fields=["title"])


def test_filters_and_pagination(world, api, activity_a):
    client = api(world.field_a)
    for day in range(1, 4):
        body = activity_body(title=f"Escucha {day}", start_date=f"2024-0{day + 4}-01", end_date=f"2024-0{day + 4}-20")
        assert client.post("activities", body).status_code == 201
    assert client.get("activities").json()["count"] == 4
    page = client.get("activities", limit=3, offset=3).json()
    assert page["count"] == 4 and len(page["items"]) == 1
    assert ids(client.get("activities", type="business-training")) == {activity_a.pk}
    assert ids(client.get("activities", q="costos")) == {activity_a.pk}
    assert len(ids(client.get("activities", date_from="2024-05-25"))) == 2
    assert ids(client.get("activities", program="beta")) == set()


def test_the_list_takes_a_constant_number_of_queries(world, api, activity_a, django_assert_max_num_queries):
    client = api(world.field_a)
    for day in range(1, 9):
        client.post("activities", activity_body(title=f"Escucha {day}"))
    with django_assert_max_num_queries(6):
        assert client.get("activities").json()["count"] == 9


# --- Sessions ---------------------------------------------------------------------------------------------------


def test_sessions_are_listed_created_and_changed(world, api, activity_a):
    client = api(world.field_a)
    listed = client.get(f"activities/{activity_a.pk}/sessions").json()
    assert [s["date"] for s in listed] == ["2024-03-04", "2024-03-11", "2024-03-18", "2024-03-25"]
    assert listed[0]["present_count"] == 0
    response = client.post(f"activities/{activity_a.pk}/sessions", {"date": "2024-03-28", "topic": "Cierre"})
    assert response.status_code == 201, response.content
    session = response.json()
    assert session["activity"] == activity_a.pk and session["topic"] == "Cierre"
    response = client.patch(f"sessions/{session['id']}", {"topic": "Cierre y feria"})
    assert response.json()["topic"] == "Cierre y feria"


@pytest.mark.parametrize("day", ["2024-02-29", "2024-04-01"])
def test_a_session_outside_the_activity_is_refused(world, api, activity_a, day):
    client = api(world.field_a)
    response = client.post(f"activities/{activity_a.pk}/sessions", {"date": day})
    assert_error(response, 400, "session_outside_activity", fields=["date"])
    assert activity_a.sessions.count() == 4
    session = activity_a.sessions.first()
    assert_error(client.patch(f"sessions/{session.pk}", {"date": day}), 400, fields=["date"])
    session.refresh_from_db()
    assert session.date == datetime.date(2024, 3, 4)


# --- Attendance -------------------------------------------------------------------------------------------------


def test_attendance_sets_the_whole_session(world, api, activity_a, people_a):
    rosa, juana, nelida = people_a["enrolled"]
    session = activity_a.sessions.first()
    client = api(world.field_a)
    roster = client.get(f"sessions/{session.pk}/attendance").json()
    assert {row["id"] for row in roster["roster"]} == {rosa.pk, juana.pk, nelida.pk}
    assert roster["participants"] == [] and roster["present_count"] == 0

    response = client.request("put", f"sessions/{session.pk}/attendance", {"participants": [rosa.pk, juana.pk]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body["participants"]) == {rosa.pk, juana.pk}
    assert set(body["added"]) == {rosa.pk, juana.pk} and body["removed"] == [] and body["enrolled"] == []

    response = client.request("put", f"sessions/{session.pk}/attendance", {"participants": [juana.pk, nelida.pk]})
    body = response.json()
    assert set(body["participants"]) == {juana.pk, nelida.pk}
    assert body["added"] == [nelida.pk] and body["removed"] == [rosa.pk]
    assert set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True)) == {
        juana.pk,
        nelida.pk,
    }
    got = client.get(f"sessions/{session.pk}/attendance").json()
    assert set(got["participants"]) == {juana.pk, nelida.pk} and got["present_count"] == 2
    assert client.get(f"activities/{activity_a.pk}/sessions").json()[0]["present_count"] == 2


def test_attendance_of_a_person_not_enrolled_is_refused_then_enrolled_on_request(world, api, activity_a, people_a):
    rosa = people_a["enrolled"][0]
    teodora = people_a["walk_in"]
    session = activity_a.sessions.first()
    client = api(world.field_a)
    response = client.request("put", f"sessions/{session.pk}/attendance", {"participants": [rosa.pk, teodora.pk]})
    error = assert_error(response, 400, "not_enrolled", fields=["participants"])
    assert "Teodora Ccama" in error["message"]
    assert error["fields"]["participants"] == [f"Teodora Ccama (id {teodora.pk}) no está inscrita en el programa."]
    assert not Attendance.objects.filter(session=session).exists()  # nothing saved, Rosa included

    response = client.request(
        "put", f"sessions/{session.pk}/attendance", {"participants": [rosa.pk, teodora.pk], "enroll_missing": True}
    )
    assert response.status_code == 200, response.content
    assert response.json()["enrolled"] == [teodora.pk]
    assert set(response.json()["participants"]) == {rosa.pk, teodora.pk}
    enrollment = Enrollment.objects.get(participant=teodora)
    assert (enrollment.program, enrollment.organization) == (world.program_a, world.org_a)


def test_attendance_refuses_unknown_and_hidden_people(world, api, activity_a, people_a):
    session = activity_a.sessions.first()
    elena = person_create(world.org_b, "Elena", "Tsamajain")
    enroll(elena, world.program_b, world.org_b)
    client = api(world.field_a)
    for wanted in ([987654], [elena.pk]):
        response = client.request("put", f"sessions/{session.pk}/attendance", {"participants": wanted})
        error = assert_error(response, 400, "unknown_people", fields=["participants"])
        assert str(wanted[0]) in error["fields"]["participants"][0]
        assert b"Tsamajain" not in response.content
    assert not Attendance.objects.filter(session=session).exists()
    assert_error(
        client.request("put", f"sessions/{session.pk}/attendance", {"participants": "all"}),
        422,
        fields=["participants"],
    )
    assert_error(client.request("put", f"sessions/{session.pk}/attendance", {}), 422, fields=["participants"])


def test_auditors_read_attendance_but_cannot_take_it(world, api, activity_a, people_a):
    session = activity_a.sessions.first()
    rosa = people_a["enrolled"][0]
    for user in (world.auditor_a, world.program_auditor_a):
        assert api(user).get(f"sessions/{session.pk}/attendance").status_code == 200
        response = api(user).request("put", f"sessions/{session.pk}/attendance", {"participants": [rosa.pk]})
        assert_error(response, 403, "forbidden")
    assert not Attendance.objects.filter(session=session).exists()


def test_a_coordinator_takes_attendance_and_the_history_shows_it(world, api, activity_a, people_a):
    rosa = people_a["enrolled"][0]
    sessions = list(Session.objects.filter(activity=activity_a))
    client = api(world.coordinator_a)
    for session in sessions[:3]:
        response = client.request("put", f"sessions/{session.pk}/attendance", {"participants": [rosa.pk]})
        assert response.status_code == 200, response.content
    history = client.get(f"people/{rosa.pk}").json()["activities"]
    assert history == [
        {
            "activity": activity_a.pk,
            "title": "Taller de costos",
            "program": "alpha",
            "attended": 3,
            "total": 4,
            "completed": True,
        }
    ]
