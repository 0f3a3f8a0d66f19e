"""In Chromium at phone width: a field officer records a month's sales and adds a member found by search."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from minka.enterprises.models import EnterpriseRecord
from minka.enterprises.tests.conftest import enterprise_make, person_create, record_make
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username):
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_record_a_month_and_add_a_member_on_a_phone(world, page):
    enterprise = enterprise_make(world)
    record_make(world, enterprise, datetime.date(2024, 3, 1), "500.00", "200.00")
    person_create(world.org_a, given_names="Ana", paternal="Ccori", maternal="Mamani")
    log_in(page, "field_a")

    page.goto(reverse("enterprise_list"))
    assert fits_the_phone(page)
    page.get_by_role("link", name="Tejidos Urcos").click()
    page.get_by_role("link", name="Registrar ventas del mes").click()
    assert fits_the_phone(page)
    page.fill("#id_month", "2024-08")
    page.fill("#id_sales", "800")
    page.fill("#id_costs", "350")
    page.fill("#id_jobs", "2")
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    assert page.locator(".income-change").inner_text().count("450,00") == 1
    assert "+50,00 %" in page.locator(".income-change").inner_text().replace("\xa0", " ")
    assert EnterpriseRecord.objects.get(month=datetime.date(2024, 8, 1)).sales == Decimal("800.00")
    assert fits_the_phone(page)

    page.get_by_role("link", name="Añadir integrante").click()
    page.fill("#person-q", "ccori")
    page.get_by_label("Ana Ccori Mamani").check()  # the result arrived by HTMX, without reloading the page
    page.select_option("#id_role", "partner")
    with page.expect_navigation():
        page.get_by_role("button", name="Añadir").click()
    assert page.get_by_role("link", name="Ana Ccori Mamani").count() == 1
    assert fits_the_phone(page)


def test_enterprise_forms_fit_a_phone(world, page):
    enterprise = enterprise_make(world)
    log_in(page, "coordinator_a")
    for url in (
        reverse("enterprise_create"),
        reverse("enterprise_edit", args=[enterprise.pk]),
        reverse("member_add", args=[enterprise.pk]),
        reverse("record_create", args=[enterprise.pk]),
    ):
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert fits_the_phone(page), url
