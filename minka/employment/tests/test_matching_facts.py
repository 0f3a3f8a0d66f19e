"""Matching facts read from the database: what each seeker and vacancy brings, readiness from job-search workshop
attendance, the caller's scope kept, and a fixed number of queries whatever the number of seekers.

Program alpha (organization Alfa), with INEI's coordinates on its districts; today is 2026-12-05:

    ana   F 2004-05-10 Urcos           skills Cocina, Atención al cliente; prefers Andahuaylillas; 30 km
    bea   F born 1990 (year only)     Andahuaylillas; skills Cocina; part time
    dario M 2003-03-03 Nieva           skills Cocina, Quechua hablado
    job-search workshop of alpha, 4 sessions in March 2026, 75 % to complete: ana 4 (completed), bea 2
    job-search workshop of beta, 2 sessions: ana 2 (not her program's: does not count)
    technical training of alpha, 3 sessions: dario 3 (not job search: does not count)
    eva in program beta (organization Beta) is a seeker there, never in alpha's ranking
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.employment.match_facts import (
    Readiness,
    readiness,
    readiness_of,
    seeker_facts,
    seekers_for_vacancy,
    vacancies_for_seeker,
    vacancy_facts,
)
from minka.employment.matching import MatchFilter
from minka.employment.models import Employer, JobSeeker, Skill, Vacancy
from minka.network.models import Territory
from minka.people.models import Participant

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 5)
COORDINATES = {
    "081201": ("-13.6877778", "-71.6252778"),
    "081202": ("-13.6733333", "-71.6777778"),
    "010401": ("-4.5922222", "-77.8644444"),
}


def person(world, name, sex, district, born=None, year=None):
    return Participant.objects.create(
        given_names=name,
        paternal_surname="Prueba",
        sex=sex,
        birth_date=born,
        birth_year=year or (born.year if born else None),
        district_id=district,
        registered_by=world.org_a,
        search_name=f"{name} prueba",
    )


def job_seeker(world, participant, *, skills=(), program=None, organization=None, **fields):
    seeker = JobSeeker.objects.create(
        organization=organization or world.org_a,
        program=program or world.program_a,
        participant=participant,
        education_level=fields.pop("education_level", "secondary"),
        availability=fields.pop("availability", "full_time"),
        **fields,
    )
    seeker.skills.set(skills)
    return seeker


def workshop(world, program, organization, code, sessions, attended):
    activity_types_ensure(program)
    activity = Activity.objects.create(
        program=program,
        organization=organization,
        activity_type=ActivityType.objects.get(program=program, code=code),
        title=code,
        start_date=D(2026, 3, 2),
        end_date=D(2026, 3, 30),
        completion_percent=Decimal(75),
    )
    held = [Session.objects.create(activity=activity, date=D(2026, 3, 2 + 7 * week)) for week in range(sessions)]
    Attendance.objects.bulk_create(
        Attendance(session=session, participant=participant, recorded_by=world.field_a)
        for participant, times in attended
        for session in held[:times]
    )
    return activity


@pytest.fixture
def service(world):
    for code, (latitude, longitude) in COORDINATES.items():
        Territory.objects.filter(code=code).update(latitude=Decimal(latitude), longitude=Decimal(longitude))
    w = world
    names = ("Cocina", "Atención al cliente", "Quechua hablado")
    cooking, service_skill, quechua = (Skill.objects.create(program=w.program_a, name=name) for name in names)
    people = {
        "ana": person(w, "ana", "F", "081201", born=D(2004, 5, 10)),
        "bea": person(w, "bea", "F", "081202", year=1990),
        "dario": person(w, "dario", "M", "010401", born=D(2003, 3, 3)),
        "eva": person(w, "eva", "F", "081201", born=D(2001, 1, 1)),
    }
    seekers = {
        "ana": job_seeker(w, people["ana"], skills=[cooking, service_skill], max_travel_km=30),
        "bea": job_seeker(w, people["bea"], skills=[cooking], availability="part_time"),
        "dario": job_seeker(w, people["dario"], skills=[cooking, quechua]),
        "eva": job_seeker(w, people["eva"], skills=[], program=w.program_b, organization=w.org_b),
    }
    seekers["ana"].preferred_districts.set(["081202"])
    workshop(w, w.program_a, w.org_a, "job-search-workshop", 4, [(people["ana"], 4), (people["bea"], 2)])
    workshop(w, w.program_b, w.org_b, "job-search-workshop", 2, [(people["ana"], 2), (people["eva"], 2)])
    workshop(w, w.program_a, w.org_a, "technical-training", 3, [(people["dario"], 3)])
    hostel = Employer.objects.create(
        organization=w.org_a, program=w.program_a, name="Hostal", kind="company", sector="tourism", district_id="081201"
    )
    waiter = vacancy(hostel, "Mozo", "081201", required=[cooking, service_skill], desirable=[quechua])
    return {"people": people, "seekers": seekers, "skills": (cooking, service_skill, quechua), "waiter": waiter,
            "hostel": hostel}  # fmt: skip


def vacancy(employer, title, district, *, required=(), desirable=(), status="open", program=None):
    made = Vacancy.objects.create(
        employer=employer,
        program=program or employer.program,
        title=title,
        sector="tourism",
        district_id=district,
        wage=Decimal("1200.00"),
        contract_type="fixed_term",
        availability="full_time",
        hours_per_week=48,
        positions=1,
        opens_on=D(2026, 11, 1),
        closes_on=D(2026, 12, 31),
        status=status,
    )
    made.required_skills.set(required)
    made.desirable_skills.set(desirable)
    return made


def alpha_seekers(world):
    return JobSeeker.objects.filter(organization=world.org_a)


def test_seeker_facts_carry_skills_place_age_and_preferences(world, service):
    facts = {f.id: f for f in seeker_facts(alpha_seekers(world), today=TODAY)}
    ana, bea = facts[service["seekers"]["ana"].pk], facts[service["seekers"]["bea"].pk]
    cooking, service_skill, _quechua = service["skills"]
    assert set(facts) == {service["seekers"][name].pk for name in ("ana", "bea", "dario")}  # not eva (Beta's)
    assert ana.skill_ids == {cooking.pk, service_skill.pk}
    assert ana.district.code == "081201" and ana.district.name == "Urcos"
    assert ana.district.latitude == pytest.approx(-13.6877778)
    assert ana.preferred_district_codes == {"081202"}
    assert (ana.max_travel_km, ana.sex, ana.age) == (30, "F", 22)
    assert bea.age == 36  # born in 1990, counted from 1 July
    assert bea.availability == "part_time"


def test_readiness_counts_the_job_search_workshops_of_her_program_only(world, service):
    seekers = service["seekers"]
    ready = readiness(JobSeeker.objects.all(), today=TODAY)
    assert ready[seekers["ana"].pk] == Readiness(4, 4, 1, 1)  # beta's workshop is not her alpha profile's
    assert ready[seekers["bea"].pk] == Readiness(2, 4, 1, 0)  # 2 of 4 is under 75 %
    assert seekers["dario"].pk not in ready  # technical training is not job search
    assert ready[seekers["eva"].pk] == Readiness(2, 2, 1, 1)  # her own program's workshop
    # Before the workshop ended, attending every session so far does not complete it.
    assert readiness_of(seekers["ana"], today=D(2026, 3, 29)) == Readiness(4, 4, 1, 0)
    assert readiness_of(seekers["dario"], today=TODAY) == Readiness()


def test_vacancy_facts_carry_skills_by_name_and_place(world, service):
    (facts,) = vacancy_facts(Vacancy.objects.filter(pk=service["waiter"].pk))
    assert [s.name for s in facts.required_skills] == ["Atención al cliente", "Cocina"]
    assert [s.name for s in facts.desirable_skills] == ["Quechua hablado"]
    assert facts.district.code == "081201" and facts.district.longitude == pytest.approx(-71.6252778)
    assert (facts.hours_per_week, facts.contract_type, facts.closes_on) == (48, "fixed_term", D(2026, 12, 31))


def test_seekers_for_a_vacancy_ranked_and_explained(world, service):
    seekers = service["seekers"]
    matches = seekers_for_vacancy(vacancy=service["waiter"], seekers=JobSeeker.objects.all(), today=TODAY)
    # ana has it all, 0 km, completed the workshop: 45 + 0 + 15 + 10 + 10 + 0 (Urcos is not her preferred) + 5 = 85.
    # dario: Cocina 22.5, Quechua 10, Nieva ~1,100 km away 0, full time 10, no workshop 0, no preferences 2.5,
    # secondary 5 = 50. bea: Cocina 22.5, Andahuaylillas ~6 km 13.7, part time for 48 hours 1.5, 2 of 4 sessions
    # 3.5, 2.5, 5 = 48.7.
    assert [(m.seeker.id, m.score) for m in matches] == [
        (seekers["ana"].pk, 85),
        (seekers["dario"].pk, 50),
        (seekers["bea"].pk, 49),
    ]
    assert matches[0].missing_skills == []
    assert matches[1].missing_skills == matches[2].missing_skills == ["Atención al cliente"]
    assert "más allá de los 20 km" in matches[1].sentences[2]
    young_women = MatchFilter(sex="F", age_min=15, age_max=29)
    found = seekers_for_vacancy(vacancy=service["waiter"], seekers=JobSeeker.objects.all(), filters=young_women,
                                today=TODAY)  # fmt: skip
    assert [m.seeker.id for m in found] == [seekers["ana"].pk]
    seekers["bea"].status = "inactive"
    seekers["bea"].save()
    active = seekers_for_vacancy(vacancy=service["waiter"], seekers=JobSeeker.objects.all(), today=TODAY)
    assert seekers["bea"].pk not in [m.seeker.id for m in active]


def test_vacancies_for_a_seeker_are_the_open_ones_of_her_program(world, service):
    cooking = service["skills"][0]
    in_nieva = vacancy(service["hostel"], "Cocinero", "010401", required=[cooking])
    vacancy(service["hostel"], "Borrador", "081201", required=[cooking], status="draft")
    beta_employer = Employer.objects.create(
        organization=world.org_b, program=world.program_b, name="Beta", kind="company", sector="tourism",
        district_id="081201",
    )  # fmt: skip
    vacancy(beta_employer, "De Beta", "081201")
    ranked = vacancies_for_seeker(seeker=service["seekers"]["dario"], vacancies=Vacancy.objects.all(), today=TODAY)
    assert [m.vacancy.id for m in ranked] == [in_nieva.pk, service["waiter"].pk]
    only_cusco = MatchFilter(territory="08")
    found = vacancies_for_seeker(seeker=service["seekers"]["dario"], vacancies=Vacancy.objects.all(),
                                 filters=only_cusco, today=TODAY)  # fmt: skip
    assert [m.vacancy.id for m in found] == [service["waiter"].pk]


def test_loading_facts_takes_the_same_few_queries_for_3_or_23_seekers(world, service, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as few:
        seeker_facts(alpha_seekers(world), today=TODAY)
    cooking = service["skills"][0]
    for number in range(20):
        extra = job_seeker(world, person(world, f"p{number}", "F", "081202", year=2000), skills=[cooking])
        extra.preferred_districts.set(["081201"])
        Attendance.objects.create(
            session=Session.objects.filter(activity__title="job-search-workshop", activity__program=world.program_a)
            .first(),
            participant=extra.participant,
            recorded_by=world.field_a,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        facts = seeker_facts(alpha_seekers(world), today=TODAY)
    assert len(facts) == 23
    assert len(many) == len(few) <= 5
    with django_assert_max_num_queries(3):
        vacancy_facts(Vacancy.objects.all())
    with django_assert_max_num_queries(8):
        seekers_for_vacancy(vacancy=service["waiter"], seekers=JobSeeker.objects.all(), today=TODAY)
