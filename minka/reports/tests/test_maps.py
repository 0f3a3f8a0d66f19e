"""The choropleth map: territories coloured by class, the view zoomed to the focus, districts without outlines
drawn as dots, and all Peru small enough for a phone."""

import re
from decimal import Decimal

import pytest
from lxml import etree

from minka.network.models import Territory, TerritoryBoundary
from minka.network.territories import territories_load
from minka.reports.charts import INK
from minka.reports.maps import CLASS_COLOURS, NO_DATA, WIDTH, choropleth, class_edges, value_class
from minka.testing import places_create

SVG = "{http://www.w3.org/2000/svg}"


def square(west, south, size):
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def outlines(db):
    """Square outlines: Cusco (2°) with two provinces side by side, Amazonas far to the north."""
    places_create()
    Territory.objects.create(code="0801", level="province", name="Cusco", parent_id="08")
    Territory.objects.filter(code="081202").update(latitude=Decimal("-13.5"), longitude=Decimal("-71.5"))
    for code, geometry in {
        "08": square(-73, -15, 2),
        "01": square(-79, -6, 2),
        "13": square(-79.5, -9, 1.5),
        "0812": square(-72, -14, 1),
        "0801": square(-73, -14, 1),
        "0104": square(-79, -5, 1),
        "1301": square(-79.5, -8.5, 1),
        "081201": square(-72, -14, 0.5),
    }.items():
        TerritoryBoundary.objects.create(territory_id=code, geometry=geometry)


def parse(chart):
    return etree.fromstring(str(chart.svg).encode())


def shapes(root):
    return {shape.get("data-code"): shape for shape in root.iter() if shape.get("data-code")}


def points(path_data: str) -> list[tuple[float, float]]:
    """The absolute points of a path written as "Mx y l dx dy … z" subpaths."""
    result = []
    for start, moves in re.findall(r"M([-\d. ]+)l([-\d. ]*)z", path_data):
        x, y = (float(n) for n in start.split())
        result.append((x, y))
        numbers = [float(n) for n in moves.split()]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            result.append((x, y))
    return result


def map_height(root) -> float:
    return float(root.find(f"{SVG}rect").get("height"))


def test_each_territory_is_coloured_by_its_class(outlines):
    chart = choropleth("Personas", {"0812": 10, "0104": 50, "1301": None}, level="province")
    root = parse(chart)
    drawn = shapes(root)
    assert drawn["0812"].get("fill") == CLASS_COLOURS[0]
    assert drawn["0104"].get("fill") == CLASS_COLOURS[4]
    assert drawn["1301"].get("data-class") == "hidden"
    assert drawn["1301"].get("fill").startswith("url(#") and drawn["1301"].get("fill").endswith("-hidden)")
    assert root.find(f".//{SVG}pattern").get("id") in drawn["1301"].get("fill")
    assert drawn["0801"].get("fill") == NO_DATA  # no value: grey
    assert drawn["0801"].get("data-class") == ""


def test_the_classes_have_equal_width():
    edges = class_edges([10, 20, 60, None])
    assert edges == [10, 20, 30, 40, 50, 60]
    assert [value_class(v, edges) for v in (10, 19, 20, 45, 60)] == [0, 0, 1, 3, 4]
    assert value_class(7, class_edges([7, 7])) == 4
    assert class_edges([None]) == []


def test_the_table_alternative_lists_names_and_values(outlines):
    chart = choropleth("Personas", {"0812": 10, "0104": Decimal("2.5"), "1301": None}, level="province")
    assert chart.rows == [["Quispicanchi", 10], ["Condorcanqui", Decimal("2.5")], ["Trujillo", None]]
    assert chart.columns[0] == "Territorio"
    assert chart.title == parse(chart).find(f"{SVG}title").text == "Personas"


def test_without_focus_all_peru_is_drawn(outlines):
    root = parse(choropleth("Personas", {"0812": 10}, level="province"))
    assert set(shapes(root)) == {"0812", "0801", "0104", "1301"}
    for code in ("0812", "0104", "1301"):
        for x, y in points(shapes(root)[code].get("d")):
            assert 0 <= x <= WIDTH and 0 <= y <= map_height(root)


def test_the_view_zooms_to_the_focus_with_its_neighbours(outlines):
    root = parse(choropleth("Personas", {"0812": 10}, level="province", focus=["0812"]))
    drawn = shapes(root)
    assert set(drawn) == {"0812", "0801"}  # the neighbour for context, not far-away Amazonas
    corners = points(drawn["0812"].get("d"))
    xs, ys = [x for x, _y in corners], [y for _x, y in corners]
    assert min(xs) > 0 and max(xs) < WIDTH and min(ys) > 0 and max(ys) < map_height(root)
    assert max(xs) - min(xs) > WIDTH * 0.5  # zoomed in: the focus fills most of the width
    focus_outline = [p for p in root.iter(f"{SVG}path") if p.get("stroke") == INK]
    assert len(focus_outline) == 1


def test_a_department_focus_zooms_to_the_department(outlines):
    root = parse(choropleth("Personas", {"0812": 10, "0801": 3}, level="province", focus=["08"]))
    drawn = shapes(root)
    assert set(drawn) == {"0812", "0801"}
    xs = [x for x, _y in points(drawn["0801"].get("d")) + points(drawn["0812"].get("d"))]
    assert max(xs) - min(xs) > WIDTH * 0.6


def test_districts_without_an_outline_are_dots_inside_their_province(outlines):
    chart = choropleth("Personas", {"081201": 8, "081202": 20}, level="district", focus=["0812"])
    root = parse(chart)
    drawn = shapes(root)
    assert drawn["081201"].tag == f"{SVG}path" and drawn["081201"].get("data-class") == "0"
    assert drawn["081202"].tag == f"{SVG}circle" and drawn["081202"].get("data-class") == "4"
    dot = drawn["081202"]
    province = points(next(p for p in root.iter(f"{SVG}path") if p.get("stroke") == INK).get("d"))
    xs, ys = [x for x, _y in province], [y for _x, y in province]
    assert min(xs) < float(dot.get("cx")) < max(xs) and min(ys) < float(dot.get("cy")) < max(ys)
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels.count("Urcos") == labels.count("Andahuaylillas") == 1  # once each, for the PDF's text too


def test_an_unknown_level_is_refused(outlines):
    with pytest.raises(ValueError):
        choropleth("Personas", {}, level="region")


@pytest.mark.django_db
def test_all_peru_by_province_stays_small():
    territories_load()
    provinces = list(Territory.objects.filter(level="province").values_list("code", flat=True))
    values = {code: index for index, code in enumerate(provinces)}
    chart = choropleth("Todas las provincias", values, level="province")
    size = len(str(chart.svg).encode())
    assert size < 150_000, size
    root = parse(chart)
    assert len(shapes(root)) == 196
    for code, shape in shapes(root).items():
        assert len(points(shape.get("d"))) >= 3, code
    # Zoomed to one department, its provinces keep more detail but the picture stays small.
    cusco = choropleth("Cusco", {c: 1 for c in provinces if c.startswith("08")}, level="province", focus=["08"])
    assert len(str(cusco.svg).encode()) < 150_000
