"""Charts drawn on the server as SVG, so the same picture goes to the page and into the PDF.

Each function returns a `Chart`: a title, a standalone SVG string and the same figures as a table (the
alternative for screen readers, and the rows of a spreadsheet). The SVG carries everything inline (fill,
stroke and font attributes, no CSS classes, no scripts, no external references), so a browser shows it inline
and WeasyPrint draws it in a PDF without a stylesheet. It has a `viewBox` and `width="100%"`: it scales to the
width it is given, from a 360 px phone to an A4 page.

    bar_chart(title, [(label, value), ...], unit="", target=None, label_column="")
        Horizontal bars, one per label, the label above its bar and the value printed at its end. For splits by
        sex, age band, territory or partner. `label_column` heads the table's first column.
    trend_chart(title, [(period label, value), ...], target=None, unit="", max_labels=6)
        Vertical bars per period with an optional dashed target line; axis labels thinned when periods are many.
    progress_chart(title, [(label, actual, target), ...], unit="", units=(), shares=())
        Headline indicators: a bar of the way toward the target, with "actual / target (x %)" under it; "sin
        meta" without a target. `units` gives each row its own unit, `shares` its own progress (from a baseline,
        or where less is better); the table's rows are [label, actual, target, progress %].

Values are int or Decimal. None is a hidden (suppressed) figure: drawn as "—" with no bar, and kept as None in
the table rows. `unit` is an indicator's unit ("percent", "soles") or any word printed after the number.

Drawings are 360 units wide (about 1:1 on a phone); the text is 12-14 units. Bars carry `data-value`, map shapes
`data-code` and `data-class`, for tests. Do not put a chart inside an element of class "chart": the results
pages' stylesheet recolours `.chart rect` and `.chart text`.
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from minka.results.arithmetic import progress

INK = "#1f2a2e"
MUTED = "#5b6b70"
BAR = "#a2421f"
TRACK = "#e6eaeb"
DONE = "#236b3a"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"

WIDTH = 360  # viewBox width of every chart: about 1:1 on a phone, a little larger in a desktop column
FONT_SIZE, SMALL = 14, 12  # in viewBox units: 12 px and 10 px at the width a phone gives a chart


@dataclass
class Chart:
    """A picture with its title and the same figures as a table (columns and raw-valued rows)."""

    title: str
    svg: SafeString
    columns: list[str]
    rows: list[list]
    note: str = ""


def number_label(value, unit: str = "", *, places: int = 2) -> str:
    """A figure as printed on a chart: "—" when hidden, a percentage to one decimal, soles to the cent, other
    figures with up to `places` decimals (none when whole)."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{floatformat(value, '1g')} %"
    if unit == "soles":
        return f"S/ {floatformat(value, '2g')}"
    text = floatformat(value, f"-{places}g")
    return f"{text} {unit}" if unit else text


def svg_document(*, width: float, height: float, title: str, body: str, defs: str = "") -> SafeString:
    """A standalone SVG with `title` as its accessible name; ids are derived from its content, so two different
    pictures on one page never share an id and the same picture always renders the same text."""
    uid = "svg" + hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:10]
    defs = defs.replace("{uid}", uid)
    body = body.replace("{uid}", uid)
    return mark_safe(  # noqa: S308 - every piece of text in `title` and `body` is escaped where it is built
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'role="img" aria-labelledby="{uid}-title" font-family="{FONT}" font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{uid}-title">{escape(title)}</title>'
        f"{f'<defs>{defs}</defs>' if defs else ''}{body}</svg>"
    )


def _n(number) -> str:
    """A coordinate with at most one decimal, without a trailing ".0"."""
    text = f"{float(number):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x, y, content: str, *, size=FONT_SIZE, anchor="start", fill=INK, weight="") -> str:
    weight = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{weight}>'
        f"{escape(content)}</text>"
    )


def fit(text: str, room: float = WIDTH, size: float = FONT_SIZE) -> str:
    """`text` cut with an ellipsis to about what fits in `room` units at `size` (the picture's <title> and the
    table keep it whole)."""
    most = max(int(room / (size * 0.62)), 4)  # a bold average character is about 0.6 of the font size
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _hidden_note(values) -> str:
    if any(value is None for value in values):
        return _("«—»: cifra oculta (menos de 5 personas, o permitiría deducirla) o sin datos.")
    return ""


