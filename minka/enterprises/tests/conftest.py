import datetime
from decimal import Decimal

import pytest

from minka.enterprises.models import Enterprise, EnterpriseMember, EnterpriseRecord, StageChange
from minka.people.models import Enrollment, Participant


def person_create(organization, given_names="Rosa", paternal="Quispe", maternal="Huamán", **extra):
    from minka.people.services import search_key

    person = Participant(
        given_names=given_names,
        paternal_surname=paternal,
        maternal_surname=maternal,
        sex="F",
        birth_year=2000,
        registered_by=organization,
        district_id="081201",
        **extra,
    )
    person.search_name = search_key(person.full_name)
    person.save()
    return person


def enterprise_make(world, *, name="Tejidos Urcos", organization=None, program=None, stage="operating", **extra):
    """An enterprise written straight to the database (the services are tested on their own)."""
    enterprise = Enterprise.objects.create(
        organization=organization or world.org_a,
        program=program or world.program_a,
        kind=extra.pop("kind", "collective"),
        name=name,
        sector=extra.pop("sector", "textiles"),
        stage=stage,
        district_id=extra.pop("district_id", "081201"),
        started_on=extra.pop("started_on", datetime.date(2024, 1, 10)),
        **extra,
    )
    StageChange.objects.create(
        enterprise=enterprise, stage=stage, changed_on=enterprise.started_on, recorded_by=world.field_a
    )
    return enterprise


def record_make(world, enterprise, month, sales, costs, jobs=1):
    return EnterpriseRecord.objects.create(
        enterprise=enterprise,
        month=month,
        sales=Decimal(sales),
        costs=Decimal(costs),
        jobs=jobs,
        recorded_by=world.field_a,
    )


@pytest.fixture
def rosa(world):
    """A woman registered by organization A."""
    return person_create(world.org_a)


@pytest.fixture
def enterprise_a(world, rosa):
    """An operating enterprise of organization A with a member and two monthly records."""
    enterprise = enterprise_make(world)
    EnterpriseMember.objects.create(enterprise=enterprise, participant=rosa, role="owner")
    record_make(world, enterprise, datetime.date(2024, 3, 1), "500.00", "200.00")
    record_make(world, enterprise, datetime.date(2024, 8, 1), "800.00", "350.00")
    return enterprise


@pytest.fixture
def outsider_person(world):
    """A woman registered and enrolled by organization B only: org A's users cannot see her."""
    person = person_create(world.org_b, given_names="Elena", paternal="Tsamajain", maternal="")
    Enrollment.objects.create(
        participant=person, program=world.program_b, organization=world.org_b, enrolled_on=datetime.date(2024, 2, 1)
    )
    return person
