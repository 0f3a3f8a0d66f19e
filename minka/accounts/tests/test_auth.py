"""Logging in and out, changing and recovering a password."""

import re

import pytest
from django.urls import reverse

from minka.accounts.models import User
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_spanish_and_links_to_password_reset(world, client):
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="es">' in body
    assert "Ingresar a Minka" in body and "Contraseña" in body
    assert reverse("password_reset") in body


def test_login_with_the_right_password(world, client):
    response = client.post(reverse("login"), {"username": "field_a", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_login_with_a_wrong_password_shows_an_error(world, client):
    response = client.post(reverse("login"), {"username": "field_a", "password": "wrong"})
    assert response.status_code == 200
    assert "El usuario o la contraseña no son correctos" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(world, login):
    client = login(world.field_a)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("profile"))["Location"].startswith(reverse("login"))


def test_password_change(world, login, client):
    client = login(world.field_a)
    assert "Contraseña antigua" in client.get(reverse("password_change")).content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "otra-clave-larga-2026",
            "new_password2": "otra-clave-larga-2026",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert "Contraseña cambiada" in client.get(response["Location"]).content.decode()
    client.logout()
    assert client.login(username="field_a", password="otra-clave-larga-2026")


def test_password_change_with_a_wrong_old_password(world, login):
    response = login(world.field_a).post(
        reverse("password_change"),
        {"old_password": "x", "new_password1": "otra-clave-2026", "new_password2": "otra-clave-2026"},
    )
    assert response.status_code == 200
    assert "Su contraseña antigua es incorrecta" in response.content.decode()


def test_password_reset_flow(world, client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "field_a@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert "Revise su correo" in client.get(response["Location"]).content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["field_a@example.org"]
    assert "Django" not in mailoutbox[0].subject
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    assert "Elegir contraseña" in response.content.decode()
    response = client.post(form_url, {"new_password1": "nueva-clave-2026!", "new_password2": "nueva-clave-2026!"})
    assert response["Location"] == reverse("password_reset_complete")
    assert "Ya puede ingresar" in client.get(response["Location"]).content.decode()
    assert client.login(username="field_a", password="nueva-clave-2026!")
    assert "El enlace no es válido" in client.get(link, follow=True).content.decode()  # used once


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(world, client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nadie@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert not mailoutbox


def test_invited_user_without_a_password_can_ask_for_a_new_link(world, client, mailoutbox):
    invited = User.objects.create(username="invitada", email="invitada@example.org")
    invited.set_unusable_password()
    invited.save()
    client.post(reverse("password_reset"), {"email": "invitada@example.org"})
    assert len(mailoutbox) == 1


def test_inactive_user_gets_no_reset_mail(world, client, mailoutbox):
    User.objects.filter(username="field_a").update(is_active=False)
    client.post(reverse("password_reset"), {"email": "field_a@example.org"})
    assert not mailoutbox
