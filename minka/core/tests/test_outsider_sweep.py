"""Every page, visited by people who must not see organization A's records.

Users of organization B (which shares no program with A) and a user with no organization get 404, or
a page without a trace of A; anonymous visitors get the login page. A route added without an entry
here fails the test, so no page escapes the sweep.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from minka.accounts.tokens import api_token_create
from minka.audit.models import AuditEvent
from minka.programs.models import Disbursement, Initiative
from minka.results.models import Evidence, Indicator, PeriodLock, ReportedValue, Result, Target
from minka.testing import field_records_create

# Pages that hold no organization's data, or that belong to the login flow itself.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "language_set",
    "health",
    # A program's public results page and its stories' photos: open to all once its coordination switches the
    # page on, a 404 for everyone before (minka/public/tests).
    "public_results",
    "public_story_photo",
}
# Reference data every logged-in user may read: Peru's territories.
SHARED_REFERENCE = {"territory_list", "territory_detail", "district_search"}

# Strings that only organization A's records carry.
TRACES_OF_A = [
    "Asociación Alfa",
    "Programa Alfa",
    "Alpha Program",
    "alfa-quispicanchi",
    "Emprendimientos en Quispicanchi",
    "CDE Urcos",
    "CONV-ALFA-1",
    "20512333797",
    "admin_a",
    "Iniciativa secreta de Alfa",
    "Indicador secreto de Alfa",
    "Fondo Alfa",
    "FONDO-ALFA-",
    "Historia secreta de Alfa",
    "Hotel Alfa Urcos",
    "Yanet Alfa",
]


def named_routes(resolver=None, prefix="", namespace=""):
    """(name, pattern) of every named page outside the admin and the API (the API has its own sweep); names in a
    namespace come as `namespace:name`, as `reverse` takes them."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in {"admin"} or entry.app_name == "admin" or "api" in str(entry.pattern):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, prefix + str(entry.pattern)


def results_create(world):
    """A results framework for program A: a result, a reported indicator with a target, a submitted report with
    evidence (a file name only: outsiders never reach the file) and a locked period."""
    result = Result.objects.create(program=world.program_a, level="impact", code="1", statement_es="Impacto de Alfa")
    indicator = Indicator.objects.create(
        result=result, code="S1", name_es="Indicador secreto de Alfa", unit="people", source="reported"
    )
    period = {"period_kind": "year", "period_label": "2024", "period_start": datetime.date(2024, 1, 1),
              "period_end": datetime.date(2024, 12, 31)}  # fmt: skip
    target = Target.objects.create(indicator=indicator, value=Decimal(10), **period)
    report = ReportedValue.objects.create(
        indicator=indicator, organization=world.org_a, value=Decimal(3), status="submitted",
        created_by=world.field_a, submitted_by=world.field_a, **period,
    )  # fmt: skip
    evidence = Evidence.objects.create(reported_value=report, file="evidence/secreto.pdf", uploaded_by=world.field_a)
    lock = PeriodLock.objects.create(indicator=indicator, locked_by=world.coordinator_a, **period)
    program = {"slug": world.program_a.slug}
    return {
        "results_framework": program,
        "result_create": program,
        "result_edit": {**program, "pk": result.pk},
        "result_delete": {**program, "pk": result.pk},
        "indicator_create": {**program, "pk": result.pk},
        "indicator_detail": {**program, "code": indicator.code},
        "indicator_records": {**program, "code": indicator.code},
        "indicator_edit": {**program, "code": indicator.code},
        "indicator_delete": {**program, "code": indicator.code},
        "target_create": {**program, "code": indicator.code},
        "report_create": {**program, "code": indicator.code},
        "target_edit": {**program, "pk": target.pk},
        "target_delete": {**program, "pk": target.pk},
        "report_detail": {**program, "pk": report.pk},
        "report_edit": {**program, "pk": report.pk},
        "evidence_add": {**program, "pk": report.pk},
        "report_submit": {**program, "pk": report.pk},
        "report_review": {**program, "pk": report.pk},
        "evidence_download": {**program, "pk": evidence.pk},
        "period_reopen": {**program, "pk": lock.pk},
    }


