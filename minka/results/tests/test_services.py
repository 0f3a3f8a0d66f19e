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
