"""Who reads what in the employment service: organization A's seekers, employers and hires do not exist for
organization B, funders or outsiders (404, as for a missing record), and an employer's contact sees only her
employer's published vacancies and, of each person put forward, her name and what she agreed to share."""

import dataclasses
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from minka.core.errors import PermissionDenied
from minka.employment import selectors, services
from minka.employment.tests.records import days_ago, job_service_create, person_enrolled, seeker_data, vacancy_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    jobs = job_service_create(world)
    officer = world.field_a
    # Rosa shares her phone and her experience, not her CV; Juana shares only her CV.
    services.seeker_update(user=officer, seeker=jobs.rosa, data={"share_contact": True, "share_experience": True})
    services.experience_add(
        user=officer,
        seeker=jobs.rosa,
        data={
            "employer_name": "Restaurante Qosqo",
            "role": "Ayudante de cocina",
            "started_on": datetime.date(2023, 2, 1),
        },
    )
    services.experience_add(
        user=officer,
        seeker=jobs.juana,
        data={"employer_name": "Casa de Juana", "role": "Cuidadora", "started_on": datetime.date(2022, 2, 1)},
    )
    services.seeker_update(
        user=officer,
        seeker=jobs.juana,
        data={"share_cv": True, "cv": SimpleUploadedFile("juana.pdf", b"%PDF-1.4 cv de Juana")},
    )
    jobs.juana.participant.phone = "999888777"
    jobs.juana.participant.save()
    for seeker in (jobs.rosa, jobs.juana):
        services.shortlist_add(user=officer, vacancy=jobs.vacancy, seeker=seeker, score=80, on_date=days_ago(30))
    jobs.hired = services.application_move(
        user=officer,
        application=jobs.vacancy.applications.get(seeker=jobs.rosa),
        state="applied",
        on_date=days_ago(20),
    )
    jobs.placement = services.placement_create(
        user=officer, application=jobs.hired, start_date=days_ago(10), wage="1130"
    )
    jobs.self_employment = services.self_employment_create(
        user=officer,
        seeker=services.seeker_create(
            user=officer, data=seeker_data(world, person_enrolled(world, world.org_a, world.program_a, "Sonia"))
        ),
        data={"started_on": days_ago(200)},
    )
    jobs.portal_user = services.contact_login_grant(
        user=officer, contact=jobs.contact, username="lucia", password="portal-pass-2026"
    )
    return jobs


def getters(world, jobs):
    """Every single-record read of organization A's job service, by id."""
    experience = jobs.rosa.experiences.get()
    return {
        "seeker": lambda user: selectors.seeker_get(user=user, seeker_id=jobs.rosa.pk),
        "experience": lambda user: selectors.experience_get(user=user, experience_id=experience.pk),
        "employer": lambda user: selectors.employer_get(user=user, employer_id=jobs.employer.pk),
        "contact": lambda user: selectors.contact_get(user=user, contact_id=jobs.contact.pk),
        "vacancy": lambda user: selectors.vacancy_get(user=user, vacancy_id=jobs.vacancy.pk),
        "application": lambda user: selectors.application_get(user=user, application_id=jobs.hired.pk),
        "placement": lambda user: selectors.placement_get(user=user, placement_id=jobs.placement.pk),
        "self_employment": lambda user: selectors.self_employment_get(
            user=user, self_employment_id=jobs.self_employment.pk
        ),
    }


def test_staff_auditors_and_coordinators_of_a_read_its_records(world, jobs):
    for user in (world.field_a, world.admin_a, world.credit_a, world.auditor_a, world.coordinator_a,
                 world.program_auditor_a, world.superuser):  # fmt: skip
        for name, read in getters(world, jobs).items():
            assert read(user).pk, (user, name)


def test_other_organizations_funders_outsiders_and_employer_logins_get_404(world, jobs):
    outsiders = [world.field_b, world.admin_b, world.coordinator_b, world.funder_a, world.nobody, jobs.portal_user]
    for user in outsiders:
        for name, read in getters(world, jobs).items():
            with pytest.raises(Http404):
                read(user)
                pytest.fail(f"{user} read {name}")


