"""People, consents and enrollments through the API: the DNI never comes back, sensitive data needs written consent,
funders and other organizations see no one, and every write goes through the registry's services."""

import datetime
from functools import partial

import pytest

from minka.audit.models import AuditEvent
from minka.core.tests.test_api import Api, assert_error
from minka.people.models import Consent, Enrollment, Participant
from minka.people.tests.conftest import VALID_DNI, register, written_consent


@pytest.fixture
def api(client):
    return partial(Api, client)


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


CONSENT = {
    "purpose": "Participación en el programa",
    "text_version": "v1",
    "method": "signed_paper",
    "covers_sensitive_data": True,
    "given_on": "2024-02-01",
}


def person_body(**extra):
    return {
        "organization": "alpha-ngo",
        "given_names": "María",
        "paternal_surname": "Quispe",
        "maternal_surname": "Huamán",
        "sex": "F",
        "birth_year": 2001,
        "district": "081201",
        **extra,
    }


@pytest.fixture
def maria(world):
    """Registered and enrolled in program alpha by org A, with her DNI and a written consent covering her ethnic
    group."""
    return register(
        world,
        dni=VALID_DNI,
        consent=written_consent(),
        program=world.program_a,
        ethnic_group="Quechua",
        mother_tongue="quz",
    )


@pytest.fixture
def elena(world):
    """Registered and enrolled by org B only."""
    return register(
        world,
        user=world.field_b,
        organization=world.org_b,
        program=world.program_b,
        given_names="Elena",
        paternal_surname="Tsamajain",
        maternal_surname="",
        district_id="010401",
    )


# --- Registering ------------------------------------------------------------------------------------------------


def test_a_field_officer_registers_a_person_with_consent_and_enrollment(world, api):
    body = person_body(dni=VALID_DNI, ethnic_group="Quechua", consent=CONSENT, program="alpha")
    response = api(world.field_a).post("people", body)
    assert response.status_code == 201, response.content
    person = response.json()
    assert person["dni_last_digits"] == "567"
    assert person["ethnic_group"] == "Quechua"
    assert person["registered_by"]["slug"] == "alpha-ngo"
    assert person["district"]["code"] == "081201"
    assert [e["program"] for e in person["enrollments"]] == ["alpha"]
    assert [c["method"] for c in person["consents"]] == ["signed_paper"]
    assert "dni" not in person and "dni_hash" not in person
    saved = Participant.objects.get(pk=person["id"])
    assert saved.dni_hash and VALID_DNI not in saved.dni_hash
    assert AuditEvent.objects.filter(model="people.participant", object_id=str(saved.pk), action="create").exists()


def test_the_dni_posted_never_appears_in_any_response(world, api, maria):
    client = api(world.field_a)
    digits = VALID_DNI.encode()
    created = client.post("people", person_body(given_names="Juana", dni="12345678", birth_year=1990))
    assert created.status_code == 201, created.content
    new_id = created.json()["id"]
    responses = [
        created,
        client.get("people"),
        client.get(f"people/{maria.pk}"),
        client.get("enrollments"),
        client.post("people/search", {"q": VALID_DNI}),
        client.post("people/search", {"q": f"{VALID_DNI}-9"}),
        client.patch(f"people/{maria.pk}", {"dni": VALID_DNI, "phone": "987654321"}),
        client.get(f"people/{maria.pk}/export"),
        # Registering her again: refused without echoing the DNI.
        client.post("people", person_body(given_names="Otra", dni=VALID_DNI, birth_year=1980)),
        client.patch(f"people/{new_id}", {"dni": VALID_DNI}),
    ]
    for response in responses:
        assert response.status_code < 500, response.content
        assert digits not in response.content, response.content
        assert b"12345678" not in response.content
    assert responses[4].json()["count"] == 1  # found by her DNI
    assert responses[4].json()["items"][0]["id"] == maria.pk
    assert_error(responses[8], 409, "duplicate_dni", fields=["dni"])
    assert_error(responses[9], 409, "duplicate_dni", fields=["dni"])


