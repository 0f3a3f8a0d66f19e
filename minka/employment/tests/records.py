"""Employment records built through the services, for the data layer's tests (and anyone else's).

`JobService` is organization A's job service in program alpha, in Quispicanchi: two enrolled people with
profiles (Rosa, Juana), a carpentry skill catalogue, a hostel in Urcos with a contact, and an open vacancy with
two positions. Organization B has its own seeker and employer in program beta.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from minka.employment import services
from minka.employment.models import Employer, EmployerContact, JobSeeker, Skill, Vacancy
from minka.network.models import Territory
from minka.people.models import Enrollment, Participant
from minka.people.services import search_key


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def person_enrolled(world, organization, program, given_names, paternal="Quispe", **extra) -> Participant:
    person = Participant(
        given_names=given_names,
        paternal_surname=paternal,
        maternal_surname="Huamán",
        sex=extra.pop("sex", "F"),
        birth_date=extra.pop("birth_date", datetime.date(2001, 3, 14)),
        registered_by=organization,
        district_id=extra.pop("district_id", "081201"),
        **extra,
    )
    person.search_name = search_key(person.full_name)
    person.save()
    Enrollment.objects.create(participant=person, program=program, organization=organization, enrolled_on=days_ago(400))
    return person


def seeker_data(world, person, **extra) -> dict:
    return {
        "organization": world.org_a,
        "program": world.program_a,
        "participant": person,
        "education_level": "secondary",
        "availability": "full_time",
        "languages": ["qu", "es"],
        "max_travel_km": 25,
        **extra,
    }


def employer_data(world, **extra) -> dict:
    return {
        "organization": world.org_a,
        "program": world.program_a,
        "name": "Hostal Ausangate",
        "kind": "company",
        "ruc": "20512333797",
        "sector": "tourism",
        "district": Territory.objects.get(code="081201"),
        "address": "Jr. Cusco 123, Urcos",
        **extra,
    }


def vacancy_data(employer, **extra) -> dict:
    return {
        "employer": employer,
        "title": "Recepcionista",
        "wage": "1130",
        "contract_type": "fixed_term",
        "hours_per_week": 48,
        "positions": 2,
        "opens_on": days_ago(300),
        **extra,
    }


@dataclass
class JobService:
    carpentry: Skill
    cooking: Skill
    rosa: JobSeeker
    juana: JobSeeker
    employer: Employer
    contact: EmployerContact
    vacancy: Vacancy
    seeker_b: JobSeeker
    employer_b: Employer
    vacancy_b: Vacancy


def job_service_create(world) -> JobService:
    officer = world.field_a
    carpentry = services.skill_create(user=officer, program=world.program_a, name="Carpintería")
    cooking = services.skill_create(user=officer, program=world.program_a, name="Cocina")
    rosa = services.seeker_create(
        user=officer,
        data=seeker_data(
            world,
            person_enrolled(world, world.org_a, world.program_a, "Rosa", phone="984123456"),
            skills=[carpentry],
        ),
    )
    juana = services.seeker_create(
        user=officer,
        data=seeker_data(world, person_enrolled(world, world.org_a, world.program_a, "Juana", "Mamani")),
    )
    employer = services.employer_create(user=officer, data=employer_data(world))
    contact = services.contact_create(
        user=officer, employer=employer, data={"name": "Lucía Ccori", "position": "Gerente", "email": "lucia@hostal.pe"}
    )
    vacancy = services.vacancy_create(user=officer, data=vacancy_data(employer, required_skills=[cooking]))
    services.vacancy_publish(user=officer, vacancy=vacancy)
    vacancy.refresh_from_db()
    beta = world.field_b
    person_b = person_enrolled(world, world.org_b, world.program_b, "Carmen", "Trujillo", district_id="130101")
    seeker_b = services.seeker_create(
        user=beta,
        data={
            **seeker_data(world, person_b),
            "organization": world.org_b,
            "program": world.program_b,
            "share_contact": True,
        },
    )
    employer_b = services.employer_create(
        user=beta,
        data=employer_data(
            world,
            organization=world.org_b,
            program=world.program_b,
            name="Agroexportadora Moche",
            ruc="",
            district=Territory.objects.get(code="130101"),
        ),
    )
    vacancy_b = services.vacancy_create(
        user=beta, data=vacancy_data(employer_b, title="Operario", wage=Decimal("1200"))
    )
    services.vacancy_publish(user=beta, vacancy=vacancy_b)
    return JobService(carpentry, cooking, rosa, juana, employer, contact, vacancy, seeker_b, employer_b, vacancy_b)
