"""People who share a household are linked by naming it; the household belongs to the registering organization."""

import pytest
from django.urls import reverse

from minka.people.models import Household, Participant

pytestmark = pytest.mark.django_db


def test_two_people_named_in_one_household_are_linked(world, login):
    client = login(world.field_a)
    form = client.get(reverse("person_create")).content.decode()
    assert 'name="household_name"' in form
    organization = world.org_a.pk
    for name in ("Rosa", "Yeny"):
        response = client.post(
            reverse("person_create"),
            {
                "organization": organization,
                "given_names": name,
                "paternal_surname": "Quispe",
                "maternal_surname": "Mamani",
                "sex": "F",
                "birth_year": "1990" if name == "Rosa" else "2004",
                "district": "081201",
                "household_name": "  Familia Quispe   Mamani, Urcos ",
                "confirm": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get()
    assert household.name == "Familia Quispe Mamani, Urcos" and household.organization == world.org_a
    assert set(Participant.objects.filter(household=household).values_list("given_names", flat=True)) == {
        "Rosa",
        "Yeny",
    }
    rosa = Participant.objects.get(given_names="Rosa")
    page = client.get(reverse("person_detail", args=[rosa.pk])).content.decode()
    assert "Familia Quispe Mamani, Urcos" in page
