"""The reported values' rules in the services, whoever calls them (pages, API, command): locks cover every
overlapping period, each refusal leaves nothing written, and a share adds up parts, not percentages."""

from decimal import Decimal

import pytest

from minka.audit.models import AuditEvent
from minka.core.errors import ApplicationError, PermissionDenied
from minka.results import selectors, services
from minka.results.models import Indicator, PeriodLock, ReportedValue, ReportStatus, Target
from minka.results.periods import period_parse
from minka.results.tests.test_pages import alpha, report_make  # noqa: F401 (alpha is a fixture)

pytestmark = pytest.mark.django_db


def test_an_approved_year_locks_its_quarters_and_months_for_reports_and_targets(world, alpha):  # noqa: F811
    services.report_approve(user=world.coordinator_a, report=report_make(world, period="2024"))
    reported = Indicator.objects.get(code="R1")
    before = (ReportedValue.objects.count(), Target.objects.count(), AuditEvent.objects.count())
    for period in ("2024-Q3", "2024-11", "2023-12..2024-01"):
        with pytest.raises(ApplicationError) as error:
            services.report_save(
                user=world.field_a, indicator=reported, period=period,
                data={"organization": world.org_a, "value": Decimal(1)},
            )  # fmt: skip
        assert error.value.code == "period_locked" and "2024" in error.value.message
        with pytest.raises(ApplicationError):
            services.target_save(user=world.coordinator_a, indicator=reported, period=period, value=Decimal(9))
    assert (ReportedValue.objects.count(), Target.objects.count(), AuditEvent.objects.count()) == before

    # The year after is open.
    services.report_save(
        user=world.field_a, indicator=reported, period="2025", data={"organization": world.org_a, "value": Decimal(2)}
    )


def test_reopening_keeps_who_when_and_why_and_opens_the_period_again(world, alpha):  # noqa: F811
    report = services.report_approve(user=world.coordinator_a, report=report_make(world, period="2024-Q1"))
    lock = PeriodLock.objects.get()
    assert lock.locked_by == world.coordinator_a

    with pytest.raises(ApplicationError):
        services.period_reopen(user=world.coordinator_a, lock=lock, reason="  ")
    with pytest.raises(PermissionDenied):
        services.period_reopen(user=world.field_a, lock=lock, reason="Quiero cambiarlo.")
    lock.refresh_from_db()
    assert lock.is_active

    services.period_reopen(user=world.coordinator_a, lock=lock, reason="Faltaba un comité.")
    lock.refresh_from_db()
    assert (lock.reopened_by, lock.reopen_reason, lock.reopened_at is not None) == (
        world.coordinator_a,
        "Faltaba un comité.",
        True,
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert AuditEvent.objects.filter(model="results.periodlock", object_id=str(lock.pk)).exists()
    services.report_save(
        user=world.field_a, indicator=report.indicator, period="2024-Q1", data={"value": Decimal(4)}, report=report
    )


def test_a_reported_share_adds_the_partners_parts_not_their_percentages(world, alpha):  # noqa: F811
    reported = Indicator.objects.get(code="R1")
    reported.unit = "percent"
    reported.save()
    reports = []
    for numerator, denominator, organization in ((1, 1, world.org_a), (1, 99, world.org_b)):
        report = ReportedValue.objects.create(
            indicator=reported, organization=organization, period_kind="year", period_label="2024",
            period_start=period_parse("2024").start, period_end=period_parse("2024").end,
            numerator=Decimal(numerator), denominator=Decimal(denominator), created_by=world.field_a,
            status=ReportStatus.SUBMITTED, submitted_by=world.field_a,
        )  # fmt: skip
        reports.append(report)
    for report in reports:
        services.report_approve(user=world.coordinator_a, report=report)
    value = selectors.indicator_value(reported, period=period_parse("2024"), restricted=False)
    assert (value.numerator, value.denominator, value.value) == (2, 100, Decimal("2.0"))  # not (100 + 1) / 2


# The approval flow, step by step -------------------------------------------------------------------------------------


def counts():
    """What a refused write must leave as it was."""
    return (
        ReportedValue.objects.count(),
        Target.objects.count(),
        PeriodLock.objects.count(),
        AuditEvent.objects.count(),
        list(ReportedValue.objects.order_by("pk").values_list("status", "value", "numerator", "denominator")),
    )


def events(instance, action=None):
    found = AuditEvent.objects.filter(model=instance._meta.label_lower, object_id=str(instance.pk))
    return found.filter(action=action) if action else found


@pytest.fixture
def reported(build):
    """A reported indicator of program alpha, counted in committees."""
    return build.indicator("REP", measure=None, unit="other", unit_label="comités")


def draft(world, indicator, *, by=None, period="2024-Q2", value="3", organization=None):
    return services.report_save(
        user=by or world.field_a, indicator=indicator, period=period,
        data={"organization": organization or world.org_a, "value": Decimal(value), "narrative": "Actas."},
    )  # fmt: skip


def test_draft_submitted_approved_with_who_and_when_and_an_audit_event_at_each_step(world, reported):
    report = draft(world, reported)
    assert (report.status, report.created_by, report.period_label, report.period_kind) == (
        ReportStatus.DRAFT, world.field_a, "2024-Q2", "quarter",
    )  # fmt: skip
    assert events(report, "create").count() == 1

    report = services.report_submit(user=world.field_a, report=report)
    assert (report.status, report.submitted_by, report.submitted_at is not None) == (
        ReportStatus.SUBMITTED, world.field_a, True,
    )  # fmt: skip
    assert not PeriodLock.objects.exists()  # only approval locks

    report = services.report_approve(user=world.coordinator_a, report=report, note="Conforme.")
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.review_note, report.reviewed_at is not None) == (
        ReportStatus.APPROVED, world.coordinator_a, "Conforme.", True,
    )  # fmt: skip
    assert events(report, "update").count() == 2  # submitted, approved
    lock = PeriodLock.objects.get()
    assert (lock.indicator, lock.period_label, lock.period_start, lock.period_end, lock.locked_by, lock.is_active) == (
        reported, "2024-Q2", period_parse("2024-Q2").start, period_parse("2024-Q2").end, world.coordinator_a, True,
    )  # fmt: skip
    assert events(lock, "create").count() == 1
    # The approved value is what the indicator shows, to everyone.
    assert selectors.indicator_value(reported, period=period_parse("2024")).value == Decimal(3)


