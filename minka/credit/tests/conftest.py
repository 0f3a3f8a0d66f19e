"""A fund of organization A with its capital, a laddered monthly product and borrowers, and a shortcut to take a
loan from application to disbursement through the real services."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from minka.credit import loans, services
from minka.credit.models import Fund, Loan, LoanProduct
from minka.people.models import Participant

LADDER = ("300", "500", "1000", "1500", "2000")


@dataclass
class Credit:
    world: object
    fund: Fund
    product: LoanProduct
    borrowers: list[Participant]
    maker: object
    checker: object

    def borrower(self, name: str) -> Participant:
        person = Participant.objects.create(
            given_names=name, paternal_surname="Prueba", sex="F", registered_by=self.world.org_a, search_name=name
        )
        self.borrowers.append(person)
        return person

    def loan(
        self,
        borrower: Participant | None = None,
        *,
        amount="300",
        repayments=6,
        applied_on=datetime.date(2025, 1, 6),
        disbursed_on=datetime.date(2025, 1, 10),
        first_repayment_on=None,
        product: LoanProduct | None = None,
    ) -> Loan:
        """Applied for by the credit officer, visited, approved by the admin, disbursed in cash."""
        loan = loans.apply_for_loan(
            user=self.maker,
            product=product or self.product,
            data={
                "borrower": borrower or self.borrowers[0],
                "amount": Decimal(amount),
                "repayments": repayments,
                "use_category": "raw_materials",
                "use_description": "Lana de alpaca",
                "applied_on": applied_on,
                "site": self.world.site_a,
            },
        )
        loans.record_visit(
            user=self.maker,
            loan=loan,
            data={"visited_on": applied_on, "is_evaluation": True, "business_status": "stable", "findings": "Teje."},
        )
        loans.approve_loan(user=self.checker, loan=loan, on_date=applied_on)
        if disbursed_on is None:
            return Loan.objects.get(pk=loan.pk)
        return loans.disburse_loan(
            user=self.maker,
            loan=loan,
            on_date=disbursed_on,
            channel="cash",
            receipt="D-1",
            first_repayment_on=first_repayment_on,
        )


def credit_create(world, *, capital="10000", penalty_percent="0", max_days_late=0) -> Credit:
    fund = services.create_fund(
        user=world.admin_a,
        data={"organization": world.org_a, "program": world.program_a, "slug": "fondo-alfa", "name": "Fondo Alfa"},
        officers=[world.credit_a],
    )
    services.add_contribution(
        user=world.admin_a,
        fund=fund,
        data={"donor": world.funder_org, "amount": capital, "received_on": datetime.date(2025, 1, 2)},
    )
    product = services.create_product(
        user=world.admin_a,
        fund=fund,
        data={
            "name": "Crédito solidario",
            "min_amount": Decimal("100"),
            "max_amount": Decimal("2000"),
            "annual_rate": Decimal("12"),
            "max_annual_rate": Decimal("24"),
            "min_repayments": 1,
            "max_repayments": 12,
            "default_repayments": 6,
            "penalty_percent": Decimal(penalty_percent),
            "penalty_grace_days": 3,
            "ladder_max_days_late": max_days_late,
        },
        steps=LADDER,
    )
    credit = Credit(world, fund, product, [], maker=world.credit_a, checker=world.admin_a)
    credit.borrower("Rocío")
    return credit


@pytest.fixture
def credit(world):
    return credit_create(world)
