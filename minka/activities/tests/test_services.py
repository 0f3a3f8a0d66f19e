"""Writes: the catalogue, activities, sessions, attendance and the completion rule."""

import datetime
from decimal import Decimal

import pytest

from minka.activities import services
from minka.activities.catalogue import STANDARD_TYPES, activity_types_ensure
from minka.activities.models import Activity, ActivityCategory, ActivityType, Attendance, Session
from minka.activities.tests.conftest import enroll, person_create
from minka.audit.models import AuditEvent
from minka.core.errors import ApplicationError, PermissionDenied
from minka.people.models import Enrollment
from minka.testing import OrganizationFactory

pytestmark = pytest.mark.django_db


def activity_data(world, **changes):
    activity_types_ensure(world.program_a)
    data = {
        "activity_type": ActivityType.objects.get(program=world.program_a, code="listening"),
        "title": "Escucha en Urcos",
        "organization": world.org_a,
        "project": world.project_a,
        "site": world.site_a,
        "start_date": datetime.date(2024, 4, 1),
        "end_date": datetime.date(2024, 4, 30),
        "facilitators": "Ana Quispe",
        "completion_percent": Decimal("75"),
    }
    data.update(changes)
    return data


class TestCatalogue:
    def test_standard_types_are_created_once(self, world):
        created = activity_types_ensure(world.program_a)
        assert len(created) == len(STANDARD_TYPES) == 8
        assert activity_types_ensure(world.program_a) == []
        types = ActivityType.objects.filter(program=world.program_a)
        assert types.count() == 8
        listening = types.get(code="listening")
        assert listening.name_es == "Proceso de escucha y co-creación"
        assert listening.name_en == "Listening and co-creation process"
        assert listening.category == ActivityCategory.LISTENING
        assert set(types.values_list("category", flat=True)) == set(ActivityCategory.values) - {"other"}
        assert not ActivityType.objects.filter(program=world.program_b).exists()

    def test_a_missing_standard_type_is_added_back_and_renamed_ones_kept(self, world):
        activity_types_ensure(world.program_a)
        ActivityType.objects.filter(program=world.program_a, code="event").delete()
        ActivityType.objects.filter(program=world.program_a, code="prototyping").update(name_es="Prototipos")
        assert [t.code for t in activity_types_ensure(world.program_a)] == ["event"]
        assert ActivityType.objects.get(program=world.program_a, code="prototyping").name_es == "Prototipos"

    def test_program_editors_add_their_own_types(self, world):
        own = services.activity_type_create(
            user=world.coordinator_a,
            program=world.program_a,
            data={"code": "radio", "name_es": "Programa radial", "name_en": "Radio show", "category": "other"},
        )
        assert own.program == world.program_a
        assert AuditEvent.objects.filter(model="activities.activitytype", object_id=str(own.pk)).exists()
        with pytest.raises(ApplicationError) as error:
            services.activity_type_create(
                user=world.coordinator_a,
                program=world.program_a,
                data={"code": "radio", "name_es": "Otra", "category": "other"},
            )
        assert "code" in error.value.fields
        with pytest.raises(PermissionDenied):
            services.activity_type_create(
                user=world.field_a, program=world.program_a, data={"code": "x", "name_es": "X", "category": "other"}
            )


