"""The API as a whole: authentication, the one error shape, languages, pagination, the OpenAPI document."""

import json
import re

import pytest
from django.test import Client

from minka.accounts.models import Membership
from minka.accounts.tokens import api_token_create, api_token_revoke
from minka.network.models import Organization

NOTHING = object()


class Api:
    """A JSON client calling the API as `user` with a personal token (or anonymously)."""

    def __init__(self, client, user=None, **headers):
        self.client = client
        self.headers = dict(headers)
        self.user = user
        if user is not None:
            _token, plaintext = api_token_create(user=user, name="tests")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {plaintext}"

    def request(self, method: str, path: str, body=NOTHING, *, raw: str | None = None, **headers):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs = {**self.headers, **headers}
        if raw is not None:
            kwargs.update(data=raw, content_type="application/json")
        elif body is not NOTHING:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path, **params):
        return self.client.get(f"/api/v1/{path}", params, **self.headers)

    def post(self, path, body=NOTHING, **kwargs):
        return self.request("post", path, body, **kwargs)

    def patch(self, path, body=NOTHING, **kwargs):
        return self.request("patch", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("delete", path, **kwargs)


def assert_error(response, status: int, code: str | None = None, fields=()):
    """The response is the API's error shape with this status (and code, and these fields named)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "code", "fields"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    if code is not None:
        assert body["code"] == code, body
    for field in fields:
        assert field in body["fields"], body
        assert all(isinstance(message, str) and message for message in body["fields"][field])
    return body


@pytest.fixture
def api(client):
    def make(user=None, **headers):
        return Api(client, user, **headers)

    return make


# --- Authentication ---------------------------------------------------------------------------------------------


def test_a_personal_token_authenticates(world, api):
    response = api(world.admin_a).get("me")
    assert response.status_code == 200
    assert response.json()["username"] == "admin_a"


def test_no_credentials_answer_401_in_the_error_shape(world, api):
    response = api().get("organizations")
    assert_error(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer mk_not-a-token", "Bearer ", "Bearer", "Token mk_abc", "Basic dXNlcjpwYXNz"])
def test_a_bad_token_answers_401(world, api, header):
    assert_error(api(HTTP_AUTHORIZATION=header).get("me"), 401, "unauthenticated")


def test_a_revoked_token_answers_401(world, client):
    token, plaintext = api_token_create(user=world.admin_a, name="script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    assert client.get("/api/v1/me", **headers).status_code == 200
    api_token_revoke(user=world.admin_a, token=token)
    assert_error(client.get("/api/v1/me", **headers), 401, "unauthenticated")


def test_the_token_of_a_deactivated_user_answers_401(world, client):
    _token, plaintext = api_token_create(user=world.admin_a, name="script")
    world.admin_a.is_active = False
    world.admin_a.save(update_fields=["is_active"])
    assert_error(client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}"), 401)


def test_a_bad_token_is_refused_even_beside_a_valid_session(world, login):
    client = login(world.admin_a)
    assert_error(client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer mk_wrong"), 401, "unauthenticated")


def test_the_browser_session_authenticates_reads(world, login):
    response = login(world.admin_a).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "admin_a"


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator_a)
    body = json.dumps({"slug": "delta", "name": "Delta", "kind": "ngo"})
    response = client.post("/api/v1/organizations", body, content_type="application/json")
    assert_error(response, 403, "csrf_failed")
    assert not Organization.objects.filter(slug="delta").exists()

    client.get("/api/v1/docs")  # the docs page sets the CSRF cookie, as it does in the browser
    csrf = client.cookies["csrftoken"].value
    response = client.post("/api/v1/organizations", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201, response.content
    assert Organization.objects.filter(slug="delta").exists()


def test_token_writes_need_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    _token, plaintext = api_token_create(user=world.coordinator_a, name="script")
    body = json.dumps({"slug": "delta", "name": "Delta", "kind": "ngo"})
    response = client.post(
        "/api/v1/organizations", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plaintext}"
    )
    assert response.status_code == 201, response.content


# --- Errors -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["{bad", "{'single': 'quotes'}", "", "\x00", "[1,"])
def test_malformed_json_answers_400(world, api, raw):
    response = api(world.coordinator_a).post("organizations", raw=raw or "{")
    assert_error(response, 400, "malformed")


def test_wrong_types_and_missing_fields_answer_422_naming_them(world, api):
    body = {"slug": 5, "name": ["x"], "is_active": "maybe", "kind": "bank", "district": {"code": "081201"}}
    response = api(world.coordinator_a).post("organizations", body)
    assert_error(response, 422, "invalid", fields=["slug", "name", "is_active", "kind", "district"])


def test_a_missing_field_is_named(world, api):
    body = assert_error(api(world.coordinator_a).post("organizations", {"slug": "x"}), 422, "invalid")
    assert set(body["fields"]) == {"name", "kind"}


def test_unknown_fields_are_refused(world, api):
    response = api(world.admin_a).patch(f"organizations/{world.org_a.slug}", {"nmae": "Typo"})
    assert_error(response, 422, "invalid", fields=["nmae"])


def test_a_body_that_is_not_an_object_answers_422(world, api):
    for body in ["garbage", [], 12, None]:
        response = api(world.coordinator_a).post("organizations", body)
        assert 400 <= response.status_code < 500
        assert_error(response, response.status_code)


def test_a_method_the_route_does_not_take_answers_405_json(world, api):
    response = api(world.admin_a).request("put", "organizations", {})
    body = assert_error(response, 405, "method_not_allowed")
    assert body["fields"] == {}
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_an_unknown_address_answers_404_json(world, api):
    assert_error(api(world.admin_a).get("no/such/route"), 404, "not_found")
    assert_error(api().request("post", "/api/v1/organizations/"), 404, "not_found")


def test_a_missing_record_answers_404_json(world, api):
    body = assert_error(api(world.admin_a).get("projects/987654"), 404, "not_found")
    assert body["message"] == "No encontrado."


def test_an_id_beyond_the_database_range_answers_422(world, api):
    assert_error(api(world.admin_a).get(f"projects/{2**70}"), 422, "invalid", fields=["project_id"])


def test_an_unexpected_error_answers_500_json_and_is_logged(world, api, monkeypatch, caplog):
    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("minka.network.selectors.organization_list", explode)
    response = api(world.admin_a).get("organizations")
    assert_error(response, 500, "server_error")
    assert "boom" not in response.content.decode()
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)


def test_a_permission_denied_answers_403(world, api):
    response = api(world.funder_a).patch(f"organizations/{world.funder_org.slug}", {"name": "Nuevo nombre"})
    assert_error(response, 403, "forbidden")


# --- Language ---------------------------------------------------------------------------------------------------


def test_the_accept_language_header_sets_the_language_of_a_token_client(world, api):
    response = api(world.admin_a, HTTP_ACCEPT_LANGUAGE="en").get("projects/987654")
    assert response["Content-Language"] == "en"
    assert api(world.admin_a).get("me")["Content-Language"] == "es"


def test_a_token_client_without_accept_language_gets_the_users_language(world, api):
    world.admin_a.language = "en"
    world.admin_a.save(update_fields=["language"])
    response = api(world.admin_a).get("programs/alpha")
    assert response["Content-Language"] == "en"
    assert response.json()["name"] == "Alpha Program"


def test_translated_names_follow_the_language(world, api):
    assert api(world.admin_a, HTTP_ACCEPT_LANGUAGE="en").get("programs/alpha").json()["name"] == "Alpha Program"
    assert api(world.admin_a, HTTP_ACCEPT_LANGUAGE="es").get("programs/alpha").json()["name"] == "Programa Alfa"


# --- Pagination -------------------------------------------------------------------------------------------------


def test_lists_are_paginated_with_count_and_items(world, api):
    client = api(world.superuser)
    total = client.get("organizations").json()["count"]
    assert total == Organization.objects.count() == 3
    page = client.get("organizations", limit=2, offset=0).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    rest = client.get("organizations", limit=2, offset=2).json()
    assert rest["count"] == 3 and len(rest["items"]) == 1
    seen = {item["slug"] for item in page["items"] + rest["items"]}
    assert seen == set(Organization.objects.values_list("slug", flat=True))
    assert client.get("organizations", offset=50).json() == {"items": [], "count": 3}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"limit": "x"}, {"offset": -1}, {"offset": 2**70}])
def test_bad_pagination_answers_422(world, api, params):
    assert_error(api(world.admin_a).get("organizations", **params), 422, "invalid", fields=list(params))


def test_an_unknown_choice_in_a_filter_answers_422(world, api):
    assert_error(api(world.admin_a).get("organizations", kind="bank"), 422, "invalid", fields=["kind"])


def test_the_list_of_organizations_costs_a_fixed_number_of_queries(world, api, django_assert_max_num_queries):
    client = api(world.superuser)
    for number in range(10):
        Organization.objects.create(slug=f"extra-{number}", name=f"Extra {number}", kind="ngo", district_id="081201")
    with django_assert_max_num_queries(8):
        assert client.get("organizations").json()["count"] == 13


# --- OpenAPI ----------------------------------------------------------------------------------------------------


@pytest.fixture
def openapi(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_openapi_document_describes_the_api(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["title"] == "Minka API"
    assert openapi["info"]["version"] == "1"
    schemes = openapi["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
    paths = openapi["paths"]
    for route in [
        "/api/v1/me",
        "/api/v1/organizations",
        "/api/v1/organizations/{slug}",
        "/api/v1/sites",
        "/api/v1/sites/{site_id}",
        "/api/v1/territories",
        "/api/v1/territories/{code}",
        "/api/v1/territories/{code}/boundary",
        "/api/v1/programs",
        "/api/v1/programs/{slug}",
        "/api/v1/programs/{slug}/phases",
        "/api/v1/projects",
        "/api/v1/programs/{slug}/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/projects/{project_id}/partners",
        "/api/v1/initiatives",
        "/api/v1/commitments",
        "/api/v1/commitments/{commitment_id}/disbursements",
    ]:
        assert route in paths, route


def test_every_operation_documents_its_answer_and_the_error_schema(openapi):
    operation_ids = set()
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["operationId"] not in operation_ids, where
            operation_ids.add(operation["operationId"])
            assert operation.get("tags"), where
            assert operation.get("security"), where
            responses = operation["responses"]
            ok = [code for code in responses if code.startswith("2")]
            assert len(ok) == 1, where
            for code in ("401", "422", "500"):
                assert responses[code]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }, where
            if method in {"post", "patch", "delete"}:
                assert "403" in responses and "400" in responses, where
            if "{" in path:
                assert "404" in responses, where
    error = openapi["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"message", "code", "fields"}


def test_money_is_documented_as_a_decimal_string(openapi):
    amount = openapi["components"]["schemas"]["CommitmentOut"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["format"] == "decimal"


def test_the_interactive_docs_load(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
    # Swagger UI comes from the installed package, never from a CDN.
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert assets and all(asset.startswith("/") for asset in assets), assets


def test_me_lists_memberships_and_program_roles(world, api):
    Membership.objects.create(user=world.coordinator_a, organization=world.funder_org, role="auditor", is_active=False)
    body = api(world.coordinator_a).get("me").json()
    assert body["is_network_admin"] is False
    assert [(m["organization"], m["role"]) for m in body["memberships"]] == [("alpha-ngo", "field_officer")]
    assert [(r["program"], r["role"]) for r in body["program_roles"]] == [("alpha", "coordinator")]
