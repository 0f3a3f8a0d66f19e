"""The Django admin shows enterprises to network admins, read-only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_pages_open_read_only(world, login, enterprise_a):
    client = login(world.superuser)
    records = {
        "enterprise": enterprise_a.pk,
        "enterprisemember": enterprise_a.members.get().pk,
        "enterpriserecord": enterprise_a.records.first().pk,
    }
    for model, pk in records.items():
        changelist = reverse(f"admin:enterprises_{model}_changelist")
        assert client.get(changelist).status_code == 200, model
        assert client.get(changelist, {"q": "tejidos"}).status_code == 200, model
        page = client.get(reverse(f"admin:enterprises_{model}_change", args=[pk]))
        assert page.status_code == 200, model
        assert 'name="_save"' not in page.content.decode(), model
        assert client.get(reverse(f"admin:enterprises_{model}_add")).status_code == 403, model


def test_admin_is_closed_to_organization_users(world, login):
    response = login(world.admin_a).get(reverse("admin:enterprises_enterprise_changelist"))
    assert response.status_code == 302


def test_enterprise_page_shows_its_history_members_and_records(world, login, enterprise_a):
    page = login(world.superuser).get(reverse("admin:enterprises_enterprise_change", args=[enterprise_a.pk]))
    html = page.content.decode()
    assert "Tejidos Urcos" in html and "cambios de etapa" in html.lower() and "registros mensuales" in html.lower()
