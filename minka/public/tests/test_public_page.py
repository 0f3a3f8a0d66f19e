"""The public results page: off is a 404 for everyone; on, the same figures as the funders' view, small cells
hidden, consented stories only, and no trace of a person's record; light and cacheable."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from minka.people.identity import dni_hash, dni_last_digits
from minka.people.models import Enrollment, Participant
from minka.public.views import public_indicators
from minka.results import services as results_services
from minka.results.selectors import indicator_value
from minka.stories.models import Story, StoryVisibility
from minka.stories.tests.conftest import photo_upload

pytestmark = pytest.mark.django_db

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


def url(slug="alpha"):
    return reverse("public_results", args=[slug])


def test_switched_off_it_is_a_404_for_everyone(world, client, login, public):
    world.program_a.public_results = False
    world.program_a.save()
    assert client.get(url()).status_code == 404
    assert client.get(reverse("public_story_photo", args=["alpha", public["published"].pk])).status_code == 404
    assert login(world.coordinator_a).get(url()).status_code == 404
    assert client.get(url("no-such-program")).status_code == 404


def test_anyone_reads_it_without_login_and_caches_it(client, public):
    response = client.get(url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Accept-Language" in response["Vary"]
    assert not response.cookies, "a shared, cached page must set no cookie"
    assert len(response.content) < 50_000
    assert "<script" not in response.content.decode()


def test_the_figures_are_the_restricted_ones(client, public):
    indicator = public["indicator"]
    expected = indicator_value(indicator, restricted=True)
    assert expected.value == WOMEN + MEN
    [shown] = public_indicators(indicator.program)
    assert shown.value.value == expected.value
    html = client.get(url()).content.decode()
    row = html.split('id="indicator-P1"')[1].split("</tr>")[0]
    assert ">10<" in row


def test_a_cell_under_five_is_hidden_and_so_is_its_complement(client, public):
    split = indicator_value(public["indicator"], by="sex", restricted=True)
    assert [cell.suppressed for cell in split.cells] == [True, True]  # 3 women, and the 7 men that would give them
    html = client.get(url()).content.decode()
    table = html.split('id="split-P1-sex"')[1].split("</table>")[0]
    assert "&lt; 5" in table and "oculto" in table
    assert ">3<" not in table and ">7<" not in table


def test_no_personal_data(client, public):
    html = client.get(url()).content.decode()
    for participant in public["people"]:
        for trace in ("Quispetrullo", "Huamanchumo", participant.phone, participant.dni_hash, DNI_PREFIX):
            assert trace not in html
        if participant.given_names != "Zenobia0":  # the storyteller, named as she consented
            assert participant.given_names not in html
    assert "/personas/" not in html and "/programas/" not in html  # no way into the records


def test_only_consented_public_stories_with_their_photo(client, public):
    html = client.get(url()).content.decode()
    assert "Aprendí a tejer para vender" in html and "Zenobia0" in html
    assert "Testimonio sin consentimiento" not in html and "Eustaquio4" not in html
    photo = reverse("public_story_photo", args=["alpha", public["published"].pk])
    assert f'src="{photo}"' in html and 'loading="lazy"' in html
    response = client.get(photo)
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert client.get(reverse("public_story_photo", args=["alpha", public["unconsented"].pk])).status_code == 404


def test_withdrawn_consent_takes_the_story_off_the_page(world, client, public):
    from minka.stories.services import consent_withdraw

    consent_withdraw(user=world.field_a, story=public["published"])
    assert "Aprendí a tejer para vender" not in client.get(url()).content.decode()


def test_language_from_the_address_or_the_browser(client, public):
    english = client.get(url() + "?lang=en")
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()
    assert 'href="?lang=es"' in english.content.decode()
    browser = client.get(url(), headers={"accept-language": "en-GB,en;q=0.8"})
    assert browser["Content-Language"] == "en"
    spanish = client.get(url(), headers={"accept-language": "es-PE"})
    assert spanish["Content-Language"] == "es" and 'href="?lang=en"' in spanish.content.decode()


def test_a_program_without_indicators_or_stories_shows_an_honest_empty_page(world, client):
    world.program_b.public_results = True
    world.program_b.save()
    response = client.get(url("beta"))
    assert response.status_code == 200
    assert "aún no publica indicadores" in response.content.decode()


def test_the_target_and_progress_are_shown(client, public):
    value = indicator_value(public["indicator"], restricted=True)
    assert (value.target_value, value.progress) == (20, Decimal("50.0"))
    html = client.get(url()).content.decode()
    row = html.split('id="indicator-P1"')[1].split("</tr>")[0]
    assert ">20<" in row and "50,0 %" in row
