"""The engine's parts on their own: periods, arithmetic (with hypothesis where a rule holds for any numbers),
dimensions and the territory filter."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minka.activities.models import Attendance
from minka.core.errors import ApplicationError
from minka.results.arithmetic import Cell, median, percent, progress, ratio_of_sums, suppress
from minka.results.dimensions import age_bands, dimensions_parse
from minka.results.measures import Scope, people_reached
from minka.results.periods import period_parse
from minka.results.tests.test_pages import person_make, session_make

D = datetime.date


# Periods -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2019", D(2019, 1, 1), D(2019, 12, 31)),
        ("2019-Q3", D(2019, 7, 1), D(2019, 9, 30)),
        ("2019-q4", D(2019, 10, 1), D(2019, 12, 31)),
        ("2020-02", D(2020, 2, 1), D(2020, 2, 29)),
        ("2019-01..2019-12", D(2019, 1, 1), D(2019, 12, 31)),
        ("2019-Q2..2020", D(2019, 4, 1), D(2020, 12, 31)),
        (" 2019-07 ", D(2019, 7, 1), D(2019, 7, 31)),
    ],
)
def test_every_form_of_period_reads_as_its_first_and_last_day(text, start, end):
    period = period_parse(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2019-13", "2019-Q5", "19", "2019/07", "2019-07-01", "julio", "", "2019-00"])
def test_a_period_that_does_not_parse_names_the_forms_that_do(text):
    with pytest.raises(ApplicationError) as error:
        period_parse(text)
    assert "2019-Q3" in error.value.message and "period" in error.value.fields


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ApplicationError, match="termina antes de empezar"):
        period_parse("2020-01..2019-12")


@given(st.integers(2000, 2040), st.integers(1, 12))
def test_a_year_is_its_months_and_its_quarters_end_to_end(year, month):
    whole = period_parse(str(year))
    months, quarters = whole.months(), whole.quarters()
    assert len(months) == 12 and len(quarters) == 4
    assert months[0].start == whole.start and months[-1].end == whole.end == quarters[-1].end
    for parts in (months, quarters):
        for before, after in pairwise(parts):
            assert after.start - before.end == datetime.timedelta(days=1)  # no gap, no overlap
    assert period_parse(f"{year}-{month:02d}") == months[month - 1]


# Arithmetic --------------------------------------------------------------------------------------------------------


def test_percentages_round_half_up_to_one_decimal():
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3, as by hand (banker's rounding would give 6.2)


def test_a_zero_denominator_is_an_error_not_zero_percent():
    with pytest.raises(ApplicationError) as error:
        percent(3, 0)
    assert error.value.code == "zero_denominator" and "denominator" in error.value.fields


pairs = st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500)).map(lambda p: (min(p), p[1])), min_size=1)


@given(pairs)
def test_a_ratio_of_many_parts_is_the_sum_over_the_sum(parts):
    numerator, denominator = sum(n for n, _d in parts), sum(d for _n, d in parts)
    expected = (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert ratio_of_sums(parts) == expected


def test_a_ratio_of_sums_is_not_the_mean_of_the_ratios():
    # 1 of 1 (100 %) and 1 of 99 (1 %): the mean says 50.5 %, the people say 2 of 100.
    assert ratio_of_sums([(1, 1), (1, 99)]) == Decimal("2.0")
    assert ratio_of_sums([(0, 0)]) is None


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert median([Decimal("10.00"), Decimal("-5.50"), Decimal("3")]) == Decimal("3.00")
    assert median([1, 2, 3, 10]) == Decimal("2.50")
    assert median([]) is None


def test_progress_runs_from_the_baseline_to_the_target_either_way():
    assert progress(75, 100, 50) == Decimal("50.0")
    assert progress(30, 10, 50, descending=True) == Decimal("50.0")  # from 50 down to 10: 30 is half way
    assert progress(120, 100) == Decimal("120.0")
    assert progress(5, 50, 50) is None  # no way to go
    assert progress(None, 100) is None


cell_sizes = st.lists(st.integers(0, 40), min_size=1, max_size=8)


@given(cell_sizes)
def test_no_small_cell_can_be_seen_or_worked_out_from_the_total(sizes):
    cells = [Cell(key=(n,), value=size, size=size) for n, size in enumerate(sizes)]
    shown = suppress(cells)
    for cell, original in zip(shown, cells, strict=True):
        if 0 < original.size < 5:
            assert cell.suppressed and cell.value is None
    hidden = [cell for cell in shown if cell.suppressed]
    assert len(hidden) != 1 or all(c.size == 0 or c.suppressed for c in shown)  # one hidden cell = total − others
    assert all(c.value == c.size for c in shown if not c.suppressed)  # nothing else is touched


# Dimensions --------------------------------------------------------------------------------------------------------


def test_an_unknown_or_unoffered_split_is_named_in_the_error():
    assert dimensions_parse("sex, age_band") == ("sex", "age_band")
    with pytest.raises(ApplicationError, match="color"):
        dimensions_parse("sex,color")
    with pytest.raises(ApplicationError, match="sex"):
        dimensions_parse("sex", allowed=("province",))


def test_age_bands_follow_the_setting(settings):
    assert age_bands() == [(0, 14), (15, 29), (30, 44), (45, 64), (65, None)]
    settings.AGE_BAND_STARTS = [0, 18, 60]
    assert age_bands() == [(0, 17), (18, 59), (60, None)]


@pytest.mark.django_db
def test_a_birthday_on_the_counting_day_moves_a_person_up_a_band(world):
    person = person_make(world, "Quince", "F")
    person.birth_year, person.birth_date = None, D(2009, 3, 31)
    person.save()
    session = session_make(world, day=D(2024, 3, 4))
    Attendance.objects.create(session=session, participant=person, recorded_by=world.field_a)
    scope = Scope(program_id=world.program_a.pk)
    on_the_eve = people_reached(Scope(program_id=scope.program_id, end=D(2024, 3, 30)), ("age_band",))
    on_the_day = people_reached(Scope(program_id=scope.program_id, end=D(2024, 3, 31)), ("age_band",))
    assert [(c.key, c.value) for c in on_the_eve.cells] == [(("0-14",), 1)]
    assert [(c.key, c.value) for c in on_the_day.cells] == [(("15-29",), 1)]


@pytest.mark.django_db
def test_a_department_or_province_filter_takes_in_its_districts(world):
    urcos, nieva = person_make(world, "Ana", "F", district="081201"), person_make(world, "Eva", "F", district="010401")
    session = session_make(world)
    for person in (urcos, nieva):
        Attendance.objects.create(session=session, participant=person, recorded_by=world.field_a)
    program = world.program_a.pk
    assert people_reached(Scope(program_id=program)).total.value == 2
    assert people_reached(Scope(program_id=program, territory_codes=("08",))).total.value == 1
    assert people_reached(Scope(program_id=program, territory_codes=("0812",))).total.value == 1
    assert people_reached(Scope(program_id=program, territory_codes=("08", "01"))).total.value == 2
    assert people_reached(Scope(program_id=program, territory_codes=("13",))).total.value == 0
