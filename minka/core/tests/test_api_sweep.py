"""Every route of the OpenAPI document, walked with outsiders, missing records and junk.

No route may answer a 500 or anything but the JSON error shape; organization B's users get 404 on every
record of organization A, exactly as for a record that does not exist. A route added to the API without
an entry in ROUTES fails these tests, so no endpoint escapes the sweep.
"""

import datetime
import json
from decimal import Decimal
from functools import partial

import pytest

from minka.accounts.tokens import api_token_create
from minka.core.tests.test_api import Api, assert_error
from minka.credit import loans as credit_loans
from minka.credit.tests.conftest import credit_create
from minka.programs.models import Disbursement, Initiative
from minka.results import services as results_services
from minka.results.models import PeriodLock
from minka.testing import field_records_create


@pytest.fixture
def api(client):
    return partial(Api, client)


PREFIX = "/api/v1"
# Reference data every user may read: not organization A's.
PUBLIC = {"/territories/{code}", "/territories/{code}/boundary"}


def field_records_of_a(world) -> dict:
    """The routes of organization A's people, activities and enterprises (see `field_records_create`)."""
    a = field_records_create(world)
    person, consent, enrollment, activity = a.person, a.consent, a.enrollment, a.activity
    session, enterprise, member, record = a.session, a.enterprise, a.member, a.record
    return {
        "/people": {},
        "/people/search": {},
        "/people/{person_id}": {"person_id": person.pk},
        "/people/{person_id}/consents": {"person_id": person.pk},
        "/consents/{consent_id}/withdraw": {"consent_id": consent.pk},
        "/people/{person_id}/export": {"person_id": person.pk},
        "/people/{person_id}/anonymize": {"person_id": person.pk},
        "/enrollments": {},
        "/people/{person_id}/enrollments": {"person_id": person.pk},
        "/enrollments/{enrollment_id}": {"enrollment_id": enrollment.pk},
        "/activities": {},
        "/activities/{activity_id}": {"activity_id": activity.pk},
        "/activities/{activity_id}/sessions": {"activity_id": activity.pk},
        "/sessions/{session_id}": {"session_id": session.pk},
        "/sessions/{session_id}/attendance": {"session_id": session.pk},
        "/enterprises": {},
        "/enterprises/{enterprise_id}": {"enterprise_id": enterprise.pk},
        "/enterprises/{enterprise_id}/members": {"enterprise_id": enterprise.pk},
        "/members/{member_id}": {"member_id": member.pk},
        "/enterprises/{enterprise_id}/records": {"enterprise_id": enterprise.pk},
        "/records/{record_id}": {"record_id": record.pk},
    }


def results_of_a(world) -> dict:
    """The routes of program A's results framework: a result, an indicator with a target, a report approved (so
    its period is locked) and a draft."""
    program = world.program_a
    result = results_services.result_save(
        user=world.coordinator_a, program=program, data={"code": "1", "level": "impact", "statement_es": "Alfa"}
    )
    indicator = results_services.indicator_save(
        user=world.coordinator_a,
        program=program,
        data={"result": result, "code": "R1", "name_es": "Comités", "unit": "other", "unit_label": "comités",
              "source": "reported"},
    )  # fmt: skip
    target = results_services.target_save(user=world.coordinator_a, indicator=indicator, period="2030", value=9)
    data = {"organization": world.org_a, "value": Decimal(3)}
    approved = results_services.report_save(user=world.field_a, indicator=indicator, period="2024", data=data)
    approved = results_services.report_submit(user=world.field_a, report=approved)
    results_services.report_approve(user=world.coordinator_a, report=approved)
    draft = results_services.report_save(user=world.field_a, indicator=indicator, period="2025", data=data)
    slug, code = {"slug": program.slug}, {"slug": program.slug, "code": indicator.code}
    report = {**slug, "report_id": draft.pk}
    return {
        "/programs/{slug}/results": slug,
        "/programs/{slug}/results/{result_id}": {**slug, "result_id": result.pk},
        "/programs/{slug}/indicators": slug,
        "/programs/{slug}/indicators/{code}": code,
        "/programs/{slug}/indicators/{code}/value": code,
        "/programs/{slug}/indicators/{code}/trend": code,
        "/programs/{slug}/indicators/{code}/targets": code,
        "/programs/{slug}/indicators/{code}/reports": code,
        "/programs/{slug}/values": slug,
        "/programs/{slug}/targets/{target_id}": {**slug, "target_id": target.pk},
        "/programs/{slug}/reports/{report_id}": report,
        "/programs/{slug}/reports/{report_id}/submit": report,
        "/programs/{slug}/reports/{report_id}/approve": {**slug, "report_id": approved.pk},
        "/programs/{slug}/reports/{report_id}/return": {**slug, "report_id": approved.pk},
        "/programs/{slug}/reports/{report_id}/evidence": report,
        "/programs/{slug}/locks": slug,
        "/programs/{slug}/locks/{lock_id}/reopen": {**slug, "lock_id": PeriodLock.objects.get().pk},
    }