@pytest.mark.parametrize("dni", ["4123456", "4123456A", "412345678", "41234567-1"])
def test_a_bad_dni_is_refused_naming_dni_and_nothing_is_saved(world, api, dni):
    before = Participant.objects.count()
    response = api(world.field_a).post("people", person_body(dni=dni))
    assert_error(response, 400, fields=["dni"])
    assert dni.encode() not in response.content
    assert Participant.objects.count() == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"ethnic_group": "Awajún"}, "ethnic_group"),
        ({"disability": True}, "disability"),
        ({"ethnic_group": "Awajún", "consent": {**CONSENT, "covers_sensitive_data": False}}, "ethnic_group"),
        ({"deprived_of_liberty": True, "consent": {**CONSENT, "method": "verbal"}}, "deprived_of_liberty"),
    ],
)
def test_sensitive_data_without_written_consent_is_refused_and_nothing_saved(world, api, extra, field):
    response = api(world.field_a).post("people", person_body(**extra))
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"] or "method" in response.json()["fields"], response.json()
    assert not Participant.objects.exists()
    assert not Consent.objects.exists()


def test_sensitive_data_added_later_needs_the_written_consent(world, api):
    person = register(world)
    client = api(world.field_a)
    assert_error(client.patch(f"people/{person.pk}", {"ethnic_group": "Quechua"}), 400, fields=["ethnic_group"])
    person.refresh_from_db()
    assert person.ethnic_group == ""
    assert client.post(f"people/{person.pk}/consents", CONSENT).status_code == 201
    response = client.patch(f"people/{person.pk}", {"ethnic_group": "Quechua"})
    assert response.status_code == 200, response.content
    assert response.json()["ethnic_group"] == "Quechua"


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"birth_date": "2999-01-01", "birth_year": None}, "birth_date", 400),
        ({"birth_date": "2001-05-05", "birth_year": 1999}, "birth_year", 400),
        ({"district": "999999"}, "district", 400),
        ({"district": "0812"}, "district", 400),
        ({"organization": "beta-ngo"}, "organization", 400),
        ({"program": "beta"}, "program", 400),
        ({"sex": "X"}, "sex", 422),
        ({"given_names": ""}, "given_names", 400),
        ({"mother_tongue": "eng"}, "mother_tongue", 422),
        ({"nickname": "Mari"}, "nickname", 422),
    ],
)
def test_bad_registrations_are_refused_naming_the_field(world, api, body, field, status):
    response = api(world.field_a).post("people", person_body(**body))
    assert_error(response, status, fields=[field])
    assert not Participant.objects.exists()


def test_a_likely_duplicate_needs_confirmation(world, api, maria):
    client = api(world.field_a)
    body = person_body(given_names="Maria", birth_year=2000)  # same name without the accent, same year and district
    body = {**body, "maternal_surname": "Huaman"}
    response = client.post("people", body)
    error = assert_error(response, 409, "likely_duplicate", fields=["confirm"])
    assert str(maria.pk) in error["message"]
    assert Participant.objects.count() == 1
    response = client.post("people", {**body, "confirm": True})
    assert response.status_code == 201, response.content
    assert Participant.objects.count() == 2


def test_only_staff_register_people(world, api):
    for user in (world.funder_a, world.auditor_a, world.program_auditor_a, world.nobody):
        response = api(user).post("people", person_body())
        assert response.status_code in (400, 403), (user, response.content)
    assert not Participant.objects.exists()


# --- Reading ----------------------------------------------------------------------------------------------------


def test_lists_are_scoped_and_funders_see_no_one(world, api, maria, elena):
    for user in (world.field_a, world.admin_a, world.credit_a, world.auditor_a, world.coordinator_a):
        assert ids(api(user).get("people")) == {maria.pk}, user
    assert ids(api(world.program_auditor_a).get("people")) == {maria.pk}
    for user in world.users_of_b():
        assert ids(api(user).get("people")) == {elena.pk}, user
    assert ids(api(world.superuser).get("people")) == {maria.pk, elena.pk}
    for user in (world.funder_a, world.nobody):
        assert api(user).get("people").json() == {"count": 0, "items": []}
        assert api(user).get("enrollments").json() == {"count": 0, "items": []}
        assert api(user).post("people/search", {"q": VALID_DNI}).json() == {"count": 0, "items": []}
        assert api(user).post("people/search", {"q": "María"}).json() == {"count": 0, "items": []}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "people/{pk}", None),
        ("patch", "people/{pk}", {"phone": "999"}),
        ("post", "people/{pk}/consents", CONSENT),
        ("get", "people/{pk}/export", None),
        ("post", "people/{pk}/anonymize", {"confirm": True}),
        ("post", "people/{pk}/enrollments", {"program": "alpha", "organization": "alpha-ngo"}),
    ],
)
def test_outsiders_and_funders_get_404_on_a_person(world, api, maria, method, path, body):
    for user in [*world.users_of_b(), world.funder_a, world.nobody]:
        client = api(user)
        url = path.format(pk=maria.pk)
        response = client.request(method, url, body) if body is not None else client.request(method, url)
        assert_error(response, 404, "not_found")
    maria.refresh_from_db()
    assert maria.given_names == "María" and maria.phone == ""


