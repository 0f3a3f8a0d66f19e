"""A walk-in registered from an attendance page comes back to it, enrolled in the activity's program."""

import pytest
from django.urls import reverse

from minka.people.models import Enrollment, Participant

pytestmark = pytest.mark.django_db


def test_registering_a_walk_in_returns_to_the_attendance_page(world, login):
    client = login(world.field_a)
    back = "/sesiones/123/asistencia/"
    url = f"{reverse('person_create')}?next={back}&program=alpha"
    page = client.get(url).content.decode()
    assert f'value="{world.program_a.pk}" selected' in page
    response = client.post(
        url,
        {
            "organization": world.org_a.pk,
            "given_names": "Yeny",
            "paternal_surname": "Ccori",
            "sex": "F",
            "birth_year": "2005",
            "program": world.program_a.pk,
            "confirm": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == back
    yeny = Participant.objects.get(given_names="Yeny")
    assert Enrollment.objects.filter(participant=yeny, program=world.program_a, organization=world.org_a).exists()


def test_a_foreign_next_address_is_ignored(world, login):
    client = login(world.field_a)
    response = client.post(
        f"{reverse('person_create')}?next=https://evil.example.org/",
        {"organization": world.org_a.pk, "given_names": "Ana", "sex": "F", "birth_year": "1990", "confirm": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[Participant.objects.get(given_names="Ana").pk])
