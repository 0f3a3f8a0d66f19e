"""Django's admin shows accounts to a network admin but changes nothing: changes go through Minka's
services, which check the rules and write the audit trail."""

import pytest
from django.urls import reverse

from minka.accounts.models import Membership
from minka.accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def test_admin_pages_open_read_only(world, login):
    client = login(world.superuser)
    token, plaintext = api_token_create(user=world.admin_a, name="kobo")
    membership = Membership.objects.get(user=world.admin_a)
    for url in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[world.admin_a.pk]),
        reverse("admin:accounts_membership_changelist"),
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        reverse("admin:accounts_programrole_changelist"),
        reverse("admin:accounts_apitoken_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("admin:accounts_user_change", args=[world.admin_a.pk])).content.decode()
    assert "admin_a" in body and 'name="username"' not in body
    body = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert plaintext not in body and token.key_hash not in body
    for url in (reverse("admin:accounts_apitoken_add"), reverse("admin:accounts_user_add")):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": world.admin_a.pk, "organization": world.org_b.pk, "role": "admin", "is_active": "on"},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.organization == world.org_a


def test_admin_is_closed_to_organization_admins(world, login):
    response = login(world.admin_a).get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