def credit_of_a(world) -> dict:
    """The routes of organization A's fund: its product, a borrower, a disbursed loan and a payment on it."""
    credit = credit_create(world)
    loan = credit.loan()
    payment = credit_loans.record_repayment(
        user=credit.maker, loan=loan, amount=Decimal("20.00"), on_date=datetime.date(2025, 2, 10)
    )
    fund, product = {"slug": credit.fund.slug}, {"product_id": credit.product.pk}
    loan_id = {"loan_id": loan.pk}
    return {
        "/credit/funds": {},
        "/credit/funds/{slug}": fund,
        "/credit/funds/{slug}/products": fund,
        "/credit/funds/{slug}/portfolio": fund,
        "/credit/products/{product_id}/eligibility/{person_id}": {**product, "person_id": credit.borrowers[0].pk},
        "/credit/loans": {},
        "/credit/loans/{loan_id}": loan_id,
        "/credit/loans/{loan_id}/visits": loan_id,
        "/credit/loans/{loan_id}/approve": loan_id,
        "/credit/loans/{loan_id}/reject": loan_id,
        "/credit/loans/{loan_id}/disburse": loan_id,
        "/credit/loans/{loan_id}/repayments": loan_id,
        "/credit/loans/{loan_id}/payoff": loan_id,
        "/credit/loans/{loan_id}/refund": loan_id,
        "/credit/loans/{loan_id}/reschedule": loan_id,
        "/credit/loans/{loan_id}/write-off": loan_id,
        "/credit/loans/{loan_id}/write-off/approve": loan_id,
        "/credit/loans/{loan_id}/write-off/cancel": loan_id,
        "/credit/transactions/{transaction_id}/reverse": {"transaction_id": payment.pk},
    }


def employment_of_a(world) -> dict:
    """Organization A's job service (see `minka.employment.tests.test_pages.jobs_create`)."""
    from minka.employment.tests.test_pages import jobs_create

    jobs = jobs_create(world)
    vacancy, application = {"vacancy_id": jobs.vacancy.pk}, {"application_id": jobs.application.pk}
    return {
        "/employment/seekers": {},
        "/employment/seekers/{seeker_id}": {"seeker_id": jobs.seeker.pk},
        "/employment/employers": {},
        "/employment/employers/{employer_id}": {"employer_id": jobs.employer.pk},
        "/employment/vacancies": {},
        "/employment/vacancies/{vacancy_id}": vacancy,
        "/employment/vacancies/{vacancy_id}/status": vacancy,
        "/employment/vacancies/{vacancy_id}/matches": vacancy,
        "/employment/vacancies/{vacancy_id}/shortlist": vacancy,
        "/employment/applications": {},
        "/employment/applications/{application_id}": application,
        "/employment/applications/{application_id}/state": application,
        "/employment/applications/{application_id}/placement": application,
        "/employment/placements": {},
    }


