"""Merging two registrations of one person and undoing it: every record moves, counts follow, nothing is lost."""

import datetime

import pytest
from django.http import Http404

from minka.accounts import access
from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.audit.models import AuditEvent
from minka.core.errors import ApplicationError, PermissionDenied
from minka.enterprises.models import Enterprise, EnterpriseMember
from minka.people import duplicates, selectors
from minka.people.duplicates import person_merge, person_relations
from minka.people.models import Consent, DuplicateCandidate, DuplicateStatus, Enrollment, Merge, Participant
from minka.people.tests.test_duplicates import URCOS, enroll, pair_of, person_create, planted  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def field_day(world, planted):  # noqa: F811
    """The two Marías each with their history in program A: enrollments, sessions attended, consent, an enterprise.

    María of B is also enrolled in program A through org A (as María of A is) and attended session 2 as María of A
    did: those two rows would repeat after a merge.
    """
    maria_a, maria_b = planted["maria_a"], planted["maria_b"]
    kind = ActivityType.objects.create(
        program=world.program_a, code="taller", name_es="Taller", category="business_training"
    )
    activity = Activity.objects.create(
        program=world.program_a,
        organization=world.org_a,
        activity_type=kind,
        title="Taller de costos",
        start_date=datetime.date(2024, 5, 1),
        end_date=datetime.date(2024, 5, 31),
    )
    sessions = [Session.objects.create(activity=activity, date=datetime.date(2024, 5, day)) for day in (2, 9, 16)]
    enroll(maria_b, world.program_a, world.org_a, on=datetime.date(2024, 4, 1))

    def attend(person, session):
        return Attendance.objects.create(session=session, participant=person, recorded_by=world.field_a)

    attend(maria_a, sessions[0])
    attend(maria_a, sessions[1])
    attend(maria_b, sessions[1])
    attend(maria_b, sessions[2])
    attend(planted["rosa_a"], sessions[0])
    for person in (maria_a, maria_b):
        Consent.objects.create(
            participant=person,
            purpose="Registro en el programa",
            text_version="v1",
            method="signed_paper",
            given_on=datetime.date(2024, 3, 1),
            recorded_by=world.field_a,
        )
    enterprise = Enterprise.objects.create(
        organization=world.org_b,
        program=world.program_a,
        kind="collective",
        name="Tejedoras de Urcos",
        sector="textiles",
        district_id=URCOS,
        started_on=datetime.date(2024, 6, 1),
    )
    EnterpriseMember.objects.create(enterprise=enterprise, participant=maria_b, role="partner")
    maria_b.phone = "987654321"
    maria_b.save()
    duplicates.duplicates_find()
    return {**planted, "sessions": sessions, "activity": activity, "enterprise": enterprise}


def reach(program) -> int:
    """Distinct people who attended the program's activities, the way reach is counted."""
    return (
        Attendance.objects.filter(session__activity__program=program, participant__merged_into__isnull=True)
        .values("participant")
        .distinct()
        .count()
    )


def reach_without_filter(program) -> int:
    return Attendance.objects.filter(session__activity__program=program).values("participant").distinct().count()


def values(row) -> tuple:
    """Every stored column of a row, by name, but the time of its last change, which an undo does not give back."""
    return tuple(
        (f.attname, str(getattr(row, f.attname))) for f in row._meta.concrete_fields if f.attname != "updated_at"
    )


def snapshot() -> dict:
    """Every row that points at a person, the candidate pairs and the people themselves, as plain values."""
    rows = {
        f"{field.model._meta.label_lower}.{field.name}": sorted(values(row) for row in field.model._base_manager.all())
        for field in person_relations()
    }
    rows["candidates"] = sorted(values(row) for row in DuplicateCandidate.objects.all())
    rows["people"] = sorted(values(person) for person in Participant.objects.all())
    return rows


class TestRelations:
    def test_found_from_the_models(self):
        found = {(field.model._meta.label_lower, field.name) for field in person_relations()}
        assert {
            ("people.consent", "participant"),
            ("people.enrollment", "participant"),
            ("activities.attendance", "participant"),
            ("enterprises.enterprisemember", "participant"),
            ("people.participant", "merged_into"),
        } <= found
        assert not any(label in {"people.merge", "people.duplicatecandidate"} for label, _name in found)


