"""Reading the registry: search (accents, typos, DNI), scoping, history and the duplicate warning."""

import datetime

import pytest
from django.http import Http404

from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.enterprises.models import Enterprise, EnterpriseMember
from minka.people import selectors
from minka.people.models import Participant
from minka.people.tests.conftest import VALID_DNI, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world):
    """María Quispe Huamán (with DNI) among namesakes and strangers of org A, and one woman of org B."""
    maria = register(world, dni=VALID_DNI)
    others = [
        register(world, given_names="Juana", paternal_surname="Quispe", maternal_surname="Mamani"),
        register(world, given_names="Rosa", paternal_surname="Huamán", maternal_surname="Condori"),
        register(world, given_names="Nélida", paternal_surname="Apaza", maternal_surname="Ccama"),
        register(world, given_names="Teodora", paternal_surname="Humala", maternal_surname="Sánchez"),
    ]
    hidden = register(
        world,
        user=world.field_b,
        organization=world.org_b,
        given_names="María",
        paternal_surname="Quispe",
        maternal_surname="Rojas",
    )
    return {"maria": maria, "others": others, "hidden": hidden}


def names(found):
    return [person.full_name for person in found]


class TestSearch:
    @pytest.mark.parametrize(
        "typed", ["maria quispe", "MARÍA QUISPE", "Quispe Humán", "quispe huaman maria", "mar qui"]
    )
    def test_finds_her_first_whatever_the_accents_and_typos(self, world, registry, typed):
        found = selectors.person_list(user=world.field_a, q=typed)
        assert names(found)[0] == "María Quispe Huamán"

    def test_a_surname_finds_every_namesake_and_nobody_else(self, world, registry):
        found = names(selectors.person_list(user=world.field_a, q="quispe"))
        assert sorted(found) == ["Juana Quispe Mamani", "María Quispe Huamán"]

    def test_a_typo_does_not_bring_strangers(self, world, registry):
        found = names(selectors.person_list(user=world.field_a, q="Quispe Humán"))
        assert "Nélida Apaza Ccama" not in found and "Juana Quispe Mamani" not in found

    def test_by_dni_with_or_without_check_character(self, world, registry):
        for typed in (VALID_DNI, f"{VALID_DNI}-9", "41.234.567"):
            assert names(selectors.person_list(user=world.field_a, q=typed)) == ["María Quispe Huamán"]
        assert not selectors.person_list(user=world.field_a, q=f"{VALID_DNI}-1")  # wrong check digit
        assert not selectors.person_list(user=world.field_a, q="41234568")

    def test_only_people_the_user_sees(self, world, registry):
        assert names(selectors.person_list(user=world.field_a, q="maria quispe"))[0] == "María Quispe Huamán"
        assert "María Quispe Rojas" not in names(selectors.person_list(user=world.field_a, q="maria quispe"))
        assert names(selectors.person_list(user=world.field_b, q="maria quispe")) == ["María Quispe Rojas"]
        assert not selectors.person_list(user=world.field_b, q="huaman")
        assert not selectors.person_list(user=world.field_b, q=VALID_DNI)
        assert [p.pk for p in selectors.person_list(user=world.field_b)] == [registry["hidden"].pk]

    def test_funders_and_strangers_see_no_one(self, world, registry):
        for user in (world.funder_a, world.nobody):
            assert not list(selectors.person_list(user=user))
            assert not selectors.person_list(user=user, q="quispe")
            assert not selectors.people_page_allowed(user)

    def test_filters(self, world, registry):
        registry["others"][0].district_id = "010401"
        registry["others"][0].save()
        assert names(selectors.person_list(user=world.field_a, district="0104")) == ["Juana Quispe Mamani"]
        assert len(selectors.person_list(user=world.field_a, sex="M")) == 0
        assert len(selectors.person_list(user=world.field_a, organization=world.org_a)) == 5
        assert len(selectors.person_list(user=world.field_a, program=world.program_a)) == 0

    def test_candidates_are_bounded(self, world, registry, monkeypatch):
        monkeypatch.setattr(selectors, "MAX_CANDIDATES", 1)
        assert len(selectors.person_list(user=world.field_a, q="quispe")) == 1

    def test_prefilter_tolerates_one_typo_per_word(self):
        assert selectors.name_score("quispe human", "maria quispe huaman") >= selectors.WORD_MATCH
        assert selectors.name_score("quispe human", "juana quispe mamani") < selectors.WORD_MATCH
        assert selectors.name_prefilter("  ") is None


class TestGet:
    def test_missing_hidden_and_merged_are_all_404(self, world, registry):
        maria = registry["maria"]
        assert selectors.person_get(user=world.auditor_a, participant_id=maria.pk) == maria
        for user, pk in [
            (world.field_b, maria.pk),
            (world.funder_a, maria.pk),
            (world.nobody, maria.pk),
            (world.field_a, 999_999),
            (world.field_a, registry["hidden"].pk),
        ]:
            with pytest.raises(Http404):
                selectors.person_get(user=user, participant_id=pk)
        Participant.objects.filter(pk=registry["others"][0].pk).update(merged_into=maria)
        with pytest.raises(Http404):
            selectors.person_get(user=world.field_a, participant_id=registry["others"][0].pk)