def story_routes(world) -> dict:
    """An internal story of program A."""
    from minka.stories.models import Story

    story = Story.objects.create(program=world.program_a, title="Historia secreta de Alfa", text="…")
    program = {"slug": world.program_a.slug}
    return {
        "story_list": program,
        "story_create": program,
        "public_results_toggle": program,
        **{
            name: {**program, "pk": story.pk}
            for name in ("story_detail", "story_edit", "story_delete", "story_consent_withdraw", "story_photo")
        },
    }


def donor_report_routes(world) -> dict:
    """A donor report of program A, asked for by its coordinator."""
    from minka.reports.models import DonorReport

    report = DonorReport.objects.create(
        program=world.program_a, language="es", format="pdf", requested_by=world.coordinator_a
    )
    program = {"slug": world.program_a.slug}
    return {
        "donor_report_list": program,
        **{
            name: {**program, "pk": report.pk}
            for name in ("donor_report_detail", "donor_report_status", "donor_report_download")
        },
    }


def credit_routes(world) -> dict:
    """Organization A's fund with a product, a disbursed loan and a payment on it."""
    from minka.credit import loans as credit_loans
    from minka.credit.tests.conftest import credit_create
    from minka.credit.views.loans import ACTION_PATHS

    credit = credit_create(world)
    loan = credit.loan()
    credit_loans.record_repayment(
        user=credit.maker, loan=loan, amount=Decimal("20.00"), on_date=datetime.date(2025, 2, 10)
    )
    fund = {"slug": credit.fund.slug}
    return {
        "credit:fund_list": {},
        "credit:fund_create": {},
        "credit:loan_list": {},
        "credit:loan_create": {},
        **{
            f"credit:{name}": fund
            for name in (
                "fund_detail",
                "fund_edit",
                "contribution_create",
                "expense_create",
                "product_create",
                "fund_ledger",
                "fund_portfolio",
                "close_day",
                "collection_sheet",
            )
        },
        "credit:product_edit": {**fund, "pk": credit.product.pk},
        "credit:loan_statement": {**fund, "pk": loan.pk},
        "credit:loan_detail": {"pk": loan.pk},
        **{f"credit:loan_{name}": {"pk": loan.pk} for name in ACTION_PATHS},
    }


def submission_routes(world) -> dict:
    """Organization A's connection to a KoboToolbox server."""
    from minka.submissions.models import ServerConnection

    connection = ServerConnection.objects.create(
        organization=world.org_a, name="Conexión de Alfa", kind="kobo", base_url="https://kf.kobotoolbox.org",
        asset_uid="aBc", form_key="registration", created_by=world.admin_a,
    )  # fmt: skip
    organization = {"slug": world.org_a.slug}
    return {
        "submissions:connection_list": organization,
        "submissions:connection_create": organization,
        **{
            f"submissions:connection_{name}": {**organization, "pk": connection.pk}
            for name in ("detail", "edit", "pull", "upload")
        },
    }


def import_routes(world) -> dict:
    """A committed import of organization A into its program, with its file and an error report."""
    from django.core.files.base import ContentFile

    from minka.imports.models import ImportBatch

    batch = ImportBatch.objects.create(
        organization=world.org_a, program=world.program_a, kind="people", file_name="lista-alfa.csv",
        status="committed", created_by=world.field_a, summary={"rows": 1, "created": 1},
        errors=[{"row": 2, "column": "dni", "message": "Asociación Alfa", "code": "invalid", "value": "x"}],
    )  # fmt: skip
    batch.file.save("lista-alfa.csv", ContentFile(b"Nombres;Sexo\nAna;F\n"))
    return {
        "import_list": {},
        "import_new": {},
        "import_template": {},
        **{
            name: {"pk": batch.pk}
            for name in (
                "import_detail",
                "import_mapping",
                "import_preview",
                "import_reupload",
                "import_errors_csv",
                "import_commit",
                "import_status",
                "import_file_download",
                "import_undo",
            )
        },
    }


