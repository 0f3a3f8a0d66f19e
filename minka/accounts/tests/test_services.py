"""The account services: rules an admin cannot break, and an audit event for every change."""

import pytest

from minka.accounts import services
from minka.accounts.models import Membership, User
from minka.audit.models import AuditEvent
from minka.core.errors import ApplicationError, PermissionDenied

pytestmark = pytest.mark.django_db


def test_user_create_audits_user_and_membership_without_the_password(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(
            by=world.admin_a,
            username="rosa",
            email="rosa@example.org",
            organization=world.org_a,
            role="admin",
            first_name="Rosa",
            site_url="https://minka.example.org/",
        )
    events = AuditEvent.objects.filter(actor=world.admin_a, organization=world.org_a)
    assert sorted(events.values_list("model", flat=True)) == ["accounts.membership", "accounts.user"]
    user_event = events.get(model="accounts.user")
    assert user_event.changes["username"] == [None, "rosa"]
    assert "password" not in user_event.changes
    assert "https://minka.example.org/clave/nueva/" in mailoutbox[0].body
    assert user.language == "es"


def test_user_create_sends_no_mail_when_the_transaction_fails(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ApplicationError):
        services.user_create(
            by=world.admin_a,
            username="field_a",
            email="otro@example.org",
            organization=world.org_a,
            role="admin",
            site_url="http://x/",
        )
    assert not mailoutbox


def test_user_create_in_an_unmanaged_organization_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.user_create(
            by=world.admin_a,
            username="rosa",
            email="rosa@example.org",
            organization=world.org_b,
            role="admin",
            site_url="http://x/",
        )
    with pytest.raises(PermissionDenied):
        services.user_create(
            by=world.field_a,
            username="rosa",
            email="rosa@example.org",
            organization=world.org_a,
            role="admin",
            site_url="http://x/",
        )
    assert not User.objects.filter(username="rosa").exists()


def test_membership_set_in_an_unmanaged_organization_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.membership_set(by=world.admin_a, user=world.field_a, organization=world.org_b, role="admin")
    with pytest.raises(PermissionDenied):
        services.membership_deactivate(by=world.admin_a, membership=Membership.objects.get(user=world.field_b))
    assert not AuditEvent.objects.exists()


def test_membership_set_adds_a_membership(world):
    membership = services.membership_set(
        by=world.superuser, user=world.field_a, organization=world.org_b, role="auditor"
    )
    assert membership.is_active and membership.role == "auditor"
    event = AuditEvent.objects.get(model="accounts.membership", action="create")
    assert event.organization == world.org_b and event.changes["role"] == [None, "auditor"]


def test_membership_set_with_an_unknown_role(world):
    with pytest.raises(ApplicationError) as error:
        services.membership_set(by=world.admin_a, user=world.field_a, organization=world.org_a, role="boss")
    assert "role" in error.value.fields


def test_an_admin_with_another_admin_membership_may_step_down_in_one(world):
    Membership.objects.create(user=world.admin_a, organization=world.org_b, role="admin")
    membership = services.membership_set(by=world.admin_a, user=world.admin_a, organization=world.org_a, role="auditor")
    assert membership.role == "auditor"
    with pytest.raises(ApplicationError) as error:
        services.membership_deactivate(
            by=world.admin_a, membership=Membership.objects.get(user=world.admin_a, organization=world.org_b)
        )
    assert error.value.code == "last_admin"


def test_an_admin_may_remove_another_admin(world):
    other = User.objects.create(username="admin2_a")
    membership = Membership.objects.create(user=other, organization=world.org_a, role="admin")
    services.membership_deactivate(by=world.admin_a, membership=membership)
    membership.refresh_from_db()
    assert not membership.is_active


def test_profile_update_audits_the_change(world):
    services.profile_update(
        user=world.field_a, first_name=world.field_a.first_name, last_name="A", email="fa@example.org", language="en"
    )
    event = AuditEvent.objects.get(model="accounts.user")
    assert event.actor == world.field_a
    assert event.changes == {
        "last_name": ["", "A"],
        "email": ["field_a@example.org", "fa@example.org"],
        "language": ["es", "en"],
    }


def test_profile_update_rejects_an_unknown_language(world):
    with pytest.raises(ApplicationError) as error:
        services.profile_update(user=world.field_a, first_name="", last_name="", email="fa@example.org", language="xx")
    assert "language" in error.value.fields
    assert not AuditEvent.objects.exists()