def test_lists_hold_only_the_users_own(world, jobs):
    assert set(selectors.seeker_list(user=world.field_a)) >= {jobs.rosa, jobs.juana}
    assert jobs.seeker_b not in set(selectors.seeker_list(user=world.field_a))
    assert list(selectors.seeker_list(user=world.field_b)) == [jobs.seeker_b]
    assert list(selectors.employer_list(user=world.field_b)) == [jobs.employer_b]
    assert list(selectors.vacancy_list(user=world.field_b)) == [jobs.vacancy_b]
    for user in (world.field_b, world.funder_a, world.nobody, jobs.portal_user):
        assert not selectors.application_list(user=user, vacancy=jobs.vacancy).exists()
        assert not selectors.placement_list(user=user).exists()
        assert not selectors.follow_ups_due(user=user, today=days_ago(-400))
    for user in (world.funder_a, world.nobody, jobs.portal_user):
        assert not selectors.seekers_visible(user).exists()
        assert not selectors.employers_visible(user).exists()
        assert not selectors.vacancies_visible(user).exists()


def test_seeker_search_ignores_accents_and_case(world, jobs):
    assert list(selectors.seeker_list(user=world.field_a, search="ROSA huaman")) == [jobs.rosa]
    assert list(selectors.seeker_list(user=world.field_a, search="juana", status="active")) == [jobs.juana]
    assert not selectors.seeker_list(user=world.field_b, search="rosa").exists()


def test_vacancy_list_counts_hires_and_the_shortlist(world, jobs):
    vacancy = selectors.vacancy_list(user=world.field_a, program=world.program_a).get(pk=jobs.vacancy.pk)
    assert (vacancy.hire_count, vacancy.proposed_count, vacancy.application_count) == (1, 1, 2)
    assert [application.seeker for application in selectors.shortlist(user=world.field_a, vacancy=jobs.vacancy)] == [
        jobs.juana
    ]


def test_follow_ups_due_lists_what_has_fallen_due_and_is_not_recorded(world, jobs):
    # The self-employment began 200 days ago: its 3-month follow-up is due, its 6-month one too by day 183 or so.
    due = selectors.follow_ups_due(user=world.field_a)
    assert [(item.self_employment, item.month) for item in due] == [
        (jobs.self_employment, 3),
        (jobs.self_employment, 6),
    ]
    services.follow_up_record(
        user=world.field_a,
        self_employment=jobs.self_employment,
        month=3,
        done_on=due[0].due_on,
        still_working=True,
    )
    assert [item.month for item in selectors.follow_ups_due(user=world.field_a)] == [6]
    # The job started 10 days ago: both of its follow-ups are due later.
    later = selectors.follow_ups_due(user=world.field_a, today=days_ago(-200))
    assert {(item.placement, item.month) for item in later} >= {(jobs.placement, 3), (jobs.placement, 6)}


def test_seeker_participant_choices_are_enrolled_visible_and_without_a_profile(world, jobs):
    newcomer = person_enrolled(world, world.org_a, world.program_a, "Nilda")
    choices = set(
        selectors.seeker_participant_choices(user=world.field_a, program=world.program_a, organization=world.org_a)
    )
    assert newcomer in choices and jobs.rosa.participant not in choices
    assert not selectors.seeker_participant_choices(
        user=world.field_b, program=world.program_a, organization=world.org_a
    )


# Employer portal -----------------------------------------------------------------------------------------------


