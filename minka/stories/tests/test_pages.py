"""The stories pages: writing a story with its photo, consent and visibility; who reads which stories and photos;
the public page's switch on the program page."""

import pytest
from django.urls import reverse

from minka.audit.models import AuditEvent
from minka.people.models import Consent
from minka.programs.models import Program
from minka.stories.models import Story, StoryVisibility
from minka.stories.tests.conftest import CONSENT_DAY, photo_upload
from minka.testing import field_records_create

pytestmark = pytest.mark.django_db


def form_data(**more):
    data = {
        "title": "Aprendí a vender",
        "text": "Con el programa aprendí a llevar mis cuentas.",
        "language": "es",
        "storyteller": "Rosa",
        "visibility": "internal",
    }
    return {**data, **more}


def test_a_coordinator_writes_a_story_with_photo_and_consent_and_publishes_it(world, login):
    client = login(world.coordinator_a)
    url = reverse("story_create", args=["alpha"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        form_data(
            photo=photo_upload(),
            photo_description="Rosa con sus tejidos",
            consent_to_publish="on",
            consent_recorded_on="2025-03-10",
            consent_note="Formulario firmado ante la promotora",
            visibility="public",
        ),
    )
    story = Story.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("story_detail", args=["alpha", story.pk])
    assert story.is_publishable and story.consent_recorded_by == world.coordinator_a
    assert story.consent_recorded_on == CONSENT_DAY and story.photo
    page = client.get(response["Location"]).content.decode()
    assert "Rosa con sus tejidos" in page and "Formulario firmado ante la promotora" in page
    photo = client.get(reverse("story_photo", args=["alpha", story.pk]))
    assert photo.status_code == 200 and b"".join(photo.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    assert AuditEvent.objects.filter(model="stories.story", action="create").count() == 1


def test_the_form_says_why_it_refuses(world, login):
    client = login(world.coordinator_a)
    url = reverse("story_create", args=["alpha"])
    page = client.post(url, form_data(visibility="public")).content.decode()
    assert "Solo se publica una historia cuando está registrado el consentimiento" in page
    page = client.post(url, form_data(photo=photo_upload("carta.png", image_format="GIF"))).content.decode()
    assert "JPEG, PNG o WebP" in page
    page = client.post(url, form_data(consent_to_publish="on")).content.decode()
    assert "en qué fecha se registró el consentimiento" in page
    assert not Story.objects.exists()


def test_field_staff_cannot_choose_public(world, login, stories):
    client = login(world.field_a)
    response = client.post(
        reverse("story_create", args=["alpha"]),
        form_data(consent_to_publish="on", consent_recorded_on="2025-03-10", visibility="public"),
    )
    assert response.status_code == 302
    story = Story.objects.latest("pk")
    assert story.visibility == StoryVisibility.INTERNAL and story.consent_recorded_by == world.field_a
    assert client.get(reverse("story_edit", args=["alpha", stories["published"].pk])).status_code == 403


def test_funders_read_only_publishable_stories_and_never_the_person(world, login, stories):
    f = field_records_create(world)
    stories["published"].person = f.person
    stories["published"].save()
    client = login(world.funder_a)
    listing = client.get(reverse("story_list", args=["alpha"])).content.decode()
    assert "Historia publicada de Alfa" in listing
    assert "Historia interna de Alfa" not in listing and "aún interna" not in listing
    detail = client.get(reverse("story_detail", args=["alpha", stories["published"].pk])).content.decode()
    assert f.person.full_name not in detail and reverse("person_detail", args=[f.person.pk]) not in detail
    for story in (stories["internal"], stories["consented"]):
        assert client.get(reverse("story_detail", args=["alpha", story.pk])).status_code == 404
        assert client.get(reverse("story_photo", args=["alpha", story.pk])).status_code == 404
    assert client.get(reverse("story_create", args=["alpha"])).status_code == 403


def test_staff_see_the_person_and_her_consent_records(world, login, stories):
    f = field_records_create(world)
    stories["published"].person = f.person
    stories["published"].save()
    page = login(world.field_a).get(reverse("story_detail", args=["alpha", stories["published"].pk])).content.decode()
    assert reverse("person_detail", args=[f.person.pk]) in page
    consent = Consent.objects.filter(participant=f.person).first()
    assert consent.purpose in page


@pytest.mark.parametrize("outsider", ["admin_b", "field_b", "coordinator_b", "nobody"])
def test_outsiders_get_404(world, login, stories, outsider):
    client = login(getattr(world, outsider))
    assert client.get(reverse("story_list", args=["alpha"])).status_code == 404
    assert client.get(reverse("story_detail", args=["alpha", stories["published"].pk])).status_code == 404


def test_the_person_withdraws_consent_from_the_story_page(world, login, stories):
    client = login(world.field_a)
    url = reverse("story_consent_withdraw", args=["alpha", stories["published"].pk])
    assert client.post(url).status_code == 302
    assert not Story.objects.publishable().exists()


def test_delete_asks_then_deletes(world, login, stories):
    client = login(world.coordinator_a)
    url = reverse("story_delete", args=["alpha", stories["internal"].pk])
    assert "Historia interna de Alfa" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Story.objects.filter(pk=stories["internal"].pk).exists()


def test_the_coordinator_switches_the_public_page_from_the_program_page(world, login, client):
    coordinator = login(world.coordinator_a)
    page = coordinator.get(reverse("program_detail", args=["alpha"])).content.decode()
    assert reverse("story_list", args=["alpha"]) in page and "Publicar la página" in page
    coordinator.post(reverse("public_results_toggle", args=["alpha"]), {"public_results": "on"})
    assert Program.objects.get(slug="alpha").public_results
    assert AuditEvent.objects.filter(model="programs.program", changes__public_results=[False, True]).exists()
    coordinator.post(reverse("public_results_toggle", args=["alpha"]))
    assert not Program.objects.get(slug="alpha").public_results


@pytest.mark.parametrize("user", ["funder_a", "field_a", "program_auditor_a"])
def test_only_the_coordination_switches_the_public_page(world, login, user):
    response = login(getattr(world, user)).post(
        reverse("public_results_toggle", args=["alpha"]), {"public_results": "on"}
    )
    assert response.status_code == 403
    assert not Program.objects.get(slug="alpha").public_results
