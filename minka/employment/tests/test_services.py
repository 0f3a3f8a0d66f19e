"""The employment service's writes: what each service records, and every bad input refused with a clear message
and nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from minka.accounts.models import Membership
from minka.audit.models import AuditEvent
from minka.core.errors import ApplicationError, PermissionDenied
from minka.employment import services
from minka.employment.models import (
    Application,
    ApplicationEvent,
    FollowUp,
    JobSeeker,
    Placement,
    SelfEmployment,
    Skill,
    Vacancy,
    WorkExperience,
)
from minka.employment.tests.records import (
    days_ago,
    employer_data,
    job_service_create,
    person_enrolled,
    seeker_data,
    vacancy_data,
)
from minka.enterprises.models import Enterprise
from minka.network.models import Territory
from minka.people.models import Enrollment

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def jobs(world):
    return job_service_create(world)


def refused(call, field=None, **kwargs):
    """Runs a service expecting it to refuse; returns the error (checking the field it names, if given)."""
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    if field is not None:
        assert field in caught.value.fields, caught.value.as_dict()
    return caught.value


# Skills --------------------------------------------------------------------------------------------------------


def test_skill_names_are_unique_per_program_whatever_the_case(world, jobs):
    refused(services.skill_create, "name", user=world.field_a, program=world.program_a, name="  carpintería ")
    refused(services.skill_rename, "name", user=world.field_a, skill=jobs.cooking, name="CARPINTERÍA")
    assert Skill.objects.filter(program=world.program_a).count() == 2
    # Another program may have its own carpentry.
    assert services.skill_create(user=world.field_b, program=world.program_b, name="Carpintería").pk


def test_skill_rename_deactivate_and_who_may(world, jobs):
    skill = services.skill_rename(user=world.field_a, skill=jobs.cooking, name="Cocina  novoandina")
    assert skill.name == "Cocina novoandina"
    assert services.skill_deactivate(user=world.field_a, skill=skill).is_active is False
    assert services.skill_activate(user=world.coordinator_a, skill=skill).is_active is True
    for outsider in (world.field_b, world.funder_a, world.auditor_a, world.nobody):
        with pytest.raises(PermissionDenied):
            services.skill_create(user=outsider, program=world.program_a, name="Albañilería")
    refused(services.skill_create, "name", user=world.field_a, program=world.program_a, name="   ")


# Seekers -------------------------------------------------------------------------------------------------------


def test_seeker_profile_is_created_with_its_skills_languages_and_audit(world, jobs):
    rosa = JobSeeker.objects.get(pk=jobs.rosa.pk)
    assert list(rosa.skills.all()) == [jobs.carpentry]
    assert rosa.languages == ["es", "qu"]  # in the order of the choices, whatever the order typed
    assert rosa.status == "active" and not (rosa.share_contact or rosa.share_cv or rosa.share_experience)
    assert AuditEvent.objects.filter(model="employment.jobseeker", object_id=str(rosa.pk), action="create").exists()


def test_a_person_not_enrolled_through_the_organization_gets_no_profile(world, jobs):
    # Enrolled in program alpha, but by organization B: organization A's service cannot take her.
    person = person_enrolled(world, world.org_b, world.program_a, "Elena")
    before = JobSeeker.objects.count()
    refused(services.seeker_create, "participant", user=world.superuser, data=seeker_data(world, person))
    # Enrolled, but she left the program.
    dropped = person_enrolled(world, world.org_a, world.program_a, "Dora")
    Enrollment.objects.filter(participant=dropped).update(status="dropped")
    refused(services.seeker_create, "participant", user=world.field_a, data=seeker_data(world, dropped))
    # Enrolled in program beta only.
    beta = person_enrolled(world, world.org_a, world.program_b, "Berta")
    refused(services.seeker_create, "participant", user=world.field_a, data=seeker_data(world, beta))
    assert JobSeeker.objects.count() == before


def test_a_person_of_another_organization_is_refused_as_unknown(world, jobs):
    person = person_enrolled(world, world.org_b, world.program_b, "Marta")
    error = refused(
        services.seeker_create,
        "participant",
        user=world.field_a,
        data=seeker_data(world, person, organization=world.org_a, program=world.program_a),
    )
    assert "Marta" not in error.message  # the refusal does not confirm who she is


def test_staff_of_another_organization_may_not_write_a_profile(world, jobs):
    person = person_enrolled(world, world.org_a, world.program_a, "Nora")
    for outsider in (world.field_b, world.admin_b, world.funder_a, world.auditor_a, world.nobody):
        with pytest.raises(PermissionDenied):
            services.seeker_create(user=outsider, data=seeker_data(world, person))
        with pytest.raises(PermissionDenied):
            services.seeker_update(user=outsider, seeker=jobs.rosa, data={"notes": "x"})


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"languages": ["qu", "fr"]}, "languages"),
        ({"languages": "qu"}, "languages"),
        ({"max_travel_km": -1}, "max_travel_km"),
        ({"max_travel_km": "2.5"}, "max_travel_km"),
        ({"education_level": "phd"}, "education_level"),
        ({"availability": "sometimes"}, "availability"),
        ({"cv": SimpleUploadedFile("cv.exe", b"MZ")}, "cv"),
    ],
)
def test_bad_profile_values_are_refused_and_nothing_saved(world, jobs, extra, field):
    person = person_enrolled(world, world.org_a, world.program_a, "Olga")
    before = JobSeeker.objects.count()
    refused(services.seeker_create, field, user=world.field_a, data=seeker_data(world, person, **extra))
    assert JobSeeker.objects.count() == before


def test_skills_and_districts_must_fit_the_program(world, jobs):
    person = person_enrolled(world, world.org_a, world.program_a, "Olga")
    beta_skill = services.skill_create(user=world.field_b, program=world.program_b, name="Riego")
    refused(services.seeker_create, "skills", user=world.field_a, data=seeker_data(world, person, skills=[beta_skill]))
    services.skill_deactivate(user=world.field_a, skill=jobs.cooking)
    refused(
        services.seeker_create, "skills", user=world.field_a, data=seeker_data(world, person, skills=[jobs.cooking])
    )
    province = Territory.objects.get(code="0812")
    refused(
        services.seeker_create,
        "preferred_districts",
        user=world.field_a,
        data=seeker_data(world, person, preferred_districts=[province]),
    )
    assert not JobSeeker.objects.filter(participant=person).exists()


def test_one_profile_per_person_and_program(world, jobs):
    error = refused(
        services.seeker_create, "participant", user=world.field_a, data=seeker_data(world, jobs.rosa.participant)
    )
    assert error.code == "conflict"


def test_seeker_update_keeps_placed_and_self_employed_for_their_own_services(world, jobs):
    refused(services.seeker_update, "status", user=world.field_a, seeker=jobs.rosa, data={"status": "placed"})
    districts = list(Territory.objects.filter(code__in=["081201", "081202"]))
    seeker = services.seeker_update(
        user=world.field_a,
        seeker=jobs.rosa,
        data={"status": "inactive", "share_contact": True, "preferred_districts": districts, "skills": []},
    )
    seeker.refresh_from_db()
    assert seeker.status == "inactive" and seeker.share_contact
    assert set(seeker.preferred_districts.values_list("code", flat=True)) == {"081201", "081202"}
    assert not seeker.skills.exists()
    event = AuditEvent.objects.filter(model="employment.jobseeker", action="update").latest("pk")
    assert set(event.changes) >= {"status", "share_contact", "preferred_districts", "skills"}


def test_work_experience_dates_are_checked(world, jobs):
    add = services.experience_add
    base = {"employer_name": "Municipalidad de Urcos", "role": "Auxiliar", "started_on": D(2022, 1, 3)}
    refused(add, "ended_on", user=world.field_a, seeker=jobs.rosa, data={**base, "ended_on": D(2021, 12, 31)})
    refused(add, "started_on", user=world.field_a, seeker=jobs.rosa, data={**base, "started_on": days_ago(-5)})
    refused(add, "role", user=world.field_a, seeker=jobs.rosa, data={**base, "role": ""})
    assert not WorkExperience.objects.exists()
    experience = add(user=world.field_a, seeker=jobs.rosa, data={**base, "ended_on": D(2022, 12, 30)})
    with pytest.raises(PermissionDenied):
        services.experience_remove(user=world.field_b, experience=experience)
    services.experience_remove(user=world.field_a, experience=experience)
    assert not WorkExperience.objects.exists()


# Employers -----------------------------------------------------------------------------------------------------


def test_employer_ruc_and_district_are_checked(world, jobs):
    create = services.employer_create
    refused(create, "ruc", user=world.field_a, data=employer_data(world, ruc="20512333798"))
    refused(
        create, "district", user=world.field_a, data=employer_data(world, district=Territory.objects.get(code="08"))
    )
    refused(create, "name", user=world.field_a, data=employer_data(world, name=" "))
    # Organization B takes no part in program alpha.
    refused(create, "organization", user=world.superuser, data=employer_data(world, organization=world.org_b))
    assert list(jobs.rosa.program.employers.values_list("name", flat=True)) == ["Hostal Ausangate"]
    with pytest.raises(PermissionDenied):
        create(user=world.field_b, data=employer_data(world))


def test_a_contact_given_a_login_belongs_to_no_organization(world, jobs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login = services.contact_login_grant(
            user=world.field_a, contact=jobs.contact, username="lucia", site_url="https://minka.example"
        )
    jobs.contact.refresh_from_db()
    assert jobs.contact.user == login and login.email == "lucia@hostal.pe"
    assert not Membership.objects.filter(user=login).exists()
    assert not login.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lucia@hostal.pe"]
    refused(services.contact_login_grant, "username", user=world.field_a, contact=jobs.contact, username="lucia2")


def test_a_login_with_a_taken_username_or_email_is_refused(world, jobs):
    grant = services.contact_login_grant
    refused(grant, "username", user=world.field_a, contact=jobs.contact, username="field_a", password="x-long-pass-1")
    refused(grant, "username", user=world.field_a, contact=jobs.contact, username="", password="x-long-pass-1")
    world.nobody.email = "LUCIA@hostal.pe"
    world.nobody.save()
    refused(grant, "email", user=world.field_a, contact=jobs.contact, username="lucia")
    jobs.contact.refresh_from_db()
    assert jobs.contact.user is None and not type(world.nobody).objects.filter(username__in=["lucia", ""]).exists()


def test_a_login_needs_an_email_or_a_password(world, jobs):
    contact = services.contact_create(user=world.field_a, employer=jobs.employer, data={"name": "Pedro Huamán"})
    refused(services.contact_login_grant, "email", user=world.field_a, contact=contact, username="pedro")
    contact.refresh_from_db()
    assert contact.user is None
    login = services.contact_login_grant(
        user=world.field_a, contact=contact, username="pedro", password="x-long-pass-1"
    )
    assert login.check_password("x-long-pass-1")
    with pytest.raises(PermissionDenied):
        services.contact_update(user=world.field_b, contact=contact, data={"phone": "1"})


# Vacancies -----------------------------------------------------------------------------------------------------


def test_a_vacancy_closing_before_it_opens_is_refused(world, jobs):
    before = Vacancy.objects.count()
    error = refused(
        services.vacancy_create,
        "closes_on",
        user=world.field_a,
        data=vacancy_data(jobs.employer, opens_on=D(2026, 3, 10), closes_on=D(2026, 3, 9)),
    )
    assert "antes de abrir" in error.message
    refused(
        services.vacancy_update,
        "closes_on",
        user=world.field_a,
        vacancy=jobs.vacancy,
        data={"closes_on": days_ago(301)},
    )
    assert Vacancy.objects.count() == before
    jobs.vacancy.refresh_from_db()
    assert jobs.vacancy.closes_on is None


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"positions": 0}, "positions"),
        ({"positions": "2.5"}, "positions"),
        ({"wage": "-1"}, "wage"),
        ({"wage": "mil"}, "wage"),
        ({"wage": "NaN"}, "wage"),
        ({"wage": None}, "wage"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": 100}, "hours_per_week"),
        ({"contract_type": "forever"}, "contract_type"),
        ({"opens_on": None}, "opens_on"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_vacancy_values_are_refused_and_nothing_saved(world, jobs, extra, field):
    before = Vacancy.objects.count()
    refused(services.vacancy_create, field, user=world.field_a, data=vacancy_data(jobs.employer, **extra))
    assert Vacancy.objects.count() == before


def test_wage_is_a_decimal_rounded_half_up_to_the_cent(world, jobs):
    # Half-even would give 1130.00; the house rule is half up.
    vacancy = services.vacancy_create(user=world.field_a, data=vacancy_data(jobs.employer, wage="1130.005"))
    vacancy.refresh_from_db()
    assert vacancy.wage == Decimal("1130.01")
    assert services.money(0.1 + 0.2, "wage") == Decimal("0.30")
    assert services.money("1 130,5".replace(" ", ""), "wage") == Decimal("1130.50")
    assert vacancy.status == "draft" and vacancy.program == world.program_a
    assert vacancy.sector == "tourism"  # the employer's, when not given


def test_vacancy_skills_come_from_the_active_catalogue_and_are_required_or_desirable(world, jobs):
    beta_skill = services.skill_create(user=world.field_b, program=world.program_b, name="Riego")
    create = services.vacancy_create
    refused(
        create, "required_skills", user=world.field_a, data=vacancy_data(jobs.employer, required_skills=[beta_skill])
    )
    refused(
        create,
        "desirable_skills",
        user=world.field_a,
        data=vacancy_data(jobs.employer, required_skills=[jobs.cooking], desirable_skills=[jobs.cooking]),
    )
    refused(
        services.vacancy_update,
        "desirable_skills",
        user=world.field_a,
        vacancy=jobs.vacancy,
        data={"desirable_skills": [jobs.cooking]},
    )
    assert not jobs.vacancy.desirable_skills.exists()


def test_publish_close_and_cancel(world, jobs):
    vacancy = services.vacancy_create(user=world.field_a, data=vacancy_data(jobs.employer, closes_on=days_ago(1)))
    refused(services.vacancy_publish, "closes_on", user=world.field_a, vacancy=vacancy)  # its closing date passed
    refused(services.vacancy_close, user=world.field_a, vacancy=vacancy)  # a draft is not closed, it is cancelled
    services.vacancy_update(user=world.field_a, vacancy=vacancy, data={"closes_on": days_ago(-30)})
    assert services.vacancy_publish(user=world.field_a, vacancy=vacancy).status == "open"
    refused(services.vacancy_publish, user=world.field_a, vacancy=vacancy)
    # Closing on a day before it opened is refused; closing early brings the closing date forward.
    refused(services.vacancy_close, "closes_on", user=world.field_a, vacancy=vacancy, on_date=days_ago(301))
    refused(services.vacancy_close, "closes_on", user=world.field_a, vacancy=vacancy, on_date=days_ago(-1))
    closed = services.vacancy_close(user=world.field_a, vacancy=vacancy, on_date=days_ago(2))
    assert (closed.status, closed.closes_on) == ("closed", days_ago(2))
    refused(services.vacancy_update, user=world.field_a, vacancy=closed, data={"title": "Otra"})
    assert services.vacancy_cancel(user=world.field_a, vacancy=closed).status == "cancelled"
    with pytest.raises(PermissionDenied):
        services.vacancy_publish(user=world.field_b, vacancy=jobs.vacancy)


# Applications --------------------------------------------------------------------------------------------------


def test_shortlisting_keeps_the_score_and_explanation_as_they_stood(world, jobs):
    explanation = {"missing": ["Cocina"], "distance_km": 0}
    application = services.shortlist_add(
        user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.rosa, score=72, explanation=explanation
    )
    application.refresh_from_db()
    assert (application.state, application.score, application.explanation) == ("proposed", 72, explanation)
    assert application.proposed_on == days_ago(0)
    assert list(application.events.values_list("state", "on", "by")) == [("proposed", days_ago(0), world.field_a.pk)]
    error = refused(services.shortlist_add, "seeker", user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.rosa)
    assert error.code == "conflict"


def test_an_explanation_is_kept_as_plain_json(world, jobs):
    explanation = {"distance_km": Decimal("12.5"), "available_from": D(2026, 1, 5), "parts": [{"points": 30}]}
    application = services.shortlist_add(
        user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.rosa, score=50, explanation=explanation
    )
    application.refresh_from_db()
    assert application.explanation == {"distance_km": "12.5", "available_from": "2026-01-05", "parts": [{"points": 30}]}
    add = services.shortlist_add
    refused(
        add, "explanation", user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.juana, explanation={"x": object()}
    )
    refused(add, "explanation", user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.juana, explanation="bien")
    assert not Application.objects.filter(seeker=jobs.juana).exists()


def test_who_can_be_shortlisted(world, jobs):
    add = services.shortlist_add
    # A seeker of another program (and organization), even for a network admin.
    refused(add, "seeker", user=world.superuser, vacancy=jobs.vacancy, seeker=jobs.seeker_b)
    # Organization A's officer does not see organization B's seeker at all.
    refused(add, "seeker", user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.seeker_b)
    services.seeker_update(user=world.field_a, seeker=jobs.juana, data={"status": "inactive"})
    refused(add, "seeker", user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.juana)
    with pytest.raises(PermissionDenied):
        add(user=world.field_b, vacancy=jobs.vacancy, seeker=jobs.rosa)
    refused(add, "score", user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.rosa, score="alto")
    services.vacancy_close(user=world.field_a, vacancy=jobs.vacancy)
    refused(add, user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.rosa)
    assert not Application.objects.exists() and not ApplicationEvent.objects.exists()


def test_application_moves_only_along_the_allowed_steps_with_their_dates(world, jobs):
    application = services.shortlist_add(
        user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.rosa, on_date=days_ago(20)
    )
    move = services.application_move
    refused(move, "state", user=world.field_a, application=application, state="interviewed")  # not applied yet
    refused(move, "state", user=world.field_a, application=application, state="hired")  # a hire is a placement
    refused(move, "state", user=world.field_a, application=application, state="lost")
    refused(move, "on_date", user=world.field_a, application=application, state="applied", on_date=days_ago(21))
    refused(move, "on_date", user=world.field_a, application=application, state="applied", on_date=days_ago(-1))
    move(user=world.field_a, application=application, state="applied", on_date=days_ago(15))
    move(user=world.field_a, application=application, state="interviewed", on_date=days_ago(10), note="Bien")
    move(user=world.field_a, application=application, state="not_selected", on_date=days_ago(5))
    application.refresh_from_db()
    assert (application.applied_on, application.interviewed_on, application.decided_on) == (
        days_ago(15),
        days_ago(10),
        days_ago(5),
    )
    assert list(application.events.values_list("state", flat=True)) == [
        "proposed",
        "applied",
        "interviewed",
        "not_selected",
    ]
    # Not selected is final.
    refused(move, "state", user=world.field_a, application=application, state="applied")
    with pytest.raises(PermissionDenied):
        move(user=world.field_b, application=application, state="withdrew")
    assert application.events.count() == 4


# Placements ----------------------------------------------------------------------------------------------------


def applied(world, vacancy, seeker, *, days=200):
    application = services.shortlist_add(user=world.field_a, vacancy=vacancy, seeker=seeker, on_date=days_ago(days))
    return services.application_move(
        user=world.field_a, application=application, state="applied", on_date=days_ago(days - 1)
    )


def test_hire_records_the_placement_and_fills_the_vacancy_at_its_last_position(world, jobs):
    first = applied(world, jobs.vacancy, jobs.rosa)
    placement = services.placement_create(
        user=world.field_a, application=first, start_date=days_ago(190), wage="1200.50", on_date=days_ago(195)
    )
    placement.refresh_from_db()
    assert placement.wage == Decimal("1200.50")
    assert (placement.contract_type, placement.hours_per_week) == ("fixed_term", 48)  # the vacancy's
    first.refresh_from_db()
    jobs.rosa.refresh_from_db()
    jobs.vacancy.refresh_from_db()
    assert (first.state, first.decided_on, jobs.rosa.status, jobs.vacancy.status) == (
        "hired",
        days_ago(195),
        "placed",
        "open",  # one of two positions taken
    )
    second = applied(world, jobs.vacancy, jobs.juana)
    services.placement_create(user=world.field_a, application=second, start_date=days_ago(190), wage=1100)
    jobs.vacancy.refresh_from_db()
    assert jobs.vacancy.status == "filled"
    refused(
        services.placement_create, "application", user=world.field_a, application=first, start_date=days_ago(1), wage=1
    )


def test_a_hire_closes_her_other_applications_as_withdrawn_with_the_reason(world, jobs):
    officer = world.field_a
    kitchen = services.vacancy_create(user=officer, data=vacancy_data(jobs.employer, title="Ayudante de cocina"))
    services.vacancy_publish(user=officer, vacancy=kitchen)
    waiting = services.shortlist_add(user=officer, vacancy=kitchen, seeker=jobs.rosa, on_date=days_ago(199))
    later = applied(world, jobs.vacancy, jobs.juana, days=120)
    services.application_move(user=officer, application=later, state="interviewed", on_date=days_ago(100))
    juana_elsewhere = applied(world, kitchen, jobs.juana)
    services.placement_create(
        user=officer, application=applied(world, jobs.vacancy, jobs.rosa), start_date=days_ago(190), wage=1200,
        on_date=days_ago(195),
    )  # fmt: skip
    waiting.refresh_from_db()
    assert (waiting.state, waiting.decided_on) == ("withdrew", days_ago(195))
    assert waiting.events.latest("pk").note == "Contratada/o en «Recepcionista»."
    # Juana's hire in the kitchen is dated before her interview for the other job: that one closes on its own date
    services.placement_create(
        user=officer, application=juana_elsewhere, start_date=days_ago(190), wage=1200, on_date=days_ago(195)
    )
    later.refresh_from_db()
    assert (later.state, later.decided_on) == ("withdrew", days_ago(100))
    assert Application.objects.filter(state="hired").count() == 2


def test_starting_her_own_business_closes_her_applications_in_process(world, jobs):
    waiting = applied(world, jobs.vacancy, jobs.juana)
    services.self_employment_create(user=world.field_a, seeker=jobs.juana, data={"started_on": days_ago(9)})
    waiting.refresh_from_db()
    assert (waiting.state, waiting.decided_on) == ("withdrew", days_ago(9))
    assert waiting.events.latest("pk").note == "Empezó su propio negocio."


def test_hiring_more_people_than_positions_is_refused(world, jobs):
    services.vacancy_update(user=world.field_a, vacancy=jobs.vacancy, data={"positions": 1})
    first, second = applied(world, jobs.vacancy, jobs.rosa), applied(world, jobs.vacancy, jobs.juana)
    services.placement_create(user=world.field_a, application=first, start_date=days_ago(100), wage="1130")
    error = refused(
        services.placement_create,
        "application",
        user=world.field_a,
        application=second,
        start_date=days_ago(100),
        wage=1,
    )
    assert error.code == "positions_filled"
    second.refresh_from_db()
    jobs.juana.refresh_from_db()
    assert (second.state, jobs.juana.status, Placement.objects.count()) == ("applied", "active", 1)
    # Reopened by hand (as an old import might leave it), it still has no free position.
    Vacancy.objects.filter(pk=jobs.vacancy.pk).update(status="open")
    refused(
        services.placement_create, "application", user=world.field_a, application=second, start_date=days_ago(9), wage=1
    )
    refused(services.vacancy_update, "positions", user=world.field_a, vacancy=jobs.vacancy, data={"positions": 0})


def test_a_placement_needs_a_hireable_application_of_that_vacancy(world, jobs):
    create = services.placement_create
    refused(create, "application", user=world.field_a, application=None, start_date=days_ago(1), wage="1000")
    proposed = services.shortlist_add(user=world.field_a, vacancy=jobs.vacancy, seeker=jobs.juana, on_date=days_ago(9))
    refused(create, "application", user=world.field_a, application=proposed, start_date=days_ago(1), wage="1000")
    other = services.vacancy_create(user=world.field_a, data=vacancy_data(jobs.employer, title="Cocinera"))
    services.vacancy_publish(user=world.field_a, vacancy=other)
    application = applied(world, jobs.vacancy, jobs.rosa, days=10)
    refused(
        create,
        "application",
        user=world.field_a,
        application=application,
        vacancy=other,
        start_date=days_ago(1),
        wage=1,
    )
    refused(create, "start_date", user=world.field_a, application=application, start_date=None, wage="1000")
    refused(create, "start_date", user=world.field_a, application=application, start_date=days_ago(30), wage="1000")
    refused(create, "wage", user=world.field_a, application=application, start_date=days_ago(1), wage="-5")
    refused(
        create,
        "hours_per_week",
        user=world.field_a,
        application=application,
        start_date=days_ago(1),
        wage=1,
        hours_per_week=0,
    )
    with pytest.raises(PermissionDenied):
        create(user=world.field_b, application=application, start_date=days_ago(1), wage="1000")
    application.refresh_from_db()
    assert application.state == "applied" and not Placement.objects.exists()
    assert application.events.count() == 2


def test_self_employment_marks_the_seeker_and_links_only_an_enterprise_of_the_program(world, jobs):
    beta_enterprise = Enterprise.objects.create(
        organization=world.org_b,
        program=world.program_b,
        kind="individual",
        name="Bodega Moche",
        sector="commerce",
        district_id="130101",
        started_on=D(2025, 1, 1),
    )
    create = services.self_employment_create
    refused(
        create,
        "enterprise",
        user=world.superuser,
        seeker=jobs.juana,
        data={"started_on": days_ago(9), "enterprise": beta_enterprise},
    )
    refused(create, "started_on", user=world.field_a, seeker=jobs.juana, data={"started_on": days_ago(-9)})
    refused(
        create,
        "monthly_income",
        user=world.field_a,
        seeker=jobs.juana,
        data={"started_on": days_ago(9), "monthly_income": "-1"},
    )
    assert not SelfEmployment.objects.exists()
    own = create(user=world.field_a, seeker=jobs.juana, data={"started_on": days_ago(9), "monthly_income": "850.555"})
    own.refresh_from_db()
    jobs.juana.refresh_from_db()
    assert (own.monthly_income, jobs.juana.status) == (Decimal("850.56"), "self_employed")


# Follow-ups ----------------------------------------------------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert services.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert services.add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert services.add_months(D(2025, 8, 15), 6) == D(2026, 2, 15)


def test_follow_ups_fall_due_at_3_and_6_months_and_are_recorded_once(world, jobs):
    application = applied(world, jobs.vacancy, jobs.rosa, days=400)
    start = days_ago(380)
    placement = services.placement_create(user=world.field_a, application=application, start_date=start, wage="1130")
    record = services.follow_up_record
    at_three = services.follow_up_due_on(start=start, month=3)
    common = {"user": world.field_a, "placement": placement, "still_working": True}
    refused(record, "done_on", **common, month=3, done_on=start - datetime.timedelta(days=1))  # before the start
    refused(record, "done_on", **common, month=3, done_on=at_three - datetime.timedelta(days=1))  # not due yet
    refused(record, "done_on", **common, month=3, done_on=days_ago(-1))  # the future
    refused(record, "month", **common, month=4, done_on=days_ago(1))
    refused(record, "wage", **common, month=3, done_on=at_three, wage="-1")
    assert not FollowUp.objects.exists()
    follow_up = record(**common, month=3, done_on=at_three, wage="1180.125")
    follow_up.refresh_from_db()
    assert follow_up.wage == Decimal("1180.13")
    error = refused(record, "month", **common, month=3, done_on=days_ago(1))
    assert error.code == "conflict"
    at_six = services.follow_up_due_on(start=start, month=6)
    refused(record, "done_on", **common, month=6, done_on=at_six - datetime.timedelta(days=1))
    record(**common, month=6, done_on=at_six, wage=None)
    assert list(placement.follow_ups.values_list("month", flat=True)) == [3, 6]
    with pytest.raises(PermissionDenied):
        record(user=world.field_b, placement=placement, month=6, done_on=days_ago(1), still_working=True)


def test_a_follow_up_belongs_to_exactly_one_job_or_self_employment(world, jobs):
    own = services.self_employment_create(user=world.field_a, seeker=jobs.juana, data={"started_on": days_ago(100)})
    with pytest.raises(ApplicationError):
        services.follow_up_record(user=world.field_a, month=3, done_on=days_ago(1), still_working=True)
    application = applied(world, jobs.vacancy, jobs.rosa, days=150)
    placement = services.placement_create(user=world.field_a, application=application, start_date=days_ago(140), wage=1)
    with pytest.raises(ApplicationError):
        services.follow_up_record(
            user=world.field_a,
            placement=placement,
            self_employment=own,
            month=3,
            done_on=days_ago(1),
            still_working=True,
        )
    follow_up = services.follow_up_record(
        user=world.field_a, self_employment=own, month=3, done_on=days_ago(1), still_working=False
    )
    assert (follow_up.self_employment, follow_up.placement, follow_up.still_working) == (own, None, False)
    refused(
        services.follow_up_record,
        "done_on",
        user=world.field_a,
        self_employment=own,
        month=6,
        done_on=days_ago(1),
        still_working=True,
    )


# Cross-organization writes -------------------------------------------------------------------------------------


def test_no_write_on_organization_a_s_service_from_b_a_funder_an_auditor_or_an_employer_login(world, jobs):
    application = applied(world, jobs.vacancy, jobs.rosa, days=100)
    placement = services.placement_create(user=world.field_a, application=application, start_date=days_ago(95), wage=1)
    own = services.self_employment_create(user=world.field_a, seeker=jobs.juana, data={"started_on": days_ago(100)})
    portal = services.contact_login_grant(
        user=world.field_a, contact=jobs.contact, username="lucia", password="p-12345678"
    )
    experience = services.experience_add(
        user=world.field_a, seeker=jobs.rosa, data={"employer_name": "X", "role": "Y", "started_on": D(2020, 1, 1)}
    )
    other = services.vacancy_create(user=world.field_a, data=vacancy_data(jobs.employer, title="Cocinera"))
    writes = {
        "skill_rename": lambda user: services.skill_rename(user=user, skill=jobs.cooking, name="Repostería"),
        "seeker_update": lambda user: services.seeker_update(user=user, seeker=jobs.rosa, data={"notes": "x"}),
        "experience_add": lambda user: services.experience_add(
            user=user, seeker=jobs.rosa, data={"employer_name": "X", "role": "Y", "started_on": D(2020, 1, 1)}
        ),
        "experience_remove": lambda user: services.experience_remove(user=user, experience=experience),
        "employer_update": lambda user: services.employer_update(
            user=user, employer=jobs.employer, data={"notes": "x"}
        ),
        "contact_create": lambda user: services.contact_create(user=user, employer=jobs.employer, data={"name": "Z"}),
        "vacancy_create": lambda user: services.vacancy_create(user=user, data=vacancy_data(jobs.employer)),
        "vacancy_update": lambda user: services.vacancy_update(user=user, vacancy=other, data={"title": "Z"}),
        "vacancy_cancel": lambda user: services.vacancy_cancel(user=user, vacancy=other),
        "shortlist_add": lambda user: services.shortlist_add(user=user, vacancy=jobs.vacancy, seeker=jobs.juana),
        "follow_up_record": lambda user: services.follow_up_record(
            user=user, placement=placement, month=3, done_on=days_ago(1), still_working=True
        ),
        "self_employment_create": lambda user: services.self_employment_create(
            user=user, seeker=jobs.rosa, data={"started_on": days_ago(1)}
        ),
        "self_employment_follow_up": lambda user: services.follow_up_record(
            user=user, self_employment=own, month=3, done_on=days_ago(1), still_working=True
        ),
    }
    audit_rows = AuditEvent.objects.count()
    for user in (
        world.field_b,
        world.admin_b,
        world.coordinator_b,
        world.funder_a,
        world.auditor_a,
        world.nobody,
        portal,
    ):
        for name, write in writes.items():
            with pytest.raises(PermissionDenied):
                write(user)
                pytest.fail(f"{user} could {name}")
    assert AuditEvent.objects.count() == audit_rows


@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=3, allow_nan=False, allow_infinity=False))
def test_money_rounds_half_up_to_the_cent(amount):
    # Worked by hand: the thousandths digit 5 or more raises the cent; below 5 it is dropped.
    cents, thousandths = divmod(int(amount * 1000), 10)
    expected = Decimal(cents + (1 if thousandths >= 5 else 0)) / 100
    assert services.money(str(amount), "wage") == expected
    assert services.money(amount, "wage") == expected
    with pytest.raises(ApplicationError):
        services.money(-amount - Decimal("0.001"), "wage")
