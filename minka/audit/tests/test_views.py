"""The audit trail page: who sees which events, old → new values, filters, pagination."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from minka.audit.models import AuditEvent
from minka.network import services as network_services
from minka.network.models import Site, Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes(world):
    """A change in organization A (its name) and one in organization B (a site), made through the services."""
    network_services.organization_update(
        user=world.admin_a,
        organization=world.org_a,
        data={"name": "Asociación Alfa Perú", "description": "Trabaja en Quispicanchi"},
    )
    network_services.site_update(user=world.admin_b, site=world.site_b, data={"address": "Jr. Pizarro 123"})
    return world


def test_auditor_of_a_sees_a_events_with_old_and_new_values(changes, login):
    body = login(changes.auditor_a).get(reverse("audit_list")).content.decode()
    assert "Asociación Alfa Perú" in body
    assert "admin_a" in body or "Admin_a" in body
    assert "modificó" in body
    assert "Nombre" in body  # the field's label, not its code name
    assert '<td class="old">Asociación Alfa</td>' in body
    assert '<td class="new">→ Asociación Alfa Perú</td>' in body
    assert "Jr. Pizarro 123" not in body


def test_admin_of_b_does_not_see_a_events(changes, login):
    body = login(changes.admin_b).get(reverse("audit_list")).content.decode()
    assert "Jr. Pizarro 123" in body
    assert "Asociación Alfa" not in body


def test_program_auditor_sees_events_of_their_program(world, login):
    AuditEvent.objects.create(
        actor=world.coordinator_a,
        action="update",
        model="programs.program",
        object_id=str(world.program_a.pk),
        object_repr="Programa Alfa",
        program=world.program_a,
        changes={"currency": ["PEN", "EUR"]},
    )
    body = login(world.program_auditor_a).get(reverse("audit_list")).content.decode()
    assert "Programa Alfa" in body and "Euros (€)" in body  # a choice shown by its label
    assert "Programa Alfa" not in login(world.admin_b).get(reverse("audit_list")).content.decode()


@pytest.mark.parametrize("who", ["field_a", "credit_a", "funder_a", "nobody"])
def test_users_without_audit_rights_get_404(changes, login, who):
    assert login(getattr(changes, who)).get(reverse("audit_list")).status_code == 404


def test_anonymous_is_sent_to_login(world, client):
    assert client.get(reverse("audit_list"))["Location"].startswith(reverse("login"))


def test_filters_by_model_actor_organization_and_dates(changes, login):
    client = login(changes.superuser)
    url = reverse("audit_list")
    body = client.get(url, {"model": "network.site"}).content.decode()
    assert "Jr. Pizarro 123" in body and "Asociación Alfa Perú" not in body
    body = client.get(url, {"actor": "admin_a"}).content.decode()
    assert "Asociación Alfa Perú" in body and "Jr. Pizarro 123" not in body
    body = client.get(url, {"organization": changes.org_b.pk}).content.decode()
    assert "Jr. Pizarro 123" in body and "Asociación Alfa Perú" not in body
    today = timezone.localdate()
    body = client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()}).content.decode()
    assert "Jr. Pizarro 123" in body and "Asociación Alfa Perú" in body
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    body = client.get(url, {"date_to": yesterday}).content.decode()
    assert "No hay cambios que coincidan." in body


def test_a_filter_cannot_widen_the_scope(changes, login):
    body = login(changes.admin_b).get(reverse("audit_list"), {"organization": changes.org_a.pk}).content.decode()
    assert "Asociación Alfa" not in body


def test_paginated_with_constant_queries(world, login):
    client = login(world.auditor_a)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit_list")).status_code == 200
        return len(queries)

    def make(number):
        for index in range(number):
            site = Site.objects.create(
                organization=world.org_a,
                name=f"Sede {AuditEvent.objects.count()}-{index}",
                kind="school",
                district_id="081201",
            )
            network_services.site_update(user=world.admin_a, site=site, data={"address": f"Calle {index}"})

    make(2)
    few = count()
    make(30)
    assert count() == few
    body = client.get(reverse("audit_list")).content.decode()
    assert "Página 1 de 2" in body
    assert body.count('class="card"') == 25


def test_every_network_change_through_the_services_is_audited(world):
    before = AuditEvent.objects.count()
    organization = network_services.organization_create(
        user=world.superuser, data={"slug": "delta", "name": "Delta", "kind": "ngo", "country": "PE"}
    )
    network_services.organization_update(user=world.superuser, organization=organization, data={"short_name": "D"})
    site = network_services.site_create(
        user=world.superuser,
        data={"organization": organization, "name": "Oficina", "kind": "office", "district": world.site_a.district},
    )
    network_services.site_update(user=world.superuser, site=site, data={"address": "Av. Sol 1"})
    events = AuditEvent.objects.order_by("id")[before:]
    assert [(event.model, event.action) for event in events] == [
        ("network.organization", "create"),
        ("network.organization", "update"),
        ("network.site", "create"),
        ("network.site", "update"),
    ]
    assert all(event.organization == organization for event in events)


def test_a_changed_district_is_named(world, login):
    andahuaylillas = Territory.objects.get(code="081202")
    network_services.site_update(user=world.admin_a, site=world.site_a, data={"district": andahuaylillas})
    body = login(world.auditor_a).get(reverse("audit_list")).content.decode()
    assert "Urcos, Quispicanchi, Cusco (081201)" in body
    assert "→ Andahuaylillas, Quispicanchi, Cusco (081202)" in body
