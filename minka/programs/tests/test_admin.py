"""The Django admin pages for programs and funding open for a network admin, searches included."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from minka.programs.models import Disbursement, Initiative

pytestmark = pytest.mark.django_db


def test_admin_pages_open_with_their_lists_and_searches(world, login):
    disbursement = Disbursement.objects.create(
        commitment=world.commitment_a, amount=Decimal("10"), disbursed_on=datetime.date(2024, 2, 1)
    )
    initiative = Initiative.objects.create(program=world.program_a, title_es="Radio comunitaria")
    partner = world.project_a.partners.get()
    client = login(world.superuser)
    records = {
        "program": world.program_a.pk,
        "phase": world.phase_a.pk,
        "project": world.project_a.pk,
        "projectpartner": partner.pk,
        "initiative": initiative.pk,
        "fundingcommitment": world.commitment_a.pk,
        "disbursement": disbursement.pk,
    }
    for model, pk in records.items():
        changelist = reverse(f"admin:programs_{model}_changelist")
        assert client.get(changelist).status_code == 200, model
        assert client.get(changelist, {"q": "alfa"}).status_code == 200, model
        assert client.get(reverse(f"admin:programs_{model}_change", args=[pk])).status_code == 200, model
    page = client.get(reverse("admin:programs_project_changelist"), {"q": "quispicanchi"}).content.decode()
    assert "alfa-quispicanchi" in page and "beta-trujillo" not in page


def test_admin_is_closed_to_organization_users(world, login):
    response = login(world.admin_a).get(reverse("admin:programs_program_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]
