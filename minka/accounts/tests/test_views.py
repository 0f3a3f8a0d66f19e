"""User management, the profile with its language and API tokens, and scoping of both."""

import re

import pytest
from django.urls import reverse

from minka.accounts.models import ApiToken, Membership, User
from minka.accounts.tokens import api_token_authenticate, api_token_create
from minka.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


# User list ----------------------------------------------------------------------------------------------------


def test_org_admin_lists_only_their_organizations_users(world, login):
    body = login(world.admin_a).get(reverse("user_list")).content.decode()
    for username in ("admin_a", "field_a", "credit_a", "auditor_a", "coord_a"):
        assert username in body
    for username in ("admin_b", "field_b", "coord_b", "funder_a", "prog_auditor_a", "nobody"):
        assert username not in body
    assert "Promotor/a de campo" in body


def test_user_list_filters(world, login):
    client = login(world.admin_a)
    body = client.get(reverse("user_list"), {"role": "credit_officer"}).content.decode()
    assert "credit_a" in body and "field_a" not in body
    body = client.get(reverse("user_list"), {"q": "audit"}).content.decode()
    assert "auditor_a" in body and "credit_a" not in body


def test_user_list_has_constant_queries(world, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.admin_a)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("user_list"))
    for number in range(20):
        user = User.objects.create(username=f"extra{number:02d}")
        Membership.objects.create(user=user, organization=world.org_a, role="field_officer")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("user_list"))
    assert len(many) == len(few)


def test_superuser_lists_everyone_with_a_membership(world, login):
    body = login(world.superuser).get(reverse("user_list")).content.decode()
    assert "admin_a" in body and "admin_b" in body and "funder_a" in body


@pytest.mark.parametrize("who", ["field_a", "auditor_a", "funder_a", "coordinator_a", "nobody"])
def test_user_pages_are_missing_for_non_admins(world, login, who):
    client = login(getattr(world, who))
    assert client.get(reverse("user_list")).status_code == 404
    assert client.get(reverse("user_create")).status_code == 404
    assert client.get(reverse("user_detail", args=[world.field_a.pk])).status_code == 404
    assert reverse("user_list") not in client.get(reverse("profile")).content.decode()  # nor in the menu


# User creation ------------------------------------------------------------------------------------------------


