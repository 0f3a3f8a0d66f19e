"""The Django admin shows the results framework to network admins, read-only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from minka.results.models import Indicator, PeriodLock, ReportedValue, Result, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework_a(world):
    result = Result.objects.create(program=world.program_a, level="impact", code="I1", statement_es="Mejores ingresos")
    indicator = Indicator.objects.create(
        result=result, code="I1.1", name_es="Personas con ingresos", unit="people", source="reported"
    )
    target = Target.objects.create(
        indicator=indicator, period_kind="program", period_label="program", value=Decimal("50")
    )
    report = ReportedValue.objects.create(
        indicator=indicator,
        organization=world.org_a,
        period_kind="year",
        period_label="2024",
        value=Decimal("20"),
        created_by=world.field_a,
        status="approved",
    )
    lock = PeriodLock.objects.create(
        indicator=indicator, period_kind="year", period_label="2024", locked_by=world.admin_a
    )
    return {"result": result, "indicator": indicator, "reportedvalue": report, "periodlock": lock, "target": target}


def test_admin_pages_open_read_only(world, login, framework_a):
    client = login(world.superuser)
    for model in ("result", "indicator", "reportedvalue", "periodlock"):
        changelist = reverse(f"admin:results_{model}_changelist")
        assert client.get(changelist).status_code == 200, model
        page = client.get(reverse(f"admin:results_{model}_change", args=[framework_a[model].pk]))
        assert page.status_code == 200, model
        assert 'name="_save"' not in page.content.decode(), model
        assert client.get(reverse(f"admin:results_{model}_add")).status_code == 403, model
    indicator_page = client.get(reverse("admin:results_indicator_change", args=[framework_a["indicator"].pk]))
    assert "Personas con ingresos" in indicator_page.content.decode()


def test_admin_is_closed_to_organization_users(world, login):
    assert login(world.admin_a).get(reverse("admin:results_indicator_changelist")).status_code == 302
