"""In Chromium at phone width: the district picker suggests districts as one types, and the form saves."""

import pytest
from django.urls import reverse

from minka.network.models import Site
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username):
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")


def test_site_form_district_picker_on_a_phone(world, page):
    log_in(page, "field_a")
    page.goto(reverse("site_create"))
    page.fill("#id_name", "CDE Andahuaylillas")
    page.select_option("#id_kind", "business_centre")
    page.locator("#id_district").press_sequentially("andah")
    chosen = "Andahuaylillas, Quispicanchi, Cusco (081202)"
    option = page.locator(f'#id_district-options option[value="{chosen}"]')
    option.wait_for(state="attached")
    assert option.text_content() == "Andahuaylillas, Quispicanchi, Cusco"
    page.fill("#id_district", chosen)  # what picking the option puts in the box: the name, not a bare code
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("#main form button[type=submit]")
    page.wait_for_url("**/sedes/*/")
    assert "Andahuaylillas, Quispicanchi, Cusco" in page.content()
    assert Site.objects.get(name="CDE Andahuaylillas").district_id == "081202"
