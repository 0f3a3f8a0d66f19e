"""Monthly enterprise follow-ups from the field go in through the enterprise-records kind, once per month."""

import pytest

from minka.enterprises.models import EnterpriseRecord
from minka.fieldforms import definitions
from minka.submissions import services
from minka.submissions.models import Submission
from minka.submissions.tests.conftest import connection_create, kobo_submission
from minka.testing import field_records_create

pytestmark = pytest.mark.django_db


def test_a_monthly_follow_up_is_recorded_once(world, servers):
    enterprise = field_records_create(world).enterprise
    connection = connection_create(world, servers, form_key="enterprise_followup")
    answered = {
        "minka_form": "enterprise_followup",
        "minka_version": definitions.current("enterprise_followup").version,
        "minka_program": "alpha",
        "enterprise": f"e{enterprise.pk}",
        "month": "2024-11-01",
        "sales": "1250.50",
        "costs": "800",
        "jobs": "2",
    }
    servers.kobo_assets[connection.asset_uid] = [kobo_submission(0, answered, group="ventas")]
    done = services.pull(connection=connection, user=world.admin_a)
    assert (done.imported, done.failed) == (1, 0), list(Submission.objects.values_list("failure_reason", flat=True))
    record = EnterpriseRecord.objects.get(enterprise=enterprise, month__year=2024, month__month=11)
    assert (str(record.sales), str(record.costs)) == ("1250.50", "800.00")
    assert services.pull(connection=connection, user=world.admin_a).already == 1
