"""Writing the registry: the DNI rules, consent rules (Ley 29733), enrollments, export and anonymization."""

import datetime
import json

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from minka.audit.models import AuditEvent
from minka.core.errors import ApplicationError, PermissionDenied
from minka.people import services
from minka.people.identity import dni_hash
from minka.people.models import Enrollment, Participant
from minka.people.tests.conftest import VALID_DNI, register, written_consent

pytestmark = pytest.mark.django_db


def every_text_value():
    """Every value of every text-like column of every table, for scanning the whole database."""
    for model in apps.get_models(include_auto_created=True):
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField))
        ]
        if names:
            for row in model._base_manager.values_list(*names):
                yield from (
                    json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value for value in row
                )


class TestDni:
    @pytest.mark.parametrize("typed", ["4123456", "4123456A", "ABCDEFGH", "412345678", "41234567-5"])
    def test_bad_dni_is_refused_and_nothing_saved(self, world, typed):
        with pytest.raises(ApplicationError) as error:
            register(world, dni=typed)
        assert "dni" in error.value.fields
        assert not Participant.objects.exists()
        assert not AuditEvent.objects.filter(model="people.participant").exists()

    @pytest.mark.parametrize("typed", ["41234567-9", "41234567C", "41234567 c", " 41234567 "])
    def test_dni_with_right_check_character_is_accepted(self, world, typed):
        person = register(world, dni=typed)
        assert person.dni_last_digits == "567"
        assert person.dni_hash == dni_hash(VALID_DNI)

    def test_same_dni_twice_even_across_organizations_is_refused_without_naming_her(self, world):
        register(world, user=world.field_b, organization=world.org_b, dni=VALID_DNI, given_names="Secreta")
        with pytest.raises(ApplicationError) as error:
            register(world, dni=VALID_DNI + "-9")
        assert error.value.code == "duplicate_dni"
        assert "Secreta" not in str(error.value.as_dict())
        assert Participant.objects.count() == 1

    def test_dni_is_never_stored_in_clear(self, world):
        person = register(world, dni=VALID_DNI, consent=written_consent(), program=world.program_a)
        services.participant_update(user=world.admin_a, participant=person, data={"phone": "987654321"})
        services.participant_export(participant=person, user=world.admin_a)
        values = list(every_text_value())
        assert len(values) > 50  # the scan really reads the tables
        assert not [value for value in values if VALID_DNI in value]
        assert any(value == "567" for value in values)  # only its last digits


class TestBirthAndAge:
    def test_birth_date_in_the_future_is_refused(self, world):
        with pytest.raises(ApplicationError) as error:
            register(world, birth_date=timezone.localdate() + datetime.timedelta(days=1), birth_year=None)
        assert "birth_date" in error.value.fields
        assert not Participant.objects.exists()

    def test_age_and_youth_come_from_the_birth_date_or_year(self, world):
        today = timezone.localdate()
        by_date = register(world, birth_date=today.replace(year=today.year - 29), birth_year=None)
        assert by_date.birth_year == today.year - 29  # derived, never typed
        assert by_date.age == 29 and by_date.is_youth
        older = register(world, given_names="Rosa", birth_date=today.replace(year=today.year - 30), birth_year=None)
        assert older.age == 30 and older.is_youth is False
        by_year = register(world, given_names="Juana", birth_year=today.year - 15)
        assert by_year.age_on(datetime.date(today.year, 7, 1)) == 15
        assert register(world, given_names="Nélida", birth_year=None).is_youth is None


class TestConsent:
    @pytest.mark.parametrize(
        "sensitive", [{"ethnic_group": "Quechua"}, {"disability": True}, {"deprived_of_liberty": True}]
    )
    def test_sensitive_data_without_written_consent_is_refused(self, world, sensitive):
        for consent in (None, written_consent(sensitive=False), written_consent(method="verbal", sensitive=False)):
            with pytest.raises(ApplicationError) as error:
                register(world, consent=consent, **sensitive)
            assert error.value.code == "consent_required"
            assert set(sensitive) <= set(error.value.fields)
        assert not Participant.objects.exists()

    def test_verbal_consent_cannot_cover_sensitive_data(self, world):
        with pytest.raises(ApplicationError):
            register(world, consent=written_consent(method="verbal"), ethnic_group="Quechua")
        assert not Participant.objects.exists()

    def test_sensitive_data_with_written_consent_is_kept(self, world):
        person = register(world, consent=written_consent(), ethnic_group="Quechua", disability=True)
        person.refresh_from_db()
        assert person.ethnic_group == "Quechua" and person.disability
        assert person.consents.get().recorded_by == world.field_a

    def test_withdrawing_the_consent_erases_the_sensitive_data_everywhere(self, world):
        person = register(world, consent=written_consent(), ethnic_group="Awajún", deprived_of_liberty=True)
        services.consent_withdraw(user=world.field_a, consent=person.consents.get())
        person.refresh_from_db()
        assert person.ethnic_group == "" and not person.deprived_of_liberty and not person.disability
        assert person.consents.get().withdrawn_on == timezone.localdate()
        assert not [value for value in every_text_value() if "Awajún" in value]
        # … and without consent it cannot come back.
        with pytest.raises(ApplicationError):
            services.participant_update(user=world.field_a, participant=person, data={"ethnic_group": "Awajún"})

    def test_a_consent_in_the_future_undoes_the_whole_registration(self, world):
        future = timezone.localdate() + datetime.timedelta(days=3)
        with pytest.raises(ApplicationError):
            register(world, consent=written_consent(given_on=future), ethnic_group="Quechua")
        assert not Participant.objects.exists()

    def test_outsiders_cannot_record_or_withdraw(self, world):
        person = register(world, consent=written_consent())
        with pytest.raises(PermissionDenied):
            services.consent_record(user=world.field_b, participant=person, data=written_consent())
        with pytest.raises(PermissionDenied):
            services.consent_withdraw(user=world.funder_a, consent=person.consents.get())