def employment_routes(world) -> dict:
    """Organization A's job service: seekers, a hotel with a contact, vacancies, a shortlist, a hire."""
    from minka.employment import services
    from minka.employment.tests.test_pages import jobs_create

    jobs = jobs_create(world)
    self_employment = services.self_employment_create(
        user=world.field_a, seeker=jobs.seeker, data={"started_on": datetime.date(2025, 3, 1)}
    )
    program = {"slug": world.program_a.slug}
    contact = {**program, "pk": jobs.contact.pk}
    routes = {f"employment:{name}": program for name in (
        "home", "skill_list", "seeker_list", "seeker_create", "employer_list", "employer_create", "vacancy_list",
        "vacancy_create")}  # fmt: skip
    for names, pk in (
        (("skill_toggle",), jobs.cooking.pk),
        (("seeker_detail", "seeker_edit", "seeker_cv", "experience_add", "self_employment_create"), jobs.seeker.pk),
        (("self_employment_follow_up",), self_employment.pk),
        (("employer_detail", "employer_edit", "contact_add"), jobs.employer.pk),
        (("vacancy_detail", "vacancy_edit", "vacancy_status", "vacancy_matches", "shortlist"), jobs.vacancy.pk),
        (("application_detail", "application_state", "placement_create"), jobs.application.pk),
        (("follow_up_create",), jobs.placement.pk),
    ):
        routes.update({f"employment:{name}": {**program, "pk": pk} for name in names})
    return {
        **routes,
        "employment:contact_login": contact,
        "employment:portal_home": {},
        "employment:portal_vacancy": {"pk": jobs.vacancy.pk},
        "employment:portal_cv": {"pk": jobs.application.pk},
    }


def route_kwargs(world):
    """For each page, the arguments that point it at organization A's records."""
    a = world
    partner = a.project_a.partners.first()
    disbursement = Disbursement.objects.create(
        commitment=a.commitment_a, amount=Decimal("10.00"), disbursed_on=datetime.date(2024, 2, 1)
    )
    initiative = Initiative.objects.create(program=a.program_a, title_es="Iniciativa secreta de Alfa")
    token, _ = api_token_create(user=a.admin_a, name="alfa")
    program, project = {"slug": a.program_a.slug}, {"slug": a.program_a.slug, "code": a.project_a.code}
    f = field_records_create(a)
    person, consent, enrollment, duplicate, merge = f.person, f.consent, f.enrollment, f.duplicate, f.merge
    activity, session, enterprise, member, record = f.activity, f.session, f.enterprise, f.member, f.record
    return {
        "home": {},
        "profile": {},
        "password_change": {},
        "password_change_done": {},
        "program_list": {},
        "program_create": {},
        "project_list": {},
        "organization_list": {},
        "organization_create": {},
        "site_list": {},
        "site_create": {},
        "user_list": {},
        "user_create": {},
        "audit_list": {},
        "program_detail": program,
        "program_edit": program,
        "program_iati": program,
        "program_dashboard": program,
        "phase_create": program,
        "phase_edit": {**program, "number": a.phase_a.number},
        "project_create": program,
        "initiative_list": program,
        "initiative_create": program,
        "initiative_edit": {"pk": initiative.pk},
        "project_detail": project,
        "project_edit": project,
        "partner_add": project,
        "commitment_create": project,
        "partner_remove": {**project, "pk": partner.pk},
        "commitment_edit": {"pk": a.commitment_a.pk},
        "disbursement_create": {"pk": a.commitment_a.pk},
        "disbursement_delete": {"pk": disbursement.pk},
        "organization_detail": {"slug": a.org_a.slug},
        "organization_edit": {"slug": a.org_a.slug},
        "site_detail": {"pk": a.site_a.pk},
        "site_edit": {"pk": a.site_a.pk},
        "user_detail": {"pk": a.admin_a.pk},
        "token_revoke": {"pk": token.pk},
        # People
        "person_list": {},
        "person_create": {},
        "person_check_duplicates": {},
        "person_detail": {"pk": person.pk},
        "person_edit": {"pk": person.pk},
        "consent_create": {"pk": person.pk},
        "consent_withdraw": {"pk": consent.pk},
        "enrollment_create": {"pk": person.pk},
        "enrollment_edit": {"pk": enrollment.pk},
        "person_export": {"pk": person.pk},
        "person_anonymize": {"pk": person.pk},
        "duplicate_list": {},
        "duplicate_review": {"pk": duplicate.pk},
        "merge_undo": {"pk": merge.pk},
        # Activities
        "activity_list": {},
        "activity_create": {},
        "activity_type_create": program,
        "activity_detail": {"pk": activity.pk},
        "activity_edit": {"pk": activity.pk},
        "session_create": {"pk": activity.pk},
        "session_edit": {"pk": session.pk},
        "session_attendance": {"pk": session.pk},
        "session_walkin_search": {"pk": session.pk},
        # Enterprises
        "enterprise_list": {},
        "enterprise_create": {},
        "enterprise_detail": {"pk": enterprise.pk},
        "enterprise_edit": {"pk": enterprise.pk},
        "member_add": {"pk": enterprise.pk},
        "member_remove": {"pk": member.pk},
        "record_create": {"pk": enterprise.pk},
        "record_edit": {"pk": record.pk},
        "record_delete": {"pk": record.pk},
        # Results
        **results_create(a),
        # Credit
        **credit_routes(a),
        # Stories
        **story_routes(a),
        # Donor reports
        **donor_report_routes(a),
        # Field forms
        "fieldform_list": program,
        "fieldform_xlsx": {**program, "form_id": "attendance"},
        "fieldform_xform": {**program, "form_id": "attendance"},
        # Form servers
        **submission_routes(a),
        # Imports
        **import_routes(a),
        # Employment service
        **employment_routes(a),
    }


