"""Matching on hand-built facts: orders that are known, scores worked out by hand, explanations that name what is
missing, filters by territory, sex and age, and properties that hold for any facts."""

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minka.employment.matching import (
    MatchFilter,
    Place,
    SeekerFacts,
    SeekerPool,
    SkillFact,
    VacancyFacts,
    evaluate,
    haversine_km,
    rank_seekers,
    rank_vacancies,
)

# Districts of Quispicanchi (Cusco) and Condorcanqui (Amazonas), with INEI's coordinates.
URCOS = Place("081201", "Urcos", -13.6877778, -71.6252778)
ANDAHUAYLILLAS = Place("081202", "Andahuaylillas", -13.6733333, -71.6777778)
OCONGATE = Place("081210", "Ocongate", -13.6266667, -71.3883333)
CUSCO = Place("080101", "Cusco", -13.5191667, -71.9766667)
NIEVA = Place("010401", "Nieva", -4.5922222, -77.8644444)

COOKING = SkillFact(1, "Cocina")
SERVICE = SkillFact(2, "Atención al cliente")
ACCOUNTS = SkillFact(3, "Contabilidad básica")
QUECHUA = SkillFact(4, "Quechua hablado")

WAITER = VacancyFacts(
    id=10,
    required_skills=(COOKING, SERVICE),
    desirable_skills=(QUECHUA,),
    district=URCOS,
    availability="full_time",
    hours_per_week=48,
    contract_type="fixed_term",
    sector="tourism",
    closes_on=date(2026, 12, 31),
)


def seeker(id, **facts) -> SeekerFacts:
    base = {"district": URCOS, "education_level": "secondary", "availability": "full_time", "max_travel_km": 20}
    return SeekerFacts(id=id, **{**base, **facts})


def ids(matches) -> list[int]:
    return [match.seeker.id for match in matches]


# Distances ----------------------------------------------------------------------------------------------------------


def test_a_degree_of_latitude_is_about_111_km_and_the_same_district_is_zero():
    north = Place("000001", latitude=1.0, longitude=0.0)
    equator = Place("000002", latitude=0.0, longitude=0.0)
    assert haversine_km(north, equator) == pytest.approx(111.195, abs=0.01)
    assert haversine_km(URCOS, Place("081201")) == 0  # same ubigeo, even without coordinates
    assert haversine_km(URCOS, Place("081299")) is None  # no coordinates, no distance
    assert 5 < haversine_km(URCOS, ANDAHUAYLILLAS) < 7
    assert 25 < haversine_km(URCOS, OCONGATE) < 28


# Orders known in advance --------------------------------------------------------------------------------------------


def test_a_seeker_with_every_required_skill_nearby_beats_one_missing_a_required_skill():
    complete = seeker(1, skill_ids=frozenset({1, 2}), district=ANDAHUAYLILLAS)
    missing = seeker(2, skill_ids=frozenset({1, 4}), district=URCOS, workshops_completed=1, sessions_attended=4)
    ranked = rank_seekers(WAITER, [missing, complete])
    assert ids(ranked) == [1, 2]
    assert ranked[0].score > ranked[1].score


def test_a_job_beyond_her_travel_range_scores_lower_than_the_same_job_within_it():
    far = rank_seekers(WAITER, [seeker(1, district=OCONGATE, max_travel_km=20, skill_ids=frozenset({1, 2}))])[0]
    within = rank_seekers(WAITER, [seeker(1, district=OCONGATE, max_travel_km=30, skill_ids=frozenset({1, 2}))])[0]
    assert far.exact < within.exact
    assert "más allá de los 20 km" in far.sentences[2]
    assert "dentro de los 30 km" in within.sentences[2]


def test_a_preferred_district_counts_as_near_however_far():
    stranger = seeker(1, district=CUSCO, max_travel_km=10, skill_ids=frozenset({1, 2}))
    prefers = seeker(
        2, district=CUSCO, max_travel_km=10, skill_ids=frozenset({1, 2}), preferred_district_codes={"081201"}
    )
    ranked = rank_seekers(WAITER, [stranger, prefers])
    assert ids(ranked) == [2, 1]
    distance = ranked[0].parts[2]
    assert distance.points == 15 and distance.details["preferred_district"] is True
    assert ranked[1].parts[2].points == 0  # about 40 km, four times her 10 km