def routes_of_a(world) -> dict:
    """For each route with parameters, the values that point it at organization A's records."""
    partner = world.project_a.partners.first()
    disbursement = Disbursement.objects.create(
        commitment=world.commitment_a, amount=Decimal("10.00"), disbursed_on=datetime.date(2024, 2, 1)
    )
    initiative = Initiative.objects.create(program=world.program_a, title_es="Iniciativa secreta de Alfa")
    token, _plaintext = api_token_create(user=world.admin_a, name="alfa")
    program = {"slug": world.program_a.slug}
    project = {"project_id": world.project_a.pk}
    commitment = {"commitment_id": world.commitment_a.pk}
    return {
        "/me": {},
        "/me/tokens": {},
        "/me/tokens/{token_id}": {"token_id": token.pk},
        "/organizations": {},
        "/organizations/{slug}": {"slug": world.org_a.slug},
        "/sites": {},
        "/sites/{site_id}": {"site_id": world.site_a.pk},
        "/territories": {},
        "/territories/{code}": {"code": "08"},
        "/territories/{code}/boundary": {"code": "08"},
        "/programs": {},
        "/programs/{slug}": program,
        "/programs/{slug}/phases": program,
        "/programs/{slug}/phases/{number}": {**program, "number": world.phase_a.number},
        "/programs/{slug}/projects": program,
        "/programs/{slug}/initiatives": program,
        "/projects": {},
        "/projects/{project_id}": project,
        "/projects/{project_id}/partners": project,
        "/projects/{project_id}/partners/{partner_id}": {**project, "partner_id": partner.pk},
        "/projects/{project_id}/commitments": project,
        "/initiatives": {},
        "/initiatives/{initiative_id}": {"initiative_id": initiative.pk},
        "/commitments": {},
        "/commitments/{commitment_id}": commitment,
        "/commitments/{commitment_id}/disbursements": commitment,
        "/disbursements/{disbursement_id}": {"disbursement_id": disbursement.pk},
        **field_records_of_a(world),
        **results_of_a(world),
        **credit_of_a(world),
        **employment_of_a(world),
    }


MISSING = {
    "slug": "no-such-thing",
    "code": "999999",
    "number": 99,
    "site_id": 987654,
    "token_id": 987654,
    "project_id": 987654,
    "partner_id": 987654,
    "initiative_id": 987654,
    "commitment_id": 987654,
    "disbursement_id": 987654,
    "person_id": 987654,
    "consent_id": 987654,
    "enrollment_id": 987654,
    "activity_id": 987654,
    "session_id": 987654,
    "enterprise_id": 987654,
    "member_id": 987654,
    "record_id": 987654,
    "result_id": 987654,
    "target_id": 987654,
    "report_id": 987654,
    "lock_id": 987654,
    "product_id": 987654,
    "loan_id": 987654,
    "transaction_id": 987654,
    "seeker_id": 987654,
    "employer_id": 987654,
    "vacancy_id": 987654,
    "application_id": 987654,
}

