"""Pages: what each shows and to whom, the forms' errors, the attendance page, and the number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.activities.tests.conftest import enroll, person_create
from minka.audit.models import AuditEvent
from minka.people.models import Enrollment

pytestmark = pytest.mark.django_db


def body(response):
    """The page's main content (the menu lists programs too)."""
    html = response.content.decode().replace("\xa0", " ")
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return html


def attendance_url(session):
    return reverse("session_attendance", args=[session.pk])


def present(session):
    return set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))


def many_activities(world):
    """Thirty more activities of org A, each with two sessions and a person present at both."""
    listening = ActivityType.objects.get(program=world.program_a, code="listening")
    person = person_create(world.org_a, "Lucía", "Mamani")
    enroll(person, world.program_a, world.org_a)
    for n in range(30):
        activity = Activity.objects.create(
            program=world.program_a,
            organization=world.org_a,
            site=world.site_a,
            activity_type=listening,
            title=f"Escucha {n:02d}",
            start_date=datetime.date(2024, 1, 1),
            end_date=datetime.date(2024, 1, 31),
        )
        for day in (5, 6):
            session = Session.objects.create(activity=activity, date=datetime.date(2024, 1, day))
            Attendance.objects.create(session=session, participant=person, recorded_by=world.field_a)
    return world