def test_equal_scores_are_ordered_by_id_whatever_the_input_order():
    twins = [seeker(id, skill_ids=frozenset({1})) for id in (7, 3, 9, 5)]
    assert ids(rank_seekers(WAITER, twins)) == [3, 5, 7, 9]
    assert ids(rank_seekers(WAITER, list(reversed(twins)))) == [3, 5, 7, 9]
    assert ids(rank_seekers(WAITER, twins, limit=2)) == [3, 5]


def test_the_top_few_are_the_head_of_the_whole_ranking():
    places = (URCOS, OCONGATE, CUSCO)
    people = [seeker(id, skill_ids=frozenset({id % 3, id % 5}), district=places[id % 3]) for id in range(60)]
    whole = rank_seekers(WAITER, people)
    assert ids(rank_seekers(WAITER, people, limit=10)) == ids(whole)[:10] == ids(whole[:10])
    assert len(whole) == 60 and whole[-1].seeker.id == ids(whole)[-1]
    assert [m.exact for m in whole] == sorted((m.exact for m in whole), reverse=True)


def test_vacancies_for_a_seeker_come_best_first():
    cook = seeker(1, skill_ids=frozenset({1, 2, 3}), district=URCOS)
    accountant = VacancyFacts(id=11, required_skills=(ACCOUNTS,), district=URCOS)
    far_waiter = VacancyFacts(id=12, required_skills=(COOKING, SERVICE), district=NIEVA)
    cashier = VacancyFacts(id=13, required_skills=(ACCOUNTS, QUECHUA), district=URCOS)
    ranked = rank_vacancies(cook, [cashier, far_waiter, accountant, WAITER])
    assert [match.vacancy.id for match in ranked] == [11, 10, 12, 13]


# Scores worked out by hand ------------------------------------------------------------------------------------------


def test_everything_in_place_scores_100():
    best = seeker(1, skill_ids=frozenset({1, 2, 4}), workshops_completed=1, sessions_attended=5, sessions_held=6,
                  preferred_district_codes={"081201"}, preferred_sectors={"tourism"})  # fmt: skip
    match = evaluate(best, WAITER)
    assert match.score == 100
    assert match.exact == pytest.approx(100)
    assert [part.points for part in match.parts] == [45, 10, 15, 10, 10, 5, 5]


def test_a_score_adds_its_parts():
    # Half the required skills 22.5, no desirable 0, same district 15, full time 10, 2 of 4 sessions
    # 0.7 × 0.5 × 10 = 3.5, no preferences stated 2.5, primary school without a minimum 0.6 × 5 = 3.
    facts = seeker(1, skill_ids=frozenset({2}), sessions_attended=2, sessions_held=4, education_level="primary")
    match = evaluate(facts, WAITER)
    assert match.exact == pytest.approx(22.5 + 0 + 15 + 10 + 3.5 + 2.5 + 3)
    assert match.score == 57  # 56.5 rounds half up
    assert [part.points for part in match.parts] == [22.5, 0, 15, 10, 3.5, 2.5, 3]


def test_availability_weighs_working_time_hours_and_the_closing_date():
    part_time = evaluate(seeker(1, availability="part_time"), WAITER)
    # Part time for a full-time job: 0.3, and 24 of the 48 hours asked: × 0.5.
    assert part_time.parts[3].points == 1.5
    late = evaluate(seeker(1, available_from=date(2027, 1, 15)), WAITER)
    assert late.parts[3].points == 5
    assert "después del cierre de la vacante" in late.parts[3].text
    seasonal = VacancyFacts(id=20, availability="seasonal", hours_per_week=40, contract_type="indefinite")
    assert evaluate(seeker(1, availability="seasonal"), seasonal).parts[3].points == 7  # indefinite: × 0.7