def assert_no_trace_of_a(response, url):
    if response.status_code in (403, 404, 405):
        return
    assert response.status_code in (200, 302), f"{url} answered {response.status_code}"
    body = response.content.decode()
    for trace in TRACES_OF_A:
        assert trace not in body, f"{url} shows {trace!r} to an outsider"
    if response.status_code == 302:
        assert "alpha" not in response["Location"], f"{url} redirects an outsider into A's records"


@pytest.mark.django_db
def test_every_page_is_in_the_sweep(world):
    kwargs = route_kwargs(world)
    missing = [name for name, _ in named_routes() if name not in kwargs and name not in PUBLIC | SHARED_REFERENCE]
    assert not missing, f"pages missing from the outsider sweep: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("outsider", ["admin_b", "field_b", "coordinator_b", "nobody"])
def test_outsiders_see_nothing_of_organization_a(world, client, outsider):
    kwargs = route_kwargs(world)
    client.force_login(getattr(world, outsider))
    events_before = AuditEvent.objects.count()
    for name, _ in named_routes():
        if name not in kwargs:
            continue
        url = reverse(name, kwargs=kwargs[name])
        assert_no_trace_of_a(client.get(url), url)
        if kwargs[name]:  # a page about one of A's records: writing to it must fail as if it did not exist
            response = client.post(url, {"name": "x", "title_es": "x", "amount": "1", "role": "admin"})
            assert response.status_code == 404, f"POST {url} by {outsider} answered {response.status_code}"
    assert AuditEvent.objects.count() == events_before, "an outsider's request changed something"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(world, client):
    kwargs = route_kwargs(world)
    login_url = reverse("login")
    for name, _ in named_routes():
        if name not in kwargs:
            continue
        url = reverse(name, kwargs=kwargs[name])
        response = client.get(url)
        assert response.status_code in (302, 405), f"{url} answered {response.status_code} to an anonymous visitor"
        if response.status_code == 302:
            assert response["Location"].startswith(login_url), f"{url} did not send the visitor to log in"