class TestActivities:
    def test_field_officer_creates_an_activity_of_her_organization_audited(self, world):
        activity = services.activity_create(user=world.field_a, program=world.program_a, data=activity_data(world))
        assert activity.program == world.program_a and activity.organization == world.org_a
        event = AuditEvent.objects.get(model="activities.activity", object_id=str(activity.pk))
        assert event.action == "create" and event.actor == world.field_a
        assert event.organization == world.org_a and event.program == world.program_a
        assert event.changes["title"] == [None, "Escucha en Urcos"]

    def test_staff_cannot_run_an_activity_for_another_organization(self, world):
        with pytest.raises(ApplicationError) as error:
            services.activity_create(
                user=world.field_a, program=world.program_a, data=activity_data(world, organization=world.org_b)
            )
        assert "organization" in error.value.fields
        assert not Activity.objects.exists()

    def test_coordinator_may_name_any_organization_of_the_program(self, world):
        world.project_a.partners.create(organization=world.org_b, role="ally")
        activity = services.activity_create(
            user=world.coordinator_a,
            program=world.program_a,
            data=activity_data(world, organization=world.org_b, site=None),
        )
        assert activity.organization == world.org_b
        # an organization taking no part in the program cannot run its activities
        stranger = OrganizationFactory(slug="epsilon", name="Epsilon")
        with pytest.raises(ApplicationError) as error:
            services.activity_create(
                user=world.coordinator_a, program=world.program_a, data=activity_data(world, organization=stranger)
            )
        assert "organization" in error.value.fields

    @pytest.mark.parametrize("username", ["funder_a", "auditor_a", "program_auditor_a", "nobody", "field_b"])
    def test_readers_and_outsiders_cannot_create(self, world, username):
        with pytest.raises(PermissionDenied):
            services.activity_create(user=getattr(world, username), program=world.program_a, data=activity_data(world))
        assert not Activity.objects.exists()

    def test_model_rules_become_field_errors(self, world):
        bad = activity_data(
            world,
            end_date=datetime.date(2024, 3, 1),
            activity_type=ActivityType.objects.create(program=world.program_b, code="x", name_es="X", category="other"),
            site=world.site_b,
        )
        with pytest.raises(ApplicationError) as error:
            services.activity_create(user=world.field_a, program=world.program_a, data=bad)
        assert {"end_date", "activity_type", "site"} <= set(error.value.fields)
        assert not Activity.objects.exists()

    def test_update_is_audited_and_refuses_dates_that_leave_sessions_outside(self, world, activity_a):
        services.activity_update(user=world.field_a, activity=activity_a, data={"title": "Taller de costos II"})
        event = AuditEvent.objects.filter(model="activities.activity", action="update").get()
        assert event.changes == {"title": ["Taller de costos", "Taller de costos II"]}
        with pytest.raises(ApplicationError) as error:
            services.activity_update(
                user=world.field_a, activity=activity_a, data={"end_date": datetime.date(2024, 3, 15)}
            )
        assert error.value.code == "sessions_outside"
        activity_a.refresh_from_db()
        assert activity_a.end_date == datetime.date(2024, 3, 31)
        assert activity_a.title == "Taller de costos II"

    def test_outsiders_cannot_update(self, world, activity_a):
        for user in (world.field_b, world.funder_a, world.auditor_a):
            with pytest.raises(PermissionDenied):
                services.activity_update(user=user, activity=activity_a, data={"title": "x"})


class TestSessions:
    def test_create_and_update_audited(self, world, activity_a):
        session = services.session_create(
            user=world.field_a, activity=activity_a, data={"date": datetime.date(2024, 3, 29), "topic": "Cierre"}
        )
        assert session.activity == activity_a
        services.session_update(user=world.field_a, session=session, data={"topic": "Clausura"})
        events = AuditEvent.objects.filter(model="activities.session", object_id=str(session.pk))
        assert [e.action for e in events.order_by("pk")] == ["create", "update"]

    @pytest.mark.parametrize("day", [datetime.date(2024, 2, 29), datetime.date(2024, 4, 1)])
    def test_a_session_outside_the_activity_is_refused_and_nothing_saved(self, world, activity_a, day):
        before = Session.objects.count()
        with pytest.raises(ApplicationError) as error:
            services.session_create(user=world.field_a, activity=activity_a, data={"date": day, "topic": "Fuera"})
        assert "entre el inicio (01/03/2024) y el fin (31/03/2024)" in error.value.message
        assert "date" in error.value.fields
        assert Session.objects.count() == before
        assert not AuditEvent.objects.filter(model="activities.session").exists()
        session = activity_a.sessions.first()
        with pytest.raises(ApplicationError):
            services.session_update(user=world.field_a, session=session, data={"date": day})
        session.refresh_from_db()
        assert session.date == datetime.date(2024, 3, 4)

    def test_outsiders_cannot_add_sessions(self, world, activity_a):
        with pytest.raises(PermissionDenied):
            services.session_create(user=world.field_b, activity=activity_a, data={"date": datetime.date(2024, 3, 5)})


def present(session):
    return set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))