def test_education_below_the_minimum_asked_loses_marks():
    asks = VacancyFacts(id=21, min_education="technical")
    assert evaluate(seeker(1, education_level="university"), asks).parts[6].points == 5
    assert evaluate(seeker(1, education_level="secondary"), asks).parts[6].points == 2.5
    assert evaluate(seeker(1, education_level="primary"), asks).parts[6].points == 0


# Explanations -------------------------------------------------------------------------------------------------------


def test_the_explanation_names_the_skills_covered_and_missing():
    match = evaluate(seeker(1, skill_ids=frozenset({1})), WAITER)
    required, desirable = match.parts[0], match.parts[1]
    assert required.details == {"covered": ["Cocina"], "missing": ["Atención al cliente"]}
    assert required.text == "Tiene 1 de 2 habilidades requeridas (Cocina); le falta: Atención al cliente."
    assert desirable.details["missing"] == ["Quechua hablado"]
    assert match.missing_skills == ["Atención al cliente"]
    none = evaluate(seeker(2), WAITER)
    assert "le falta: Cocina, Atención al cliente" in none.sentences[0]


def test_the_explanation_tells_distance_availability_readiness_and_preferences():
    match = evaluate(seeker(1, district=ANDAHUAYLILLAS, sessions_attended=3, sessions_held=4, workshops_completed=1,
                            preferred_district_codes={"081202"}), WAITER)  # fmt: skip
    distance, availability, readiness, preferences = match.sentences[2:6]
    assert distance.startswith("El trabajo queda a 5,") and "dentro de los 20 km" in distance
    assert availability == (
        "Disponibilidad: tiempo completo; la vacante es de tiempo completo, 48 horas por semana (plazo fijo)."
    )
    assert readiness == "Concluyó el taller de búsqueda de empleo (asistió a 3 de 4 sesiones)."
    assert preferences == "El distrito del trabajo no está entre sus preferidos."
    assert evaluate(seeker(2), WAITER).sentences[4] == "No ha asistido a talleres de búsqueda de empleo."


def test_the_explanation_is_json_to_keep_with_the_application():
    match = evaluate(seeker(1, skill_ids=frozenset({1})), WAITER)
    kept = json.loads(json.dumps(match.explanation))
    assert kept["score"] == match.score
    assert [part["code"] for part in kept["parts"]] == [
        "required_skills", "desirable_skills", "distance", "availability", "readiness", "preferences", "education",
    ]  # fmt: skip
    assert kept["parts"][0]["missing"] == ["Atención al cliente"]
    assert kept["sentences"] == match.sentences


# Filters for programs that target women and youth ----------------------------------------------------------------


def test_filters_by_sex_age_and_territory():
    people = [
        seeker(1, sex="F", age=19, district=URCOS),
        seeker(2, sex="M", age=22, district=URCOS),
        seeker(3, sex="F", age=34, district=OCONGATE),
        seeker(4, sex="F", age=None, district=ANDAHUAYLILLAS),
        seeker(5, sex="F", age=29, district=NIEVA),
        seeker(6, sex="F", age=15, district=None),
    ]
    pool = SeekerPool(people)
    young_women = MatchFilter(sex="F", age_min=15, age_max=29)
    assert sorted(ids(rank_seekers(WAITER, pool, filters=young_women))) == [1, 5, 6]
    assert sorted(ids(rank_seekers(WAITER, pool, filters=MatchFilter(territory="0812")))) == [1, 2, 3, 4]
    assert sorted(ids(rank_seekers(WAITER, pool, filters=MatchFilter(territory="01")))) == [5]
    assert ids(rank_seekers(WAITER, pool, filters=MatchFilter(territory="081210"))) == [3]
    both = MatchFilter(territory="08", sex="F", age_max=29)
    assert ids(rank_seekers(WAITER, pool, filters=both)) == [1]
    assert len(rank_seekers(WAITER, pool)) == 6