class TestMerge:
    def test_moves_every_record_to_the_kept_person(self, world, field_day):
        kept, merged = field_day["maria_a"], field_day["maria_b"]
        attendance_before = Attendance.objects.count()
        merge = person_merge(user=world.coordinator_a, kept=kept, merged=merged)

        assert not Enrollment.objects.filter(participant=merged).exists()
        assert not Attendance.objects.filter(participant=merged).exists()
        assert not Consent.objects.filter(participant=merged).exists()
        assert not EnterpriseMember.objects.filter(participant=merged).exists()
        # Enrollments: A through A (hers), A through B (moved); the second A-through-A was the same one: deleted.
        assert sorted(kept.enrollments.values_list("organization__slug", flat=True)) == ["alpha-ngo", "beta-ngo"]
        # Sessions 1, 2, 3: session 2, attended by both, counts once.
        assert sorted(Attendance.objects.filter(participant=kept).values_list("session__date__day", flat=True)) == [
            2,
            9,
            16,
        ]
        assert Attendance.objects.count() == attendance_before - 1
        assert kept.consents.count() == 2
        assert EnterpriseMember.objects.get(enterprise=field_day["enterprise"]).participant == kept

        merged.refresh_from_db()
        kept.refresh_from_db()
        assert merged.merged_into == kept
        assert kept.phone == "987654321"  # filled in from the merged record
        assert kept.dni_last_digits == "456"  # hers, kept
        assert merge.moved["fields"] == ["phone"]  # the names only: no personal data outside her record
        assert len(merge.moved["deleted"]) == 2
        assert {row["model"] for row in merge.moved["deleted"]} == {"people.enrollment", "activities.attendance"}
        assert pair_of(kept, merged).status == DuplicateStatus.SAME
        assert pair_of(kept, merged).reviewed_by == world.coordinator_a

    def test_the_merged_person_leaves_every_list(self, world, field_day):
        kept, merged = field_day["maria_a"], field_day["maria_b"]
        person_merge(user=world.coordinator_a, kept=kept, merged=merged)
        for user in (world.coordinator_a, world.field_b, world.superuser):
            assert not access.people_visible(user).filter(pk=merged.pk).exists()
            with pytest.raises(Http404):
                selectors.person_get(user=user, participant_id=merged.pk)
        assert access.people_visible(world.field_b).filter(pk=kept.pk).exists()  # enrolled through B now

    def test_reach_drops_by_one_and_comes_back_after_undo(self, world, field_day):
        program = world.program_a
        assert reach(program) == reach_without_filter(program) == 3  # both Marías and Rosa
        merge = person_merge(user=world.coordinator_a, kept=field_day["maria_a"], merged=field_day["maria_b"])
        assert reach(program) == reach_without_filter(program) == 2
        duplicates.merge_undo(user=world.coordinator_a, merge=merge)
        assert reach(program) == reach_without_filter(program) == 3

    def test_is_audited_on_both_people(self, world, field_day):
        kept, merged = field_day["maria_a"], field_day["maria_b"]
        person_merge(user=world.coordinator_a, kept=kept, merged=merged)
        on_kept = AuditEvent.objects.get(model="people.participant", object_id=str(kept.pk))
        on_merged = AuditEvent.objects.get(model="people.participant", object_id=str(merged.pk))
        assert on_kept.action == on_merged.action == "update"
        assert on_kept.actor == world.coordinator_a
        assert on_kept.changes["phone"] == ["", "987654321"]
        assert on_kept.changes["fusión"] == [None, f"#{merged.pk} → #{kept.pk}"]
        moved = on_kept.changes["registros trasladados"][1]
        assert "activities.attendance: 2" in moved
        assert "people.enrollment: 2" in moved
        assert "enterprises.enterprisemember: 1" in moved
        assert on_merged.changes["merged_into"] == [None, str(kept.pk)]
        assert "dni_hash" not in on_kept.changes

    def test_fills_the_dni_of_a_kept_record_without_one(self, world, field_day):
        kept, merged = field_day["maria_b"], field_day["maria_a"]  # María of B has no DNI
        merge = person_merge(user=world.coordinator_a, kept=kept, merged=merged)
        kept.refresh_from_db()
        assert kept.dni_last_digits == "456"
        assert kept.dni_hash == merged.dni_hash
        duplicates.merge_undo(user=world.coordinator_a, merge=merge)
        kept.refresh_from_db()
        merged.refresh_from_db()
        assert kept.dni_hash == "" and kept.dni_last_digits == ""
        assert merged.dni_last_digits == "456" and merged.merged_into is None

    def test_fills_birth_date_and_district_and_undo_empties_them(self, world, field_day):
        kept = person_create(world.org_a, "Julia", "Ccori", year=1998)
        merged = person_create(world.org_a, "Julia", "Qori", born=datetime.date(1998, 7, 1), district=URCOS)
        merge = person_merge(user=world.field_a, kept=kept, merged=merged)
        kept.refresh_from_db()
        assert (kept.birth_date, kept.birth_year, kept.district_id) == (datetime.date(1998, 7, 1), 1998, URCOS)
        assert merge.moved["fields"] == ["birth_date", "district_id"]
        duplicates.merge_undo(user=world.field_a, merge=merge)
        kept.refresh_from_db()
        assert (kept.birth_date, kept.birth_year, kept.district_id) == (None, 1998, None)

    def test_chains_stay_flat_and_undo_newest_first(self, world, field_day):
        maria_a, maria_b, rosa = field_day["maria_a"], field_day["maria_b"], field_day["rosa_a"]
        first = person_merge(user=world.coordinator_a, kept=maria_b, merged=maria_a)
        second = person_merge(user=world.coordinator_a, kept=rosa, merged=maria_b)
        maria_a.refresh_from_db()
        assert maria_a.merged_into == rosa  # not to maria_b, herself merged away
        with pytest.raises(ApplicationError) as error:
            duplicates.merge_undo(user=world.coordinator_a, merge=first)
        assert error.value.code == "merged_since"
        duplicates.merge_undo(user=world.coordinator_a, merge=second)
        maria_a.refresh_from_db()
        assert maria_a.merged_into == maria_b
        duplicates.merge_undo(user=world.coordinator_a, merge=first)
        assert not Participant.objects.filter(merged_into__isnull=False).exists()

    def test_a_person_with_herself_is_refused_and_nothing_saved(self, world, field_day):
        maria = field_day["maria_a"]
        before = snapshot()
        with pytest.raises(ApplicationError, match="consigo misma") as error:
            person_merge(user=world.coordinator_a, kept=maria, merged=maria)
        assert error.value.code == "same_person"
        assert snapshot() == before
        assert not Merge.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_someone_already_merged_is_refused(self, world, field_day):
        person_merge(user=world.coordinator_a, kept=field_day["maria_a"], merged=field_day["maria_b"])
        before = snapshot()
        for kept, merged in ((field_day["rosa_a"], field_day["maria_b"]), (field_day["maria_b"], field_day["rosa_a"])):
            with pytest.raises(ApplicationError) as error:
                person_merge(user=world.coordinator_a, kept=kept, merged=merged)
            assert error.value.code == "already_merged"
        assert snapshot() == before
        assert Merge.objects.count() == 1

    def test_needs_the_right_to_edit_both(self, world, field_day):
        before = snapshot()
        for user in (world.field_b, world.program_auditor_a, world.funder_a):
            with pytest.raises(PermissionDenied):
                person_merge(user=user, kept=field_day["maria_b"], merged=field_day["maria_a"])
        assert snapshot() == before
        assert not Merge.objects.exists()

    def test_other_pairs_of_the_merged_person_follow_her(self, world, field_day):
        kept, merged = field_day["maria_a"], field_day["maria_b"]
        third = person_create(world.org_b, "María", "Quispe", born=datetime.date(1998, 4, 12), district="010401")
        pending = DuplicateCandidate.objects.create(
            first=min(merged, third, key=lambda p: p.pk), second=max(merged, third, key=lambda p: p.pk), score=90
        )
        merge = person_merge(user=world.coordinator_a, kept=kept, merged=merged)
        pending.refresh_from_db()
        assert {pending.first_id, pending.second_id} == {kept.pk, third.pk}
        assert pending.first_id < pending.second_id
        duplicates.merge_undo(user=world.coordinator_a, merge=merge)
        pending.refresh_from_db()
        assert {pending.first_id, pending.second_id} == {merged.pk, third.pk}