class TestAttendance:
    def test_sets_exactly_the_ticked_people_and_audits_it(self, world, activity_a, people_a):
        rosa, juana, nelida = people_a["enrolled"]
        session = activity_a.sessions.first()
        result = services.attendance_save(user=world.field_a, session=session, present_ids=[rosa.pk, juana.pk])
        assert present(session) == {rosa.pk, juana.pk}
        assert result.present == 2 and result.added == sorted([rosa.pk, juana.pk]) and result.removed == []
        result = services.attendance_save(user=world.field_a, session=session, present_ids=[str(juana.pk), nelida.pk])
        assert present(session) == {juana.pk, nelida.pk}
        assert result.added == [nelida.pk] and result.removed == [rosa.pk]
        assert Attendance.objects.get(session=session, participant=nelida).recorded_by == world.field_a
        events = AuditEvent.objects.filter(model="activities.session", object_id=str(session.pk)).order_by("pk")
        assert [e.changes["present"] for e in events] == [
            [[], sorted([rosa.pk, juana.pk])],
            [sorted([rosa.pk, juana.pk]), sorted([juana.pk, nelida.pk])],
        ]
        assert events[0].organization == world.org_a and events[0].program == world.program_a
        # saving the same set again changes nothing and writes no event
        services.attendance_save(user=world.field_a, session=session, present_ids=[juana.pk, nelida.pk])
        assert events.count() == 2
        services.attendance_save(user=world.field_a, session=session, present_ids=[])
        assert present(session) == set()

    def test_a_person_not_enrolled_is_refused_with_the_offer_and_nothing_saved(self, world, activity_a, people_a):
        rosa = people_a["enrolled"][0]
        teodora = people_a["walk_in"]
        session = activity_a.sessions.first()
        with pytest.raises(services.NotEnrolled) as error:
            services.attendance_save(user=world.field_a, session=session, present_ids=[rosa.pk, teodora.pk])
        assert error.value.people == [teodora]
        assert "Teodora Ccama" in error.value.message and "Rosa" not in error.value.message
        assert present(session) == set()
        assert not AuditEvent.objects.filter(model="activities.session").exists()

    def test_with_enroll_missing_she_is_enrolled_through_the_activitys_organization_and_marked(
        self, world, activity_a, people_a
    ):
        rosa = people_a["enrolled"][0]
        teodora = people_a["walk_in"]
        session = activity_a.sessions.first()
        result = services.attendance_save(
            user=world.field_a, session=session, present_ids=[rosa.pk, teodora.pk], enroll_missing=True
        )
        assert result.enrolled == [teodora]
        assert present(session) == {rosa.pk, teodora.pk}
        enrollment = Enrollment.objects.get(participant=teodora)
        assert enrollment.program == world.program_a and enrollment.organization == world.org_a
        assert enrollment.enrolled_on == session.date
        assert AuditEvent.objects.filter(model="people.enrollment", object_id=str(enrollment.pk)).exists()

    def test_enrolled_through_another_organization_counts_as_enrolled(self, world, activity_a):
        other = person_create(world.org_b, "Sonia", "Ríos")
        enroll(other, world.program_a, world.org_b)
        session = activity_a.sessions.first()
        services.attendance_save(user=world.coordinator_a, session=session, present_ids=[other.pk])
        assert present(session) == {other.pk}

    def test_people_out_of_reach_are_refused(self, world, activity_a):
        stranger = person_create(world.org_b, "Marta", "Lozano")
        enroll(stranger, world.program_b, world.org_b)
        session = activity_a.sessions.first()
        with pytest.raises(ApplicationError) as error:
            services.attendance_save(user=world.field_a, session=session, present_ids=[stranger.pk, 999999])
        assert error.value.code == "unknown_people"
        with pytest.raises(ApplicationError):
            services.attendance_save(user=world.field_a, session=session, present_ids=["abc"])
        assert present(session) == set()

    def test_marks_of_people_the_user_cannot_see_are_kept(self, world, activity_a, people_a):
        rosa = people_a["enrolled"][0]
        other = person_create(world.org_b, "Sonia", "Ríos")
        enroll(other, world.program_a, world.org_b)
        session = activity_a.sessions.first()
        services.attendance_save(user=world.coordinator_a, session=session, present_ids=[other.pk])
        # field_a does not see Sonia (enrolled through org B): her page cannot show her, so her mark stays
        services.attendance_save(user=world.field_a, session=session, present_ids=[rosa.pk])
        assert present(session) == {rosa.pk, other.pk}

    @pytest.mark.parametrize("username", ["field_b", "admin_b", "funder_a", "auditor_a", "program_auditor_a"])
    def test_only_editors_take_attendance(self, world, activity_a, people_a, username):
        session = activity_a.sessions.first()
        with pytest.raises(PermissionDenied):
            services.attendance_save(
                user=getattr(world, username), session=session, present_ids=[people_a["enrolled"][0].pk]
            )
        assert present(session) == set()


class TestCompletion:
    @pytest.mark.parametrize(
        ("attended", "total", "percent", "completed"),
        [
            (3, 4, "75", True),
            (2, 4, "75", False),
            (4, 4, "100", True),
            (2, 3, "66.67", False),  # 66.666…% < 66.67%: exact, no rounding up
            (2, 3, "66.66", True),
            (0, 4, "0", True),
            (0, 0, "75", False),  # nothing held, nothing completed
        ],
    )
    def test_rule(self, attended, total, percent, completed):
        assert services.completion_reached(attended=attended, total=total, percent=Decimal(percent)) is completed

    def test_activity_completions_per_person(self, world, activity_a, people_a):
        rosa, juana, nelida = people_a["enrolled"]
        sessions = list(activity_a.sessions.order_by("date"))
        for number, session in enumerate(sessions):
            ids = [rosa.pk] + ([juana.pk] if number < 2 else [])
            if number < 3:
                ids.append(nelida.pk)
            services.attendance_save(user=world.field_a, session=session, present_ids=ids)
        rows = {row.participant.pk: row for row in services.activity_completions(activity_a)}
        assert (rows[rosa.pk].attended, rows[rosa.pk].total, rows[rosa.pk].completed) == (4, 4, True)
        assert (rows[nelida.pk].attended, rows[nelida.pk].completed) == (3, True)
        assert (rows[juana.pk].attended, rows[juana.pk].completed) == (2, False)
        assert rows[juana.pk].percent == 50
