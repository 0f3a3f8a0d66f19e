"""Employment measures for the results engine: the job service's placements counted on the program's results page.

A measure's scope is the program; its organizations are the seekers' (the organization running the service for
them); its territories and its splits by place are where the person lives, as for every people measure, so that a
split by sex, age band, youth or place adds up. The window (and the phase, when the indicator names one) is read
on the day that matters to each figure:

- people placed: the start date of the job;
- placement rate among those who finished job-search training: the day the job-search activity ended (the people
  who completed it then), placed by the window's end in any job of the program;
- retention at 6 months: the day the 6-month follow-up falls due (start date plus six months, on or before the
  window's end and never after today); a follow-up due but not recorded counts as not retained, so the figure
  cannot look better by not following people up;
- average starting wage: the start date; the cells carry the sum of wages and the number of placements, so any
  grouping of them gives the right average (sum over count, never a mean of means), rounded half up to the cent.

Sizes are distinct people, which decides suppression for funders. Self-employment is not a placement: it has its
own follow-ups and is not counted here. Registered from `EmploymentConfig.ready`.
"""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, Min, OuterRef, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.activities.models import ActivityCategory
from minka.employment.models import FollowUp, Placement
from minka.people.models import Participant
from minka.results.arithmetic import MONEY_PLACES, Cell, percent
from minka.results.dimensions import person_expressions
from minka.results.measures import (
    PERSONAL,
    Measure,
    Outcome,
    Scope,
    _age_reference,
    _alias,
    _in_territories,
    _people_outcome,
    _where,
    completed_people,
    register,
)

PERSON = "application__seeker__participant"
RETENTION_MONTHS = 6


# Days ---------------------------------------------------------------------------------------------------------------


