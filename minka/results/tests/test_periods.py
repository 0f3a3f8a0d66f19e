"""Periods as people write them: every accepted form reads as its first and last day and its canonical label,
every other form is refused with a message that names the forms that work."""

import datetime
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minka.core.errors import ApplicationError
from minka.results.models import PeriodKind as StoredKind
from minka.results.periods import Period, PeriodKind, period_parse
from minka.results.services import period_fields

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "kind"),
    [
        ("2019", D(2019, 1, 1), D(2019, 12, 31), "2019", PeriodKind.YEAR),
        ("2019-Q1", D(2019, 1, 1), D(2019, 3, 31), "2019-Q1", PeriodKind.QUARTER),
        ("2019-Q3", D(2019, 7, 1), D(2019, 9, 30), "2019-Q3", PeriodKind.QUARTER),
        ("2019-q4", D(2019, 10, 1), D(2019, 12, 31), "2019-Q4", PeriodKind.QUARTER),
        ("2019-07", D(2019, 7, 1), D(2019, 7, 31), "2019-07", PeriodKind.MONTH),
        ("2019-02", D(2019, 2, 1), D(2019, 2, 28), "2019-02", PeriodKind.MONTH),
        ("2020-02", D(2020, 2, 1), D(2020, 2, 29), "2020-02", PeriodKind.MONTH),  # leap year
        ("2019-01..2019-12", D(2019, 1, 1), D(2019, 12, 31), "2019-01..2019-12", PeriodKind.RANGE),
        ("2019-Q3..2020-02", D(2019, 7, 1), D(2020, 2, 29), "2019-Q3..2020-02", PeriodKind.RANGE),
        ("2019 .. 2020", D(2019, 1, 1), D(2020, 12, 31), "2019..2020", PeriodKind.RANGE),
        ("2019-07..2019-07", D(2019, 7, 1), D(2019, 7, 31), "2019-07..2019-07", PeriodKind.RANGE),
        ("  2019-07\t", D(2019, 7, 1), D(2019, 7, 31), "2019-07", PeriodKind.MONTH),
    ],
)
def test_each_accepted_form_reads_as_its_days_label_and_kind(text, start, end, label, kind):
    assert period_parse(text) == Period(start, end, label, kind)


@pytest.mark.parametrize(
    "text",
    ["2019-13", "2019-00", "2019-Q5", "2019-Q0", "2019-7", "19", "20190", "2019/07", "2019-07-01", "julio 2019",
     "garbage", "", "   ", "..", "2019..", "..2019", "2019..2019-13", "2019-Q3..x", "Q3-2019"],
)  # fmt: skip
def test_a_form_that_does_not_parse_is_refused_naming_what_works(text):
    with pytest.raises(ApplicationError) as error:
        period_parse(text)
    assert error.value.code == "invalid_period"
    assert error.value.status == 400
    message = str(error.value.message)
    assert f"«{text.strip()}»" in message  # says what was not understood …
    for form in ("2019", "2019-Q3", "2019-07", "2019-01..2019-12"):  # … and what is
        assert form in message
    assert list(error.value.fields) == ["period"]


def test_none_is_refused_like_an_empty_period():
    with pytest.raises(ApplicationError) as error:
        period_parse(None)
    assert error.value.code == "invalid_period"


@pytest.mark.parametrize("text", ["2020..2019", "2019-12..2019-01", "2019-Q3..2019-Q2", "2020-01..2019"])
def test_a_range_that_ends_before_it_starts_says_so(text):
    with pytest.raises(ApplicationError) as error:
        period_parse(text)
    assert error.value.code == "invalid_period"
    assert "termina antes de empezar" in str(error.value.message) and text in str(error.value.message)
    assert "period" in error.value.fields


# Phases and the whole program: the forms targets and reports take on top of the dated ones ------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["fase-1", "phase-1", "Fase 1", "F1", "f1"])
def test_a_phase_is_named_by_its_number(world, text):
    world.phase_a.start_date, world.phase_a.end_date = D(2019, 1, 1), D(2020, 6, 30)
    world.phase_a.save()
    assert period_fields(world.program_a, text) == {
        "period_kind": StoredKind.PHASE,
        "period_label": "phase-1",
        "period_start": D(2019, 1, 1),
        "period_end": D(2020, 6, 30),
        "phase": world.phase_a,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "programa", "program", "Todo"])
def test_no_period_is_the_program_s_whole_life(world, text):
    fields = period_fields(world.program_a, text)
    assert (fields["period_kind"], fields["period_label"], fields["period_start"], fields["phase"]) == (
        StoredKind.PROGRAM,
        "program",
        None,
        None,
    )


@pytest.mark.django_db
def test_a_phase_the_program_lacks_is_refused(world):
    with pytest.raises(ApplicationError) as error:
        period_fields(world.program_a, "fase-7")
    assert error.value.code == "unknown_phase" and "7" in str(error.value.message)


@pytest.mark.django_db
def test_dated_forms_are_stored_with_their_days(world):
    assert period_fields(world.program_a, "2019-Q3") == {
        "period_kind": "quarter",
        "period_label": "2019-Q3",
        "period_start": D(2019, 7, 1),
        "period_end": D(2019, 9, 30),
        "phase": None,
    }
    with pytest.raises(ApplicationError):
        period_fields(world.program_a, "2019-13")


# Round trip ------------------------------------------------------------------------------------------------------

years = st.integers(1990, 2060)
singles = st.one_of(
    years.map(str),
    st.tuples(years, st.integers(1, 4)).map(lambda p: f"{p[0]}-Q{p[1]}"),
    st.tuples(years, st.integers(1, 12)).map(lambda p: f"{p[0]}-{p[1]:02d}"),
)


@given(first=singles, last=singles)
def test_any_label_reads_back_as_itself(first, last):
    for text in (first, last):
        period = period_parse(text)
        assert period.label == text and period_parse(period.label) == period
        assert period.start <= period.end
        assert period.start.day == 1 and (period.end + datetime.timedelta(days=1)).day == 1  # whole months
    a, b = period_parse(first), period_parse(last)
    if a.start <= b.end:
        joined = period_parse(f"{first}..{last}")
        assert (joined.start, joined.end, joined.kind) == (a.start, b.end, PeriodKind.RANGE)
        assert period_parse(joined.label) == joined
    else:
        with pytest.raises(ApplicationError):
            period_parse(f"{first}..{last}")


@given(first=singles, last=singles)
def test_a_range_is_its_months_quarters_and_years_without_gap_or_overlap(first, last):
    a, b = sorted([period_parse(first), period_parse(last)])
    whole = period_parse(f"{a.label}..{b.label}") if a.start <= b.end else a
    for parts in (whole.months(), whole.quarters(), whole.years()):
        assert parts[0].start <= whole.start and parts[-1].end >= whole.end
        for before, after in pairwise(parts):
            assert after.start - before.end == datetime.timedelta(days=1)
        assert all(p.overlaps(whole) for p in parts)
    assert sum((m.end - m.start).days + 1 for m in whole.months()) == (whole.end - whole.start).days + 1
    assert whole.start in whole and whole.end in whole and whole.end + datetime.timedelta(days=1) not in whole
