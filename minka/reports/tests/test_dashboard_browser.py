"""In Chromium, on a phone and on a desktop: choosing a territory reloads only the dashboard's body, and its
numbers, a chart and the map change with it. Screenshots before and after are kept as test artifacts
(in $MINKA_TEST_ARTIFACTS, else var/test-artifacts/)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from minka.reports.tests.dashboard_data import dashboard_network
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(os.environ.get("MINKA_TEST_ARTIFACTS", "var/test-artifacts"))


def log_in(page, username):
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#main form button[type=submit]")


PLACES = "shapes => shapes.map(s => [s.getAttribute('data-code'), s.getAttribute('data-class')])"


def seen(page) -> dict:
    """What the reader sees of the main indicator: its value, the bars of its split by sex, the map's places."""
    return {
        "value": page.locator("#headline-P1 dd.value").inner_text(),
        "bars": page.eval_on_selector_all(
            "#split-sex svg rect[data-value]", "rects => rects.map(r => r.getAttribute('data-value'))"
        ),
        "places": page.eval_on_selector_all("#map svg [data-code]", PLACES),
        "map_title": page.locator("#map figcaption").inner_text(),
    }


@pytest.mark.parametrize("width", [360, 1280])
def test_choosing_a_territory_changes_numbers_chart_and_map(world, page, width):
    dashboard_network(world)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "coord_a")
    page.goto(reverse("program_dashboard", args=["alpha"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the dashboard scrolls sideways"
    before = seen(page)
    assert before["value"] == "10"
    assert sorted(before["bars"], key=int) == ["2", "8"]
    assert ["0812", "4"] in before["places"] and ["0801", ""] in before["places"]
    assert "provincia" in before["map_title"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}-all.png"), full_page=True)

    page.evaluate("document.querySelector('h1').dataset.marker = 'kept'")  # gone if the whole page reloads
    page.select_option("#id_territory", "081201")
    page.wait_for_url("**territory=081201**")
    page.wait_for_function("document.querySelector('#headline-P1 dd.value').innerText.trim() === '7'")
    after = seen(page)
    assert after["value"] == "7"
    assert sorted(after["bars"], key=int) == ["2", "5"]
    assert after["places"] == [["081201", "4"]]  # Urcos by district, zoomed to it
    assert "distrito" in after["map_title"]
    assert page.evaluate("document.querySelector('h1').dataset.marker") == "kept"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}-urcos.png"), full_page=True)
