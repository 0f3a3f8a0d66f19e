"""The audit trail in the Django admin: readable, never writable."""

import pytest
from django.urls import reverse

from minka.audit.models import AuditEvent
from minka.network import services as network_services

pytestmark = pytest.mark.django_db


def test_audit_events_are_read_only_in_the_admin(world, login):
    network_services.site_update(user=world.admin_a, site=world.site_a, data={"address": "Calle 1"})
    event = AuditEvent.objects.get()
    client = login(world.superuser)
    assert "CDE Urcos" in client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    body = client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()
    assert "Calle 1" in body and 'name="object_repr"' not in body
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
