"""Enterprises, members and monthly records through the API: scoped like the pages, written through the services,
months as "YYYY-MM" and amounts as decimal strings."""

import datetime
from functools import partial

import pytest

from minka.audit.models import AuditEvent
from minka.core.tests.test_api import Api, assert_error
from minka.enterprises.models import Enterprise, EnterpriseMember, EnterpriseRecord, StageChange
from minka.enterprises.tests.conftest import enterprise_make, person_create


@pytest.fixture
def api(client):
    return partial(Api, client)


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def enterprise_body(**extra):
    return {
        "organization": "alpha-ngo",
        "program": "alpha",
        "name": "Cuyes Andahuaylillas",
        "kind": "family",
        "sector": "livestock",
        "stage": "prototype",
        "district": "081202",
        "started_on": "2024-02-15",
        **extra,
    }


@pytest.fixture
def enterprise_b(world, outsider_person):
    enterprise = enterprise_make(world, name="Bodega Trujillo", organization=world.org_b, program=world.program_b)
    EnterpriseMember.objects.create(enterprise=enterprise, participant=outsider_person, role="owner")
    return enterprise


# --- Enterprises ------------------------------------------------------------------------------------------------


def test_lists_are_scoped_and_funders_see_none(world, api, enterprise_a, enterprise_b):
    for user in (world.field_a, world.admin_a, world.auditor_a, world.coordinator_a, world.program_auditor_a):
        assert ids(api(user).get("enterprises")) == {enterprise_a.pk}, user
    for user in world.users_of_b():
        assert ids(api(user).get("enterprises")) == {enterprise_b.pk}, user
    for user in (world.funder_a, world.nobody):
        assert api(user).get("enterprises").json() == {"count": 0, "items": []}
    item = api(world.field_a).get("enterprises").json()["items"][0]
    assert item["member_count"] == 1
    assert item["latest_month"] == "2024-08"
    assert item["latest_net_income"] == "450.00"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "enterprises/{enterprise}", None),
        ("patch", "enterprises/{enterprise}", {"name": "Robado"}),
        ("get", "enterprises/{enterprise}/members", None),
        ("post", "enterprises/{enterprise}/members", {"participant": 1, "role": "worker"}),
        ("delete", "members/{member}", None),
        ("get", "enterprises/{enterprise}/records", None),
        ("post", "enterprises/{enterprise}/records", {"month": "2024-09", "sales": "1.00", "costs": "0"}),
        ("patch", "records/{record}", {"sales": "1.00"}),
        ("delete", "records/{record}", None),
    ],
)
def test_outsiders_and_funders_get_404(world, api, enterprise_a, method, path, body):
    member = enterprise_a.members.get()
    record = enterprise_a.records.first()
    url = path.format(enterprise=enterprise_a.pk, member=member.pk, record=record.pk)
    for user in [*world.users_of_b(), world.funder_a, world.nobody]:
        client = api(user)
        response = client.request(method, url, body) if body is not None else client.request(method, url)
        assert_error(response, 404, "not_found")
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "Tejidos Urcos"
    assert enterprise_a.members.count() == 1 and enterprise_a.records.count() == 2
    record.refresh_from_db()
    assert str(record.sales) == "500.00"


def test_detail_has_stage_history_and_income_against_its_baseline(world, api, enterprise_a):
    body = api(world.auditor_a).get(f"enterprises/{enterprise_a.pk}").json()
    assert body["stage"] == "operating" and body["can_edit"] is False
    assert body["stage_changes"] == [{"stage": "operating", "changed_on": "2024-01-10", "note": ""}]
    assert body["income_change"] == {
        "baseline_month": "2024-03",
        "baseline": "300.00",
        "latest_month": "2024-08",
        "latest": "450.00",
        "change": "150.00",
        "percentage": "50.00",
    }