def _window(scope: Scope) -> tuple[datetime.date | None, datetime.date | None]:
    """The scope's window within its phase: the later of the starts and the earlier of the ends."""
    start = max(filter(None, (scope.start, scope.phase_start)), default=None)
    end = min(filter(None, (scope.end, scope.phase_end)), default=None)
    return start, end


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The last start date whose follow-up `months` later falls due on or before `day` (a follow-up of a job
    started on 31 August falls due on the last day of February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    length = calendar.monthrange(year, month + 1)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return datetime.date(year, month + 1, length)  # the whole month falls due on the last day of `day`'s
    return datetime.date(year, month + 1, min(day.day, length))


def due_on(start: datetime.date, months: int) -> datetime.date:
    """The day a follow-up `months` after a job that started on `start` falls due."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


# Rows ---------------------------------------------------------------------------------------------------------------


def placements_of_program(scope: Scope) -> QuerySet:
    """The program's placements, of the scope's organizations, of people living in its territories (any date)."""
    rows = Placement.objects.filter(application__seeker__program_id=scope.program_id)
    if scope.organization_ids:
        rows = rows.filter(application__seeker__organization_id__in=scope.organization_ids)
    if scope.territory_codes:
        rows = rows.filter(_in_territories(f"{PERSON}__district_id", scope.territory_codes))
    return rows


def placements_started(scope: Scope) -> QuerySet:
    """Placements whose job started within the window."""
    rows = placements_of_program(scope)
    start, end = _window(scope)
    if start:
        rows = rows.filter(start_date__gte=start)
    if end:
        rows = rows.filter(start_date__lte=end)
    return rows


def placements_due(scope: Scope) -> QuerySet:
    """Placements whose 6-month follow-up falls due within the window (and by today), with `kept`: whether that
    follow-up found the person still working."""
    start, end = _window(scope)
    today = timezone.localdate()
    day = min(end, today) if end else today
    rows = placements_of_program(scope).filter(start_date__lte=months_before(day, RETENTION_MONTHS))
    if start:
        rows = rows.filter(start_date__gt=months_before(start - datetime.timedelta(days=1), RETENTION_MONTHS))
    kept = FollowUp.objects.filter(placement=OuterRef("pk"), month=RETENTION_MONTHS, still_working=True)
    return rows.annotate(kept=Exists(kept))


def completers(scope: Scope) -> QuerySet:
    """The people who completed a job-search activity of the scope (ended in the window), with `placed`: whether
    they started a job of the program by the window's end."""
    training = replace(scope, activity_categories=(ActivityCategory.JOB_SEARCH,), activity_type_ids=())
    _start, end = _window(scope)
    jobs = Placement.objects.filter(
        application__seeker__program_id=scope.program_id, application__seeker__participant=OuterRef("pk")
    )
    if end:
        jobs = jobs.filter(start_date__lte=end)
    return Participant.objects.filter(pk__in=completed_people(training)).annotate(placed=Exists(jobs))


def _ones(flag: str) -> Sum:
    return Sum(Case(When(**{flag: True}, then=Value(1)), default=Value(0), output_field=IntegerField()))


# Grouping -----------------------------------------------------------------------------------------------------------


def _sums(rows: QuerySet, prefix: str, dims, reference, aggregates: dict) -> dict[tuple, dict]:
    """`aggregates` over `rows`, whole (key ()) and per cell of `dims` (personal dimensions of the person at
    `prefix`)."""
    if not dims:
        return {(): rows.aggregate(**aggregates)}
    expressions = person_expressions(prefix, reference or timezone.localdate())
    group = {_alias(d): expressions[d] for d in dims}
    grouped = rows.values(**group).annotate(**aggregates).order_by()
    return {tuple(row[a] for a in group): row for row in grouped}


def _ordered(keys) -> list[tuple]:
    return sorted(keys, key=lambda key: tuple((value is None, str(value)) for value in key))


def _outcome(cells: dict[tuple, dict], dims, reference, cell: Callable[[tuple, int, int, int], Cell]) -> Outcome:
    """The total as the sum of the cells' parts (each person in one cell), and the cells."""
    parts = ("numerator", "denominator", "people")
    total = {part: sum((row[part] or 0 for row in cells.values()), 0) for part in parts}
    return Outcome(
        total=cell((), total["numerator"], total["denominator"], total["people"]),
        cells=[cell(key, *(cells[key][p] or 0 for p in parts)) for key in _ordered(cells)] if dims else [],
        additive=False,
        age_reference=reference,
    )


def _share(key, numerator, denominator, people) -> Cell:
    return Cell(key, percent(numerator, denominator) if denominator else None, people, numerator, denominator)


def average(total: Decimal | int, count: int) -> Decimal | None:
    """Sum over count, rounded half up to the cent; None when there is nothing to average."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(MONEY_PLACES, rounding=ROUND_HALF_UP)


def _mean(key, total, count, people) -> Cell:
    return Cell(key, average(total, count), people, Decimal(total), count)


# The measures -------------------------------------------------------------------------------------------------------


def _last_start(rows: QuerySet) -> Callable[[], datetime.date | None]:
    return lambda: rows.order_by("-start_date").values_list("start_date", flat=True).first()


def people_placed(scope: Scope, dims=()) -> Outcome:
    rows = placements_started(scope)
    organization = {"organization": F("application__seeker__organization_id")}
    return _people_outcome(scope, dims, rows, PERSON, organization, _last_start(rows))


def placement_rate(scope: Scope, dims=()) -> Outcome:
    rows = completers(scope)
    reference = _age_reference(scope, dims, lambda: None)
    aggregates = {"numerator": _ones("placed"), "denominator": Count("pk"), "people": Count("pk")}
    return _outcome(_sums(rows, "", dims, reference, aggregates), dims, reference, _share)


def retention(scope: Scope, dims=()) -> Outcome:
    rows = placements_due(scope)
    reference = _age_reference(scope, dims, _last_start(rows))
    aggregates = {
        "numerator": _ones("kept"),
        "denominator": Count("pk"),
        "people": Count(f"{PERSON}_id", distinct=True),
    }
    cells = _sums(rows, f"{PERSON}__", dims, reference, aggregates)
    outcome = _outcome(cells, dims, reference, _share)
    if dims:  # one person with two placements due is one person, whichever cells the placements fell in
        outcome.total = replace(outcome.total, size=rows.aggregate(n=Count(f"{PERSON}_id", distinct=True))["n"])
    return outcome


def starting_wage(scope: Scope, dims=()) -> Outcome:
    rows = placements_started(scope)
    reference = _age_reference(scope, dims, _last_start(rows))
    aggregates = {
        "numerator": Sum("wage"),
        "denominator": Count("pk"),
        "people": Count(f"{PERSON}_id", distinct=True),
    }
    cells = _sums(rows, f"{PERSON}__", dims, reference, aggregates)
    outcome = _outcome(cells, dims, reference, _mean)
    if dims:
        outcome.total = replace(outcome.total, size=rows.aggregate(n=Count(f"{PERSON}_id", distinct=True))["n"])
    return outcome


# The records behind a number: the people --------------------------------------------------------------------------


def _people_of(rows_of: Callable[[Scope], QuerySet], path: str) -> Callable[[Scope, dict], QuerySet]:
    def records(scope: Scope, where: dict) -> QuerySet:
        rows = rows_of(scope)
        people = Participant.objects.filter(pk__in=rows.values(path))
        reference = _age_reference(scope, where, lambda: None) or timezone.localdate()
        return _where(people, where, person_expressions("", reference))

    return records


def employment_span(program_id: int) -> tuple[datetime.date, datetime.date] | None:
    """From the program's first job start to today: what an employment indicator's trend runs over."""
    first = Placement.objects.filter(application__seeker__program_id=program_id).aggregate(first=Min("start_date"))
    first = first["first"]
    return (first, max(first, timezone.localdate())) if first else None


EMPLOYMENT_MEASURES = (
    Measure(
        code="employment_people_placed",
        label=_("Personas colocadas en un empleo"),
        unit="people",
        counts="people",
        kind="count",
        dimensions=(*PERSONAL, "organization"),
        compute=people_placed,
        records=_people_of(placements_started, f"{PERSON}_id"),
        description=_("Personas distintas contratadas por un empleador del servicio, con inicio en el periodo."),
    ),
    Measure(
        code="employment_placement_rate",
        label=_("Tasa de colocación de quienes concluyeron la formación para la búsqueda de empleo"),
        unit="percent",
        counts="people",
        kind="percent",
        dimensions=PERSONAL,
        compute=placement_rate,
        records=_people_of(lambda scope: completers(scope), "pk"),
        description=_(
            "Personas que concluyeron un taller de búsqueda de empleo terminado en el periodo y empezaron un "
            "empleo del programa hasta el cierre del periodo, sobre todas las que lo concluyeron."
        ),
    ),
    Measure(
        code="employment_retention_6m",
        label=_("Retención en el empleo a los 6 meses"),
        unit="percent",
        counts="people",
        kind="percent",
        dimensions=PERSONAL,
        compute=retention,
        records=_people_of(placements_due, f"{PERSON}_id"),
        description=_(
            "Colocaciones cuyo seguimiento de los 6 meses, vencido en el periodo, encontró a la persona "
            "trabajando, sobre todas las colocaciones con ese seguimiento vencido (registrado o no)."
        ),
    ),
    Measure(
        code="employment_starting_wage",
        label=_("Salario mensual inicial promedio"),
        unit="soles",
        counts="people",
        kind="mean",
        dimensions=PERSONAL,
        compute=starting_wage,
        records=_people_of(placements_started, f"{PERSON}_id"),
        description=_(
            "Suma de los salarios mensuales iniciales de las colocaciones que empezaron en el periodo entre su "
            "número, en soles, redondeado al céntimo."
        ),
    ),
)


def employment_measures_register() -> None:
    for measure in EMPLOYMENT_MEASURES:
        register(replace(measure, span=employment_span))