def test_vacancies_filtered_by_the_vacancy_territory():
    in_nieva = VacancyFacts(id=30, district=NIEVA)
    found = rank_vacancies(seeker(1), [WAITER, in_nieva], filters=MatchFilter(territory="0104"))
    assert [match.vacancy.id for match in found] == [30]


# Properties ---------------------------------------------------------------------------------------------------------

places = st.sampled_from([URCOS, ANDAHUAYLILLAS, OCONGATE, CUSCO, NIEVA, Place("999999"), None])
skill_sets = st.frozensets(st.integers(1, 8), max_size=8)
availabilities = st.sampled_from(["full_time", "part_time", "weekends", "seasonal"])
levels = st.sampled_from(["none", "primary", "secondary_incomplete", "secondary", "technical", "university"])
seekers = st.builds(
    SeekerFacts,
    id=st.integers(1, 50),
    skill_ids=skill_sets,
    education_level=levels,
    district=places,
    preferred_district_codes=st.frozensets(st.sampled_from(["081201", "081202", "010401"]), max_size=2),
    max_travel_km=st.integers(0, 200),
    availability=availabilities,
    available_from=st.none() | st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    preferred_sectors=st.frozensets(st.sampled_from(["tourism", "commerce"]), max_size=2),
    sessions_attended=st.integers(0, 12),
    sessions_held=st.integers(0, 12),
    workshops_completed=st.integers(0, 2),
)
skill_tuples = st.lists(st.integers(1, 8), max_size=5, unique=True).map(
    lambda numbers: tuple(SkillFact(n, f"Habilidad {n}") for n in numbers)
)
vacancies = st.builds(
    VacancyFacts,
    id=st.integers(1, 50),
    required_skills=skill_tuples,
    desirable_skills=skill_tuples,
    district=places,
    availability=availabilities,
    hours_per_week=st.integers(1, 84),
    contract_type=st.sampled_from(["indefinite", "fixed_term", "internship", "per_service"]),
    sector=st.sampled_from(["tourism", "commerce", "agriculture"]),
    closes_on=st.none() | st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    min_education=st.none() | levels,
)


@settings(max_examples=300, deadline=None)
@given(seekers, vacancies)
def test_a_score_is_within_0_and_100_and_its_parts_within_their_weights(seeker_facts, vacancy):
    match = evaluate(seeker_facts, vacancy)
    assert 0 <= match.exact <= 100 + 1e-9
    assert 0 <= match.score <= 100
    for part in match.parts:
        assert 0 <= part.points <= part.max_points
    assert abs(sum(part.points for part in match.parts) - match.exact) <= 0.05 * len(match.parts)


@settings(max_examples=300, deadline=None)
@given(seekers, vacancies, st.integers(1, 8))
def test_requiring_a_skill_she_has_never_lowers_her_score(seeker_facts, vacancy, skill):
    has = seeker_facts.skill_ids | {skill}
    her = SeekerFacts(**{**_fields(seeker_facts), "skill_ids": has})
    others = tuple(s for s in vacancy.required_skills if s.id != skill)
    before = VacancyFacts(**{**_fields(vacancy), "required_skills": others})
    after = VacancyFacts(**{**_fields(vacancy), "required_skills": (*others, SkillFact(skill, "Nueva"))})
    assert evaluate(her, after).exact >= evaluate(her, before).exact - 1e-9


@settings(max_examples=100, deadline=None)
@given(st.lists(seekers, max_size=30, unique_by=lambda s: s.id), vacancies, st.none() | st.integers(0, 10))
def test_ranking_agrees_with_scoring_each_pair(people, vacancy, limit):
    ranked = rank_seekers(vacancy, people, limit=limit)
    one_by_one = sorted((evaluate(p, vacancy) for p in people), key=lambda m: (-m.exact, m.seeker.id))
    expected = one_by_one if limit is None else one_by_one[:limit]
    assert [(m.seeker.id, m.exact, m.score) for m in ranked] == [(m.seeker.id, m.exact, m.score) for m in expected]


def _fields(facts) -> dict:
    return {name: getattr(facts, name) for name in facts.__dataclass_fields__}