class TestActivityList:
    def test_shows_the_activities_the_user_sees(self, world, activity_a, activity_b, login):
        page = body(login(world.field_a).get(reverse("activity_list")))
        assert "Taller de costos" in page and "Feria de Trujillo" not in page
        assert reverse("activity_detail", args=[activity_a.pk]) in page
        assert "Formación en habilidades empresariales" in page
        page = body(login(world.field_b).get(reverse("activity_list")))
        assert "Feria de Trujillo" in page and "Taller de costos" not in page

    @pytest.mark.parametrize("username", ["coordinator_a", "program_auditor_a", "auditor_a", "admin_a"])
    def test_program_and_organization_roles_see_program_a(self, world, activity_a, login, username):
        assert "Taller de costos" in body(login(getattr(world, username)).get(reverse("activity_list")))

    def test_funders_and_people_without_organization_see_none(self, world, activity_a, login):
        for user in (world.funder_a, world.nobody):
            page = body(login(user).get(reverse("activity_list")))
            assert "Taller de costos" not in page
            assert "Ninguna actividad" in page
            assert reverse("activity_create") not in page

    @pytest.mark.parametrize(
        ("params", "found"),
        [
            ({"program": "alpha"}, True),
            ({"program": "beta"}, False),
            ({"type": "business-training"}, True),
            ({"type": "listening"}, False),
            ({"organization": "alpha-ngo"}, True),
            ({"organization": "beta-ngo"}, False),
            ({"territory": "08"}, True),
            ({"territory": "0812"}, True),
            ({"territory": "081201"}, True),
            ({"territory": "081202"}, False),
            ({"territory": "01"}, False),
            ({"date_from": "2024-03-31"}, True),
            ({"date_from": "2024-04-01"}, False),
            ({"date_to": "2024-03-01"}, True),
            ({"date_to": "2024-02-29"}, False),
            ({"date_from": "2024-03-10", "date_to": "2024-03-12"}, True),
            ({"q": "costos"}, True),
            ({"q": "mamani"}, True),  # the facilitator
            ({"q": "feria"}, False),
        ],
    )
    def test_filters(self, world, activity_a, login, params, found):
        page = body(login(world.superuser).get(reverse("activity_list"), params))
        assert ("Taller de costos" in page) is found

    def test_htmx_filter_change_returns_only_the_table(self, world, activity_a, login):
        response = login(world.field_a).get(
            reverse("activity_list"), {"program": "alpha"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="activity-table"
        )
        html = response.content.decode()
        assert "Taller de costos" in html and "<html" not in html and "<form" not in html

    def test_lists_the_programs_types_with_an_add_link_for_editors(self, world, activity_a, login):
        page = body(login(world.coordinator_a).get(reverse("activity_list"), {"program": "alpha"}))
        assert "Escuela de liderazgo" in page and "leadership-school" in page
        assert reverse("activity_type_create", args=["alpha"]) in page
        page = body(login(world.field_a).get(reverse("activity_list"), {"program": "alpha"}))
        assert "Escuela de liderazgo" in page
        assert reverse("activity_type_create", args=["alpha"]) not in page

    def test_paginated_in_constant_queries(self, world, activity_a, login, django_assert_max_num_queries):
        client = login(world.field_a)
        with CaptureQueriesContext(connection) as one_activity:
            client.get(reverse("activity_list"))
        many_activities(world)
        with django_assert_max_num_queries(len(one_activity)):
            page = body(client.get(reverse("activity_list")))
        assert "31 actividades" in page and "Página 1 de 2" in page
        row = page.split("Escucha 00")[1].split("</tr>")[0]
        assert '<td class="num">2</td>' in row and '<td class="num">1</td>' in row  # two sessions, one person
        # a chosen program adds its catalogue of types and whether the user may add to it
        with django_assert_max_num_queries(len(one_activity) + 4):
            client.get(reverse("activity_list"), {"page": 2, "program": "alpha", "territory": "0812"})


class TestActivityCreate:
    def test_a_user_with_one_program_goes_straight_to_its_form(self, world, login):
        response = login(world.field_a).get(reverse("activity_create"))
        assert response.status_code == 302 and response.url.endswith("?program=alpha")

    def test_a_user_with_several_programs_chooses_first(self, world, login):
        page = body(login(world.superuser).get(reverse("activity_create")))
        assert 'name="program"' in page and "Programa Alfa" in page and "Programa Beta" in page

    def test_form_brings_the_standard_catalogue_and_creates(self, world, login):
        client = login(world.field_a)
        url = reverse("activity_create") + "?program=alpha"
        page = body(client.get(url))
        assert "Proceso de escucha y co-creación" in page
        assert "CDE Urcos" in page and "Agencia Trujillo" not in page  # only the sites of her organization
        listening = ActivityType.objects.get(program=world.program_a, code="listening")
        response = client.post(
            url,
            {
                "activity_type": listening.pk,
                "title": "Escucha en Urcos",
                "organization": world.org_a.pk,
                "project": world.project_a.pk,
                "site": world.site_a.pk,
                "start_date": "2024-04-01",
                "end_date": "2024-04-10",
                "facilitators": "Ana",
                "completion_percent": "75",
            },
        )
        activity = Activity.objects.get(title="Escucha en Urcos")
        assert response.status_code == 302 and response.url == reverse("activity_detail", args=[activity.pk])
        assert activity.program == world.program_a

    def test_errors_are_shown_and_nothing_saved(self, world, login):
        activity_types_ensure(world.program_a)
        client = login(world.field_a)
        page = body(
            client.post(
                reverse("activity_create") + "?program=alpha",
                {
                    "activity_type": ActivityType.objects.get(program=world.program_a, code="event").pk,
                    "title": "Feria",
                    "organization": world.org_a.pk,
                    "start_date": "2024-04-10",
                    "end_date": "2024-04-01",
                    "completion_percent": "75",
                },
            )
        )
        assert "La fecha de fin no puede ser anterior a la de inicio." in page
        assert not Activity.objects.exists()

    def test_readers_may_not_create(self, world, login):
        for user in (world.funder_a, world.auditor_a, world.program_auditor_a):
            assert login(user).get(reverse("activity_create") + "?program=alpha").status_code == 403
        assert login(world.nobody).get(reverse("activity_create")).status_code == 403


class TestActivityDetail:
    def test_shows_data_sessions_and_participants_with_completion(self, world, activity_a, people_a, login):
        rosa, juana, _nelida = people_a["enrolled"]
        sessions = list(activity_a.sessions.order_by("date"))
        for session in sessions[:3]:
            Attendance.objects.create(session=session, participant=rosa, recorded_by=world.field_a)
        Attendance.objects.create(session=sessions[0], participant=juana, recorded_by=world.field_a)
        page = body(login(world.field_a).get(reverse("activity_detail", args=[activity_a.pk])))
        assert "Taller de costos" in page and "Rosa Mamani" in page and "CDE Urcos" in page
        assert "Emprendimientos en Quispicanchi" in page
        assert "asistir al menos al 75 % de las sesiones" in page
        assert "2 presentes" in page and "1 presente" in page and "0 presentes" in page
        assert attendance_url(sessions[0]) in page
        rosa_row = page.split(f'id="participant-{rosa.pk}"')[1].split("</tr>")[0]
        assert "3 de 4" in rosa_row and "Sí" in rosa_row
        juana_row = page.split(f'id="participant-{juana.pk}"')[1].split("</tr>")[0]
        assert "1 de 4" in juana_row and "No" in juana_row
        assert "1 de 2 personas concluyeron" in page

    def test_readers_see_it_without_edit_links(self, world, activity_a, login):
        page = body(login(world.auditor_a).get(reverse("activity_detail", args=[activity_a.pk])))
        assert "Taller de costos" in page
        assert reverse("activity_edit", args=[activity_a.pk]) not in page
        assert reverse("session_create", args=[activity_a.pk]) not in page
        assert login(world.auditor_a).get(reverse("activity_edit", args=[activity_a.pk])).status_code == 403

    def test_edit(self, world, activity_a, login):
        client = login(world.admin_a)
        url = reverse("activity_edit", args=[activity_a.pk])
        assert 'value="Taller de costos"' in body(client.get(url))
        data = {
            "activity_type": activity_a.activity_type_id,
            "title": "Taller de costos y precios",
            "organization": world.org_a.pk,
            "start_date": "2024-03-01",
            "end_date": "2024-03-31",
            "completion_percent": "80",
        }
        assert client.post(url, data).status_code == 302
        activity_a.refresh_from_db()
        assert activity_a.title == "Taller de costos y precios" and activity_a.completion_percent == 80
        page = body(client.post(url, {**data, "end_date": "2024-03-10"}))
        assert "sesiones fuera de las nuevas fechas" in page
        activity_a.refresh_from_db()
        assert activity_a.end_date == datetime.date(2024, 3, 31)


class TestSessionPages:
    def test_create_goes_to_its_attendance(self, world, activity_a, login):
        client = login(world.field_a)
        response = client.post(
            reverse("session_create", args=[activity_a.pk]), {"date": "2024-03-28", "topic": "Precios"}
        )
        session = Session.objects.get(topic="Precios")
        assert response.url == attendance_url(session)

    def test_a_session_outside_the_activity_shows_the_error_and_saves_nothing(self, world, activity_a, login):
        client = login(world.field_a)
        page = body(client.post(reverse("session_create", args=[activity_a.pk]), {"date": "2024-04-02"}))
        assert "La sesión debe caer entre el inicio (01/03/2024) y el fin (31/03/2024) de la actividad." in page
        assert activity_a.sessions.count() == 4
        session = activity_a.sessions.first()
        page = body(client.post(reverse("session_edit", args=[session.pk]), {"date": "2023-12-31", "topic": "x"}))
        assert "La sesión debe caer entre" in page
        session.refresh_from_db()
        assert session.date == datetime.date(2024, 3, 4)
        assert client.post(reverse("session_edit", args=[session.pk]), {"date": "2024-03-05"}).status_code == 302


class TestAttendancePage:
    def test_lists_the_enrolled_people_of_the_organization_sorted_with_ticks(self, world, activity_a, people_a, login):
        rosa = people_a["enrolled"][0]
        elsewhere = person_create(world.org_a, "Zoila", "Aguirre")
        enroll(elsewhere, world.program_b, world.org_a)  # enrolled in another program: not on this list
        session = activity_a.sessions.first()
        Attendance.objects.create(session=session, participant=rosa, recorded_by=world.field_a)
        page = body(login(world.field_a).get(attendance_url(session)))
        names = ["Nélida Apaza", "Juana Condori", "Rosa Huamán"]
        positions = [page.index(name) for name in names]
        assert positions == sorted(positions)
        assert "Zoila" not in page and "Teodora" not in page
        assert f'value="{rosa.pk}" form="attendance-form" checked' in page
        assert page.count(" checked") == 1
        assert '<span id="present-count">1</span> de <span id="roster-count">3</span> presentes' in page
        assert reverse("session_walkin_search", args=[session.pk]) in page

    def test_save_sets_the_ticked_people_and_says_how_many(self, world, activity_a, people_a, login):
        rosa, juana, nelida = people_a["enrolled"]
        session = activity_a.sessions.first()
        Attendance.objects.create(session=session, participant=rosa, recorded_by=world.field_a)
        client = login(world.field_a)
        response = client.post(attendance_url(session), {"present": [juana.pk, nelida.pk]}, follow=True)
        assert present(session) == {juana.pk, nelida.pk}
        page = body(response)
        assert "Asistencia guardada: 2 presentes." in page
        assert '<span id="present-count">2</span> de <span id="roster-count">3</span> presentes' in page
        assert AuditEvent.objects.filter(model="activities.session", object_id=str(session.pk)).count() == 1

    def test_a_person_not_enrolled_is_refused_with_the_offer_to_enroll(self, world, activity_a, people_a, login):
        rosa = people_a["enrolled"][0]
        teodora = people_a["walk_in"]
        session = activity_a.sessions.first()
        client = login(world.field_a)
        page = body(client.post(attendance_url(session), {"present": [rosa.pk, teodora.pk]}))
        assert "No están inscritas en el programa: Teodora Ccama." in page
        assert "puede inscribirlas en Programa Alfa a través de Alfa" in page
        assert 'name="enroll_missing" value="1"' in page and "Inscribir y guardar" in page
        # the ticks come back as sent, the walk-in included
        assert f'value="{teodora.pk}" form="attendance-form" checked' in page
        assert f'value="{rosa.pk}" form="attendance-form" checked' in page
        assert present(session) == set()
        response = client.post(
            attendance_url(session), {"present": [rosa.pk, teodora.pk], "enroll_missing": "1"}, follow=True
        )
        assert present(session) == {rosa.pk, teodora.pk}
        enrollment = Enrollment.objects.get(participant=teodora)
        assert (enrollment.program, enrollment.organization) == (world.program_a, world.org_a)
        page = body(response)
        assert "Inscritas en el programa: Teodora Ccama." in page
        assert "Teodora Ccama" in page.split('id="roster"')[1]  # now on the list for good

    def test_walkin_search_finds_people_not_on_the_list(self, world, activity_a, people_a, login):
        session = activity_a.sessions.first()
        client = login(world.field_a)
        url = reverse("session_walkin_search", args=[session.pk])
        html = client.get(url, {"q": "teodora"}, HTTP_HX_REQUEST="true").content.decode()
        assert "Teodora Ccama" in html and f'value="{people_a["walk_in"].pk}"' in html and "DNI …678" in html
        assert "checked" not in html
        # people already on the list are not offered again; people out of reach are never found
        assert "Rosa" not in client.get(url, {"q": "rosa huaman"}).content.decode()
        stranger = person_create(world.org_b, "Teodosia", "Vela")
        enroll(stranger, world.program_b, world.org_b)
        assert "Teodosia" not in client.get(url, {"q": "teodosia"}).content.decode()
        assert "Nadie más coincide" in client.get(url, {"q": "zzzz"}).content.decode()

    def test_quick_registration_link_comes_back_here(self, world, activity_a, login):
        session = activity_a.sessions.first()
        page = body(login(world.field_a).get(attendance_url(session)))
        assert "Registrar a una persona nueva" in page
        assert f"{reverse('person_create')}?next=%2Fsesiones%2F{session.pk}%2Fasistencia%2F&amp;program=alpha" in page

    def test_readers_cannot_take_attendance(self, world, activity_a, people_a, login):
        session = activity_a.sessions.first()
        for user in (world.auditor_a, world.program_auditor_a):
            client = login(user)
            assert client.get(attendance_url(session)).status_code == 403
            assert client.post(attendance_url(session), {"present": [people_a["enrolled"][0].pk]}).status_code == 403
            assert client.get(reverse("session_walkin_search", args=[session.pk]), {"q": "teo"}).status_code == 403
        assert present(session) == set()

    def test_constant_queries_with_thirty_people(self, world, activity_a, login, django_assert_max_num_queries):
        session = activity_a.sessions.first()
        client = login(world.field_a)
        first = person_create(world.org_a, "Primera", "Quispe")
        enroll(first, world.program_a, world.org_a)
        with CaptureQueriesContext(connection) as one_person:
            client.get(attendance_url(session))
        for n in range(29):
            person = person_create(world.org_a, f"Persona {n:02d}", "Quispe", dni_last_digits=f"{n:03d}")
            enroll(person, world.program_a, world.org_a)
            if n % 2:
                Attendance.objects.create(session=session, participant=person, recorded_by=world.field_a)
        with django_assert_max_num_queries(min(len(one_person), 20)):
            page = body(client.get(attendance_url(session)))
        assert '<span id="present-count">14</span> de <span id="roster-count">30</span> presentes' in page
        ids = list(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))
        with django_assert_max_num_queries(30):
            client.post(attendance_url(session), {"present": [first.pk, *ids[:9]]})
        assert len(present(session)) == 10


