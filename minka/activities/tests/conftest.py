import datetime

import pytest

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityType, Session
from minka.people.models import Enrollment, Participant


def person_create(organization, given_names, surname="Quispe", **extra):
    from minka.people.services import search_key

    person = Participant(
        given_names=given_names, paternal_surname=surname, sex="F", registered_by=organization, **extra
    )
    person.search_name = search_key(person.full_name)
    person.save()
    return person


def enroll(person, program, organization):
    return Enrollment.objects.create(
        participant=person, program=program, organization=organization, enrolled_on=datetime.date(2024, 2, 1)
    )


@pytest.fixture
def activity_a(world):
    """A four-session workshop of org A in program alpha, at the Urcos centre."""
    activity_types_ensure(world.program_a)
    activity = Activity.objects.create(
        program=world.program_a,
        project=world.project_a,
        organization=world.org_a,
        site=world.site_a,
        activity_type=ActivityType.objects.get(program=world.program_a, code="business-training"),
        title="Taller de costos",
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 3, 31),
        facilitators="Rosa Mamani",
    )
    for day in (4, 11, 18, 25):
        Session.objects.create(activity=activity, date=datetime.date(2024, 3, day), topic=f"Tema {day}")
    return activity


@pytest.fixture
def activity_b(world):
    activity_types_ensure(world.program_b)
    return Activity.objects.create(
        program=world.program_b,
        organization=world.org_b,
        site=world.site_b,
        activity_type=ActivityType.objects.get(program=world.program_b, code="event"),
        title="Feria de Trujillo",
        start_date=datetime.date(2024, 5, 1),
        end_date=datetime.date(2024, 5, 1),
    )


@pytest.fixture
def people_a(world):
    """Three women enrolled in program alpha through org A, and one registered by org A but not enrolled."""
    enrolled = [
        person_create(world.org_a, "Rosa", "Huamán"),
        person_create(world.org_a, "Juana", "Condori"),
        person_create(world.org_a, "Nélida", "Apaza"),
    ]
    for person in enrolled:
        enroll(person, world.program_a, world.org_a)
    walk_in = person_create(world.org_a, "Teodora", "Ccama", dni_last_digits="678")
    return {"enrolled": enrolled, "walk_in": walk_in}
