"""Choropleth maps of Peru drawn on the server as SVG, for the dashboard, the donor report's PDF and the public page.

    choropleth(title, {ubigeo: value, ...}, level="province", focus=("08",), unit="") -> Chart

`values` are keyed by the INEI code of `level` ("department", "province" or "district"). Each territory is shaded
by its value in one of five classes of equal width between the lowest and the highest value (a legend gives the
ranges); a territory without a value is light grey, and a hidden (suppressed, None) value is hatched. `focus`
(codes of any level, e.g. a program's territories) is what the view is zoomed to, with a margin, outlined in
dark; neighbouring territories are drawn for context. Without a focus the map shows all Peru.

The outlines are the GeoJSON of minka.network.models.TerritoryBoundary. A district without an outline of its own
is drawn inside its province's outline, as a dot at its capital coloured like its class.

Longitude and latitude are projected equirectangularly, longitudes shrunk by the cosine of the view's middle
latitude so shapes keep their proportions; outlines are simplified (Douglas-Peucker, within 0.6 of an SVG unit)
and written with one decimal as relative moves, so all Peru by provinces, every one with a value, weighs about
115 KB. Names are written for the territories with a value, up to MAX_LABELS of them.

The SVG is 360 units wide like the charts; `label_column` names the table's first column ("Territorio" by
default). The result is a `minka.reports.charts.Chart`; its table alternative lists each territory's name and
value, in the order of `values`.
"""

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.translation import gettext as _

from minka.network.models import Territory, TerritoryBoundary
from minka.reports.charts import INK, MUTED, Chart, number_label, svg_document

LEVELS = ("department", "province", "district")
PARENT_LEVEL = {"province": "department", "district": "province"}
CLASS_COLOURS = ("#fbe3d6", "#f2b48f", "#dd8153", "#b5542a", "#7a2e10")
NO_DATA = "#e4e8e9"
WIDTH = 360  # like the charts: about 1:1 on a phone
MIN_HEIGHT, MAX_HEIGHT = 240, 540  # the view is widened or heightened to stay within these
LEGEND_HEIGHT = 66
LEGEND_FONT, LABEL_FONT = 12, 11
TOLERANCE = 0.6  # SVG units a simplified outline may stray from the original (under a pixel on a phone)
MAX_LABELS = 40  # more names than this would cover the map (and weigh); the table alternative names them all
MARGIN = 0.15  # share of the focus's larger side added around it
MIN_MARGIN_DEGREES = 0.1


@dataclass(frozen=True)
class Box:
    """A longitude/latitude rectangle."""

    west: float
    south: float
    east: float
    north: float

    def union(self, other: "Box") -> "Box":
        return Box(
            min(self.west, other.west),
            min(self.south, other.south),
            max(self.east, other.east),
            max(self.north, other.north),
        )

    def intersects(self, other: "Box") -> bool:
        return not (
            other.west > self.east or other.east < self.west or other.south > self.north or other.north < self.south
        )


def polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """A GeoJSON Polygon or MultiPolygon as a list of polygons, each a list of rings of [lon, lat]."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def bounds(geometry: dict) -> Box | None:
    points = [point for polygon in polygons(geometry) for point in polygon[0]] if geometry else []
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return Box(min(lons), min(lats), max(lons), max(lats))


def class_edges(values: Iterable) -> list[Decimal]:
    """The six edges of five classes of equal width from the lowest to the highest known value ([] if none)."""
    known = [Decimal(value) for value in values if value is not None]
    if not known:
        return []
    low, high = min(known), max(known)
    return [low + (high - low) * step / 5 for step in range(6)]


def value_class(value, edges: list[Decimal]) -> int:
    """The class (0 lightest … 4 darkest) of a value; a value on an inner edge belongs to the class above it,
    and when all values are equal they share the darkest class."""
    low, high = edges[0], edges[-1]
    if high == low:
        return 4
    return min(4, int((Decimal(value) - low) * 5 / (high - low)))


class Projection:
    """Equirectangular, longitudes shrunk by the cosine of the middle latitude, fitted to WIDTH."""

    def __init__(self, box: Box):
        self.box = box
        self.shrink = math.cos(math.radians((box.north + box.south) / 2))
        self.scale = WIDTH / ((box.east - box.west) * self.shrink)
        self.height = (box.north - box.south) * self.scale

    def tenths(self, lon: float, lat: float) -> tuple[int, int]:
        """The point in tenths of an SVG unit (integers, so relative moves add up exactly)."""
        return (
            round((lon - self.box.west) * self.shrink * self.scale * 10),
            round((self.box.north - lat) * self.scale * 10),
        )


def _view(focus_box: Box | None, full: Box) -> Box:
    """The focus with a margin (or all of `full`), widened or heightened to a drawable shape."""
    box = full
    if focus_box is not None:
        margin = max(
            MARGIN * max(focus_box.east - focus_box.west, focus_box.north - focus_box.south), MIN_MARGIN_DEGREES
        )
        box = Box(focus_box.west - margin, focus_box.south - margin, focus_box.east + margin, focus_box.north + margin)
    shrink = math.cos(math.radians((box.north + box.south) / 2))
    width, height = (box.east - box.west) * shrink, box.north - box.south
    if height / width > MAX_HEIGHT / WIDTH:
        extra = (height * WIDTH / MAX_HEIGHT / shrink - (box.east - box.west)) / 2
        box = Box(box.west - extra, box.south, box.east + extra, box.north)
    elif height / width < MIN_HEIGHT / WIDTH:
        extra = (width * MIN_HEIGHT / WIDTH - height) / 2
        box = Box(box.west, box.south - extra, box.east, box.north + extra)
    return box


def _simplify(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Douglas-Peucker on a ring (in tenths), keeping its first and last point."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    squared = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = dx * dx + dy * dy
        farthest, distance = 0, -1.0
        for index in range(first + 1, last):
            x, y = points[index]
            if length == 0:
                d = (x - x1) ** 2 + (y - y1) ** 2
            else:
                cross = dx * (y1 - y) - dy * (x1 - x)
                d = cross * cross / length
            if d > distance:
                farthest, distance = index, d
        if distance > squared:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _tenths_text(value: int) -> str:
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


def path_data(geometry: dict, projection: Projection, view: Box) -> str:
    """SVG path data for the rings of `geometry` that reach into the view, simplified, as relative moves."""
    commands = []
    for polygon in polygons(geometry):
        for ring in polygon:
            ring_box = Box(
                min(p[0] for p in ring), min(p[1] for p in ring), max(p[0] for p in ring), max(p[1] for p in ring)
            )
            if not view.intersects(ring_box):
                continue
            points = _simplify([projection.tenths(lon, lat) for lon, lat, *_rest in ring], TOLERANCE * 10)
            deduplicated = [p for index, p in enumerate(points) if index == 0 or p != points[index - 1]]
            if len(deduplicated) < 4:  # a closed ring smaller than the tolerance: invisible at this scale
                continue
            (x, y), moves = deduplicated[0], []
            for px, py in deduplicated[1:-1]:
                moves.append(f"{_tenths_text(px - x)} {_tenths_text(py - y)}")
                x, y = px, py
            start = deduplicated[0]
            commands.append(f"M{_tenths_text(start[0])} {_tenths_text(start[1])}l{' '.join(moves)}z")
    return "".join(commands)


def _centre(geometry: dict, projection: Projection) -> tuple[float, float] | None:
    """The area-weighted centroid of the largest polygon's outer ring, in SVG units."""
    best, best_area = None, 0.0
    for polygon in polygons(geometry):
        ring = [projection.tenths(lon, lat) for lon, lat, *_rest in polygon[0]]
        area = cx = cy = 0.0
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            cross = x1 * y2 - x2 * y1
            area += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        if area and abs(area) > best_area:
            best_area, best = abs(area), (cx / (3 * area) / 10, cy / (3 * area) / 10)
    return best


def _geometries(codes) -> dict[str, dict]:
    return dict(TerritoryBoundary.objects.filter(territory__in=codes).values_list("territory_id", "geometry"))


def _level_geometries(level: str, view: Box | None, provinces_in_view: Iterable[str] = ()) -> dict[str, dict]:
    """The outlines of the territories of `level`, limited to the view; districts only of the given provinces,
    so a zoomed district map never loads the whole country's districts."""
    rows = TerritoryBoundary.objects.filter(territory__level=level)
    if level == "district":
        rows = rows.filter(territory__parent__in=list(provinces_in_view))
    geometries = dict(rows.values_list("territory_id", "geometry"))
    if view is None:
        return geometries
    return {code: geometry for code, geometry in geometries.items() if (b := bounds(geometry)) and view.intersects(b)}