OUTSIDERS = ["admin_b", "field_b", "coordinator_b", "funder_a", "nobody"]


def sweep(world, activity, session):
    """Every page of this app, pointed at org A's records (URL name → arguments)."""
    return {
        "activity_detail": [activity.pk],
        "activity_edit": [activity.pk],
        "session_create": [activity.pk],
        "session_edit": [session.pk],
        "session_attendance": [session.pk],
        "session_walkin_search": [session.pk],
    }


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_get_404_on_every_page_of_org_a(world, activity_a, people_a, client, outsider):
    session = activity_a.sessions.first()
    rosa = people_a["enrolled"][0]
    client.force_login(getattr(world, outsider))
    for name, args in sweep(world, activity_a, session).items():
        url = reverse(name, args=args)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"present": [rosa.pk], "title": "x", "date": "2024-03-05"}).status_code == 404, url
    assert present(session) == set()
    assert activity_a.sessions.count() == 4
    activity_a.refresh_from_db()
    assert activity_a.title == "Taller de costos"


@pytest.mark.parametrize("outsider", ["admin_b", "field_b", "coordinator_b", "nobody"])
def test_outsiders_cannot_add_types_to_program_a(world, client, outsider):
    client.force_login(getattr(world, outsider))
    url = reverse("activity_type_create", args=["alpha"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"code": "x", "name_es": "X", "category": "other"}).status_code == 404
    assert not ActivityType.objects.filter(code="x").exists()


