"""Reading: who sees which enterprises, the list's filters and figures, and income against the baseline."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404

from minka.enterprises import selectors
from minka.enterprises.tests.conftest import enterprise_make, person_create, record_make

pytestmark = pytest.mark.django_db


def income(world, *months):
    enterprise = enterprise_make(world, name=f"E{len(months)}-{months[0][1] if months else ''}")
    for n, (sales, costs) in enumerate(months, start=1):
        record_make(world, enterprise, datetime.date(2024, n, 1), sales, costs)
    return selectors.enterprise_income_change(enterprise)


class TestIncomeChange:
    def test_against_the_first_months_net_income(self, world):
        # baseline 500 − 200 = 300.00; a middle month; latest 700 − 250 = 450.00
        change = income(world, ("500.00", "200.00"), ("100.00", "90.00"), ("700.00", "250.00"))
        assert change.baseline == Decimal("300.00") and change.latest == Decimal("450.00")
        assert change.change == Decimal("150.00")
        assert change.percentage == Decimal("50.00")
        assert (change.baseline_month, change.latest_month) == (datetime.date(2024, 1, 1), datetime.date(2024, 3, 1))

    def test_records_out_of_order_still_use_the_earliest_month_as_baseline(self, world):
        enterprise = enterprise_make(world)
        record_make(world, enterprise, datetime.date(2024, 6, 1), "450.00", "0")
        record_make(world, enterprise, datetime.date(2024, 2, 1), "300.00", "0")
        change = selectors.enterprise_income_change(enterprise)
        assert (change.baseline, change.latest, change.percentage) == (
            Decimal("300.00"),
            Decimal("450.00"),
            Decimal("50.00"),
        )

    def test_none_with_fewer_than_two_records(self, world):
        assert income(world) is None
        assert income(world, ("500.00", "200.00")) is None

    def test_percentage_rounds_half_even(self, world):
        # 0.20 over 800.00 is 0.025 %: half-even gives 0.02 (half-up would give 0.03)
        change = income(world, ("800.00", "0"), ("800.20", "0"))
        assert change.change == Decimal("0.20") and change.percentage == Decimal("0.02")
        # 0.60 over 800.00 is 0.075 %: half-even gives 0.08
        assert income(world, ("900.00", "100.00"), ("800.60", "0")).percentage == Decimal("0.08")

    def test_losses(self, world):
        # from a loss of 200 to a loss of 50: up 150, 75 % of the loss recovered
        change = income(world, ("100.00", "300.00"), ("250.00", "300.00"))
        assert (change.baseline, change.change, change.percentage) == (
            Decimal("-200.00"),
            Decimal("150.00"),
            Decimal("75.00"),
        )
        # a fall is negative
        assert income(world, ("400.00", "100.00"), ("250.00", "100.00")).percentage == Decimal("-50.00")

    def test_no_percentage_of_a_zero_baseline(self, world):
        change = income(world, ("100.00", "100.00"), ("250.00", "100.00"))
        assert change.change == Decimal("150.00") and change.percentage is None


class TestVisibility:
    @pytest.fixture
    def both(self, world):
        return enterprise_make(world, name="Alfa textil"), enterprise_make(
            world, name="Beta panadería", organization=world.org_b, program=world.program_b, district_id="130101"
        )

    @pytest.mark.parametrize(
        ("username", "expected"),
        [
            ("admin_a", ["Alfa textil"]),
            ("field_a", ["Alfa textil"]),
            ("credit_a", ["Alfa textil"]),
            ("auditor_a", ["Alfa textil"]),
            ("coordinator_a", ["Alfa textil"]),
            ("program_auditor_a", ["Alfa textil"]),
            ("funder_a", []),
            ("nobody", []),
            ("field_b", ["Beta panadería"]),
            ("coordinator_b", ["Beta panadería"]),
            ("superuser", ["Alfa textil", "Beta panadería"]),
        ],
    )
    def test_who_sees_what(self, world, both, username, expected):
        user = getattr(world, username)
        assert [e.name for e in selectors.enterprise_list(user=user)] == expected

    @pytest.mark.parametrize("username", ["field_b", "admin_b", "coordinator_b", "funder_a", "nobody"])
    def test_others_get_404(self, world, both, username, rosa):
        from minka.enterprises.models import EnterpriseMember

        alfa = both[0]
        member = EnterpriseMember.objects.create(enterprise=alfa, participant=rosa, role="owner")
        record = record_make(world, alfa, datetime.date(2024, 3, 1), "1", "0")
        user = getattr(world, username)
        with pytest.raises(Http404):
            selectors.enterprise_get(user=user, enterprise_id=alfa.pk)
        with pytest.raises(Http404):
            selectors.member_get(user=user, member_id=member.pk)
        with pytest.raises(Http404):
            selectors.record_get(user=user, record_id=record.pk)

    def test_program_coordinator_sees_another_organizations_enterprise_in_the_program(self, world):
        enterprise_make(world, name="De Beta en Alfa", organization=world.org_b, program=world.program_a)
        names = [e.name for e in selectors.enterprise_list(user=world.coordinator_a)]
        assert names == ["De Beta en Alfa"]
        assert [e.name for e in selectors.enterprise_list(user=world.field_a)] == []


class TestList:
    def test_filters(self, world):
        enterprise_make(
            world, name="Café Nieva", kind="individual", stage="idea", sector="agriculture", district_id="010401"
        )
        enterprise_make(world, name="Tejidos Urcos", kind="collective", stage="operating", sector="textiles")
        enterprise_make(
            world, name="Cuyes Andahuaylillas", kind="family", stage="closed", sector="livestock", district_id="081202"
        )
        user = world.superuser

        def names(**filters):
            return [e.name for e in selectors.enterprise_list(user=user, **filters)]

        assert names(kind="family") == ["Cuyes Andahuaylillas"]
        assert names(stage="idea") == ["Café Nieva"]
        assert names(sector="textiles") == ["Tejidos Urcos"]
        assert names(territory="08") == ["Cuyes Andahuaylillas", "Tejidos Urcos"]
        assert names(territory="0104") == ["Café Nieva"]
        assert names(territory="081202") == ["Cuyes Andahuaylillas"]
        assert names(program="alpha") == ["Café Nieva", "Cuyes Andahuaylillas", "Tejidos Urcos"]
        assert names(program="beta") == []
        assert names(organization="beta-ngo") == []
        assert names(organization="alpha-ngo", search="café") == ["Café Nieva"]

    def test_member_count_and_latest_net_income(self, world, rosa):
        from minka.enterprises.models import EnterpriseMember

        enterprise = enterprise_make(world)
        EnterpriseMember.objects.create(enterprise=enterprise, participant=rosa, role="owner")
        EnterpriseMember.objects.create(
            enterprise=enterprise, participant=person_create(world.org_a, "Ana"), role="worker"
        )
        record_make(world, enterprise, datetime.date(2024, 3, 1), "500.00", "200.00")
        record_make(world, enterprise, datetime.date(2024, 8, 1), "800.00", "350.00")
        enterprise_make(world, name="Sin registros")
        first, second = selectors.enterprise_list(user=world.field_a)
        assert (first.name, first.member_count, first.latest_net_income) == ("Sin registros", 0, None)
        assert (second.member_count, second.latest_net_income, second.latest_month) == (
            2,
            Decimal("450.00"),
            datetime.date(2024, 8, 1),
        )


class TestPeopleSearch:
    def test_finds_visible_people_by_name_without_accents_or_by_dni(self, world, rosa, outsider_person):
        from minka.people.identity import dni_hash, dni_last_digits

        rosa.dni_hash, rosa.dni_last_digits = dni_hash("41234567"), dni_last_digits("41234567")
        rosa.save()
        assert selectors.people_search(user=world.field_a, query="huaman ROSA") == [rosa]
        assert selectors.people_search(user=world.field_a, query="41234567") == [rosa]
        assert selectors.people_search(user=world.field_a, query="r") == []
        # registered by org B, enrolled in program B only: not for org A's users
        assert selectors.people_search(user=world.field_a, query="Elena") == []
        assert selectors.people_search(user=world.field_b, query="Elena") == [outsider_person]
        assert selectors.people_search(user=world.funder_a, query="Rosa") == []