def test_a_field_officer_creates_an_enterprise(world, api):
    response = api(world.field_a).post("enterprises", enterprise_body(site=world.site_a.pk, ruc="20512333797"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["organization"]["slug"], body["program"], body["stage"]) == ("alpha-ngo", "alpha", "prototype")
    assert body["district"]["code"] == "081202" and body["site"]["id"] == world.site_a.pk
    assert body["stage_changes"] == [{"stage": "prototype", "changed_on": "2024-02-15", "note": ""}]
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(model="enterprises.enterprise", object_id=str(enterprise.pk)).exists()


@pytest.mark.parametrize(
    ("extra", "field", "status"),
    [
        ({"organization": "beta-ngo"}, "organization", 400),
        ({"program": "beta"}, "program", 400),
        ({"district": "0812"}, "district", 400),
        ({"district": "999999"}, "district", 400),
        ({"ruc": "20512333790"}, "ruc", 400),
        ({"started_on": "2999-01-01"}, "started_on", 400),
        ({"site": 987654}, "site", 400),
        ({"kind": "corporation"}, "kind", 422),
        ({"stage": "unicorn"}, "stage", 422),
    ],
)
def test_bad_enterprises_are_refused_naming_the_field(world, api, extra, field, status):
    response = api(world.field_a).post("enterprises", enterprise_body(**extra))
    assert_error(response, status, fields=[field])
    assert not Enterprise.objects.exists()


def test_a_site_of_another_organization_is_refused(world, api):
    response = api(world.superuser).post("enterprises", enterprise_body(site=world.site_b.pk))
    assert_error(response, 400, fields=["site"])
    assert not Enterprise.objects.exists()


def test_a_new_stage_adds_to_the_history(world, api, enterprise_a):
    client = api(world.field_a)
    response = client.patch(
        f"enterprises/{enterprise_a.pk}",
        {"stage": "closed", "stage_changed_on": "2024-09-30", "stage_note": "Se mudó", "name": "Tejidos Urcos SAC"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Tejidos Urcos SAC" and body["stage"] == "closed"
    assert [(c["stage"], c["changed_on"]) for c in body["stage_changes"]] == [
        ("operating", "2024-01-10"),
        ("closed", "2024-09-30"),
    ]
    response = client.patch(f"enterprises/{enterprise_a.pk}", {"stage": "operating", "stage_changed_on": "2024-05-01"})
    assert_error(response, 400, fields=["stage_changed_on"])
    assert StageChange.objects.filter(enterprise=enterprise_a).count() == 2
    assert_error(client.patch(f"enterprises/{enterprise_a.pk}", {"organization": "beta-ngo"}), 422)


def test_auditors_cannot_change_enterprises(world, api, enterprise_a):
    for user in (world.auditor_a, world.program_auditor_a):
        assert_error(api(user).patch(f"enterprises/{enterprise_a.pk}", {"name": "Otro"}), 403, "forbidden")
        response = api(user).post(
            f"enterprises/{enterprise_a.pk}/records", {"month": "2024-09", "sales": 1, "costs": 0}
        )
        assert_error(response, 403, "forbidden")
    assert api(world.auditor_a).post("enterprises", enterprise_body()).status_code in (400, 403)
    assert Enterprise.objects.count() == 1 and enterprise_a.records.count() == 2


def test_pagination_and_filters(world, api, enterprise_a, django_assert_max_num_queries):
    client = api(world.field_a)
    for number in range(6):
        assert client.post("enterprises", enterprise_body(name=f"Cuyes {number}")).status_code == 201
    with django_assert_max_num_queries(6):  # whatever the number of enterprises
        assert len(client.get("enterprises").json()["items"]) == 7
    page = client.get("enterprises", limit=4, offset=4).json()
    assert page["count"] == 7 and len(page["items"]) == 3
    assert client.get("enterprises", stage="operating").json()["count"] == 1
    assert client.get("enterprises", q="cuyes", territory="081202").json()["count"] == 6
    assert client.get("enterprises", program="beta").json()["count"] == 0


# --- Members ----------------------------------------------------------------------------------------------------


def test_members_are_listed_added_and_removed(world, api, enterprise_a, rosa):
    client = api(world.field_a)
    listed = client.get(f"enterprises/{enterprise_a.pk}/members").json()
    assert [(m["person"]["id"], m["role"]) for m in listed] == [(rosa.pk, "owner")]
    juana = person_create(world.org_a, given_names="Juana", paternal="Condori")
    response = client.post(
        f"enterprises/{enterprise_a.pk}/members",
        {"participant": juana.pk, "role": "partner", "joined_on": "2024-04-01"},
    )
    assert response.status_code == 201, response.content
    member = response.json()
    assert member["person"] == {"id": juana.pk, "full_name": "Juana Condori Huamán", "dni_last_digits": ""}
    again = client.post(f"enterprises/{enterprise_a.pk}/members", {"participant": juana.pk, "role": "worker"})
    assert_error(again, 409, "duplicate_member", fields=["participant"])
    response = client.delete(f"members/{member['id']}")
    assert response.status_code == 204
    assert not EnterpriseMember.objects.filter(pk=member["id"]).exists()


def test_a_person_the_user_cannot_see_is_not_added(world, api, enterprise_a, outsider_person):
    response = api(world.field_a).post(
        f"enterprises/{enterprise_a.pk}/members", {"participant": outsider_person.pk, "role": "worker"}
    )
    assert_error(response, 400, fields=["participant"])
    assert b"Tsamajain" not in response.content
    assert enterprise_a.members.count() == 1


def test_a_member_the_user_cannot_see_is_listed_without_her_person(world, api, enterprise_a, outsider_person):
    EnterpriseMember.objects.create(enterprise=enterprise_a, participant=outsider_person, role="worker")
    response = api(world.field_a).get(f"enterprises/{enterprise_a.pk}/members")
    assert [m["person"] is None for m in response.json()] == [False, True]
    assert b"Tsamajain" not in response.content


# --- Monthly records --------------------------------------------------------------------------------------------


def test_a_month_is_recorded_with_its_net_income(world, api, enterprise_a):
    client = api(world.field_a)
    response = client.post(
        f"enterprises/{enterprise_a.pk}/records", {"month": "2024-09", "sales": "1200.50", "costs": "300", "jobs": 2}
    )
    assert response.status_code == 201, response.content
    record = response.json()
    assert record == {
        "id": record["id"],
        "enterprise": enterprise_a.pk,
        "month": "2024-09",
        "sales": "1200.50",
        "costs": "300.00",
        "net_income": "900.50",
        "jobs": 2,
        "currency": "PEN",
    }
    # The same month again: refused, naming the record to change.
    response = client.post(f"enterprises/{enterprise_a.pk}/records", {"month": "2024-09", "sales": 1000, "costs": 0})
    error = assert_error(response, 409, "month_recorded", fields=["month"])
    assert f"/records/{record['id']}" in error["message"]
    assert str(EnterpriseRecord.objects.get(pk=record["id"]).sales) == "1200.50"
    months = [r["month"] for r in client.get(f"enterprises/{enterprise_a.pk}/records").json()]
    assert months == ["2024-03", "2024-08", "2024-09"]


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"month": "2024-13"}, "month", 422),
        ({"month": "2024-09-01"}, "month", 422),
        ({"month": "septiembre"}, "month", 422),
        ({"month": "2999-01"}, "month", 400),
        ({"month": "2023-12"}, "month", 400),  # before the enterprise started
        ({"sales": "-5"}, "sales", 422),
        ({"costs": "1.005"}, "costs", 422),
        ({"sales": 1.5e20}, "sales", 422),
        ({"jobs": -1}, "jobs", 422),
    ],
)
def test_bad_records_are_refused_naming_the_field(world, api, enterprise_a, body, field, status):
    payload = {"month": "2024-09", "sales": "100.00", "costs": "50.00", **body}
    response = api(world.field_a).post(f"enterprises/{enterprise_a.pk}/records", payload)
    assert_error(response, status, fields=[field])
    assert enterprise_a.records.count() == 2


def test_a_record_is_changed_and_deleted(world, api, enterprise_a):
    record = enterprise_a.records.order_by("month").first()
    client = api(world.field_a)
    response = client.patch(f"records/{record.pk}", {"costs": "100.00"})
    assert response.status_code == 200, response.content
    assert response.json()["month"] == "2024-03"
    assert (response.json()["sales"], response.json()["net_income"]) == ("500.00", "400.00")
    assert_error(client.patch(f"records/{record.pk}", {"sales": None}), 422, fields=["sales"])
    assert_error(client.patch(f"records/{record.pk}", {"month": "2024-04"}), 422, fields=["month"])
    assert client.delete(f"records/{record.pk}").status_code == 204
    assert not EnterpriseRecord.objects.filter(pk=record.pk).exists()
    assert datetime.date(2024, 8, 1) in set(enterprise_a.records.values_list("month", flat=True))
