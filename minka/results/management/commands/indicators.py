"""`minka indicators --program SLUG [--phase N] [--period P] [--by DIM,DIM] [--format json|table] [--lang es|en]`:
every indicator of a program with its value, target and progress, split when asked.

Run by the operator of the installation, so the figures are complete: no small cell is hidden. JSON is the
default, for scripts; numbers stay numbers, counts as integers and decimals written exactly as computed.
"""

import json
import textwrap
from decimal import Decimal

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.commands import TranslatedCommand
from minka.core.errors import ApplicationError
from minka.programs.models import Program
from minka.results import selectors
from minka.results.dimensions import DIMENSIONS, dimensions_parse
from minka.results.measures import MEASURES
from minka.results.models import Indicator, Unit
from minka.results.periods import period_parse

# Units whose values are counted; money and percentages keep their decimals even when round.
COUNT_UNITS = (Unit.PEOPLE, Unit.ENTERPRISES, Unit.OTHER)
NAME_WIDTH = 56


class Command(TranslatedCommand):
    help = gettext_lazy("Muestra los indicadores de un programa: valor, meta y avance, y su desagregación.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--program", required=True, metavar="SLUG", help=gettext_lazy("Identificador del programa.")
        )
        parser.add_argument(
            "--phase", metavar="N", help=gettext_lazy("Solo los indicadores de esta fase o de ninguna, en esa fase.")
        )
        parser.add_argument(
            "--period", metavar="P", help=gettext_lazy("Periodo: 2019, 2019-Q3, 2019-07 o 2019-01..2019-12.")
        )
        parser.add_argument(
            "--by", metavar="DIM,DIM", default="", help=gettext_lazy("Desagregaciones, p. ej. sex,age_band.")
        )
        parser.add_argument("--format", choices=("json", "table"), default="json", help=gettext_lazy("Formato."))
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            help=gettext_lazy("Idioma de nombres y etiquetas (por defecto, el de la instalación)."),
        )

    def handle(self, *args, **options):
        with translation.override(options["lang"] or settings.LANGUAGE_CODE):
            try:
                report = indicators_report(
                    slug=options["program"], phase=options["phase"], period=options["period"], by=options["by"]
                )
            except ApplicationError as error:
                raise CommandError(str(error.message)) from None
            self.stdout.write(json_text(report) if options["format"] == "json" else table_text(report))


# The report --------------------------------------------------------------------------------------------------------


def indicators_report(*, slug: str, phase=None, period=None, by="") -> dict:
    """Every indicator of the program (of `phase` or of none, when given) for the period, split by `by`."""
    program = Program.objects.filter(slug=(slug or "").strip()).first()
    if program is None:
        raise ApplicationError(
            _("No existe un programa con el identificador «%(slug)s».") % {"slug": slug}, code="not_found"
        )
    phase_obj = selectors.phase_get(program, phase)
    period_obj = period_parse(period) if period else None
    dims = dimensions_parse(by or "")
    return {
        "program": program.slug,
        "program_name": program.name,
        "phase": phase_obj.number if phase_obj else None,
        "period": period_obj.label if period_obj else None,
        "by": list(dims),
        "indicators": [
            indicator_entry(indicator, phase=phase_obj, period=period_obj, dims=dims)
            for indicator in selectors.indicators_of(program, phase=phase_obj)
        ],
    }


def indicator_entry(indicator: Indicator, *, phase, period, dims: tuple[str, ...], restricted=False, **filters) -> dict:
    """One indicator as the JSON report (and the API) give it; `restricted` hides small cells, as for funders;
    `filters` narrows it to territories or organizations (see `selectors.indicator_value`)."""
    supported = MEASURES[indicator.measure].dimensions if indicator.is_computed else ()
    missing = [d for d in dims if d not in supported]
    # An indicator that cannot be split one of the ways asked is given whole, saying which splits it lacks.
    value = selectors.indicator_value(
        indicator, period=period, phase=phase, by=() if missing else dims, restricted=restricted, **filters
    )
    unit = indicator.unit
    entry = {
        "code": indicator.code,
        "name": indicator.name,
        "unit": unit,
        "cumulative": indicator.cumulative,
        "source": indicator.source,
        "value": _number(value.value, unit),
        "numerator": _number(value.numerator, unit),
        "denominator": _number(value.denominator, unit),
        "target": _number(value.target_value, unit),
        "baseline": _number(value.baseline, unit),
        "progress": value.progress,
        "additive": value.additive,
    }
    if restricted:
        entry["suppressed"] = value.suppressed
    if dims:
        entry["cells"] = None if missing else [_cell(cell, unit) for cell in value.cells]
        if missing:
            entry["not_split_by"] = missing
    return entry


