"""The 403 and 404 pages speak the user's language and say what happened, inside Minka's layout."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_funder_who_tries_to_edit_a_project_is_told_why(world, login):
    response = login(world.funder_a).get(reverse("project_edit", args=["alpha", "alfa-quispicanchi"]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Sin permiso" in body and "No tiene permiso para modificar este proyecto." in body
    assert "Menú" in body  # the page keeps the navigation


def test_a_missing_or_hidden_record_gets_the_same_page(world, login):
    client = login(world.admin_b)
    hidden_url = reverse("project_detail", args=["alpha", "alfa-quispicanchi"])
    missing_url = reverse("project_detail", args=["alpha", "no-such-project"])
    hidden, missing = client.get(hidden_url), client.get(missing_url)
    assert hidden.status_code == missing.status_code == 404

    # The same page, but for the address itself and the CSRF token, which is masked anew on every page.
    def plain(response, url):
        body = response.content.decode().replace(url, "URL")
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", body)

    assert plain(hidden, hidden_url) == plain(missing, missing_url)
    assert "No encontrado" in hidden.content.decode()