def test_a_returned_report_needs_a_reason_and_can_be_corrected_and_sent_again(world, reported):
    report = services.report_submit(user=world.field_a, report=draft(world, reported))
    before = counts()
    with pytest.raises(ApplicationError) as error:
        services.report_return(user=world.coordinator_a, report=report, note="   ")
    assert "review_note" in error.value.fields and counts() == before

    report = services.report_return(user=world.coordinator_a, report=report, note="Falta el acta de mayo.")
    assert (report.status, report.review_note) == (ReportStatus.RETURNED, "Falta el acta de mayo.")
    assert not PeriodLock.objects.exists()
    assert selectors.indicator_value(reported, period=period_parse("2024")).value is None  # nothing approved

    report = services.report_save(
        user=world.field_a, indicator=reported, period="2024-Q2", data={"value": Decimal(5)}, report=report
    )
    report = services.report_submit(user=world.field_a, report=report)
    services.report_approve(user=world.admin_a, report=report)
    assert selectors.indicator_value(reported, period=period_parse("2024")).value == Decimal(5)


def test_no_one_approves_or_returns_what_they_sent_themselves(world, reported):
    report = services.report_submit(user=world.coordinator_a, report=draft(world, reported, by=world.coordinator_a))
    before = counts()
    with pytest.raises(PermissionDenied) as error:
        services.report_approve(user=world.coordinator_a, report=report)
    assert error.value.code == "own_report" and "usted mismo" in str(error.value.message)
    with pytest.raises(PermissionDenied):
        services.report_return(user=world.coordinator_a, report=report, note="Corregir.")
    assert counts() == before  # still submitted, no lock, no event
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.reviewed_by is None

    services.report_approve(user=world.admin_a, report=report)  # another editor of the program may
    assert PeriodLock.objects.get().locked_by == world.admin_a


@pytest.mark.parametrize("who", ["field_a", "funder_a", "field_b", "auditor_a"])
def test_only_the_program_s_editors_review(world, reported, who):
    report = services.report_submit(user=world.coordinator_a, report=draft(world, reported, by=world.coordinator_a))
    before = counts()
    with pytest.raises(PermissionDenied):
        services.report_approve(user=getattr(world, who), report=report)
    assert counts() == before


def test_only_a_submitted_report_is_reviewed(world, reported):
    report = draft(world, reported)
    with pytest.raises(ApplicationError) as error:
        services.report_approve(user=world.coordinator_a, report=report)
    assert error.value.code == "not_submitted"
    assert ReportedValue.objects.get().status == ReportStatus.DRAFT and not PeriodLock.objects.exists()


def test_a_sent_or_approved_report_is_not_edited(world, reported):
    report = services.report_submit(user=world.field_a, report=draft(world, reported))
    before = counts()
    with pytest.raises(PermissionDenied):
        services.report_save(user=world.field_a, indicator=reported, period="2024-Q2", data={"value": 9}, report=report)
    assert counts() == before


# Locks -----------------------------------------------------------------------------------------------------------


def approve(world, indicator, period):
    report = services.report_submit(user=world.field_a, report=draft(world, indicator, period=period))
    return services.report_approve(user=world.coordinator_a, report=report)


