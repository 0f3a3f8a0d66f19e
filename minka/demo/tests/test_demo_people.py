"""The demo's people: the published figures counted from the records, safe personal data, and one load only.

The demo is loaded once for the module (twice in fact: the first load is compared with the second and rolled
back), inside a transaction that is rolled back when the module ends; each test runs in a savepoint of it.
"""

import contextlib
import datetime
import hashlib
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from rapidfuzz import fuzz

from minka.activities.models import Activity, ActivityCategory, Attendance, Session
from minka.demo import people as demo_people
from minka.demo.loader import demo_load
from minka.enterprises.models import Enterprise, EnterpriseMember, EnterpriseRecord, EnterpriseStage, StageChange
from minka.people.identity import dni_hash
from minka.people.models import Consent, DuplicateCandidate, Enrollment, Participant
from minka.programs.models import Phase, Program

W4P, AGENTS, LEADERS = "w4p-peru", "funiber-network", "women-participation"
PEOPLE_MODELS = [Participant, Consent, Enrollment, Activity, Session, Attendance, Enterprise, EnterpriseMember]
PEOPLE_MODELS += [EnterpriseRecord, StageChange]
EIGHT_DIGITS = re.compile(r"\d{8}")


class Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The whole demo on an empty database, as `minka demo` loads it (all of Peru's territories first)."""
    with django_db_blocker.unblock(), transaction.atomic():
        with contextlib.suppress(Rollback), transaction.atomic():
            assert demo_load(credit=False).created
            first = natural_dump()
            raise Rollback
        assert not Program.objects.exists() and not Participant.objects.exists()
        result = demo_load(credit=False)
        assert result.created
        yield {"result": result, "first_load": first}
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def phase(number) -> Phase:
    return Phase.objects.get(program__slug=W4P, number=number)


def attendance_in(*, phase_number=None, program=None):
    attendances = Attendance.objects.all()
    if phase_number is not None:
        attendances = attendances.filter(session__activity__project__phase=phase(phase_number))
    if program is not None:
        attendances = attendances.filter(session__activity__program__slug=program)
    return attendances


def people_of(attendances) -> set[int]:
    return set(attendances.values_list("participant", flat=True).distinct())


def person_key(prefix=""):
    fields = ["given_names", "paternal_surname", "maternal_surname", "birth_year", "district_id"]
    return [prefix + name for name in fields]


def natural_dump() -> str:
    """Every record of the people step by natural keys (no ids, no timestamps), hashed."""
    person = person_key("participant__")
    activity = ["activity__program__slug", "activity__organization__slug", "activity__title"]
    parts = {
        "participants": Participant.objects.values_list(
            *person_key(),
            "sex",
            "birth_date",
            "dni_hash",
            "dni_last_digits",
            "phone",
            "mother_tongue",
            "ethnic_group",
            "area",
            "disability",
            "registered_by__slug",
        ),
        "consents": Consent.objects.values_list(
            *person, "purpose", "text_version", "method", "covers_sensitive_data", "given_on", "recorded_by__username"
        ),
        "enrollments": Enrollment.objects.values_list(
            *person, "program__slug", "organization__slug", "enrolled_on", "status", "ended_on"
        ),
        "activities": Activity.objects.values_list(
            "program__slug",
            "project__code",
            "organization__slug",
            "site__name",
            "activity_type__code",
            "title",
            "start_date",
            "end_date",
            "facilitators",
        ),
        "sessions": Session.objects.values_list(*activity, "date", "topic"),
        "attendance": Attendance.objects.values_list(
            *["session__" + name for name in activity], "session__date", *person, "recorded_by__username"
        ),
        "enterprises": Enterprise.objects.values_list(
            "organization__slug",
            "project__code",
            "kind",
            "name",
            "sector",
            "stage",
            "site__name",
            "district",
            "started_on",
        ),
        "members": EnterpriseMember.objects.values_list("enterprise__name", *person, "role", "joined_on"),
        "stages": StageChange.objects.values_list("enterprise__name", "stage", "changed_on", "recorded_by__username"),
        "records": EnterpriseRecord.objects.values_list("enterprise__name", "month", "sales", "costs", "jobs"),
    }
    digest = hashlib.sha256()
    for name, rows in parts.items():
        digest.update(name.encode())
        for row in sorted(rows, key=repr):
            digest.update(repr(row).encode())
    return digest.hexdigest()


# The published figures, counted from the records


def test_phase_one_has_9245_distinct_participants(loaded):
    attendees = people_of(attendance_in(phase_number=1))

    assert len(attendees) == 9245
    assert not Participant.objects.filter(pk__in=attendees, merged_into__isnull=False).exists()
    # All of them were registered for Work 4 Progress in its two provinces.
    provinces = Counter(
        code[:4] for code in Participant.objects.filter(pk__in=attendees).values_list("district", flat=True)
    )
    assert set(provinces) == {"0812", "0104"}


def test_reach_per_activity_category_overlaps(loaded):
    phase_one = attendance_in(phase_number=1)
    reach = {
        category: people_of(phase_one.filter(session__activity__activity_type__category=category))
        for category in (ActivityCategory.LISTENING, ActivityCategory.PROTOTYPING, ActivityCategory.BUSINESS_TRAINING)
    }

    assert {category: len(ids) for category, ids in reach.items()} == {
        "listening": 3685,
        "prototyping": 5560,
        "business_training": 2586,
    }
    # Distinct people, not a sum: the three groups overlap and their union is the phase's reach.
    assert sum(len(ids) for ids in reach.values()) == 11831 > 9245
    assert len(set.union(*reach.values())) == 9245
    assert len(set.intersection(*reach.values())) > 0
    # Phase 1's activities are only these three kinds.
    assert set(phase_one.values_list("session__activity__activity_type__category", flat=True).distinct()) == set(reach)


def test_every_attendance_is_of_someone_enrolled_through_the_activitys_organization(loaded):
    enrolled = Enrollment.objects.filter(
        participant=OuterRef("participant"),
        program=OuterRef("session__activity__program"),
        organization=OuterRef("session__activity__organization"),
    )
    assert Attendance.objects.exists()
    assert not Attendance.objects.filter(~Exists(enrolled)).exists()
    # And everyone is enrolled through the organization that registered her.
    registrar = Enrollment.objects.filter(participant=OuterRef("pk"), organization=OuterRef("registered_by"))
    assert not Participant.objects.filter(~Exists(registrar)).exists()


def test_sessions_fall_within_their_activities_and_attendance_within_sessions(loaded):
    for activity in Activity.objects.prefetch_related("sessions"):
        dates = [session.date for session in activity.sessions.all()]
        assert dates and min(dates) == activity.start_date and max(dates) == activity.end_date, activity
    assert not Session.objects.filter(attendances__isnull=True).exists()
    w4p = Activity.objects.filter(program__slug=W4P)
    assert set(w4p.filter(project__phase__number=1).values_list("project__code", flat=True)) == {
        "f1-quispicanchi",
        "f1-condorcanqui",
        "f1-educacion-tecnica",
        "f1-empleabilidad-juvenil",
        "f1-innovacion",
    }
    assert not w4p.filter(project__isnull=True).exists()


# Who the participants are


def test_mostly_women_and_youth_of_rural_quispicanchi_and_condorcanqui(loaded):
    people = Participant.objects.filter(pk__in=people_of(attendance_in(phase_number=1)))
    sexes = Counter(people.values_list("sex", flat=True))
    assert 0.60 <= sexes["F"] / 9245 <= 0.66
    # At the end of phase 1; some in Condorcanqui know only their birth year (counted as of 1 July).
    ages = [p.age_on(datetime.date(2023, 12, 31)) for p in people.only("birth_date", "birth_year")]
    assert min(ages) >= 15
    assert sum(15 <= age <= 29 for age in ages) / len(ages) >= 0.6
    assert Counter(people.values_list("area", flat=True)).most_common(1)[0][0] == "rural"

    by_province = {"0812": Counter(), "0104": Counter()}
    registrars = {"0812": Counter(), "0104": Counter()}
    for district, tongue, registrar in people.values_list("district", "mother_tongue", "registered_by__slug"):
        by_province[district[:4]][tongue] += 1
        registrars[district[:4]][registrar] += 1
    assert by_province["0812"].most_common(1)[0][0] == "quz"
    assert by_province["0104"]["agr"] + by_province["0104"]["hub"] > 0.8 * by_province["0104"].total()
    assert by_province["0104"]["hub"] > 0 and by_province["0104"]["spa"] > 0
    assert registrars["0812"].most_common(1)[0][0] == "ccaijo" and "saipe" not in registrars["0812"]
    assert registrars["0104"].most_common(1)[0][0] == "saipe" and "ccaijo" not in registrars["0104"]
    assert registrars["0812"]["avsi-peru"] and registrars["0812"]["fya-peru"]
    # The real districts: all twelve of Quispicanchi, all three of Condorcanqui.
    districts = set(people.values_list("district", flat=True))
    assert districts == set(demo_people.QUISPICANCHI) | set(demo_people.CONDORCANQUI)


def test_names_are_of_the_places(loaded):
    quispicanchi = Participant.objects.filter(district__parent="0812", registered_by__slug="ccaijo")
    surnames = Counter(quispicanchi.values_list("paternal_surname", flat=True))
    assert {"Quispe", "Mamani", "Huamán", "Condori", "Ccori", "Huillca", "Puma"} <= set(surnames)
    amazon = Counter(Participant.objects.filter(district__parent="0104").values_list("paternal_surname", flat=True))
    assert {"Chumpi", "Entsakua", "Ampam", "Jempekit", "Tsamarain"} <= set(amazon)
    given = set(Participant.objects.filter(district__parent="0104").values_list("given_names", flat=True))
    assert {"Yampis", "Sumpa", "Tsamajain", "Wajai"} <= given
    # Nobody is listed twice under the same full name (the planted duplicates are spelled differently).
    names = Counter(Participant.objects.values_list("search_name", flat=True))
    assert names.most_common(1)[0][1] == 1


def test_everyone_consented_and_sensitive_data_only_with_written_consent(loaded):
    assert Consent.objects.count() == Participant.objects.count()
    assert not Participant.objects.filter(consents__isnull=True).exists()
    w4p = Consent.objects.filter(participant__enrollments__program__slug=W4P).distinct()
    assert set(w4p.values_list("method", "text_version")) == {("signed_paper", "v1")}

    sensitive = Participant.objects.exclude(ethnic_group="") | Participant.objects.filter(disability=True)
    assert sensitive.count() > 1000
    covered = Consent.objects.filter(covers_sensitive_data=True, method__in=["signed_paper", "digital"])
    assert not sensitive.exclude(pk__in=covered.values("participant")).exists()
    assert set(Participant.objects.exclude(ethnic_group="").values_list("ethnic_group", flat=True)) >= {
        "Quechua",
        "Awajún",
        "Wampis",
    }
    # Consent comes before anything is done with a person's data.
    late = Attendance.objects.filter(
        session__date__lt=Consent.objects.filter(participant=OuterRef("participant")).values("given_on")[:1]
    )
    assert not late.exists()


# Enterprises


def test_434_enterprises_of_phase_one_participants(loaded):
    enterprises = Enterprise.objects.filter(program__slug=W4P)
    assert enterprises.count() == 434
    assert Counter(enterprises.values_list("kind", flat=True)) == {"individual": 217, "family": 130, "collective": 87}
    phase_one = people_of(attendance_in(phase_number=1))
    members = EnterpriseMember.objects.filter(enterprise__in=enterprises)
    assert set(members.values_list("participant", flat=True)) <= phase_one
    sizes = Counter(members.values_list("enterprise", flat=True))
    assert len(sizes) == 434
    for enterprise in enterprises.prefetch_related("members"):
        size = sizes[enterprise.pk]
        if enterprise.kind == "individual":
            assert size == 1
        elif enterprise.kind == "collective":
            assert size >= 2
    assert len(set(enterprises.values_list("name", flat=True))) == 434


def test_stages_have_their_history(loaded):
    stages = Counter(Enterprise.objects.values_list("stage", flat=True))
    assert set(stages) == {"idea", "prototype", "operating", "closed"}
    order = ["idea", "prototype", "operating", "closed"]
    for enterprise in Enterprise.objects.prefetch_related("stage_changes"):
        history = [(change.stage, change.changed_on) for change in enterprise.stage_changes.all()]
        assert [stage for stage, _day in history] == order[: order.index(enterprise.stage) + 1], enterprise
        assert history[0][1] == enterprise.started_on
        assert [day for _stage, day in history] == sorted(day for _stage, day in history)


def test_monthly_records_in_soles_measure_income(loaded):
    records = EnterpriseRecord.objects.select_related("enterprise")
    assert records.count() > 434
    for record in records:
        assert record.month.day == 1 and record.month <= datetime.date(2024, 6, 30)
        assert record.sales.as_tuple().exponent == -2 and record.costs.as_tuple().exponent == -2
        assert Decimal(0) < record.costs < record.sales < Decimal(50000)
        assert record.jobs >= 1
    operating = Enterprise.objects.filter(stage=EnterpriseStage.OPERATING)
    assert not operating.filter(records__isnull=True).exists()
    assert not Enterprise.objects.filter(stage=EnterpriseStage.IDEA, records__isnull=False).exists()
    with_history = operating.filter(records__month__gte="2024-01-01").distinct()
    assert with_history.count() > 100


# Phase 2, the agents, the school leaders


def test_phase_two_has_its_first_activities_with_returning_and_new_people(loaded):
    phase_two = attendance_in(phase_number=2)
    activities = Activity.objects.filter(project__phase=phase(2))
    assert 3 <= activities.count() <= 10
    assert set(activities.values_list("project__code", flat=True)) == {
        "f2-quispicanchi",
        "f2-condorcanqui",
        "f2-busqueda-empleo",
        "f2-cultura-emprendedora",
    }
    assert "job_search" in set(activities.values_list("activity_type__category", flat=True))
    attendees, returning = people_of(phase_two), people_of(attendance_in(phase_number=1))
    assert len(attendees & returning) > 100
    assert len(attendees - returning) > 40


def test_68_agents_in_five_cities_trained_remotely(loaded):
    attendance = attendance_in(program=AGENTS)
    agents = Participant.objects.filter(pk__in=people_of(attendance))
    assert agents.count() == 68
    cities = Counter(code[:4] for code in agents.values_list("district", flat=True))
    # Lima, Maynas (Iquitos), Piura, Arequipa and Cusco provinces.
    assert set(cities) == {"1501", "1601", "2001", "0401", "0801"}
    assert all(count >= 10 for count in cities.values())
    assert set(agents.values_list("registered_by__slug", flat=True)) == {"funiber"}
    assert set(
        Enrollment.objects.filter(participant__in=agents).values_list("program__slug", "organization__slug")
    ) == {(AGENTS, "funiber")}
    activity = Activity.objects.get(program__slug=AGENTS)
    assert activity.site is None and activity.sessions.count() == 7
    assert activity.project.code == "fortalecimiento-capacidades"


def test_400_school_leaders_of_san_juan_de_lurigancho(loaded):
    attendance = attendance_in(program=LEADERS)
    leaders = Participant.objects.filter(pk__in=people_of(attendance))
    assert leaders.count() == 400
    assert set(leaders.values_list("district", flat=True)) == {"150132"}
    assert set(leaders.values_list("registered_by__slug", flat=True)) == {"accion-desarrollo"}
    ages = [leader.age_on(datetime.date(2023, 8, 1)) for leader in leaders]
    assert min(ages) == 12 and max(ages) == 17
    assert sum(age < 15 for age in ages) > 100  # adolescents: many are not yet of youth age
    sites = set(attendance.values_list("session__activity__site__name", flat=True))
    assert sites == {"IE Benito Juárez"}
    assert set(attendance.values_list("session__activity__project__code", flat=True)) == {"adolescentes-sjl"}
    assert set(attendance.values_list("session__activity__activity_type__category", flat=True)) == {"leadership"}


# Duplicates for the review queue


def test_planted_duplicates_across_partners(loaded):
    pairs = demo_people.planted_duplicate_ids()
    assert len(pairs) == len(demo_people.PLANTED_DUPLICATES) == 5
    phase_one, phase_two = people_of(attendance_in(phase_number=1)), people_of(attendance_in(phase_number=2))
    for first_id, second_id in pairs:
        first, second = Participant.objects.get(pk=first_id), Participant.objects.get(pk=second_id)
        assert first.registered_by != second.registered_by
        assert first.dni_hash and not second.dni_hash
        assert (first.birth_date, first.district_id, first.sex) == (second.birth_date, second.district_id, "F")
        assert first.full_name != second.full_name and fuzz.ratio(first.search_name, second.search_name) >= 85
        assert first_id in phase_one and second_id not in phase_one and second_id in phase_two
    # Nothing else looks like them: no two other registrations share district and birth date.
    planted = {pk for pair in pairs for pk in pair}
    blocks = Counter(
        Participant.objects.exclude(pk__in=planted).exclude(birth_date=None).values_list("district", "birth_date")
    )
    assert blocks.most_common(1)[0][1] == 1


def test_the_review_queue_starts_with_the_planted_duplicates(loaded):
    pending = {
        tuple(sorted(pair))
        for pair in DuplicateCandidate.objects.filter(status="pending").values_list("first_id", "second_id")
    }
    assert {tuple(sorted(pair)) for pair in demo_people.planted_duplicate_ids()} <= pending


def test_merging_the_planted_duplicates_keeps_each_phases_figures(loaded):
    phase_one = attendance_in(phase_number=1)
    before = {
        "phase 2": len(people_of(attendance_in(phase_number=2))),
        "program": len(people_of(attendance_in(program=W4P))),
        "new in phase 2": len(people_of(attendance_in(phase_number=2)) - people_of(phase_one)),
    }
    for first_id, second_id in demo_people.planted_duplicate_ids():
        # What a merge does to attendance, whichever way: the second registration's rows move to the first.
        Attendance.objects.filter(participant_id=second_id).update(participant_id=first_id)
        Participant.objects.filter(pk=second_id).update(merged_into_id=first_id)

    assert len(people_of(phase_one)) == 9245
    assert len(people_of(phase_one.filter(session__activity__activity_type__category="prototyping"))) == 5560
    assert len(people_of(attendance_in(phase_number=2))) == before["phase 2"]
    # She was counted twice over the program, and as new in phase 2 though she came back.
    assert len(people_of(attendance_in(program=W4P))) == before["program"] - 5
    assert len(people_of(attendance_in(phase_number=2)) - people_of(phase_one)) == before["new in phase 2"] - 5


# Personal data


def test_no_dni_is_stored_in_clear(loaded):
    with_dni = Participant.objects.exclude(dni_hash="")
    numbers = demo_people.dni_sample(with_dni.count())
    # Each DNI drawn is stored only as its keyed hash and last three digits.
    stored = set(with_dni.values_list("dni_hash", "dni_last_digits"))
    assert stored == {(dni_hash(number), number[-3:]) for number in numbers}
    assert not with_dni.filter(dni_hash__in=[hashlib.sha256(n.encode()).hexdigest() for n in numbers[:500]]).exists()
    drawn = set(numbers)

    for model in apps.get_models():
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField)) and f.attname != "dni_hash"
        ]
        if not columns:
            continue
        for row in model.objects.values_list(*columns).iterator(chunk_size=5000):
            text = " ".join(str(value) for value in row if value not in (None, ""))
            assert not any(run in drawn for run in re.findall(r"\d{8}", text)), (model, row)
            if model in PEOPLE_MODELS:
                assert not EIGHT_DIGITS.search(text), (model, row)


# One load, always the same


def test_every_fresh_load_is_the_same(demo, db):
    assert natural_dump() == demo["first_load"]


def test_loading_again_changes_nothing(demo, db):
    counts = {model.__name__: model.objects.count() for model in PEOPLE_MODELS}
    dump = natural_dump()

    again = demo_load(credit=False)

    assert again.created is False and again.logins == demo["result"].logins
    assert {model.__name__: model.objects.count() for model in PEOPLE_MODELS} == counts
    assert natural_dump() == dump
