"""In Chromium at phone width, without logging in: the public page fits 360 px, its photo loads, and the language
link switches it to English. The screenshot is kept as a test artifact."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(os.environ.get("MINKA_TEST_ARTIFACTS", "var/test-artifacts"))


def test_the_public_page_on_a_phone(public, page):
    page.goto(reverse("public_results", args=["alpha"]))
    assert page.locator("h1").inner_text() == "Programa Alfa"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways on a phone"
    photo = page.locator("article.story img")
    photo.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('article.story img').naturalWidth > 0")
    assert photo.bounding_box()["width"] <= 360
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "public-results-360.png"), full_page=True)
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