def test_the_portal_shows_only_the_employers_published_vacancies(world, jobs):
    draft = services.vacancy_create(user=world.field_a, data=vacancy_data(jobs.employer, title="Cocinera"))
    other = services.employer_create(user=world.field_a, data={**_employer(jobs), "name": "Cooperativa Urcos"})
    theirs = services.vacancy_create(user=world.field_a, data=vacancy_data(other, title="Acopiador"))
    services.vacancy_publish(user=world.field_a, vacancy=theirs)
    assert list(selectors.employer_portal_vacancies(user=jobs.portal_user)) == [jobs.vacancy]
    for vacancy in (draft, theirs, jobs.vacancy_b):
        with pytest.raises(Http404):
            selectors.employer_portal_vacancy_get(user=jobs.portal_user, vacancy_id=vacancy.pk)
        with pytest.raises(Http404):
            selectors.employer_portal_candidates(user=jobs.portal_user, vacancy=vacancy)
    # Staff are not employer contacts: the portal is empty for them.
    for user in (world.field_a, world.superuser, world.field_b):
        assert selectors.employer_portal_contact(user) is None
        assert not selectors.employer_portal_vacancies(user=user).exists()


def _employer(jobs) -> dict:
    employer = jobs.employer
    return {field: getattr(employer, field) for field in ("organization", "program", "kind", "sector", "district")}


def test_a_candidate_shows_her_name_and_only_what_she_agreed_to_share(world, jobs):
    candidates = {
        item.name: item for item in selectors.employer_portal_candidates(user=jobs.portal_user, vacancy=jobs.vacancy)
    }
    assert set(candidates) == {"Rosa Quispe Huamán", "Juana Mamani Huamán"}  # never another vacancy's seekers
    rosa, juana = candidates["Rosa Quispe Huamán"], candidates["Juana Mamani Huamán"]
    assert (rosa.state, rosa.phone, rosa.has_cv) == ("hired", "984123456", False)
    assert [(item.employer_name, item.role) for item in rosa.experiences] == [
        ("Restaurante Qosqo", "Ayudante de cocina")
    ]
    assert (juana.state, juana.phone, juana.experiences, juana.has_cv) == ("proposed", None, None, True)
    # Nothing else about the person travels: no DNI, birth date, address, district, score or explanation.
    assert {field.name for field in dataclasses.fields(rosa)} == {
        "application_id", "name", "state", "state_label", "phone", "has_cv", "experiences",
    }  # fmt: skip


def test_a_cv_is_served_only_when_shared(world, jobs):
    juana_application = jobs.vacancy.applications.get(seeker=jobs.juana)
    cv = selectors.employer_portal_cv(user=jobs.portal_user, application_id=juana_application.pk)
    assert cv.read() == b"%PDF-1.4 cv de Juana"
    with pytest.raises(Http404):
        selectors.employer_portal_cv(user=jobs.portal_user, application_id=jobs.hired.pk)  # Rosa keeps hers
    for user in (world.field_b, world.nobody):
        with pytest.raises(Http404):
            selectors.employer_portal_cv(user=user, application_id=juana_application.pk)


def test_a_person_who_withdrew_or_stopped_sharing_drops_out_of_the_portal(world, jobs):
    juana_application = jobs.vacancy.applications.get(seeker=jobs.juana)
    services.seeker_update(
        user=world.field_a, seeker=jobs.rosa, data={"share_contact": False, "share_experience": False}
    )
    services.application_move(user=world.field_a, application=juana_application, state="withdrew")
    (rosa,) = selectors.employer_portal_candidates(user=jobs.portal_user, vacancy=jobs.vacancy)
    assert (rosa.name, rosa.phone, rosa.experiences) == ("Rosa Quispe Huamán", None, None)
    with pytest.raises(Http404):
        selectors.employer_portal_cv(user=jobs.portal_user, application_id=juana_application.pk)


def test_a_deactivated_portal_login_sees_nothing(world, jobs):
    jobs.portal_user.is_active = False
    jobs.portal_user.save()
    assert not selectors.employer_portal_vacancies(user=jobs.portal_user).exists()


