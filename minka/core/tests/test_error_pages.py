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
    hidden = client.get(reverse("project_detail", args=["alpha", "alfa-quispicanchi"]))
    missing = client.get(reverse("project_detail", args=["alpha", "no-such-project"]))
    assert hidden.status_code == missing.status_code == 404
    # Byte for byte the same, but for the CSRF token, which is masked anew on every page.
    def unmasked(response):
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", response.content.decode())

    assert unmasked(hidden) == unmasked(missing)
    assert "No encontrado" in hidden.content.decode()