# A body each POST (and PUT) route accepts, so that only the record in the path decides the answer.
VALID_BODIES = {
    "/me/tokens": {"name": "sweep"},
    "/organizations": {"slug": "sweep-org", "name": "Sweep", "kind": "ngo"},
    "/sites": {"organization": "beta-ngo", "name": "Sweep", "kind": "office", "district": "130101"},
    "/programs": {"slug": "sweep", "name_es": "Sweep", "catalysts": ["beta-ngo"]},
    "/programs/{slug}/phases": {"number": 5, "name_es": "Sweep"},
    "/programs/{slug}/projects": {"code": "sweep", "title_es": "Sweep", "lead_organization": "beta-ngo"},
    "/programs/{slug}/initiatives": {"title_es": "Sweep"},
    "/projects/{project_id}/partners": {"organization": "beta-ngo", "role": "ally"},
    "/projects/{project_id}/commitments": {"funder": "beta-ngo", "amount": "1.00", "committed_on": "2024-01-01"},
    "/commitments/{commitment_id}/disbursements": {"amount": "1.00", "disbursed_on": "2024-01-01"},
    "/people": {"organization": "beta-ngo", "given_names": "Sweep", "sex": "F"},
    "/people/search": {"q": "sweep"},
    "/people/{person_id}/consents": {
        "purpose": "Sweep",
        "text_version": "v1",
        "method": "signed_paper",
        "given_on": "2024-01-01",
    },
    "/consents/{consent_id}/withdraw": {},
    "/people/{person_id}/anonymize": {"confirm": True},
    "/people/{person_id}/enrollments": {"program": "beta", "organization": "beta-ngo"},
    "/activities": {
        "program": "beta",
        "activity_type": "event",
        "title": "Sweep",
        "organization": "beta-ngo",
        "start_date": "2024-01-01",
        "end_date": "2024-01-02",
    },
    "/activities/{activity_id}/sessions": {"date": "2024-03-10"},
    "/sessions/{session_id}/attendance": {"participants": []},
    "/enterprises": {
        "organization": "beta-ngo",
        "program": "beta",
        "name": "Sweep",
        "kind": "individual",
        "sector": "other",
        "district": "130101",
        "started_on": "2024-01-01",
    },
    "/enterprises/{enterprise_id}/members": {"participant": 987654, "role": "owner"},
    "/enterprises/{enterprise_id}/records": {"month": "2024-03", "sales": "10.00", "costs": "1.00"},
    "/programs/{slug}/results": {"code": "9", "level": "impact", "statement_es": "Sweep"},
    "/programs/{slug}/indicators": {
        "result": 1,
        "code": "S1",
        "name_es": "Sweep",
        "unit": "people",
        "source": "reported",
    },
    "/programs/{slug}/indicators/{code}/targets": {"period": "2031", "value": "1"},
    "/programs/{slug}/indicators/{code}/reports": {"period": "2031", "organization": "beta-ngo", "value": "1"},
    "/programs/{slug}/reports/{report_id}/submit": {},
    "/programs/{slug}/reports/{report_id}/approve": {},
    "/programs/{slug}/reports/{report_id}/return": {"note": "Sweep"},
    "/programs/{slug}/reports/{report_id}/evidence": {},
    "/programs/{slug}/locks/{lock_id}/reopen": {"reason": "Sweep"},
    "/credit/loans": {
        "product": 987654,
        "borrower": 987654,
        "amount": "300.00",
        "use_category": "other",
        "use_description": "Sweep",
    },
    "/credit/loans/{loan_id}/visits": {"business_status": "stable", "findings": "Sweep"},
    "/credit/loans/{loan_id}/approve": {},
    "/credit/loans/{loan_id}/reject": {"note": "Sweep"},
    "/credit/loans/{loan_id}/disburse": {"channel": "cash"},
    "/credit/loans/{loan_id}/repayments": {"amount": "1.00", "idempotency_key": "sweep"},
    "/credit/loans/{loan_id}/payoff": {},
    "/credit/loans/{loan_id}/refund": {},
    "/credit/loans/{loan_id}/reschedule": {"repayments": 2, "first_repayment_on": "2030-01-01", "reason": "Sweep"},
    "/credit/loans/{loan_id}/write-off": {"reason": "Sweep"},
    "/credit/loans/{loan_id}/write-off/approve": {},
    "/credit/loans/{loan_id}/write-off/cancel": {},
    "/credit/transactions/{transaction_id}/reverse": {"reason": "Sweep"},
    "/employment/seekers": {
        "program": "beta",
        "organization": "beta-ngo",
        "person": 987654,
        "education_level": "secondary",
        "availability": "full_time",
    },
    "/employment/employers": {
        "program": "beta",
        "organization": "beta-ngo",
        "name": "Sweep",
        "kind": "company",
        "sector": "other",
        "district": "130101",
    },
    "/employment/vacancies": {
        "employer": 987654,
        "title": "Sweep",
        "sector": "other",
        "district": "130101",
        "wage": "1.00",
        "contract_type": "fixed_term",
        "hours_per_week": 40,
        "opens_on": "2024-01-01",
    },
    "/employment/vacancies/{vacancy_id}/status": {"action": "close"},
    "/employment/vacancies/{vacancy_id}/shortlist": {"seeker": 987654},
    "/employment/applications/{application_id}/state": {"state": "withdrew"},
    "/employment/applications/{application_id}/placement": {"start_date": "2025-02-01", "wage": "1000.00"},
}

WRITES = {"post", "patch", "put"}


@pytest.fixture
def operations(client, db):
    """(method, route, operation) for every operation of the OpenAPI document."""
    document = client.get(f"{PREFIX}/openapi.json").json()
    found = []
    for path, methods in document["paths"].items():
        assert path.startswith(PREFIX)
        for method, operation in methods.items():
            found.append((method, path.removeprefix(PREFIX), operation))
    assert len(found) > 40
    return found


def url(route: str, values: dict) -> str:
    return PREFIX + route.format(**values)


def call(client, method: str, route: str, values: dict, body=None):
    if method in {"post", "put"} and body is None:
        body = VALID_BODIES[route]
    if method == "patch" and body is None:
        body = {}
    if method not in WRITES:
        return client.request(method, url(route, values))
    return client.request(method, url(route, values), body)


def test_every_route_is_in_the_sweep(world, operations):
    routes = routes_of_a(world)
    for method, route, _operation in operations:
        assert route in routes, f"add {route} to routes_of_a()"
        if method in {"post", "put"}:
            assert route in VALID_BODIES, f"add a body for {method.upper()} {route} to VALID_BODIES"