class TestHistory:
    @pytest.fixture
    def busy_maria(self, world, registry):
        maria = register(world, given_names="Flor", dni="12345678", program=world.program_a)
        kind = ActivityType.objects.create(program=world.program_a, code="taller", name_es="Taller", category="other")
        activity = Activity.objects.create(
            program=world.program_a,
            organization=world.org_a,
            activity_type=kind,
            title="Taller de costos",
            start_date=datetime.date(2024, 3, 1),
            end_date=datetime.date(2024, 3, 31),
        )
        sessions = [Session.objects.create(activity=activity, date=datetime.date(2024, 3, d)) for d in (4, 11, 18, 25)]
        for session in sessions[:3]:
            Attendance.objects.create(session=session, participant=maria, recorded_by=world.field_a)
        short = Activity.objects.create(
            program=world.program_a,
            organization=world.org_a,
            activity_type=kind,
            title="Feria",
            start_date=datetime.date(2024, 4, 1),
            end_date=datetime.date(2024, 4, 2),
        )
        first = Session.objects.create(activity=short, date=datetime.date(2024, 4, 1))
        Session.objects.create(activity=short, date=datetime.date(2024, 4, 2))
        Attendance.objects.create(session=first, participant=maria, recorded_by=world.field_a)
        enterprise = Enterprise.objects.create(
            organization=world.org_a,
            program=world.program_a,
            kind="individual",
            name="Tejidos Flor",
            sector="textiles",
            stage="operating",
            district_id="081201",
            started_on=datetime.date(2024, 1, 1),
        )
        EnterpriseMember.objects.create(enterprise=enterprise, participant=maria, role="owner")
        return maria

    def test_enrollments_attendance_and_enterprises(self, world, busy_maria, django_assert_max_num_queries):
        with django_assert_max_num_queries(10):
            history = selectors.person_history(participant=busy_maria, user=world.field_a)
        assert [e.program for e in history["enrollments"]] == [world.program_a]
        rows = {row["activity"].title: row for row in history["activities"]}
        assert (rows["Taller de costos"]["attended"], rows["Taller de costos"]["total"]) == (3, 4)
        assert rows["Taller de costos"]["completed"]  # 75 % of the sessions: the default rule
        assert (rows["Feria"]["attended"], rows["Feria"]["total"], rows["Feria"]["completed"]) == (1, 2, False)
        member = history["enterprises"][0]
        assert (member.enterprise.name, member.role, member.enterprise.stage) == ("Tejidos Flor", "owner", "operating")

    def test_another_organizations_work_is_left_out(self, world, busy_maria):
        from minka.enterprises.models import Enterprise

        Activity.objects.update(organization=world.org_b, program=world.program_b)
        Enterprise.objects.update(organization=world.org_b, program=world.program_b)
        history = selectors.person_history(participant=busy_maria, user=world.field_a)
        assert not history["activities"] and not history["enterprises"]
        assert len(selectors.person_history(participant=busy_maria)["activities"]) == 2  # her own export: all


class TestLikelyDuplicates:
    def base(self, **extra):
        from minka.network.models import Territory

        return {
            "given_names": "Maria",
            "paternal_surname": "Quispe",
            "maternal_surname": "Huaman",
            "birth_year": 2000,
            "district": Territory.objects.get(pk="081201"),
            **extra,
        }

    def test_similar_name_same_year_and_district(self, world, registry):
        found = selectors.likely_duplicates(user=world.field_a, data=self.base(given_names="Marìa"))
        assert names(found["people"]) == ["María Quispe Huamán"] and not found["dni_taken"]
        assert found["people"][0].match_reason == "name"

    def test_other_year_or_district_is_not_a_duplicate(self, world, registry):
        from minka.network.models import Territory

        assert not selectors.likely_duplicates(user=world.field_a, data=self.base(birth_year=1999))["people"]
        other = Territory.objects.get(pk="081202")
        assert not selectors.likely_duplicates(user=world.field_a, data=self.base(district=other))["people"]

    def test_same_dni_of_a_hidden_person_is_said_without_naming_her(self, world, registry):
        found = selectors.likely_duplicates(user=world.field_b, data={"dni": VALID_DNI, "given_names": "Ana"})
        assert found["dni_taken"] and found["people"] == []
        found = selectors.likely_duplicates(user=world.field_a, data={"dni": f"{VALID_DNI}-9"})
        assert found["dni_taken"] and found["people"][0].match_reason == "dni"

    def test_hidden_namesakes_are_not_shown(self, world, registry):
        found = selectors.likely_duplicates(user=world.field_b, data=self.base(maternal_surname="Roja"))
        assert [p.pk for p in found["people"]] == [registry["hidden"].pk]