def _known(values) -> list[Decimal]:
    return [Decimal(value) for value in values if value is not None]


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value`: a round top for an axis."""
    if value <= 0:
        return Decimal(1)
    power = Decimal(10) ** math.floor(math.log10(value))
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _empty(title: str, columns: list[str]) -> Chart:
    body = _text(WIDTH / 2, 28, _("Sin datos para mostrar."), anchor="middle", fill=MUTED)
    svg = svg_document(width=WIDTH, height=44, title=title, body=body)
    return Chart(title=title, svg=svg, columns=columns, rows=[])


def bar_chart(title: str, items: list[tuple], *, unit: str = "", target=None, label_column: str = "") -> Chart:
    """Horizontal bars, one per (label, value); bars are proportional to the values (0 at the left edge).

    `target`, when given, is drawn as a dashed vertical line across the bars."""
    columns = [label_column or _("Categoría"), _("Valor")]
    if not items:
        return _empty(title, columns)
    label_height, bar_height, gap, value_room = 18, 16, 10, 100
    row_height = label_height + bar_height + gap
    track = WIDTH - value_room
    known = _known([value for _label, value in items] + [target])
    top = max(known, default=Decimal(0))
    scale = Decimal(track) / top if top > 0 else Decimal(0)
    parts = []
    for index, (label, value) in enumerate(items):
        y = index * row_height
        bar_y = y + label_height
        parts.append(_text(0, y + 14, fit(str(label))))
        if value is None:
            parts.append(_text(0, bar_y + 13, "—", fill=MUTED))
            continue
        length = max(Decimal(value), Decimal(0)) * scale
        parts.append(
            f'<rect x="0" y="{_n(bar_y)}" width="{_n(length)}" height="{bar_height}" fill="{BAR}" '
            f'data-value="{value}"><title>{escape(label)}: {escape(number_label(value, unit))}</title></rect>'
        )
        parts.append(_text(float(length) + 4, bar_y + 13, number_label(value, unit), weight="600"))
    height = len(items) * row_height - gap + 2
    note = _hidden_note(value for _label, value in items)
    if target is not None and scale:
        x = Decimal(target) * scale
        parts.append(
            f'<line x1="{_n(x)}" y1="0" x2="{_n(x)}" y2="{_n(height)}" stroke="{INK}" stroke-width="1.5" '
            f'stroke-dasharray="4 3"><title>{escape(_("Meta"))}: {escape(number_label(target, unit))}</title></line>'
        )
        note = " ".join(filter(None, [_("Línea discontinua: meta (%s).") % number_label(target, unit), note]))
    return Chart(
        title=title,
        svg=svg_document(width=WIDTH, height=height, title=title, body="".join(parts)),
        columns=columns,
        rows=[[label, value] for label, value in items],
        note=note,
    )


def trend_chart(title: str, points: list[tuple], *, target=None, unit: str = "", max_labels: int = 6) -> Chart:
    """Vertical bars, one per (period label, value), on an axis from 0 to a round top; `target` is a dashed
    horizontal line. With more periods than `max_labels`, only every n-th period is named under the axis."""
    columns = [_("Periodo"), _("Valor")]
    if not points:
        return _empty(title, columns)
    height, left, bottom, top_room = 230, 52, 26, 20
    plot_width, plot_height = WIDTH - left - 4, height - bottom - top_room
    base = top_room + plot_height
    known = _known([value for _label, value in points] + [target])
    axis_top = nice_ceiling(max(known, default=Decimal(0)))
    scale = Decimal(plot_height) / axis_top
    slot = plot_width / len(points)
    bar_width = slot * 0.7
    every = math.ceil(len(points) / max_labels)
    show_values = len(points) <= 8
    parts = []
    for fraction in (0, Decimal("0.5"), 1):
        y = base - float(axis_top * fraction * scale)
        parts.append(f'<line x1="{left}" y1="{_n(y)}" x2="{WIDTH}" y2="{_n(y)}" stroke="{TRACK}" stroke-width="1"/>')
        tick = number_label(axis_top * fraction, unit)
        parts.append(_text(left - 4, y + 4, tick, size=SMALL, anchor="end", fill=MUTED))
    for index, (label, value) in enumerate(points):
        x = left + index * slot + (slot - bar_width) / 2
        middle = x + bar_width / 2
        if value is None:
            parts.append(_text(middle, base - 4, "—", size=SMALL, anchor="middle", fill=MUTED))
        else:
            bar = max(Decimal(value), Decimal(0)) * scale
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(base - float(bar))}" width="{_n(bar_width)}" height="{_n(bar)}" '
                f'fill="{BAR}" data-value="{value}"><title>{escape(label)}: '
                f"{escape(number_label(value, unit))}</title></rect>"
            )
            if show_values:
                label_y = base - float(bar) - 4
                parts.append(_text(middle, label_y, number_label(value, unit), size=SMALL, anchor="middle"))
        if index % every == 0:
            parts.append(_text(middle, height - 6, str(label), size=SMALL, anchor="middle", fill=MUTED))
    note = _hidden_note(value for _label, value in points)
    if target is not None:
        y = base - float(Decimal(target) * scale)
        parts.append(
            f'<line x1="{left}" y1="{_n(y)}" x2="{WIDTH}" y2="{_n(y)}" stroke="{INK}" stroke-width="1.5" '
            f'stroke-dasharray="5 3"><title>{escape(_("Meta"))}: {escape(number_label(target, unit))}</title></line>'
        )
        note = " ".join(filter(None, [_("Línea discontinua: meta (%s).") % number_label(target, unit), note]))
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="{MUTED}" stroke-width="1"/>')
    return Chart(
        title=title,
        svg=svg_document(width=WIDTH, height=height, title=title, body="".join(parts)),
        columns=columns,
        rows=[[label, value] for label, value in points],
        note=note,
    )


def progress_chart(
    title: str, items: list[tuple], *, unit: str = "", units: Sequence[str] = (), shares: Sequence = ()
) -> Chart:
    """One row per (label, actual, target): the label, a bar of the way from 0 to the target (full, in green,
    once the target is reached) and "actual / target (x %)"; "sin meta" where there is no target.

    Headline indicators often mix units: `units`, when given, is the unit of each row and overrides `unit`.
    `shares`, when given, is each row's progress in percent as worked out elsewhere (from a baseline, or for an
    indicator where less is better); by default it is actual over target."""
    columns = [_("Indicador"), _("Valor"), _("Meta"), _("Avance (%)")]
    if not items:
        return _empty(title, columns)
    row_height, bar_height = 68, 14
    parts, rows = [], []
    for index, (label, actual, target) in enumerate(items):
        row_unit = units[index] if units else unit
        y = index * row_height
        share = shares[index] if shares else progress(actual, target)
        rows.append([label, actual, target, share])
        parts.append(_text(0, y + 14, fit(str(label)), weight="600"))
        if target is None:
            parts.append(_text(0, y + 40, f"{number_label(actual, row_unit)} · {_('sin meta')}", fill=MUTED))
            continue
        parts.append(f'<rect x="0" y="{y + 22}" width="{WIDTH}" height="{bar_height}" fill="{TRACK}"/>')
        summary = f"{number_label(actual, row_unit)} / {number_label(target, row_unit)}"
        if share is not None:
            reached = min(max(share, Decimal(0)), Decimal(100))
            colour = DONE if share >= 100 else BAR
            parts.append(
                f'<rect x="0" y="{y + 22}" width="{_n(WIDTH * reached / 100)}" height="{bar_height}" '
                f'fill="{colour}" data-value="{actual}"><title>{escape(label)}</title></rect>'
            )
            summary += f" ({number_label(share, 'percent')})"
        parts.append(_text(0, y + 54, summary))
    height = len(items) * row_height - 8
    return Chart(
        title=title,
        svg=svg_document(width=WIDTH, height=height, title=title, body="".join(parts)),
        columns=columns,
        rows=rows,
        note=_hidden_note(actual for _label, actual, _target in items),
    )
