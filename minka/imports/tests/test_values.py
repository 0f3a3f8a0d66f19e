"""Cells read as a person would read them: dates, numbers, DNI, yes/no, sex, phone."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minka.imports import values
from minka.imports.values import CellError

DATES = st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2099, 12, 31))


@given(DATES, st.sampled_from(["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%-d/%-m/%Y"]))
def test_any_date_written_the_accepted_ways_reads_back(day, pattern):
    assert values.date(day.strftime(pattern)) == day


@given(DATES)
def test_excel_serials_and_real_date_cells_read_as_the_same_day(day):
    serial = (day - datetime.date(1899, 12, 30)).days
    assert values.date(serial) == day
    assert values.date(float(serial)) == day
    assert values.date(str(serial)) == day
    assert values.date(datetime.datetime.combine(day, datetime.time(0, 0))) == day


@pytest.mark.parametrize("raw", ["31/02/2024", "2024-13-01", "mañana", "12345", 3.5, "=HOY()"])
def test_what_is_not_a_date_is_an_error_not_a_guess(raw):
    with pytest.raises(CellError):
        values.date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("1.234", "1234"),
        ("1,234", "1234"),
        ("0,125", "0.125"),
        ("1.234.567", "1234567"),
        ("S/ 1 500,00", "1500.00"),
        (" -3 ", "-3"),
        (1500, "1500"),
        (12.75, "12.75"),
    ],
)
def test_decimals_with_either_separator(raw, expected):
    assert values.decimal(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["doce", "1,2,3.4.5x", "NaN", "Infinity", True])
def test_what_is_not_a_number_is_an_error(raw):
    with pytest.raises(CellError):
        values.decimal(raw)


@given(st.integers(min_value=1, max_value=99_999_999))
def test_a_dni_that_lost_its_leading_zero_gets_it_back(number):
    digits = f"{number:08d}"
    assert values.dni(digits) == digits
    assert values.dni(number) == values.dni(float(number)) == values.dni(f"{number}.0") == digits  # number cells
    if number < 10_000_000:
        assert values.dni(digits[1:]) == digits  # typed with 7 digits, as a spreadsheet shows 01234567


@pytest.mark.parametrize("raw", ["123456", "123456789", "1234567A-9", "DNI"])
def test_a_wrong_dni_is_an_error(raw):
    with pytest.raises(CellError):
        values.dni(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Sí", True), ("si", True), ("YES", True), ("x", True), (1, True), ("No", False), ("n", False), (0, False)],
)
def test_yes_and_no_in_spanish_and_english(raw, expected):
    assert values.yes_no(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"), [("F", "F"), ("mujer", "F"), ("Female", "F"), ("M", "M"), ("Hombre", "M"), ("varón", "M")]
)
def test_sex_in_spanish_and_english(raw, expected):
    assert values.sex(raw) == expected


def test_unknown_choices_and_blank_cells():
    with pytest.raises(CellError):
        values.sex("otro")
    for parser in (values.date, values.decimal, values.dni, values.yes_no, values.sex, values.phone, values.text):
        assert parser("  ") is None and parser(None) is None


def test_phone_keeps_digits_and_a_leading_plus():
    assert values.phone("987 654 321") == "987654321"
    assert values.phone("+51 (84) 123-456") == "+5184123456"
    assert values.phone(987654321.0) == "987654321"
    with pytest.raises(CellError):
        values.phone("llamar a la vecina")


def test_an_exported_formula_escape_is_taken_off():
    assert values.unescape("'+51987654321") == "+51987654321"
    assert values.unescape("'Rosa") == "'Rosa"