def _focus_box(codes: list[str]) -> tuple[Box | None, dict[str, dict]]:
    """The box around the focus territories and their outlines (a district without one: its province's)."""
    territories = {t.code: t for t in Territory.objects.filter(code__in=codes)}
    geometries = _geometries(list(territories) + [t.parent_id for t in territories.values() if t.parent_id])
    box, outlines = None, {}
    for code, territory in territories.items():
        geometry = geometries.get(code) or geometries.get(territory.parent_id)
        part = bounds(geometry) if geometry else None
        if part is None and territory.latitude is not None:
            lon, lat = float(territory.longitude), float(territory.latitude)
            part = Box(lon, lat, lon, lat)
        if geometry:
            outlines[code] = geometry
        if part is not None:
            box = part if box is None else box.union(part)
    return box, outlines


def _edge_label(edge: Decimal, unit: str) -> str:
    """A class edge, short enough for five classes side by side on a phone (soles without cents)."""
    text = floatformat(edge, "-1g")
    return f"{text} %" if unit == "percent" else text


def _legend(edges: list[Decimal], unit: str, top: float, hidden: bool) -> str:
    parts, swatch = [], (WIDTH - 20) / 5
    text = f'font-size="{LEGEND_FONT}" fill="{MUTED}"'
    if edges and edges[0] == edges[-1]:  # one value everywhere: one class
        parts.append(f'<rect x="10" y="{top + 6:.1f}" width="{swatch:.1f}" height="14" fill="{CLASS_COLOURS[4]}"/>')
        parts.append(
            f'<text x="{swatch + 16:.1f}" y="{top + 18:.1f}" {text}>{escape(_edge_label(edges[0], unit))}</text>'
        )
    elif edges:
        for index, colour in enumerate(CLASS_COLOURS):
            x = 10 + index * swatch
            parts.append(f'<rect x="{x:.1f}" y="{top + 6:.1f}" width="{swatch:.1f}" height="14" fill="{colour}"/>')
        for index, edge in enumerate(edges):
            anchor = "start" if index == 0 else "end" if index == 5 else "middle"
            parts.append(
                f'<text x="{10 + index * swatch:.1f}" y="{top + 35:.1f}" text-anchor="{anchor}" {text}>'
                f"{escape(_edge_label(edge, unit))}</text>"
            )
    y = top + 46
    parts.append(
        f'<rect x="10" y="{y:.1f}" width="16" height="14" fill="{NO_DATA}" stroke="{MUTED}" stroke-width=".5"/>'
    )
    parts.append(f'<text x="32" y="{y + 12:.1f}" {text}>{escape(_("Sin datos"))}</text>')
    if hidden:
        parts.append(
            f'<rect x="140" y="{y:.1f}" width="16" height="14" fill="url(#{{uid}}-hidden)" stroke="{MUTED}" '
            'stroke-width=".5"/>'
        )
        parts.append(f'<text x="162" y="{y + 12:.1f}" {text}>{escape(_("Oculto (menos de 5)"))}</text>')
    return "".join(parts)


def _outline(data: str, colour: str, width: str) -> str:
    return f'<path d="{data}" fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round"/>'


def _label(x: float, y: float, text: str) -> str:
    """A territory's name on a pale box (its width estimated from the letters), so it reads on any colour; one
    text element, so the PDF's text has each name once."""
    width, height = len(text) * LABEL_FONT * 0.58 + 4, LABEL_FONT + 3
    return (
        f'<rect x="{x - width / 2:.1f}" y="{y - LABEL_FONT + 0.5:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'rx="2" fill="#fff" fill-opacity=".75"/>'
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{LABEL_FONT}" text-anchor="middle" fill="{INK}">'
        f"{escape(text)}</text>"
    )