def test_consents_and_enrollments_of_a_person_are_hidden_from_outsiders(world, api, maria):
    consent = maria.consents.get()
    enrollment = maria.enrollments.get()
    for user in [*world.users_of_b(), world.funder_a]:
        assert_error(api(user).post(f"consents/{consent.pk}/withdraw", {}), 404, "not_found")
        assert_error(api(user).patch(f"enrollments/{enrollment.pk}", {"status": "dropped"}), 404, "not_found")
    consent.refresh_from_db()
    enrollment.refresh_from_db()
    assert consent.withdrawn_on is None and enrollment.status == "active"


def test_sensitive_data_only_for_those_who_may_change_her(world, api, maria):
    assert api(world.field_a).get(f"people/{maria.pk}").json()["ethnic_group"] == "Quechua"
    assert api(world.coordinator_a).get(f"people/{maria.pk}").json()["ethnic_group"] == "Quechua"
    for user in (world.auditor_a, world.program_auditor_a):
        body = api(user).get(f"people/{maria.pk}").json()
        assert body["full_name"] == "María Quispe Huamán"
        assert body["ethnic_group"] is None and body["disability"] is None and body["deprived_of_liberty"] is None
        assert body["can_edit"] is False
    maria.refresh_from_db()
    assert maria.ethnic_group == "Quechua"  # hidden in the answer, not erased


def test_the_detail_shows_her_history(world, api, maria):
    body = api(world.field_a).get(f"people/{maria.pk}").json()
    assert body["age"] is not None and body["is_youth"] is True
    assert body["mother_tongue"] == "quz"
    assert [(e["program"], e["status"]) for e in body["enrollments"]] == [("alpha", "active")]
    assert body["activities"] == [] and body["enterprises"] == []


def test_a_dni_in_the_address_is_refused(world, api, maria):
    response = api(world.field_a).get("people", q=VALID_DNI)
    assert_error(response, 400, "dni_in_address", fields=["q"])
    assert VALID_DNI.encode() not in response.content


def test_name_search_tolerates_typos_and_accents(world, api, maria, elena):
    client = api(world.field_a)
    assert ids(client.get("people", q="maria quispee")) == {maria.pk}
    assert ids(client.post("people/search", {"q": "Quíspe"})) == {maria.pk}
    assert ids(client.get("people", q="Tsamajain")) == set()  # org B's


def test_filters(world, api, maria):
    other = register(world, given_names="Juana", district_id="010401")
    client = api(world.field_a)
    assert ids(client.get("people", program="alpha")) == {maria.pk}
    assert ids(client.get("people", program="beta")) == set()
    assert ids(client.get("people", district="0104")) == {other.pk}
    assert ids(client.get("people", organization="alpha-ngo")) == {maria.pk, other.pk}
    assert ids(client.get("people", sex="M")) == set()


def test_pagination_counts_people(world, api):
    for number in range(5):
        register(world, given_names=f"Persona{number}", paternal_surname=f"Apellido{number}")
    client = api(world.field_a)
    first = client.get("people", limit=2).json()
    assert first["count"] == 5 and len(first["items"]) == 2
    last = client.get("people", limit=2, offset=4).json()
    assert last["count"] == 5 and len(last["items"]) == 1
    assert {item["id"] for item in first["items"]}.isdisjoint({item["id"] for item in last["items"]})


def test_the_list_takes_a_constant_number_of_queries(world, api, django_assert_max_num_queries):
    client = api(world.field_a)
    for number in range(12):
        register(world, given_names=f"Persona{number}", program=world.program_a)
    with django_assert_max_num_queries(8):
        response = client.get("people")
    assert response.json()["count"] == 12
    with django_assert_max_num_queries(8):
        assert client.get("enrollments").json()["count"] == 12


