"""The arithmetic of indicators checked against exact fractions: percentages rounded half up to 0.1, ratios as sums
over sums, medians, progress either way from a baseline, and small cells that stay hidden even from someone who
subtracts the visible cells from the total."""

from decimal import Decimal
from fractions import Fraction
from statistics import median as exact_median

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minka.core.errors import ApplicationError
from minka.results.arithmetic import SMALL_CELL, Cell, median, percent, progress, ratio_of_sums, suppress


def half_up(value: Fraction, places: int) -> Decimal:
    """`value` rounded half away from zero, by integer arithmetic on the exact fraction."""
    scale = 10**places
    scaled = abs(value) * scale
    whole = int(scaled + Fraction(1, 2))  # floor(x + ½) for x ≥ 0
    sign = -1 if value < 0 else 1
    return Decimal(sign * whole).scaleb(-places)


# Percentages ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 8, "12.5"),
        (1, 16, "6.3"),  # 6.25: half up, not to even (6.2)
        (3, 16, "18.8"),  # 18.75
        (1, 400, "0.3"),  # 0.25
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (0, 7, "0.0"),
        (7, 7, "100.0"),
        (Decimal("2.5"), Decimal("4"), "62.5"),
        (-1, 16, "-6.3"),
    ],
)
def test_a_percentage_is_rounded_half_up_to_one_decimal(numerator, denominator, expected):
    value = percent(numerator, denominator)
    assert value == Decimal(expected) and str(value) == expected  # exactly one decimal place, too


@pytest.mark.parametrize("zero", [0, Decimal(0), Decimal("0.00"), None])
def test_a_zero_denominator_is_an_error_never_zero_or_infinite_percent(zero):
    with pytest.raises(ApplicationError) as error:
        percent(3, zero)
    assert error.value.code == "zero_denominator"
    assert "denominador cero" in str(error.value.message)
    assert list(error.value.fields) == ["denominator"]


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_any_percentage_is_the_exact_ratio_rounded_half_up(numerator, denominator):
    assert percent(numerator, denominator) == half_up(Fraction(100 * numerator, denominator), 1)


# Ratios of sums -----------------------------------------------------------------------------------------------------

parts = st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), min_size=1, max_size=10)


@given(parts)
def test_a_ratio_of_many_parts_is_the_sum_of_numerators_over_the_sum_of_denominators(pairs):
    numerator, denominator = sum(n for n, _d in pairs), sum(d for _n, d in pairs)
    if denominator == 0:
        assert ratio_of_sums(pairs) is None
    else:
        assert ratio_of_sums(pairs) == half_up(Fraction(100 * numerator, denominator), 1)


def test_a_ratio_of_sums_weighs_each_part_by_its_size_not_like_a_mean():
    # Two partners: 90 of 100 and 1 of 10. The mean of their percentages (90 % and 10 %) is 50 %; the people say
    # 91 of 110.
    assert ratio_of_sums([(90, 100), (1, 10)]) == Decimal("82.7")
    assert ratio_of_sums([]) is None
    assert ratio_of_sums([(0, 0), (0, 0)]) is None
    assert ratio_of_sums([(0, 0), (1, 4)]) == Decimal("25.0")  # an empty part adds nothing


# Medians --------------------------------------------------------------------------------------------------------


def test_the_median_of_an_odd_count_is_the_middle_one_and_of_an_even_count_the_mean_of_the_two():
    assert median([Decimal("300"), Decimal("-20"), Decimal("50")]) == Decimal("50.00")
    assert median([4, 1, 3, 2]) == Decimal("2.50")
    assert median([Decimal("-10"), Decimal("-3")]) == Decimal("-6.50")
    assert median([Decimal("0.01"), Decimal("0.02")]) == Decimal("0.02")  # 0.015: half up to the cent
    assert median([7]) == Decimal("7.00")
    assert median([]) is None


money = st.decimals(min_value=-10000, max_value=10000, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(money, min_size=1, max_size=15))
def test_any_median_is_the_exact_middle_rounded_to_the_cent(values):
    exact = exact_median([Fraction(v) for v in values])
    assert median(values) == half_up(Fraction(exact), 2)