def test_program_editors_add_a_type_and_see_it_listed(world, login):
    client = login(world.coordinator_a)
    url = reverse("activity_type_create", args=["alpha"])
    response = client.post(url, {"code": "radio", "name_es": "Programa radial", "name_en": "", "category": "event"})
    assert response.status_code == 302
    assert "Programa radial" in body(client.get(response.url))
    assert login(world.field_a).get(url).status_code == 403
    assert login(world.funder_a).get(url).status_code == 403


def test_missing_records_answer_404_like_foreign_ones(world, login):
    client = login(world.superuser)
    for name in ("activity_detail", "activity_edit", "session_create", "session_edit", "session_attendance"):
        assert client.get(reverse(name, args=[999999])).status_code == 404
    assert client.get(reverse("activity_create") + "?program=nope").status_code == 404


def test_admin_lists_activities_read_only(world, activity_a, login):
    client = login(world.superuser)
    for model in ("activity", "activitytype", "session", "attendance"):
        assert client.get(f"/django-admin/activities/{model}/").status_code == 200, model
        assert client.get(f"/django-admin/activities/{model}/add/").status_code == 403, model
    assert "Taller de costos" in client.get("/django-admin/activities/activity/").content.decode()


def test_a_large_program_lists_only_who_has_come(world, activity_a, people_a, login, monkeypatch):
    # Thousands enrolled through one organization cannot be ticked on a phone: the list is who has come so far.
    monkeypatch.setattr("minka.activities.selectors.ROSTER_FROM_ENROLLMENTS", 2)
    rosa = people_a["enrolled"][0]
    first, second = activity_a.sessions.all()[:2]
    Attendance.objects.create(session=first, participant=rosa, recorded_by=world.field_a)
    page = body(login(world.field_a).get(attendance_url(second)))
    assert "Rosa Huamán" in page and "Juana" not in page and "Nélida" not in page
    assert '<span id="present-count">0</span> de <span id="roster-count">1</span> presentes' in page