def new_user_data(world, **overrides):
    data = {
        "username": "rosa",
        "first_name": "Rosa",
        "last_name": "Quispe",
        "email": "rosa@example.org",
        "organization": world.org_a.pk,
        "role": "field_officer",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_user_who_chooses_their_password_by_mail(
    world, login, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.admin_a).post(reverse("user_create"), new_user_data(world))
    rosa = User.objects.get(username="rosa")
    assert response["Location"] == reverse("user_detail", args=[rosa.pk])
    assert not rosa.has_usable_password()
    assert Membership.objects.get(user=rosa).role == "field_officer"
    assert Membership.objects.get(user=rosa).organization == world.org_a
    assert {event.model for event in AuditEvent.objects.filter(organization=world.org_a)} >= {
        "accounts.user",
        "accounts.membership",
    }
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["rosa@example.org"]
    assert "rosa" in mailoutbox[0].body

    client.logout()
    form_url = client.get(link_in(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "quispicanchi-2026", "new_password2": "quispicanchi-2026"})
    assert response["Location"] == reverse("password_reset_complete")
    assert client.login(username="rosa", password="quispicanchi-2026")


def test_new_user_detail_shows_the_role(world, login, django_capture_on_commit_callbacks):
    client = login(world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("user_create"), new_user_data(world), follow=True)
    body = response.content.decode()
    assert "Rosa Quispe" in body and "rosa@example.org" in body
    assert '<option value="field_officer" selected>' in body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "field_a"}, "Ya existe un usuario con este nombre."),
        ({"email": "field_a@example.org"}, "Ya existe un usuario con ese correo electrónico."),
        ({"email": ""}, "Este campo es obligatorio."),
        ({"role": "superhero"}, "Escoja una opción válida"),
        ({"username": "con espacios"}, "nombre de usuario válido"),
    ],
)
def test_user_create_errors_are_form_errors(world, login, mailoutbox, overrides, message):
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = login(world.admin_a).post(reverse("user_create"), new_user_data(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == users and AuditEvent.objects.count() == events
    assert not mailoutbox


def test_admin_cannot_create_a_user_in_another_organization(world, login, mailoutbox):
    client = login(world.admin_a)
    assert "Asociación Beta" not in client.get(reverse("user_create")).content.decode()
    response = client.post(reverse("user_create"), new_user_data(world, organization=world.org_b.pk))
    assert response.status_code == 200
    assert "Escoja una opción válida" in response.content.decode()
    assert not User.objects.filter(username="rosa").exists()


# Memberships --------------------------------------------------------------------------------------------------


def test_admin_changes_a_role_and_it_is_audited(world, login):
    client = login(world.admin_a)
    response = client.post(
        reverse("user_detail", args=[world.field_a.pk]), {"organization": world.org_a.pk, "role": "credit_officer"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.field_a, organization=world.org_a)
    assert membership.role == "credit_officer"
    event = AuditEvent.objects.get(model="accounts.membership", object_id=str(membership.pk))
    assert event.changes == {"role": ["field_officer", "credit_officer"]}
    assert event.actor == world.admin_a and event.organization == world.org_a


def test_admin_deactivates_and_revives_a_membership(world, login):
    client = login(world.admin_a)
    membership = Membership.objects.get(user=world.credit_a)
    url = reverse("user_detail", args=[world.credit_a.pk])
    client.post(url, {"action": "deactivate", "membership": membership.pk})
    membership.refresh_from_db()
    assert not membership.is_active
    # still listed, so the admin can give the role back
    assert "credit_a" in client.get(reverse("user_list")).content.decode()
    assert "Reactivar" in client.get(url).content.decode()
    client.post(url, {"organization": world.org_a.pk, "role": "credit_officer"})
    membership.refresh_from_db()
    assert membership.is_active
    changes = [event.changes for event in AuditEvent.objects.filter(model="accounts.membership").order_by("id")]
    assert changes == [{"is_active": [True, False]}, {"is_active": [False, True]}]


def test_admin_cannot_touch_users_of_another_organization(world, login):
    client = login(world.admin_a)
    url = reverse("user_detail", args=[world.field_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"organization": world.org_a.pk, "role": "admin"}).status_code == 404
    membership_b = Membership.objects.get(user=world.field_b)
    response = client.post(
        reverse("user_detail", args=[world.field_a.pk]), {"action": "deactivate", "membership": membership_b.pk}
    )
    assert response.status_code == 404
    membership_b.refresh_from_db()
    assert membership_b.is_active
    assert not Membership.objects.filter(user=world.field_b, organization=world.org_a).exists()


def test_admin_cannot_grant_a_role_in_another_organization(world, login):
    client = login(world.admin_a)
    response = client.post(
        reverse("user_detail", args=[world.field_a.pk]), {"organization": world.org_b.pk, "role": "admin"}
    )
    assert response.status_code == 200
    assert "Escoja una opción válida" in response.content.decode()
    assert not Membership.objects.filter(user=world.field_a, organization=world.org_b).exists()


def test_admin_cannot_remove_their_own_last_admin_membership(world, login):
    client = login(world.admin_a)
    url = reverse("user_detail", args=[world.admin_a.pk])
    response = client.post(url, {"organization": world.org_a.pk, "role": "field_officer"})
    assert "No puede quitarse su última membresía de administración" in response.content.decode()
    membership = Membership.objects.get(user=world.admin_a)
    response = client.post(url, {"action": "deactivate", "membership": membership.pk})
    assert "No puede quitarse su última membresía de administración" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active and membership.role == "admin"
    assert not AuditEvent.objects.filter(model="accounts.membership").exists()


def test_user_detail_shows_only_memberships_in_managed_organizations(world, login):
    Membership.objects.create(user=world.field_a, organization=world.org_b, role="auditor")
    body = login(world.admin_a).get(reverse("user_detail", args=[world.field_a.pk])).content.decode()
    assert "Alfa" in body
    assert "Beta" not in body


# Profile and tokens -------------------------------------------------------------------------------------------


def profile_data(user, **overrides):
    data = {
        "action": "profile",
        "first_name": user.first_name,
        "last_name": "Mamani",
        "email": user.email,
        "language": "es",
    }
    data.update(overrides)
    return data


def test_profile_language_persists_and_switches_the_pages(world, login):
    client = login(world.field_a)
    assert '<html lang="es">' in client.get(reverse("profile")).content.decode()
    response = client.post(reverse("profile"), profile_data(world.field_a, language="en"))
    assert response.status_code == 302
    world.field_a.refresh_from_db()
    assert world.field_a.language == "en"
    assert world.field_a.last_name == "Mamani"
    body = client.get(reverse("profile")).content.decode()
    assert '<html lang="en">' in body
    assert "selected>English</option>" in body or '<option value="en" selected>' in body
    event = AuditEvent.objects.get(model="accounts.user", object_id=str(world.field_a.pk))
    assert event.changes == {"last_name": ["", "Mamani"], "language": ["es", "en"]}


def test_profile_rejects_an_email_in_use(world, login):
    response = login(world.field_a).post(reverse("profile"), profile_data(world.field_a, email="ADMIN_A@example.org"))
    assert "Ya existe un usuario con ese correo electrónico." in response.content.decode()
    world.field_a.refresh_from_db()
    assert world.field_a.email == "field_a@example.org"


def test_token_is_shown_once_and_authenticates_until_revoked(world, login):
    client = login(world.field_a)
    response = client.post(reverse("profile"), {"action": "token_create", "name": "Kobo"})
    assert response.status_code == 302
    body = client.get(reverse("profile")).content.decode()
    plaintext = re.search(r'<p class="token" id="new-token">(mk_[^<]+)</p>', body).group(1)
    assert "no se volverá a mostrar" in body
    assert plaintext not in client.get(reverse("profile")).content.decode()  # once only
    assert api_token_authenticate(plaintext) == world.field_a
    token = ApiToken.objects.get(user=world.field_a)
    assert token.key_hash != plaintext and plaintext not in str(AuditEvent.objects.values_list("changes", flat=True))

    response = client.post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api_token_authenticate(plaintext) is None
    assert "revocado" in client.get(reverse("profile")).content.decode()
    assert AuditEvent.objects.filter(model="accounts.apitoken", action="update").exists()


def test_token_without_a_name_is_a_form_error(world, login):
    response = login(world.field_a).post(reverse("profile"), {"action": "token_create", "name": ""})
    assert response.status_code == 200
    assert "Este campo es obligatorio." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_someone_elses_token_cannot_be_revoked(world, login):
    token, plaintext = api_token_create(user=world.admin_a, name="token-de-admin")
    client = login(world.field_a)
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("token_revoke", args=[token.pk])).status_code == 405
    assert api_token_authenticate(plaintext) == world.admin_a
    assert "token-de-admin" not in client.get(reverse("profile")).content.decode()