# Progress -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "baseline", "descending", "expected"),
    [
        (75, 100, 50, False, "50.0"),  # half the way from 50 up to 100
        (50, 100, 50, False, "0.0"),  # still at the baseline
        (40, 100, 50, False, "-20.0"),  # went backwards
        (130, 100, 50, False, "160.0"),  # beyond the target
        (1, 3, None, False, "33.3"),  # no baseline: from zero
        (30, 10, 50, True, "50.0"),  # descending: from 50 down to 10, at 30 is half way
        (10, 10, 50, True, "100.0"),
        (60, 10, 50, True, "-25.0"),  # worse than the baseline
        (Decimal("12.5"), Decimal("20.0"), Decimal("10.0"), False, "25.0"),
    ],
)
def test_progress_is_the_share_of_the_way_from_baseline_to_target(value, target, baseline, descending, expected):
    assert progress(value, target, baseline, descending=descending) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "target", "baseline", "descending"),
    [
        (5, 50, 50, False),  # target at the baseline: no way to go
        (5, 40, 50, False),  # an ascending target below the baseline
        (5, 60, 50, True),  # a descending target above the baseline
        (None, 100, 0, False),
        (10, None, 0, False),
    ],
)
def test_progress_is_none_when_there_is_no_way_to_measure_it(value, target, baseline, descending):
    assert progress(value, target, baseline, descending=descending) is None


# Suppression -------------------------------------------------------------------------------------------------------


def cells_of(sizes):
    return [Cell(key=(n,), value=size, size=size) for n, size in enumerate(sizes)]


def hidden_sizes(sizes, **options):
    return [cell.size for cell in suppress(cells_of(sizes), **options) if cell.suppressed]


def test_a_cell_under_five_is_hidden_and_one_more_so_the_total_does_not_give_it_away():
    shown = suppress(cells_of([3, 12, 20]))
    assert [(c.suppressed, c.value) for c in shown] == [(True, None), (True, None), (False, 20)]
    assert hidden_sizes([3, 12, 20, 9]) == [3, 9]  # the next smallest goes, not the first one
    assert hidden_sizes([3, 4, 20]) == [3, 4]
    assert hidden_sizes([5, 6, 20]) == []  # five is enough
    assert hidden_sizes([3, 12, 20], total_known=False) == [3]  # no total to subtract from
    assert hidden_sizes([6, 12], threshold=10) == [6, 12]


def test_a_hidden_ratio_loses_its_parts_too():
    cells = [Cell(key=("a",), value=Decimal("50.0"), size=2, numerator=1, denominator=2),
             Cell(key=("b",), value=Decimal("40.0"), size=10, numerator=4, denominator=10),
             Cell(key=("c",), value=Decimal("30.0"), size=10, numerator=3, denominator=10)]  # fmt: skip
    shown = suppress(cells)
    assert [(c.value, c.numerator, c.denominator) for c in shown if c.suppressed] == [(None, None, None)] * 2
    assert shown[2].numerator == 3 or shown[1].numerator == 4  # one partner still shows


def what_a_reader_can_tell(shown, sizes, threshold):
    """For each hidden cell, the sizes it could have, knowing what the page shows: every visible cell, the total,
    that each hidden cell has at least one person, and which hidden ones are marked "< 5" (small) or "oculto"."""
    hidden = [(i, s) for i, (c, s) in enumerate(zip(shown, sizes, strict=True)) if c.suppressed]
    rest = sum(sizes) - sum(c.size for c in shown if not c.suppressed)  # total − visible cells
    bounds = {i: (1, threshold - 1) if s < threshold else (threshold, rest) for i, s in hidden}
    possible = {}
    for i, _s in hidden:
        others = [bounds[j] for j, _ in hidden if j != i]
        low, high = sum(b[0] for b in others), sum(b[1] for b in others)
        possible[i] = [v for v in range(bounds[i][0], bounds[i][1] + 1) if low <= rest - v <= high]
    return possible


@given(st.lists(st.integers(1, 30), min_size=2, max_size=7), st.sampled_from([SMALL_CELL, 3, 10]))
def test_no_hidden_cell_can_be_worked_out_from_the_total_and_the_visible_cells(sizes, threshold):
    shown = suppress(cells_of(sizes), threshold=threshold)
    for cell, size in zip(shown, sizes, strict=True):
        assert cell.suppressed == (cell.value is None)
        if size < threshold:
            assert cell.suppressed
        if not cell.suppressed:
            assert cell.value == size  # nothing shown is altered
    if sum(sizes) < threshold or all(c.suppressed for c in shown):
        return  # the total itself then says it all; the page hides it (selectors._suppressed)
    for i, candidates in what_a_reader_can_tell(shown, sizes, threshold).items():
        assert sizes[i] in candidates
        assert len(candidates) > 1, f"cell {i} of {sizes} is {sizes[i]}, and the page gives it away"


def test_two_tiny_cells_are_not_left_to_add_up_to_their_own_minimum():
    # Shown: "< 5", "< 5", 100, total 102. Each hidden cell counts at least one person, so both would be 1.
    assert len(hidden_sizes([1, 1, 100])) == 3
    # Shown: "< 5", "oculto" (so at least 5), 100, total 106: they could only be 1 and 5.
    assert len(hidden_sizes([1, 5, 100])) == 3
