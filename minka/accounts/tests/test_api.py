"""The user behind the request and their personal tokens, through the API."""

from functools import partial

import pytest

from minka.accounts.models import ApiToken
from minka.accounts.tokens import api_token_create
from minka.audit.models import AuditEvent
from minka.core.tests.test_api import Api, assert_error


@pytest.fixture
def api(client):
    return partial(Api, client)


def test_me_names_the_user_their_memberships_and_program_roles(world, api):
    body = api(world.admin_a).get("me").json()
    assert body["username"] == "admin_a"
    assert body["language"] == "es"
    assert body["is_network_admin"] is False
    assert body["memberships"] == [
        {
            "organization": "alpha-ngo",
            "organization_name": "Asociación Alfa",
            "role": "admin",
            "role_label": "Administración de la organización",
        }
    ]
    assert body["program_roles"] == []
    roles = api(world.program_auditor_a).get("me").json()["program_roles"]
    assert [(role["program"], role["role"]) for role in roles] == [("alpha", "auditor")]
    assert api(world.superuser).get("me").json()["is_network_admin"] is True


def test_me_needs_authentication(world, api):
    assert_error(api().get("me"), 401, "unauthenticated")


def test_tokens_are_listed_without_their_secret(world, api):
    client = api(world.field_a)  # makes one token
    api_token_create(user=world.field_b, name="someone else's")
    tokens = client.get("me/tokens").json()
    assert [token["name"] for token in tokens] == ["tests"]
    assert set(tokens[0]) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}
    assert tokens[0]["last_used_at"] is not None


def test_a_token_is_made_shown_once_and_works(world, api, client):
    response = api(world.field_a).post("me/tokens", {"name": "kobo sync"})
    assert response.status_code == 201, response.content
    plaintext = response.json()["token"]
    assert plaintext.startswith("mk_") and response.json()["prefix"] == plaintext[:10]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert me.status_code == 200 and me.json()["username"] == "field_a"
    assert "token" not in api(world.field_a).get("me/tokens").json()[0]


def test_a_token_needs_a_name(world, api):
    assert_error(api(world.field_a).post("me/tokens", {"name": "  "}), 400, "invalid", fields=["name"])
    assert_error(api(world.field_a).post("me/tokens", {}), 422, "invalid", fields=["name"])


def test_a_token_is_revoked_and_stops_working(world, client, api):
    token, plaintext = api_token_create(user=world.field_a, name="old script")
    assert api(world.field_a).delete(f"me/tokens/{token.pk}").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(model="accounts.apitoken", object_id=str(token.pk), action="update").exists()
    assert_error(client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}"), 401, "unauthenticated")


def test_someone_elses_token_answers_404(world, api):
    token, _plaintext = api_token_create(user=world.admin_b, name="b's")
    assert_error(api(world.admin_a).delete(f"me/tokens/{token.pk}"), 404, "not_found")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
