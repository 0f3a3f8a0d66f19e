"""The demo's stories: the seeds' three testimonies public with consent recorded by each program's coordination,
one internal story left out of what is published, Rocío linked to her borrower record when she exists."""

import pytest

from minka.demo import network
from minka.demo.loader import _demo_users, demo_load
from minka.demo.stories import stories_load
from minka.network.models import Organization, Territory
from minka.people.models import Participant
from minka.programs.models import Program
from minka.stories.models import Story

LEVELS = {2: "department", 4: "province", 6: "district"}


@pytest.fixture
def demo(db):
    """The demo's network without its people (fast): only the territories it names."""
    for code in sorted(network.TERRITORIES, key=len):
        Territory.objects.create(
            code=code, level=LEVELS[len(code)], name=network.TERRITORIES[code], parent_id=code[:-2] or None
        )
    assert demo_load(people=False).created


def test_the_seeds_stories_are_public_with_consent(demo):
    published = {story.storyteller: story for story in Story.objects.publishable().select_related("program")}
    assert set(published) == {"Luz Usaccahi", "Rocío B. G.", "Grupo SOMOS, IE Benito Juárez"}
    coordination = {
        "w4p-peru": "coordinadora",
        "ama-solidarity-fund": "admin-ama",
        "women-participation": "coordinadora-ad",
    }
    for story in published.values():
        assert story.consent_recorded_by.username == coordination[story.program.slug]
        assert story.consent_note and story.consent_recorded_on
    assert "Cachabamba" in published["Luz Usaccahi"].text
    rocio = published["Rocío B. G."].text
    assert all(amount in rocio for amount in ("S/ 140", "S/ 300", "S/ 500", "S/ 1.000", "S/ 1.500", "S/ 2.000"))
    assert published["Rocío B. G."].project.code == "fondo-solidario-ep-trujillo"
    assert "presupuesto participativo" in published["Grupo SOMOS, IE Benito Juárez"].text


def test_the_internal_story_has_no_consent_and_is_not_published(demo):
    internal = Story.objects.exclude(pk__in=Story.objects.publishable())
    assert [(s.consent_to_publish, s.visibility) for s in internal] == [(False, "internal")]


def test_rocio_is_linked_when_she_is_a_borrower_and_loading_again_writes_nothing(demo):
    Story.objects.filter(program__slug="ama-solidarity-fund").delete()
    rocio = Participant.objects.create(
        given_names="Rocío", paternal_surname="Bazán", maternal_surname="Gil", sex="F",
        search_name="rocio bazan gil", registered_by=Organization.objects.get(slug="ama"),
    )  # fmt: skip
    programs = {program.slug: program for program in Program.objects.all()}
    assert stories_load(programs=programs, users=_demo_users()) == 1
    assert Story.objects.get(program__slug="ama-solidarity-fund").person == rocio
    assert stories_load(programs=programs, users=_demo_users()) == 0