# --- Consents, rights -------------------------------------------------------------------------------------------


def test_withdrawing_the_written_consent_erases_sensitive_data(world, api, maria):
    consent = maria.consents.get()
    response = api(world.field_a).post(f"consents/{consent.pk}/withdraw", {"withdrawn_on": "2024-06-01"})
    assert response.status_code == 200, response.content
    assert response.json()["withdrawn_on"] == "2024-06-01"
    maria.refresh_from_db()
    assert maria.ethnic_group == ""


def test_a_consent_in_the_future_is_refused(world, api, maria):
    response = api(world.field_a).post(f"people/{maria.pk}/consents", {**CONSENT, "given_on": "2999-01-01"})
    assert_error(response, 400, fields=["given_on"])
    assert maria.consents.count() == 1


def test_export_is_her_data_for_editors_and_audited(world, api, maria):
    response = api(world.field_a).get(f"people/{maria.pk}/export")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["nombres"] == "María" and body["dni_ultimos_digitos"] == "567"
    assert body["inscripciones"][0]["estado"]
    assert AuditEvent.objects.filter(object_id=str(maria.pk), action__in=["access", "export"]).exists()
    assert_error(api(world.auditor_a).get(f"people/{maria.pk}/export"), 403, "forbidden")


def test_anonymize_needs_confirmation_and_keeps_counts(world, api, maria):
    client = api(world.field_a)
    assert_error(client.post(f"people/{maria.pk}/anonymize", {"confirm": False}), 400, fields=["confirm"])
    maria.refresh_from_db()
    assert maria.given_names == "María"
    assert_error(api(world.auditor_a).post(f"people/{maria.pk}/anonymize", {"confirm": True}), 403, "forbidden")
    response = client.post(f"people/{maria.pk}/anonymize", {"confirm": True})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["anonymized"] is True
    assert body["full_name"] != "María Quispe Huamán" and body["dni_last_digits"] == ""
    assert Enrollment.objects.filter(participant=maria).count() == 1
    assert_error(client.patch(f"people/{maria.pk}", {"given_names": "Vuelve"}), 400, "anonymized")


# --- Enrollments ------------------------------------------------------------------------------------------------


def test_enroll_list_and_update(world, api):
    person = register(world)
    client = api(world.field_a)
    response = client.post(
        f"people/{person.pk}/enrollments",
        {"program": "alpha", "organization": "alpha-ngo", "enrolled_on": "2024-03-01"},
    )
    assert response.status_code == 201, response.content
    enrollment = response.json()
    assert enrollment["person"] == {"id": person.pk, "full_name": person.full_name, "dni_last_digits": ""}
    assert (enrollment["program"], enrollment["status"]) == ("alpha", "active")
    assert ids(client.get("enrollments", program="alpha", status="active")) == {enrollment["id"]}
    assert ids(client.get("enrollments", status="completed")) == set()
    assert ids(client.get("enrollments", person=person.pk)) == {enrollment["id"]}
    response = client.patch(f"enrollments/{enrollment['id']}", {"status": "completed"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "completed"
    assert response.json()["ended_on"] is not None
    response = client.patch(f"enrollments/{enrollment['id']}", {"status": "active"})
    assert response.json()["ended_on"] is None
    # Twice in the same program through the same organization: refused.
    again = client.post(f"people/{person.pk}/enrollments", {"program": "alpha", "organization": "alpha-ngo"})
    assert again.status_code in (400, 409), again.content
    assert Enrollment.objects.filter(participant=person).count() == 1


def test_enrollment_errors_name_the_field(world, api):
    person = register(world)
    client = api(world.field_a)
    path = f"people/{person.pk}/enrollments"
    assert_error(client.post(path, {"program": "beta", "organization": "alpha-ngo"}), 400, fields=["program"])
    assert_error(client.post(path, {"program": "alpha", "organization": "beta-ngo"}), 400, fields=["organization"])
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = client.post(path, {"program": "alpha", "organization": "alpha-ngo", "enrolled_on": future})
    assert_error(response, 400, fields=["enrolled_on"])
    assert not Enrollment.objects.filter(participant=person).exists()
