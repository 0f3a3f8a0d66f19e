"""The Django admin shows stories to network admins, read-only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_lists_and_shows_stories_read_only(world, login, stories):
    client = login(world.superuser)
    listing = client.get(reverse("admin:stories_story_changelist"))
    assert listing.status_code == 200 and "Historia publicada de Alfa" in listing.content.decode()
    change = reverse("admin:stories_story_change", args=[stories["published"].pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"title": "Cambiada"}).status_code == 403
    assert client.get(reverse("admin:stories_story_add")).status_code == 403
