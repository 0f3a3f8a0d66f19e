"""What a new officer meets taking a vacancy from an employer to a hire and its follow-ups: each page leads to the
next one, and none offers a step that can only end in an error. Found by trying the whole journey on the demo."""

import pytest
from django.urls import reverse

from minka.employment import services
from minka.employment.tests.test_pages import jobs_create, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(world):
    return jobs_create(world)


def _main(response) -> str:
    """The page below the menu, which lists the job services on every page."""
    return response.content.decode().split("<main", 1)[1]


def _crumbs(response) -> str:
    return _main(response).split('<nav class="crumbs"', 1)[1].split("</nav>", 1)[0]


def test_the_program_page_links_to_its_job_service_for_those_who_read_it(world, jobs, client):
    program_page = reverse("program_detail", args=[world.program_a.slug])
    client.force_login(world.field_a)
    assert url("home", world) in _main(client.get(program_page))
    client.force_login(world.funder_a)  # aggregates only: the job service answers 404 to a funder
    assert url("home", world) not in _main(client.get(program_page))


def test_an_employer_contact_lands_on_the_portal(world, jobs, client):
    services.contact_login_grant(
        user=world.field_a, contact=jobs.contact, username="rosa.hotel", password="una-clave-larga-2026"
    )
    jobs.contact.refresh_from_db()
    client.force_login(jobs.contact.user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("employment:portal_home")
    page = client.get(reverse("employment:portal_home")).content.decode()
    assert "1 persona propuesta" in page  # Yanet, for the kitchen job