def test_every_route_needs_authentication(world, api, operations):
    routes = routes_of_a(world)
    for method, route, _operation in operations:
        response = call(api(), method, route, routes[route])
        assert_error(response, 401, "unauthenticated")


@pytest.mark.parametrize("outsider", ["admin_b", "coordinator_b", "field_b", "nobody"])
def test_outsiders_get_404_for_every_record_of_organization_a(world, api, operations, outsider):
    routes = routes_of_a(world)
    client = api(getattr(world, outsider))
    for method, route, _operation in operations:
        if "{" not in route or route in PUBLIC:
            continue
        response = call(client, method, route, routes[route])
        assert_error(response, 404, "not_found")


def test_missing_records_answer_404(world, api, operations):
    client = api(world.superuser)
    for method, route, _operation in operations:
        if "{" not in route:
            continue
        response = call(client, method, route, MISSING)
        assert_error(response, 404, "not_found")


def _request_properties(document, operation) -> list[str]:
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return list(schema.get("properties", {}))


JUNK_VALUES = [
    {"$": 1},
    [1, [2]],
    "\x00",
    10**30,
    -(10**30),
    -1,
    0,
    "",
    True,
    None,
    "9999-99-99",
    "x" * 5000,
    1.5,
    "NaN",
    "1e400",
    "999999",
    "no-such",
]


def test_junk_bodies_never_answer_500(world, api, client, operations):
    document = client.get(f"{PREFIX}/openapi.json").json()
    routes = routes_of_a(world)
    superuser = api(world.superuser)
    for method, route, operation in operations:
        if method not in WRITES:
            continue
        properties = _request_properties(document, operation)
        bodies = [{}, "garbage", [], None, 0, {"no_such_field": 1}, [{"a": 1}]]
        bodies += [dict.fromkeys(properties, junk) for junk in JUNK_VALUES]
        bodies += [{name: junk} for name in properties for junk in JUNK_VALUES]
        for body in bodies:
            response = superuser.request(method, url(route, routes[route]), body)
            where = f"{method.upper()} {route} {json.dumps(body)[:120]}"
            assert response.status_code < 500, (where, response.content[:300])
            if response.status_code >= 400:
                assert_error(response, response.status_code)
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
            continue  # a file upload reads no JSON: garbage sent as JSON is just a missing file (the bodies above)
        for raw in ["{bad", "\xff\xfe", "{" * 10000, '{"a": ' + "[" * 5000]:
            response = superuser.request(method, url(route, routes[route]), raw=raw)
            assert_error(response, 400, "malformed")


def test_junk_query_parameters_never_answer_500(world, api, client, operations):
    """Lists' filters, and the query of routes that name a record (an indicator's period, splits, phase…)."""
    document = client.get(f"{PREFIX}/openapi.json").json()
    routes = routes_of_a(world)
    superuser = api(world.superuser)
    for method, route, _operation in operations:
        if method != "get":
            continue
        parameters = [
            p["name"] for p in document["paths"][PREFIX + route]["get"].get("parameters", []) if p["in"] == "query"
        ]
        if not parameters:
            continue
        junks = ["\x00", "x" * 5000, "-1", "%", "_", "'; drop table", "99999999999999999999999", "０８"]
        junks += ["2024-13", "2024-01..2023-12", "sex,sex", "sex,color", "phase-1", ",", "0"]
        for junk in junks:
            response = superuser.client.get(
                url(route, routes[route]), dict.fromkeys(parameters, junk), **superuser.headers
            )
            assert response.status_code < 500, (route, junk, response.content[:300])
            if response.status_code >= 400:
                assert_error(response, response.status_code)


def test_junk_path_parameters_never_answer_500(world, api, operations):
    superuser = api(world.superuser)
    for method, route, _operation in operations:
        if "{" not in route:
            continue
        for junk in ["%00", "abc", "-1", "0", "99999999999999999999999", "x" * 300, "%C3%B1", "%E2%80%AE"]:
            path = PREFIX + route
            for name in MISSING:
                path = path.replace("{" + name + "}", junk)
            response = superuser.request(method, path, {}) if method in WRITES else superuser.request(method, path)
            assert response.status_code < 500, (method, path, response.content[:300])
            assert_error(response, response.status_code)
