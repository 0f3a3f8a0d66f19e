"""Amounts and periods as a credit officer reads them."""

from decimal import Decimal

from django.utils import translation

from minka.credit.templatetags.credit import every, money, percent


def test_money_is_written_as_in_peru():
    assert money(Decimal("1234.5")) == "S/ 1,234.50"
    assert money(Decimal("-0.005")) == "S/ 0.00"  # half to even: nothing left to sign
    assert money(Decimal("-12.345"), "USD") == "−US$ 12.34"
    assert money(None) == "—"


def test_percent_of_a_ratio():
    assert percent(Decimal("0.0525")) == "5.2 %"
    assert percent(None) == "—"


def test_how_often_installments_fall_due_in_both_languages():
    with translation.override("es"):
        assert [every(1, "months"), every(2, "weeks"), every(15, "days")] == [
            "cada mes",
            "cada 2 semanas",
            "cada 15 días",
        ]
    with translation.override("en"):
        assert [every(1, "months"), every(2, "weeks")] == ["every month", "every 2 weeks"]