class TestEnrollment:
    def test_registering_with_a_program_enrolls_her_through_the_organization(self, world):
        person = register(world, program=world.program_a)
        enrollment = person.enrollments.get()
        assert (enrollment.program, enrollment.organization, enrollment.status) == (
            world.program_a,
            world.org_a,
            "active",
        )

    def test_enrolling_in_a_program_not_seen_undoes_the_registration(self, world):
        with pytest.raises(PermissionDenied):
            register(world, program=world.program_b)
        assert not Participant.objects.exists()

    def test_status_change(self, world):
        enrollment = register(world, program=world.program_a).enrollments.get()
        services.enrollment_update(
            user=world.coordinator_a,
            enrollment=enrollment,
            data={"status": "dropped", "ended_on": timezone.localdate()},
        )
        assert Enrollment.objects.get().status == "dropped"
        with pytest.raises(PermissionDenied):
            services.enrollment_update(user=world.field_b, enrollment=enrollment, data={"status": "active"})


class TestRights:
    def test_export_holds_her_data_and_is_audited(self, world):
        person = register(world, dni=VALID_DNI, consent=written_consent(), program=world.program_a, phone="987654321")
        data = services.participant_export(participant=person, user=world.admin_a)
        assert data["nombres"] == "María" and data["apellido_materno"] == "Huamán"
        assert data["dni_ultimos_digitos"] == "567" and data["telefono"] == "987654321"
        assert data["inscripciones"][0]["programa"] == "Programa Alfa"
        assert data["consentimientos"][0]["version"] == "v1"
        assert VALID_DNI not in json.dumps(data)
        assert AuditEvent.objects.filter(
            model="people.participant", object_id=str(person.pk), action=services.EXPORT_ACTION, actor=world.admin_a
        ).exists()

    def test_anonymize_keeps_every_count_and_forgets_her_name(self, world):
        people = [
            register(world, given_names="María", dni=VALID_DNI, program=world.program_a, phone="987654321"),
            register(
                world,
                given_names="Rosa",
                paternal_surname="Mamani",
                maternal_surname="Ccori",
                sex="M",
                district_id="081202",
            ),
            register(
                world,
                given_names="Juana",
                paternal_surname="Condori",
                maternal_surname="",
                birth_year=1990,
                district_id="010401",
            ),
        ]
        maria = people[0]

        def counts():
            by_sex = dict(Participant.objects.values_list("sex").annotate(n=models.Count("pk")))
            by_district = dict(Participant.objects.values_list("district").annotate(n=models.Count("pk")))
            by_year = dict(Participant.objects.values_list("birth_year").annotate(n=models.Count("pk")))
            return by_sex, by_district, by_year, Enrollment.objects.filter(program=world.program_a).count()

        before = counts()
        services.participant_anonymize(user=world.admin_a, participant=maria)
        assert counts() == before
        maria.refresh_from_db()
        assert maria.full_name == services.ANONYMOUS_NAME
        assert (maria.sex, maria.birth_year, maria.district_id) == ("F", 2000, "081201")
        assert maria.dni_hash == "" and maria.dni_last_digits == "" and maria.phone == ""
        assert maria.enrollments.count() == 1
        trail = [
            json.dumps([event.object_repr, event.changes], ensure_ascii=False) for event in AuditEvent.objects.all()
        ]
        assert not [line for line in trail if "Quispe" in line or "Huamán" in line or "987654321" in line]
        assert any("Rosa" in line for line in trail)  # the others' trail is untouched
        # Her DNI is free again (a new registration of the same person is not blocked by an erased one).
        register(world, given_names="Otra", dni=VALID_DNI)

    def test_outsiders_cannot_anonymize(self, world):
        person = register(world)
        for user in (world.field_b, world.funder_a, world.auditor_a):
            with pytest.raises(PermissionDenied):
                services.participant_anonymize(user=user, participant=person)
        person.refresh_from_db()
        assert person.given_names == "María"


def test_search_key_drops_accents_case_and_spaces():
    assert services.search_key("  María  QUISPE Huamán ") == "maria quispe huaman"


def test_an_enrollment_that_ends_gets_its_end_date_and_one_reopened_loses_it(world):
    person = services.participant_register(
        user=world.field_a, organization=world.org_a, data={"given_names": "Flor", "sex": "F", "birth_year": 2001}
    )
    enrollment = services.enrollment_create(
        user=world.field_a,
        participant=person,
        program=world.program_a,
        organization=world.org_a,
        data={"enrolled_on": datetime.date(2024, 2, 1)},
    )
    assert enrollment.ended_on is None
    services.enrollment_update(user=world.field_a, enrollment=enrollment, data={"status": "dropped"})
    enrollment.refresh_from_db()
    assert enrollment.ended_on == timezone.localdate()
    services.enrollment_update(user=world.field_a, enrollment=enrollment, data={"status": "active"})
    enrollment.refresh_from_db()
    assert enrollment.ended_on is None