def choropleth(
    title: str,
    values: dict,
    *,
    level: str,
    focus: Iterable[str] = (),
    unit: str = "",
    label_column: str = "",
) -> Chart:
    """A map of `values` (INEI code of `level` → value) zoomed to `focus`; see the module's docstring."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    values = dict(values)
    focus_box, focus_outlines = _focus_box(list(focus))
    # The country's outline by departments sets the full view and the context lines.
    departments = _level_geometries("department", None)
    full = None
    for geometry in departments.values():
        part = bounds(geometry)
        full = part if full is None else full.union(part)
    full = full or Box(-81.4, -18.4, -68.6, 0.0)
    view = _view(focus_box, full)
    projection = Projection(view)
    map_height = projection.height

    provinces = _level_geometries("province", view) if level != "department" else {}
    if level == "department":
        shapes, context = _level_geometries("department", view), {}
    elif level == "province":
        shapes, context = provinces, {c: g for c, g in departments.items() if (b := bounds(g)) and view.intersects(b)}
    else:
        shapes, context = _level_geometries("district", view, provinces), provinces

    territories = {
        t.code: t for t in Territory.objects.filter(code__in=set(values) | set(shapes)).select_related("parent")
    }
    edges = class_edges(values.values())
    hidden = any(value is None for value in values.values())

    def fill_of(code: str) -> tuple[str, str]:
        if code not in values:
            return NO_DATA, ""
        if values[code] is None:
            return "url(#{uid}-hidden)", "hidden"
        klass = value_class(values[code], edges)
        return CLASS_COLOURS[klass], str(klass)

    def name_of(code: str) -> str:
        territory = territories.get(code)
        return territory.name if territory else code

    parts, labels = [], []
    if level == "district":
        # Provinces whose districts have no outlines yet: their own outline stands in, in grey, underneath.
        for geometry in provinces.values():
            parts.append(
                f'<path d="{path_data(geometry, projection, view)}" fill="{NO_DATA}" fill-rule="evenodd" '
                f'stroke="#fff" stroke-width=".6"/>'
            )
    for code, geometry in shapes.items():
        fill, klass = fill_of(code)
        value_text = number_label(values.get(code), unit) if code in values else _("sin datos")
        parts.append(
            f'<path d="{path_data(geometry, projection, view)}" fill="{fill}" fill-rule="evenodd" stroke="#fff" '
            f'stroke-width=".6" stroke-linejoin="round" data-code="{code}" data-class="{klass}">'
            f"<title>{escape(name_of(code))}: {escape(value_text)}</title></path>"
        )
        if code in values and (centre := _centre(geometry, projection)):
            labels.append(_label(*centre, name_of(code)))
    for geometry in context.values():
        parts.append(_outline(path_data(geometry, projection, view), MUTED, ".8"))
    for geometry in focus_outlines.values():
        parts.append(_outline(path_data(geometry, projection, view), INK, "1.6"))
    # Territories with a value but no outline of their own (districts not yet drawn): a dot at their capital.
    for code in values:
        territory = territories.get(code)
        if code in shapes or territory is None or territory.level != level or territory.latitude is None:
            continue
        x, y = (value / 10 for value in projection.tenths(float(territory.longitude), float(territory.latitude)))
        fill, klass = fill_of(code)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{INK}" stroke-width="1" '
            f'data-code="{code}" data-class="{klass}"><title>{escape(name_of(code))}: '
            f"{escape(number_label(values[code], unit))}</title></circle>"
        )
        labels.append(_label(x, y - 8, name_of(code)))

    body = (
        f'<clipPath id="{{uid}}-clip"><rect x="0" y="0" width="{WIDTH}" height="{map_height:.1f}"/></clipPath>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{map_height:.1f}" fill="#f4f7f8"/>'
        f'<g clip-path="url(#{{uid}}-clip)">{"".join(parts)}{"".join(labels) if len(labels) <= MAX_LABELS else ""}</g>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{map_height:.1f}" fill="none" stroke="{MUTED}" stroke-width=".5"/>'
        f"{_legend(edges, unit, map_height, hidden)}"
    )
    defs = (
        f'<pattern id="{{uid}}-hidden" patternUnits="userSpaceOnUse" width="5" height="5" '
        f'patternTransform="rotate(45)"><rect width="5" height="5" fill="{NO_DATA}"/>'
        f'<line x1="0" y1="0" x2="0" y2="5" stroke="{MUTED}" stroke-width="2"/></pattern>'
    )
    note = _("Territorios en gris: sin datos.")
    if hidden:
        note += " " + _("Rayados: cifra oculta (menos de 5 personas, o permitiría deducirla).")
    return Chart(
        title=title,
        svg=svg_document(width=WIDTH, height=map_height + LEGEND_HEIGHT, title=title, body=body, defs=defs),
        columns=[label_column or _("Territorio"), _("Valor")],
        rows=[[name_of(code), value] for code, value in values.items()],
        note=note,
    )
