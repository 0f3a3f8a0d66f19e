"""Django's admin shows the network to a network admin, read-only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_pages_open_read_only(world, login):
    client = login(world.superuser)
    for url in (
        reverse("admin:network_organization_changelist"),
        reverse("admin:network_organization_change", args=[world.org_a.pk]),
        reverse("admin:network_site_changelist"),
        reverse("admin:network_site_change", args=[world.site_a.pk]),
        reverse("admin:network_territory_changelist"),
        reverse("admin:network_territory_change", args=["0812"]),
    ):
        assert client.get(url).status_code == 200, url
    assert 'name="name"' not in client.get(reverse("admin:network_territory_change", args=["0812"])).content.decode()
    assert (
        'name="name"'
        not in client.get(reverse("admin:network_organization_change", args=[world.org_a.pk])).content.decode()
    )
    for name in ("organization", "site", "territory"):
        assert client.get(reverse(f"admin:network_{name}_add")).status_code == 403
