"""The Django admin pages for accounts open for a network admin, and tokens cannot be made or read there."""

import pytest
from django.urls import reverse

from minka.accounts.models import Membership
from minka.accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def test_admin_pages_open(world, login):
    client = login(world.superuser)
    token, plaintext = api_token_create(user=world.admin_a, name="kobo")
    membership = Membership.objects.get(user=world.admin_a)
    for url in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[world.admin_a.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_membership_changelist"),
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        reverse("admin:accounts_programrole_changelist"),
        reverse("admin:accounts_apitoken_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("admin:accounts_user_change", args=[world.admin_a.pk])).content.decode()
    assert 'name="language"' in body
    body = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert plaintext not in body
    assert 'name="key_hash"' not in body  # shown, never editable
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_admin_is_closed_to_organization_admins(world, login):
    response = login(world.admin_a).get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
