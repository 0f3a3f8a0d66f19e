"""The public results page: off is a 404 for everyone; on, the same figures as the funders' view, small cells
hidden, consented stories only, and no trace of a person's record; light and cacheable."""

import datetime
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation

from minka.programs.models import Disbursement
from minka.public.tests.conftest import DNI_PREFIX, MEN, WOMEN
from minka.public.views import public_funding, public_indicators
from minka.results.selectors import indicator_value

pytestmark = pytest.mark.django_db


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


def test_funding_committed_and_received_per_currency(world, client, public):
    Disbursement.objects.create(commitment=world.commitment_a, amount=Decimal("25000.00"),
                                disbursed_on=datetime.date(2024, 3, 1))  # fmt: skip
    [eur] = public_funding(world.program_a)
    assert (eur["currency"], eur["committed"], eur["disbursed"]) == ("EUR", Decimal("100000.00"), Decimal("25000.00"))
    html = client.get(url()).content.decode()
    with translation.override("es"):
        assert f"EUR {floatformat(Decimal('25000.00'), '2g')}" in html
    assert "CONV-ALFA-1" not in html  # sums, not the contracts
