"""The SVG charts: well-formed standalone XML, bars proportional to the values, hidden values without a bar."""

from decimal import Decimal

import pytest
from lxml import etree

from minka.reports.charts import WIDTH, bar_chart, nice_ceiling, progress_chart, trend_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return etree.fromstring(str(chart.svg).encode())


def bars(root):
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("data-value") is not None]


def test_the_svg_is_standalone_and_named_by_its_title():
    chart = bar_chart("Participantes por sexo", [("Mujeres", 30), ("Hombres", 10)])
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox").startswith(f"0 0 {WIDTH} ")
    assert root.get("width") == "100%"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title.text == "Participantes por sexo"
    assert root.get("aria-labelledby") == title.get("id")
    text = str(chart.svg)
    assert "class=" not in text and "<script" not in text and "href" not in text


def test_bars_are_proportional_to_the_values_and_print_them():
    chart = bar_chart("Por provincia", [("Quispicanchi", 40), ("Urcos", Decimal("10")), ("Nieva", 20)])
    root = parse(chart)
    widths = [float(rect.get("width")) for rect in bars(root)]
    assert widths[0] == pytest.approx(WIDTH - 100)  # the largest value fills the track
    assert widths[1] / widths[0] == pytest.approx(0.25, abs=0.005)
    assert widths[2] / widths[0] == pytest.approx(0.5, abs=0.005)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Quispicanchi", "40", "Urcos", "10", "Nieva", "20"]


def test_a_hidden_value_has_no_bar_and_shows_a_dash():
    chart = bar_chart("Por sexo", [("Mujeres", 12), ("Hombres", None)])
    root = parse(chart)
    assert [rect.get("data-value") for rect in bars(root)] == ["12"]
    assert "—" in [t.text for t in root.iter(f"{SVG}text")]
    assert chart.rows == [["Mujeres", 12], ["Hombres", None]]
    assert chart.note


def test_the_table_alternative_equals_the_input():
    items = [("18-29", 5), ("30-59", Decimal("7.5")), ("60+", None)]
    chart = bar_chart("Por edad", items, label_column="Tramo de edad")
    assert chart.columns[0] == "Tramo de edad"
    assert chart.rows == [list(item) for item in items]


def test_a_target_line_sits_where_its_value_falls():
    chart = bar_chart("Por socio", [("Alfa", 50), ("Beta", 25)], target=100)
    root = parse(chart)
    line = root.find(f"{SVG}line")
    assert float(line.get("x1")) == pytest.approx(WIDTH - 100)  # the target is the largest figure
    assert float(bars(root)[0].get("width")) == pytest.approx((WIDTH - 100) / 2)


def test_labels_and_values_are_escaped():
    chart = bar_chart("A & B <x>", [("<script>", 3)])
    root = parse(chart)  # would not parse if anything was left unescaped
    assert root.find(f"{SVG}title").text == "A & B <x>"


def test_an_empty_chart_says_so():
    chart = trend_chart("Evolución", [])
    assert "Sin datos" in "".join(parse(chart).itertext())
    assert chart.rows == []


def test_trend_bars_are_proportional_and_labels_thin_out():
    points = [(f"P{month:02d}", month * 10) for month in range(1, 25)]
    chart = trend_chart("Evolución mensual", points, target=300)
    root = parse(chart)
    heights = [float(rect.get("height")) for rect in bars(root)]
    assert len(heights) == 24
    assert heights[11] / heights[0] == pytest.approx(12, rel=0.02)
    period_labels = [t.text for t in root.iter(f"{SVG}text") if t.text.startswith("P")]
    assert period_labels == ["P01", "P05", "P09", "P13", "P17", "P21"]  # every fourth of 24: 6 at most
    assert chart.rows == [list(point) for point in points]


def test_trend_hidden_period_has_no_bar():
    chart = trend_chart("Evolución", [("2025-T1", 8), ("2025-T2", None), ("2025-T3", 16)])
    root = parse(chart)
    assert [rect.get("data-value") for rect in bars(root)] == ["8", "16"]
    heights = [float(rect.get("height")) for rect in bars(root)]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.2)


def test_the_trend_axis_tops_at_a_round_number():
    assert nice_ceiling(Decimal(73)) == 100
    assert nice_ceiling(Decimal(180)) == 200
    assert nice_ceiling(Decimal("2.1")) == Decimal("2.5")
    assert nice_ceiling(Decimal(0)) == 1


def test_progress_bar_is_the_share_of_the_target():
    chart = progress_chart(
        "Indicadores principales",
        [("Personas formadas", 150, 200), ("Créditos", 120, 100), ("Ingresos", 30, None), ("Ferias", None, 4)],
    )
    root = parse(chart)
    widths = [float(rect.get("width")) for rect in bars(root)]
    assert widths == [pytest.approx(WIDTH * 0.75), pytest.approx(WIDTH)]  # past the target, the bar is full
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "150 / 200 (75,0 %)" in texts
    assert any("sin meta" in text for text in texts)
    assert chart.rows[0] == ["Personas formadas", 150, 200, Decimal("75.0")]
    assert chart.rows[2] == ["Ingresos", 30, None, None]
    assert chart.rows[3] == ["Ferias", None, 4, None]


def test_progress_rows_carry_their_own_units():
    chart = progress_chart(
        "Metas", [("Tasa", Decimal("40"), Decimal("80")), ("Monto", 500, 1000)], units=["percent", "soles"]
    )
    texts = [t.text for t in parse(chart).iter(f"{SVG}text")]
    assert "40,0 % / 80,0 % (50,0 %)" in texts
    assert any(text.startswith("S/ 500,00 / S/ 1") for text in texts)
