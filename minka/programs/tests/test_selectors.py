"""Selectors behind the program pages: key facts per program and funding per currency."""

import datetime
from decimal import Decimal

import pytest

from minka.programs import selectors
from minka.programs.models import Disbursement, FundingCommitment, ProjectPartner
from minka.testing import OrganizationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_program_summaries_count_only_what_the_user_sees(world, django_assert_max_num_queries):
    other = ProjectFactory(program=world.program_a, code="de-beta", lead_organization=world.org_b)
    other.territories.set(["1301"])
    FundingCommitment.objects.create(
        project=other, funder=world.org_b, amount=Decimal("7"), currency="USD", committed_on=datetime.date(2024, 1, 1)
    )
    ProjectPartner.objects.create(
        project=world.project_a, organization=OrganizationFactory(slug="kappa", name="Fondo Kappa"), role="funder"
    )
    programs = list(selectors.program_list(user=world.field_b))
    with django_assert_max_num_queries(6):
        summaries = selectors.program_summaries(user=world.field_b, programs=programs)
    alpha = summaries[world.program_a.pk]
    assert alpha == {
        "territories": ["Trujillo"],
        "funders": ["Beta"],
        "funding": [{"currency": "USD", "committed": Decimal("7.00")}],
    }
    everything = selectors.program_summaries(user=world.superuser, programs=[world.program_a])[world.program_a.pk]
    assert everything["territories"] == ["Quispicanchi", "Trujillo"]
    assert everything["funders"] == ["Beta", "Fondo Kappa", "Fundación Gamma"]
    assert everything["funding"] == [
        {"currency": "EUR", "committed": Decimal("100000.00")},
        {"currency": "USD", "committed": Decimal("7.00")},
    ]


def test_funding_totals_never_add_currencies(world):
    FundingCommitment.objects.create(
        project=world.project_a,
        funder=world.funder_org,
        amount=Decimal("50.00"),
        currency="USD",
        committed_on=datetime.date(2024, 1, 1),
    )
    Disbursement.objects.create(
        commitment=world.commitment_a, amount=Decimal("0.10"), disbursed_on=datetime.date(2024, 2, 1)
    )
    Disbursement.objects.create(
        commitment=world.commitment_a, amount=Decimal("0.20"), disbursed_on=datetime.date(2024, 2, 2)
    )
    totals = selectors.funding_totals(selectors.commitment_list(user=world.admin_a, program=world.program_a))
    assert totals == [
        {
            "currency": "EUR",
            "committed": Decimal("100000.00"),
            "disbursed": Decimal("0.30"),
            "remaining": Decimal("99999.70"),
        },
        {"currency": "USD", "committed": Decimal("50.00"), "disbursed": Decimal("0"), "remaining": Decimal("50.00")},
    ]
    commitment = selectors.commitment_get(user=world.admin_a, commitment_id=world.commitment_a.pk)
    assert commitment.disbursed == Decimal("0.30") and commitment.remaining == Decimal("99999.70")


def test_editable_projects_follow_the_project_rule(world):
    assert list(selectors.project_editable_list(user=world.field_a, program=world.program_a)) == [world.project_a]
    assert list(selectors.project_editable_list(user=world.auditor_a, program=world.program_a)) == []
    assert list(selectors.project_editable_list(user=world.funder_a, program=world.program_a)) == []
