import datetime

import pytest

from minka.network.models import Territory
from minka.people import services
from minka.people.models import DuplicateCandidate

pytestmark = pytest.mark.django_db


def test_registering_a_likely_duplicate_puts_the_pair_in_the_review_queue(world, django_capture_on_commit_callbacks):
    data = {
        "given_names": "Rosa",
        "paternal_surname": "Ccori",
        "maternal_surname": "Huillca",
        "sex": "F",
        "birth_date": datetime.date(1998, 5, 14),
        "district": Territory.objects.get(code="081201"),
    }
    first = services.participant_register(user=world.admin_a, organization=world.org_a, data=data)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.participant_register(
            user=world.admin_b, organization=world.org_b, data={**data, "given_names": "Rossa"}
        )
    assert second.district_id == "081201"
    pair = DuplicateCandidate.objects.get()
    assert {pair.first_id, pair.second_id} == {first.pk, second.pk}
