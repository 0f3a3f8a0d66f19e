"""Credit-use visits sent from the field go in through the credit app's service, which checks the loan's state."""

import pytest

from minka.credit.models import Visit
from minka.credit.tests.conftest import credit_create
from minka.fieldforms import definitions
from minka.submissions import services
from minka.submissions.models import Submission, SubmissionStatus
from minka.submissions.tests.conftest import connection_create, kobo_submission

pytestmark = pytest.mark.django_db


def visit(loan_choice: str, day: str) -> dict:
    return {
        "minka_form": "credit_visit",
        "minka_version": definitions.current("credit_visit").version,
        "minka_program": "alpha",
        "loan": loan_choice,
        "visited_on": day,
        "is_evaluation": "no",
        "use_verified": "as_planned",
        "business_status": "growing",
        "findings": "Compró lana y ya vende chompas.",
    }


def test_a_follow_up_visit_is_recorded_once_and_a_visit_to_an_unknown_loan_fails(world, servers):
    credit = credit_create(world)
    credit.borrower("Teodora")
    loan = credit.loan()
    connection = connection_create(world, servers, form_key="credit_visit")
    servers.kobo_assets[connection.asset_uid] = [
        kobo_submission(0, visit(f"l{loan.pk}", "2025-02-03"), group="visita"),
        kobo_submission(1, visit("l999999", "2025-02-03"), group="visita"),
    ]
    done = services.pull(connection=connection, user=world.admin_a)
    assert (done.imported, done.failed) == (1, 1)
    follow_up = Visit.objects.get(loan=loan, is_evaluation=False)
    assert (str(follow_up.visited_on), follow_up.use_verified, follow_up.business_status) == (
        "2025-02-03", "as_planned", "growing",
    )  # fmt: skip
    assert "no existe" in Submission.objects.get(status=SubmissionStatus.FAILED).failure_reason
    assert services.pull(connection=connection, user=world.admin_a).already == 1
    assert Visit.objects.filter(loan=loan, is_evaluation=False).count() == 1
