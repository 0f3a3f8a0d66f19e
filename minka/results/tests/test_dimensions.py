"""The ways a number splits: the names a split is asked by, age bands (default and configured, counted on the day
with birthdays taken to the day, or from the year alone), youth, area, and the places a district's ubigeo names."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minka.core.errors import ApplicationError
from minka.results.dimensions import (
    DIMENSIONS,
    LABELS,
    UNKNOWN,
    age_band_code,
    age_band_label,
    age_bands,
    dimensions_parse,
    value_labels,
)
from minka.results.measures import Scope, people_reached
from minka.results.tests.conftest import rolled_back

D = datetime.date


# Parsing --------------------------------------------------------------------------------------------------------


def test_splits_are_read_from_text_or_a_list_in_the_order_given():
    assert dimensions_parse("sex, age_band ,province") == ("sex", "age_band", "province")
    assert dimensions_parse(["district", "sex"]) == ("district", "sex")
    assert dimensions_parse("") == () and dimensions_parse(" , ") == ()


@pytest.mark.parametrize("text", ["colour", "sex,colour", "sexo", "SEX", "age band"])
def test_an_unknown_split_is_refused_by_name_with_the_known_ones_listed(text):
    with pytest.raises(ApplicationError) as error:
        dimensions_parse(text)
    assert error.value.code == "unknown_dimension" and error.value.status == 400
    unknown = [t.strip() for t in text.split(",") if t.strip() not in DIMENSIONS]
    message = str(error.value.message)
    assert all(name in message for name in unknown)
    assert "age_band" in message and "province" in message  # what is available
    assert list(error.value.fields) == ["by"]


def test_a_split_the_measure_does_not_offer_is_refused_and_a_repeated_one_too():
    with pytest.raises(ApplicationError, match="sex"):
        dimensions_parse("province,sex", allowed=("province", "district"))
    with pytest.raises(ApplicationError) as error:
        dimensions_parse("sex,sex")
    assert error.value.code == "unknown_dimension"


def test_every_dimension_has_labels_for_its_values():
    assert set(LABELS) == set(DIMENSIONS)


# Age bands --------------------------------------------------------------------------------------------------------


def test_the_default_age_bands(settings):
    assert age_bands() == [(0, 14), (15, 29), (30, 44), (45, 64), (65, None)]
    assert [age_band_code(b) for b in age_bands()] == ["0-14", "15-29", "30-44", "45-64", "65+"]
    assert [age_band_label(b) for b in age_bands()] == ["menos de 15", "15–29", "30–44", "45–64", "65 y más"]


@pytest.mark.parametrize(
    ("starts", "bands"),
    [
        ([0, 18, 60], [(0, 17), (18, 59), (60, None)]),
        ([18, 60], [(0, 17), (18, 59), (60, None)]),  # the youngest band is always there
        ([60, 0, 25], [(0, 24), (25, 59), (60, None)]),  # in any order
        ([0], [(0, None)]),
    ],
)
def test_age_bands_follow_the_setting(settings, starts, bands):
    settings.AGE_BAND_STARTS = starts
    assert age_bands() == bands


def bands_of(outcome) -> dict:
    return {cell.key: cell.value for cell in outcome.cells}


@pytest.fixture
def attended(world, build):
    """A session on 1 January 2000 of program alpha: those added to it count from then on."""
    session = build.session(build.activity(start=D(2000, 1, 1), end=D(2000, 1, 31)), D(2000, 1, 1))

    def add(**person):
        someone = build.person(**person)
        build.attend(session, someone)
        return someone

    return add


def reached(world, on, by=("age_band",)):
    return bands_of(people_reached(Scope(program_id=world.program_a.pk, end=on), by))


@pytest.mark.django_db
def test_a_person_moves_up_a_band_on_her_birthday_not_the_day_before(world, attended):
    attended(birth_date=D(1995, 6, 15))  # 30 on 15 June 2025
    assert reached(world, D(2025, 6, 14)) == {("15-29",): 1}
    assert reached(world, D(2025, 6, 15)) == {("30-44",): 1}
    assert reached(world, D(2025, 6, 14), ("youth",)) == {("yes",): 1}
    assert reached(world, D(2025, 6, 15), ("youth",)) == {("no",): 1}


@pytest.mark.django_db
def test_someone_born_on_29_february_is_a_year_older_on_1_march_of_a_common_year(world, attended):
    attended(birth_date=D(2008, 2, 29))  # 15 on 1 March 2023, 16 on 29 February 2024
    assert reached(world, D(2023, 2, 28)) == {("0-14",): 1}
    assert reached(world, D(2023, 3, 1)) == {("15-29",): 1}


@pytest.mark.django_db
def test_a_birth_year_alone_counts_as_born_on_1_july(world, attended):
    attended(birth_year=1995)
    assert reached(world, D(2025, 6, 30)) == {("15-29",): 1}
    assert reached(world, D(2025, 7, 1)) == {("30-44",): 1}


@pytest.mark.django_db
def test_no_birth_data_or_a_birth_after_the_day_is_unknown_and_labelled_so(world, attended):
    attended(birth_year=None)
    attended(birth_date=D(2030, 1, 1))
    attended(birth_date=D(1950, 1, 1))
    assert reached(world, D(2025, 1, 1)) == {(UNKNOWN,): 2, ("65+",): 1}
    assert value_labels("age_band", [UNKNOWN, "65+"]) == {UNKNOWN: "Sin dato", "65+": "65 y más"}


@pytest.mark.django_db
def test_configured_bands_are_the_ones_counted(world, attended, settings):
    settings.AGE_BAND_STARTS = [0, 18, 60]
    attended(birth_date=D(2007, 5, 2))  # 18 on 2 May 2025
    attended(birth_year=1965)  # 60 from 1 July 2025
    assert reached(world, D(2025, 5, 1)) == {("0-17",): 1, ("18-59",): 1}
    assert reached(world, D(2025, 7, 1)) == {("18-59",): 1, ("60+",): 1}


def age_on(day, *, birth_date=None, birth_year=None):
    born = birth_date or (D(birth_year, 7, 1) if birth_year else None)
    if born is None or born > day:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def band_by_hand(age, starts):
    if age is None:
        return UNKNOWN
    starts = sorted({0, *starts})
    low = max(s for s in starts if s <= age)
    following = [s for s in starts if s > low]
    return f"{low}-{following[0] - 1}" if following else f"{low}+"


births = st.one_of(
    st.builds(dict, birth_date=st.dates(D(1930, 1, 1), D(2026, 12, 31))),
    st.builds(dict, birth_date=st.sampled_from([D(2000, 2, 29), D(1996, 2, 29), D(2001, 3, 1), D(2001, 2, 28)])),
    st.builds(dict, birth_year=st.integers(1930, 2026)),
    st.just({}),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(births, min_size=1, max_size=8),
    day=st.one_of(st.dates(D(2000, 1, 1), D(2030, 12, 31)), st.sampled_from([D(2016, 2, 29), D(2015, 2, 28)])),
    starts=st.sampled_from([[0, 15, 30, 45, 65], [0, 18, 60], [12, 25, 50], [0, 15, 20, 40, 41]]),
)
@pytest.mark.django_db
def test_every_band_counts_the_people_whose_age_on_the_day_falls_in_it(world, build, settings, people, day, starts):
    settings.AGE_BAND_STARTS = starts
    with rolled_back():
        session = build.session(build.activity(start=D(2000, 1, 1), end=D(2000, 1, 31)), D(2000, 1, 1))
        for birth in people:
            build.attend(session, build.person(**birth))
        expected = {}
        for birth in people:
            band = band_by_hand(age_on(day, **birth), starts)
            expected[(band,)] = expected.get((band,), 0) + 1
        assert reached(world, day) == expected
        youth = {}
        for birth in people:
            age = age_on(day, **birth)
            key = (UNKNOWN if age is None else "yes" if 15 <= age <= 29 else "no",)
            youth[key] = youth.get(key, 0) + 1
        assert reached(world, day, ("youth",)) == youth


# Places and area ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_department_province_and_district_come_from_the_ubigeo_with_their_names(world, attended):
    attended(district="081201", area="rural")  # Urcos, Quispicanchi, Cusco
    attended(district="081202", area="rural")  # Andahuaylillas, Quispicanchi, Cusco
    attended(district="010401", area="urban")  # Nieva, Condorcanqui, Amazonas
    attended(district=None, area="")
    on = D(2024, 1, 1)
    assert reached(world, on, ("department",)) == {("08",): 2, ("01",): 1, (None,): 1}
    assert reached(world, on, ("province",)) == {("0812",): 2, ("0104",): 1, (None,): 1}
    assert reached(world, on, ("district",)) == {("081201",): 1, ("081202",): 1, ("010401",): 1, (None,): 1}
    assert reached(world, on, ("area",)) == {("rural",): 2, ("urban",): 1, ("",): 1}
    assert reached(world, on, ("department", "area")) == {("08", "rural"): 2, ("01", "urban"): 1, (None, ""): 1}
    assert value_labels("department", ["08", "01", None]) == {"08": "Cusco", "01": "Amazonas", None: "Sin dato"}
    assert value_labels("province", ["0812"]) == {"0812": "Quispicanchi"}
    assert value_labels("district", ["081202"]) == {"081202": "Andahuaylillas"}
    assert value_labels("area", ["rural", "urban", ""]) == {"rural": "Rural", "urban": "Urbana", "": "Sin dato"}