def test_anonymizing_a_seeker_leaves_her_name_nowhere_in_the_trail(world, jobs):
    from minka.audit.models import AuditEvent
    from minka.people.services import participant_anonymize

    services.follow_up_record(
        user=world.field_a,
        self_employment=jobs.self_employment,
        month=3,
        done_on=days_ago(1),
        still_working=True,
    )
    participant_anonymize(user=world.field_a, participant=jobs.rosa.participant)
    participant_anonymize(user=world.field_a, participant=jobs.self_employment.seeker.participant)
    for event in AuditEvent.objects.filter(model__startswith="employment."):
        text = f"{event.object_repr} {event.changes}"
        assert "Rosa" not in text and "Sonia" not in text, (event.model, text)


def test_the_portal_and_the_lists_read_in_a_fixed_number_of_queries(world, jobs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(read):
        with CaptureQueriesContext(connection) as queries:
            read()
        return len(queries)

    reads = {
        "portal": lambda: selectors.employer_portal_candidates(user=jobs.portal_user, vacancy=jobs.vacancy),
        "seekers": lambda: [list(s.skills.all()) for s in selectors.seeker_list(user=world.field_a)],
        "vacancies": lambda: list(selectors.vacancy_list(user=world.field_a)),
        "placements": lambda: [
            (p.application.seeker.participant.full_name, list(p.follow_ups.all()))
            for p in selectors.placement_list(user=world.field_a)
        ],
    }
    before = {name: count(read) for name, read in reads.items()}
    for name in ("Ada", "Bety", "Ceci"):
        seeker = services.seeker_create(
            user=world.field_a,
            data=seeker_data(world, person_enrolled(world, world.org_a, world.program_a, name), share_experience=True),
        )
        services.experience_add(
            user=world.field_a,
            seeker=seeker,
            data={"employer_name": "Feria de Urcos", "role": "Vendedora", "started_on": datetime.date(2024, 5, 1)},
        )
        application = services.shortlist_add(
            user=world.field_a, vacancy=jobs.vacancy, seeker=seeker, on_date=days_ago(5)
        )
        application = services.application_move(user=world.field_a, application=application, state="applied")
        if name == "Ceci":  # the vacancy had one more free position
            services.placement_create(user=world.field_a, application=application, start_date=days_ago(0), wage=1000)
    after = {name: count(read) for name, read in reads.items()}
    assert after == before


def test_erasing_a_seeker_removes_cv_notes_experience_and_sharing_but_keeps_the_hire(
    world, jobs, django_capture_on_commit_callbacks
):
    from minka.audit.models import AuditEvent
    from minka.people.services import participant_anonymize

    services.seeker_update(user=world.field_a, seeker=jobs.juana, data={"notes": "Vive con su tía en Huaro"})
    stored = jobs.juana.__class__.objects.get(pk=jobs.juana.pk).cv
    assert stored.storage.exists(stored.name)
    with pytest.raises(PermissionDenied):
        services.seeker_personal_data_erase(user=world.field_b, participant=jobs.juana.participant)
    with django_capture_on_commit_callbacks(execute=True):
        participant_anonymize(user=world.field_a, participant=jobs.juana.participant)
        assert services.seeker_personal_data_erase(user=world.field_a, participant=jobs.juana.participant) == 1
    juana = jobs.juana.__class__.objects.get(pk=jobs.juana.pk)
    assert (juana.cv.name, juana.notes, juana.share_cv, juana.experiences.count()) == ("", "", False, 0)
    assert not stored.storage.exists(stored.name)
    assert juana.applications.count() == 1  # still counted
    trail = " ".join(
        f"{event.object_repr} {event.changes}" for event in AuditEvent.objects.filter(model__startswith="employment.")
    )
    assert "Huaro" not in trail and "Casa de Juana" not in trail and "juana.pdf" not in trail
    candidates = selectors.employer_portal_candidates(user=jobs.portal_user, vacancy=jobs.vacancy)
    (shown,) = [item for item in candidates if item.application_id == juana.applications.get().pk]
    assert (shown.has_cv, shown.phone, shown.experiences) == (False, None, None)
