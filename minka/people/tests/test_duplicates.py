"""Finding duplicates: the pure scoring, blocking (who is compared with whom) and the queue it fills."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from minka.people import duplicates
from minka.people.duplicates import BLOCK_SPLIT, Person, ScanStats, pair_score, pairs_in, phonetic_key
from minka.people.identity import dni_hash, dni_last_digits
from minka.people.models import DuplicateCandidate, DuplicateStatus, Enrollment, Participant
from minka.people.services import search_key

URCOS, ANDAHUAYLILLAS, NIEVA, TRUJILLO = "081201", "081202", "010401", "130101"


# Helpers shared by the other duplicate tests --------------------------------------------------------------------


def person_create(organization, given, paternal, maternal="", *, born=None, year=None, district=None, dni="", **extra):
    """A registration made straight in the database (the registration service is tested elsewhere)."""
    participant = Participant(
        given_names=given,
        paternal_surname=paternal,
        maternal_surname=maternal,
        sex=extra.pop("sex", "F"),
        birth_date=born,
        birth_year=born.year if born else year,
        district_id=district,
        registered_by=organization,
        **extra,
    )
    participant.search_name = search_key(participant.full_name)
    if dni:
        participant.dni_hash = dni_hash(dni)
        participant.dni_last_digits = dni_last_digits(dni)
    participant.save()
    return participant


def enroll(participant, program, organization, on=datetime.date(2024, 3, 1)):
    return Enrollment.objects.create(
        participant=participant, program=program, organization=organization, enrolled_on=on
    )


@pytest.fixture
def planted(world):
    """María registered by A and again by B (accents dropped), both enrolled in program A; and a namesake of hers
    born in another year in another district, and a woman registered by A with a DNI and by B without one."""
    born = datetime.date(1998, 4, 12)
    maria_a = person_create(world.org_a, "María", "Quispe", "Huamán", born=born, district=URCOS, dni="40123456")
    maria_b = person_create(world.org_b, "Maria", "Quispe", "Huaman", born=born, district=URCOS)
    namesake = person_create(
        world.org_b, "María", "Quispe", "Huamán", born=datetime.date(1985, 1, 3), district=TRUJILLO
    )
    rosa_a = person_create(world.org_a, "Rosa", "Mamani", "Ccori", year=2001, district=ANDAHUAYLILLAS, dni="41234567")
    rosa_b = person_create(world.org_b, "Rosa Elena", "Mamani", "Ccori", year=2001, district=ANDAHUAYLILLAS)
    enroll(maria_a, world.program_a, world.org_a)
    enroll(maria_b, world.program_a, world.org_b)
    enroll(rosa_a, world.program_a, world.org_a)
    enroll(rosa_b, world.program_a, world.org_b)
    enroll(namesake, world.program_b, world.org_b)
    return {"maria_a": maria_a, "maria_b": maria_b, "namesake": namesake, "rosa_a": rosa_a, "rosa_b": rosa_b}


def pair_of(first, second):
    low, high = sorted((first.pk, second.pk))
    return DuplicateCandidate.objects.filter(first_id=low, second_id=high).first()


# Pure scoring ---------------------------------------------------------------------------------------------------


def someone(pk, name, surnames, **values):
    paternal, _, maternal = search_key(surnames).partition(" ")
    return Person(pk=pk, search_name=search_key(name), surnames=(paternal, maternal), **values)


class TestPairScore:
    born = datetime.date(1998, 4, 12)

    def test_same_dni_is_certain(self):
        a = someone(1, "Ana Ruiz", "Ruiz", dni_hash="h1", birth_year=1990)
        b = someone(2, "Juana Torres", "Torres", dni_hash="h1", birth_year=1990)
        score, reasons = pair_score(a, b)
        assert score == 100
        assert reasons[0] == "mismo DNI"
        assert "mismo año de nacimiento" in reasons

    def test_two_different_dnis_are_two_people(self):
        a = someone(1, "María Quispe Huamán", "Quispe Huamán", dni_hash="h1", birth_date=self.born, birth_year=1998)
        b = someone(2, "María Quispe Huamán", "Quispe Huamán", dni_hash="h2", birth_date=self.born, birth_year=1998)
        assert pair_score(a, b) is None

    def test_accents_and_word_order_do_not_hide_a_match(self):
        a = someone(1, "María Quispe Huamán", "Quispe Huamán", birth_date=self.born, birth_year=1998, district_id=URCOS)
        b = someone(2, "Quispe Huaman Maria", "Quispe Huaman", birth_date=self.born, birth_year=1998, district_id=URCOS)
        score, reasons = pair_score(a, b)
        assert score == 100
        assert reasons == [
            "nombres parecidos (100%)",
            "mismos apellidos",
            "misma fecha de nacimiento",
            "mismo distrito",
        ]

    def test_a_typo_scores_lower_and_says_how_similar(self):
        a = someone(1, "María Quispe Huamán", "Quispe Huamán", birth_date=self.born, birth_year=1998)
        b = someone(2, "María Quispe Humán", "Quispe Humán", birth_date=self.born, birth_year=1998)
        score, reasons = pair_score(a, b)
        assert 80 < score < 90  # no district in common
        assert reasons[0].startswith("nombres parecidos (9")
        assert reasons[1] == "apellidos parecidos (91%)"
        assert "mismo distrito" not in reasons

    def test_spellings_of_one_sound_count_as_the_same_surname(self):
        a = someone(1, "María Quispe Huamán", "Quispe Huamán", birth_date=self.born, birth_year=1998)
        b = someone(2, "María Kispe Guamán", "Kispe Guamán", birth_date=self.born, birth_year=1998)
        score, reasons = pair_score(a, b)
        assert reasons[:2] == ["nombres parecidos (86%)", "apellidos que suenan igual"]
        assert score == Decimal("83.24")  # 0.5 × 86.47 + 0.2 × 100 + 20 (same birth date)

    def test_same_year_needs_the_same_district(self):
        a = someone(1, "Rosa Mamani", "Mamani", birth_year=2001, district_id=URCOS)
        b = someone(2, "Rosa Mamani", "Mamani", birth_year=2001, district_id=NIEVA)
        assert pair_score(a, b) is None
        c = someone(3, "Rosa Mamani", "Mamani", birth_year=2001, district_id=URCOS)
        score, reasons = pair_score(a, c)
        assert reasons[-2:] == ["mismo año de nacimiento", "mismo distrito"]
        assert score == 90

    def test_same_name_born_another_year_elsewhere_is_not_a_candidate(self):
        a = someone(1, "María Quispe Huamán", "Quispe Huamán", birth_date=self.born, birth_year=1998, district_id=URCOS)
        b = someone(2, "María Quispe Huamán", "Quispe Huamán", birth_date=datetime.date(1985, 1, 3), birth_year=1985)
        assert pair_score(a, b) is None

    def test_same_given_name_other_surnames_is_not_a_candidate(self):
        a = someone(1, "María Quispe Huamán", "Quispe Huamán", birth_date=self.born, birth_year=1998)
        b = someone(2, "María Quispe Mamani", "Quispe Mamani", birth_date=self.born, birth_year=1998)
        assert pair_score(a, b) is None

    def test_phonetic_key_keeps_spelling_variants_together(self):
        assert phonetic_key("quispe") == phonetic_key("kispe")
        assert phonetic_key("huaman") == phonetic_key("guaman") == phonetic_key("waman")
        assert phonetic_key("mamani") != phonetic_key("quispe")


class TestBlocking:
    def test_people_in_different_blocks_are_never_compared(self):
        # The same name everywhere: only blocking keeps them apart.
        people = [
            someone(1, "Ana Ruiz", "Ruiz", birth_year=1990, district_id=URCOS),
            someone(2, "Ana Ruiz", "Ruiz", birth_year=1990, district_id=URCOS),
            someone(3, "Ana Ruiz", "Ruiz", birth_year=1990, district_id=URCOS),
            someone(4, "Ana Ruiz", "Ruiz", birth_year=1990, district_id=NIEVA),
            someone(5, "Ana Ruiz", "Ruiz", birth_year=1991, district_id=NIEVA),
            someone(6, "Ana Ruiz", "Ruiz", birth_year=1991, district_id=NIEVA),
            someone(7, "Ana Ruiz", "Ruiz", birth_year=1992, district_id=URCOS),
            someone(8, "Ana Ruiz", "Ruiz", birth_year=None, district_id=URCOS),
        ]
        stats = ScanStats()
        found = dict(pairs_in(sorted(people, key=lambda p: p.birth_year or 0), stats))
        assert stats.comparisons == 3 + 1  # {1,2,3} in (1990, Urcos) and {5,6} in (1991, Nieva)
        assert set(found) == {(1, 2), (1, 3), (2, 3), (5, 6)}
        assert stats.people == 8

    def test_same_birth_date_is_compared_across_districts_once(self):
        born = datetime.date(1998, 4, 12)
        people = [
            someone(1, "Ana Ruiz", "Ruiz", birth_date=born, birth_year=1998, district_id=URCOS),
            someone(2, "Ana Ruiz", "Ruiz", birth_date=born, birth_year=1998, district_id=URCOS),
            someone(3, "Ana Ruiz", "Ruiz", birth_date=born, birth_year=1998, district_id=NIEVA),
        ]
        stats = ScanStats()
        found = dict(pairs_in(people, stats))
        assert set(found) == {(1, 2), (1, 3), (2, 3)}
        assert stats.comparisons == 3  # (1, 2) in Urcos, then (1, 3) and (2, 3) by date; (1, 2) not twice

    def test_a_big_block_is_split_by_surname_sound(self):
        surnames = ["Mamani", "Condori", "Apaza", "Ccori", "Pari", "Flores", "Torres", "Rojas", "Nina"]
        people = [
            someone(
                n, f"Ana {surnames[n % len(surnames)]}", surnames[n % len(surnames)], birth_year=1990, district_id=URCOS
            )
            for n in range(1, BLOCK_SPLIT * 2)
        ]
        # Two spellings of one surname, whose first letters differ, in the same big block.
        people += [
            someone(500, "Ana Quispe Mamani", "Quispe Mamani", birth_year=1990, district_id=URCOS),
            someone(501, "Ana Kispe Mamani", "Kispe Mamani", birth_year=1990, district_id=URCOS),
        ]
        stats = ScanStats()
        found = dict(pairs_in(people, stats))
        everyone = len(people) * (len(people) - 1) // 2
        assert len(people) > BLOCK_SPLIT
        assert stats.comparisons < everyone / 3
        assert (500, 501) in found
        assert found[(500, 501)][1][0].startswith("nombres parecidos (9")
        # Those the split parted could never be one person: their surnames do not sound alike.
        alike = {(a.pk, b.pk) for i, a in enumerate(people) for b in people[i + 1 :] if pair_score(a, b) is not None}
        assert alike == set(found)


# Detection against the database ---------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


class TestFind:
    def test_finds_the_planted_duplicates_and_not_the_namesake(self, planted):
        added = duplicates.duplicates_find()
        maria = pair_of(planted["maria_a"], planted["maria_b"])
        rosa = pair_of(planted["rosa_a"], planted["rosa_b"])
        assert added == 2
        assert DuplicateCandidate.objects.count() == 2
        assert maria.status == DuplicateStatus.PENDING
        assert maria.score == 100
        assert maria.reasons == [
            "nombres parecidos (100%)",
            "mismos apellidos",
            "misma fecha de nacimiento",
            "mismo distrito",
        ]
        assert rosa.reasons[-2:] == ["mismo año de nacimiento", "mismo distrito"]
        assert rosa.reasons[0].startswith("nombres parecidos (")
        assert pair_of(planted["maria_a"], planted["namesake"]) is None
        assert pair_of(planted["maria_b"], planted["namesake"]) is None

    def test_rerunning_adds_nothing(self, planted):
        assert duplicates.duplicates_find() == 2
        before = list(DuplicateCandidate.objects.values_list("pk", "first_id", "second_id", "score", "status"))
        assert duplicates.duplicates_find() == 0
        assert list(DuplicateCandidate.objects.values_list("pk", "first_id", "second_id", "score", "status")) == before

    def test_a_pair_decided_different_is_never_proposed_again(self, planted, world):
        duplicates.duplicates_find()
        maria = pair_of(planted["maria_a"], planted["maria_b"])
        duplicates.duplicate_mark_different(user=world.coordinator_a, candidate=maria)
        assert duplicates.duplicates_find() == 0
        assert duplicates.duplicates_find_for(planted["maria_b"]) == 0
        maria.refresh_from_db()
        assert maria.status == DuplicateStatus.DIFFERENT
        assert DuplicateCandidate.objects.filter(status=DuplicateStatus.PENDING).count() == 1

    def test_the_same_dni_twice_cannot_even_be_stored(self, world):
        # Why no scan looks for a repeated DNI in the database: the registry refuses it, so such a pair can only
        # be met while scoring (and would score 100, as TestPairScore shows).
        person_create(world.org_a, "Ana", "Ruiz", year=1990, dni="40123456")
        with pytest.raises(IntegrityError), transaction.atomic():
            person_create(world.org_b, "Ana", "Ruiz", year=1990, dni="40123456")

    def test_finding_for_one_person_after_her_registration(self, planted, world):
        duplicates.duplicates_find()
        third = person_create(world.org_a, "Maria", "Quispe", "Huamán", born=datetime.date(1998, 4, 12), district=NIEVA)
        assert duplicates.duplicates_find_for(third) == 2  # with both Marías, by birth date
        assert pair_of(third, planted["maria_a"]).reasons[-1] == "misma fecha de nacimiento"
        assert duplicates.duplicates_find_for(third) == 0
        assert duplicates.duplicates_find() == 0

    def test_merged_and_anonymized_people_are_left_out(self, planted, world):
        planted["maria_b"].merged_into = planted["maria_a"]
        planted["maria_b"].save()
        planted["rosa_b"].anonymized_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
        planted["rosa_b"].save()
        assert duplicates.duplicates_find() == 0

    def test_a_program_scan_reads_only_its_people(self, planted, world):
        other = person_create(world.org_b, "María", "Quispe", "Huamán", born=datetime.date(1985, 1, 3), district=NIEVA)
        enroll(other, world.program_b, world.org_b)
        stats = duplicates.duplicates_scan(program=world.program_b)
        # Program B's people: the namesake and `other` (enrolled), plus everyone registered by org B.
        assert stats.people == 4
        assert pair_of(other, planted["namesake"]) is not None  # same birth date, registered by B
        assert pair_of(planted["maria_a"], planted["maria_b"]) is None  # María of A is not in program B


class TestCommand:
    def test_prints_how_many_pairs_were_found(self, planted):
        out = StringIO()
        call_command("duplicates", "find", stdout=out)
        assert "Pares nuevos: 2 (de 2 encontrados)." in out.getvalue()
        out = StringIO()
        call_command("duplicates", "find", "--program", "alpha", stdout=out)
        assert "Pares nuevos: 0 (de 2 encontrados)." in out.getvalue()

    def test_an_unknown_program_is_a_clear_error(self, planted):
        with pytest.raises(CommandError, match="No existe un programa con el identificador «nada»"):
            call_command("duplicates", "find", "--program", "nada")
        assert not DuplicateCandidate.objects.exists()