class TestDecisions:
    def test_merge_from_the_queue_keeps_the_chosen_one(self, world, field_day):
        candidate = pair_of(field_day["maria_a"], field_day["maria_b"])
        merge = duplicates.duplicate_merge(
            user=world.coordinator_a, candidate=candidate, kept_id=field_day["maria_b"].pk
        )
        assert merge.kept == field_day["maria_b"]
        assert merge.merged == field_day["maria_a"]
        candidate.refresh_from_db()
        assert candidate.status == DuplicateStatus.SAME

    def test_keeping_a_third_person_is_refused(self, world, field_day):
        candidate = pair_of(field_day["maria_a"], field_day["maria_b"])
        with pytest.raises(ApplicationError, match="Elija cuál"):
            duplicates.duplicate_merge(user=world.coordinator_a, candidate=candidate, kept_id=field_day["rosa_a"].pk)
        assert not Merge.objects.exists()

    def test_a_decided_pair_is_not_decided_again(self, world, field_day):
        candidate = pair_of(field_day["maria_a"], field_day["maria_b"])
        duplicates.duplicate_mark_different(user=world.coordinator_a, candidate=candidate)
        with pytest.raises(ApplicationError, match="ya fue revisado"):
            duplicates.duplicate_merge(user=world.coordinator_a, candidate=candidate, kept_id=field_day["maria_a"].pk)
        with pytest.raises(ApplicationError, match="ya fue revisado"):
            duplicates.duplicate_mark_different(user=world.coordinator_a, candidate=candidate)
        event = AuditEvent.objects.get(model="people.duplicatecandidate")
        assert event.changes == {"status": ["pending", "different"]}

    def test_only_who_edits_both_decides(self, world, field_day):
        candidate = pair_of(field_day["maria_a"], field_day["maria_b"])
        with pytest.raises(PermissionDenied):
            duplicates.duplicate_mark_different(user=world.program_auditor_a, candidate=candidate)
        candidate.refresh_from_db()
        assert candidate.status == DuplicateStatus.PENDING