def _cell(cell, unit) -> dict:
    shown = {
        "key": cell.key,
        "labels": {dim: str(label) for dim, label in cell.labels.items()},
        "value": _number(cell.value, unit),
        "numerator": _number(cell.numerator, unit),
        "denominator": _number(cell.denominator, unit),
    }
    if cell.suppressed:
        shown["suppressed"] = True
    return shown


def _number(value, unit):
    """Counts as integers (a reported 50.00 is 50); a count with a fraction, money and percentages as they are."""
    if isinstance(value, Decimal) and unit in COUNT_UNITS and value == value.to_integral_value():
        return int(value)
    return value


# JSON --------------------------------------------------------------------------------------------------------------


def json_text(value, indent: int = 2, depth: int = 0) -> str:
    """JSON with every Decimal written as the exact number it is (the json module would make it a float or a
    string)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dict, list, tuple)):
        if not value:
            return "{}" if isinstance(value, dict) else "[]"
        inner, outer = "\n" + " " * indent * (depth + 1), "\n" + " " * indent * depth
        if isinstance(value, dict):
            items = [f"{json_text(str(key))}: {json_text(item, indent, depth + 1)}" for key, item in value.items()]
            return "{" + inner + ("," + inner).join(items) + outer + "}"
        items = [json_text(item, indent, depth + 1) for item in value]
        return "[" + inner + ("," + inner).join(items) + outer + "]"
    return json.dumps(value, ensure_ascii=False)


# Table -------------------------------------------------------------------------------------------------------------


def table_text(report: dict) -> str:
    """The report as aligned columns for people: names wrapped, numbers right-aligned in the active language."""
    rows = []
    for entry in report["indicators"]:
        unit = entry["unit"]
        figures = [
            _figure(entry["value"], unit),
            _figure(entry["target"], unit),
            _percent(entry["progress"]),
            _figure(entry["baseline"], unit),
        ]
        name_lines = textwrap.wrap(entry["name"], NAME_WIDTH) or [""]
        rows.append([entry["code"], name_lines[0], *figures])
        rows.extend(["", line, "", "", "", ""] for line in name_lines[1:])
        for cell in entry.get("cells") or ():
            label = " · ".join(cell["labels"].values())
            rows.append(["", f"  {label}", _figure(cell["value"], unit), "", "", ""])
        if entry.get("not_split_by"):
            dims = ", ".join(str(DIMENSIONS[d].label).lower() for d in entry["not_split_by"])
            rows.append(["", "  " + _("(no se desagrega por: %(dims)s)") % {"dims": dims}, "", "", "", ""])
    header = [_("Código"), _("Indicador"), _("Valor"), _("Meta"), _("Avance"), _("Línea de base")]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(row):
        left = [str(row[i]).ljust(widths[i]) for i in range(2)]
        right = [str(row[i]).rjust(widths[i]) for i in range(2, len(header))]
        return "  ".join(left + right).rstrip()

    return "\n".join([_title(report), "", line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def _title(report: dict) -> str:
    parts = [report["program_name"]]
    if report["phase"] is not None:
        parts.append(_("fase %(number)s") % {"number": report["phase"]})
    if report["period"]:
        parts.append(_("periodo %(period)s") % {"period": report["period"]})
    if report["by"]:
        labels = ", ".join(str(DIMENSIONS[d].label).lower() for d in report["by"])
        parts.append(_("por %(dims)s") % {"dims": labels})
    return " · ".join(parts)


def _figure(value, unit) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)  # a target of 60.00 % reads 60 %
    text = formats.number_format(value, use_l10n=True, force_grouping=True)
    if unit == Unit.PERCENT:
        return f"{text} %"
    if unit == Unit.SOLES:
        return f"S/ {text}"
    return text


def _percent(value) -> str:
    return "—" if value is None else f"{formats.number_format(value, use_l10n=True, force_grouping=True)} %"
