"""The public page's world: program alpha with 3 women and 7 men enrolled (names, phones and DNIs that must never
show), an indicator counting them with a target, a consented public story and an unconsented one; page on."""

import datetime
from decimal import Decimal

import pytest

from minka.people.identity import dni_hash, dni_last_digits
from minka.people.models import Enrollment, Participant
from minka.results import services as results_services
from minka.stories.models import Story, StoryVisibility
from minka.stories.tests.conftest import photo_upload

CONSENT_DAY = datetime.date(2025, 3, 10)
ENROLLED_ON = datetime.date(2024, 5, 1)
WOMEN, MEN = 3, 7
DNI_PREFIX = "4099"


def person(world, n, sex):
    number = f"{DNI_PREFIX}{n:04d}"
    participant = Participant.objects.create(
        given_names=f"Zenobia{n}" if sex == "F" else f"Eustaquio{n}",
        paternal_surname="Quispetrullo",
        maternal_surname="Huamanchumo",
        search_name=f"persona {n}",
        sex=sex,
        birth_date=datetime.date(1990 + n, 3, 1),
        district_id="081201",
        phone=f"987 654 {n:03d}",
        dni_hash=dni_hash(number),
        dni_last_digits=dni_last_digits(number),
        registered_by=world.org_a,
    )
    Enrollment.objects.create(participant=participant, program=world.program_a, organization=world.org_a,
                              enrolled_on=ENROLLED_ON)  # fmt: skip
    return participant


@pytest.fixture
def public(world):
    """Program alpha with 3 women and 7 men enrolled, an indicator counting them split by sex with a target of 20,
    stories of each kind, and its public page switched on."""
    people = [person(world, n, "F") for n in range(WOMEN)] + [person(world, WOMEN + n, "M") for n in range(MEN)]
    result = results_services.result_save(
        user=world.coordinator_a, program=world.program_a, data={"code": "1", "level": "impact", "statement_es": "R"}
    )
    indicator = results_services.indicator_save(
        user=world.coordinator_a,
        program=world.program_a,
        data={
            "result": result,
            "code": "P1",
            "name_es": "Personas inscritas",
            "unit": "people",
            "source": "computed",
            "measure": "people_enrolled",
            "disaggregations": ["sex", "age_band"],
        },
    )
    results_services.target_save(user=world.coordinator_a, indicator=indicator, period="", value=Decimal(20))
    published = Story.objects.create(
        program=world.program_a,
        title="Aprendí a tejer para vender",
        text="Ahora vendo mis chompas en la feria.",
        storyteller="Zenobia0",  # her first name, as she consented
        photo=photo_upload(),
        photo_description="Sus chompas",
        consent_to_publish=True,
        consent_recorded_on=CONSENT_DAY,
        consent_recorded_by=world.coordinator_a,
        visibility=StoryVisibility.PUBLIC,
        person=people[0],
    )
    unconsented = Story.objects.create(
        program=world.program_a,
        title="Testimonio sin consentimiento",
        text="No debe salir.",
        storyteller="Eustaquio4",
        person=people[WOMEN + 1],
        photo=photo_upload(),
    )
    world.program_a.public_results = True
    world.program_a.save()
    return {"people": people, "indicator": indicator, "published": published, "unconsented": unconsented}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