class TestUndo:
    def test_restores_everything_exactly(self, world, field_day):
        before = snapshot()
        merge = person_merge(user=world.coordinator_a, kept=field_day["maria_a"], merged=field_day["maria_b"])
        assert snapshot() != before
        duplicates.merge_undo(user=world.coordinator_a, merge=merge)
        assert snapshot() == before
        merge.refresh_from_db()
        assert merge.undone_at is not None and merge.undone_by == world.coordinator_a
        assert pair_of(field_day["maria_a"], field_day["maria_b"]).status == DuplicateStatus.PENDING
        assert AuditEvent.objects.filter(model="people.participant").count() == 4  # merge and undo, on both

    def test_once_only(self, world, field_day):
        merge = person_merge(user=world.coordinator_a, kept=field_day["maria_a"], merged=field_day["maria_b"])
        duplicates.merge_undo(user=world.coordinator_a, merge=merge)
        with pytest.raises(ApplicationError, match="ya fue deshecha"):
            duplicates.merge_undo(user=world.coordinator_a, merge=merge)

    def test_newest_first(self, world, field_day):
        first = person_merge(user=world.coordinator_a, kept=field_day["maria_a"], merged=field_day["maria_b"])
        second = person_merge(user=world.coordinator_a, kept=field_day["maria_a"], merged=field_day["rosa_a"])
        before = snapshot()
        with pytest.raises(ApplicationError) as error:
            duplicates.merge_undo(user=world.coordinator_a, merge=first)
        assert error.value.code == "later_merges"
        assert snapshot() == before
        duplicates.merge_undo(user=world.coordinator_a, merge=second)
        duplicates.merge_undo(user=world.coordinator_a, merge=first)
        assert not Participant.objects.filter(merged_into__isnull=False).exists()

    def test_needs_the_right_to_edit_the_person(self, world, field_day):
        merge = person_merge(user=world.coordinator_a, kept=field_day["maria_a"], merged=field_day["maria_b"])
        before = snapshot()
        for user in (world.program_auditor_a, world.funder_a):
            with pytest.raises(PermissionDenied):
                duplicates.merge_undo(user=user, merge=merge)
        assert snapshot() == before

    def test_refused_when_her_dni_was_taken_since(self, world, field_day):
        kept, merged = field_day["rosa_b"], field_day["rosa_a"]  # Rosa of A has a DNI, Rosa of B none…
        kept.dni_hash, kept.dni_last_digits = "x" * 64, "999"  # …until she shows hers, another one
        kept.save()
        merge = person_merge(user=world.coordinator_a, kept=kept, merged=merged)
        newcomer = person_create(world.org_a, "Otra", "Persona", year=1990, dni="41234567")  # Rosa of A's DNI
        before = snapshot()
        with pytest.raises(ApplicationError) as error:
            duplicates.merge_undo(user=world.coordinator_a, merge=merge)
        assert error.value.code == "duplicate_dni"
        assert snapshot() == before
        assert newcomer.merged_into is None