def test_targets_of_a_locked_period_are_refused_new_changed_or_deleted(world, reported):
    target = services.target_save(user=world.coordinator_a, indicator=reported, period="2024-05", value=Decimal(2))
    approve(world, reported, "2024-Q2")
    before = counts()
    for attempt in (
        lambda: services.target_save(user=world.coordinator_a, indicator=reported, period="2024-Q2", value=1),
        lambda: services.target_save(user=world.coordinator_a, indicator=reported, period="2024", value=1),
        lambda: services.target_save(
            user=world.coordinator_a, indicator=reported, period="2024-05", value=Decimal(7), target=target
        ),
        lambda: services.target_delete(user=world.coordinator_a, target=target),
    ):
        with pytest.raises(ApplicationError) as error:
            attempt()
        assert error.value.code == "period_locked" and error.value.status == 409
        assert "2024-Q2" in str(error.value.message)
    assert counts() == before
    target.refresh_from_db()
    assert target.value == Decimal(2)
    # Other periods, and other indicators, stay open.
    services.target_save(user=world.coordinator_a, indicator=reported, period="2024-Q3", value=Decimal(4))


def test_a_report_into_a_locked_period_is_refused_and_a_draft_there_cannot_be_sent(world, reported):
    early_draft = draft(world, reported, period="2024-06", organization=world.org_a)
    approve(world, reported, "2024-Q2")
    before = counts()
    with pytest.raises(ApplicationError) as error:
        draft(world, reported, period="2024-04")
    assert error.value.code == "period_locked"
    with pytest.raises(ApplicationError) as error:
        services.report_submit(user=world.field_a, report=early_draft)
    assert error.value.code == "period_locked"
    assert counts() == before


def test_a_program_wide_approval_locks_every_period_and_reopening_opens_them(world, reported):
    report = approve(world, reported, "")
    assert report.period_kind == "program"
    with pytest.raises(ApplicationError):
        services.target_save(user=world.coordinator_a, indicator=reported, period="2031-01", value=Decimal(1))
    lock = PeriodLock.objects.get()
    reopened = services.period_reopen(user=world.coordinator_a, lock=lock, reason="Revisión del financiador.")
    assert (reopened.reopened_by, reopened.reopen_reason) == (world.coordinator_a, "Revisión del financiador.")
    assert events(lock, "update").count() == 1
    with pytest.raises(ApplicationError) as error:
        services.period_reopen(user=world.coordinator_a, lock=lock, reason="Otra vez.")
    assert error.value.code == "not_locked"
    services.target_save(user=world.coordinator_a, indicator=reported, period="2031-01", value=Decimal(1))


# Amounts ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def share(build):
    return build.indicator("SHR", measure=None, unit="percent")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"numerator": Decimal(3), "denominator": Decimal(0)}, "denominator"),  # a zero denominator
        ({"numerator": Decimal(3)}, "denominator"),
        ({"value": Decimal(40)}, "numerator"),  # a percentage comes as its parts
        ({"numerator": Decimal(5), "denominator": Decimal(4)}, "numerator"),
    ],
)
def test_a_percentage_report_without_usable_parts_is_refused_and_nothing_saved(world, share, data, field):
    before = counts()
    with pytest.raises(ApplicationError) as error:
        services.report_save(
            user=world.field_a, indicator=share, period="2024", data={"organization": world.org_a, **data}
        )
    assert field in error.value.fields
    assert counts() == before


def test_a_zero_denominator_is_named_as_such(world, share):
    with pytest.raises(ApplicationError) as error:
        services.report_save(
            user=world.field_a, indicator=share, period="2024",
            data={"organization": world.org_a, "numerator": Decimal(0), "denominator": Decimal(0)},
        )  # fmt: skip
    assert error.value.code == "zero_denominator" and "denominador cero" in str(error.value.message)


@pytest.mark.parametrize(("period", "code"), [("2024-13", "invalid_period"), ("fase-9", "unknown_phase")])
def test_a_report_for_a_period_that_does_not_exist_is_refused(world, reported, period, code):
    before = counts()
    with pytest.raises(ApplicationError) as error:
        draft(world, reported, period=period)
    assert error.value.code == code and counts() == before


def test_a_computed_indicator_is_not_reported_and_no_one_reports_for_an_organization_not_theirs(world, build, reported):
    computed = build.indicator("PR")
    before = counts()
    with pytest.raises(ApplicationError) as error:
        draft(world, computed)
    assert error.value.code == "not_reported"
    with pytest.raises(PermissionDenied):
        draft(world, reported, by=world.field_b, organization=world.org_b)  # Beta takes no part in alpha
    with pytest.raises(PermissionDenied):
        draft(world, reported, by=world.field_b, organization=world.org_a)
    assert counts() == before
