"""The benchmark's dashboard: twelve computed indicators of the generated program, and Minka computing them.

The framework is written through the results services by the generator's superuser, once; later runs find it.
Each indicator is split by sex × age band × province where its measure allows those splits; sessions and
enterprises have no sex or age, so they are split by province alone.
"""

from dataclasses import dataclass

from django.db import transaction

from minka.activities.models import ActivityCategory
from minka.results import selectors, services
from minka.results.measures import MEASURES
from minka.results.models import Indicator, ResultLevel, Source, Unit

DASHBOARD_SPLIT = ("sex", "age_band", "province")


@dataclass(frozen=True)
class Spec:
    code: str
    name_es: str
    measure: str
    unit: str
    phase: int | None = None
    categories: tuple[str, ...] = ()


RESULTS = (
    ("1", ResultLevel.IMPACT, "Las personas de la red tienen mejores ingresos.", None),
    ("1.1", ResultLevel.OUTCOME, "Las personas participan en las actividades de la red.", "1"),
    ("1.2", ResultLevel.OUTCOME, "Los emprendimientos de los participantes funcionan y crecen.", "1"),
)
SPECS = {
    "1.1": (
        Spec("R1", "Personas alcanzadas", "people_reached", Unit.PEOPLE),
        Spec("R2", "Personas alcanzadas en la fase 1", "people_reached", Unit.PEOPLE, phase=1),
        Spec("R3", "Personas alcanzadas en la fase 2", "people_reached", Unit.PEOPLE, phase=2),
        Spec("R4", "Personas en escucha y co-creación", "people_reached", Unit.PEOPLE, categories=("listening",)),
        Spec(
            "R5",
            "Personas formadas en habilidades empresariales o técnicas",
            "people_reached",
            Unit.PEOPLE,
            categories=(ActivityCategory.BUSINESS_TRAINING, ActivityCategory.TECHNICAL_TRAINING),
        ),
        Spec("R6", "Personas inscritas", "people_enrolled", Unit.PEOPLE),
        Spec("R7", "Personas que concluyeron una actividad", "people_completed", Unit.PEOPLE),
        Spec("R8", "Sesiones realizadas", "sessions_held", Unit.OTHER),
    ),
    "1.2": (
        Spec("E1", "Emprendimientos creados", "enterprises_created", Unit.ENTERPRISES),
        Spec("E2", "Emprendimientos en marcha", "enterprises_operating", Unit.ENTERPRISES),
        Spec(
            "E3", "Emprendimientos con ingreso neto mayor que su línea de base", "enterprises_income_up", Unit.PERCENT
        ),
        Spec("E4", "Mediana del cambio de ingreso neto mensual", "income_change_median", Unit.SOLES),
    ),
}
ALL_SPECS = tuple(spec for specs in SPECS.values() for spec in specs)


def split_of(measure: str, by: tuple[str, ...] = DASHBOARD_SPLIT) -> tuple[str, ...]:
    """The dashboard's split, less the dimensions the measure does not have."""
    return tuple(d for d in by if d in MEASURES[measure].dimensions)


@transaction.atomic
def framework_ensure(program, user) -> list[Indicator]:
    """The twelve indicators, in dashboard order; written through the results services the first time."""
    existing = {i.code: i for i in Indicator.objects.filter(program=program)}
    if all(spec.code in existing for spec in ALL_SPECS):
        return [existing[spec.code] for spec in ALL_SPECS]
    results = {r.code: r for r in program.results.all()}
    for code, level, statement, parent in RESULTS:
        if code not in results:
            data = {"code": code, "level": level, "statement_es": statement, "parent": results.get(parent)}
            results[code] = services.result_save(user=user, program=program, data=data)
    phases = {phase.number: phase for phase in program.phases.all()}
    for result_code, specs in SPECS.items():
        for position, spec in enumerate(specs):
            if spec.code in existing:
                continue
            data = {
                "result": results[result_code],
                "code": spec.code,
                "name_es": spec.name_es,
                "unit": spec.unit,
                "unit_label": "sesiones" if spec.unit == Unit.OTHER else "",
                "source": Source.COMPUTED,
                "measure": spec.measure,
                "phase": phases.get(spec.phase),
                "activity_categories": list(spec.categories),
                "disaggregations": list(split_of(spec.measure)),
                "position": position,
            }
            existing[spec.code] = services.indicator_save(user=user, program=program, data=data)
    return [existing[spec.code] for spec in ALL_SPECS]


def indicators_load(program) -> list[Indicator]:
    """The dashboard's indicators as a page would load them: related rows prefetched once."""
    found = {i.code: i for i in selectors.indicators_of(program)}
    return [found[spec.code] for spec in ALL_SPECS]


def minka_value(indicator: Indicator, *, split: bool = True) -> selectors.IndicatorValue:
    by = split_of(indicator.measure) if split else ()
    return selectors.indicator_value(indicator, by=by, restricted=False)


@dataclass(frozen=True)
class Numbers:
    """One indicator's numbers, comparable whoever computed them: the total and each cell, as
    (value, size, numerator, denominator), cells keyed by their dimension values."""

    total: tuple
    cells: dict[tuple, tuple]


def numbers_of(value: selectors.IndicatorValue) -> Numbers:
    cells = {
        tuple(cell.key[d] for d in value.dimensions): (cell.value, cell.size, cell.numerator, cell.denominator)
        for cell in value.cells
    }
    return Numbers((value.value, value.size, value.numerator, value.denominator), cells)
