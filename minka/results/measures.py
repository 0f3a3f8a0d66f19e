"""Measures: what an indicator counts, computed live from the records whenever it is asked.

Each measure turns a `Scope` (program, phase, projects, organizations, activity lines and types, territories,
a window of days) and a list of dimensions into a total and its cells. People are always counted distinct: a
person attending twice, or in two activities, counts once in the total and once in each cell she belongs to.
Personal splits (sex, age band, place of residence…) therefore add up to the total; splits by what people took
part in (organization, activity type) may not, and say so.

The SQL is the one a careful analyst would write: the people are found with a semi-join on the records and
then grouped on the people table, so no distinct count runs over the large tables unless the split needs it.

Later modules (loans, job placements) add their measures with `register`.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minka.activities.models import Attendance, Session
from minka.enterprises.models import Enterprise, EnterpriseRecord, EnterpriseStage, StageChange
from minka.people.models import Enrollment, Participant
from minka.programs.models import Initiative, InitiativeStatus
from minka.results.arithmetic import Cell, median, percent
from minka.results.dimensions import person_expressions, place_expressions


@dataclass(frozen=True)
class Scope:
    """Which records a measure looks at. A window end of None means up to now; a start of None, from the start."""

    program_id: int
    phase_id: int | None = None
    phase_start: datetime.date | None = None
    phase_end: datetime.date | None = None
    project_ids: tuple[int, ...] = ()
    organization_ids: tuple[int, ...] = ()
    activity_categories: tuple[str, ...] = ()
    activity_type_ids: tuple[int, ...] = ()
    territory_codes: tuple[str, ...] = ()
    start: datetime.date | None = None
    end: datetime.date | None = None


@dataclass
class Outcome:
    """A measure's answer: the total, the cells of the split, and whether the cells add up to the total."""

    total: Cell
    cells: list[Cell] = field(default_factory=list)
    additive: bool = True
    age_reference: datetime.date | None = None


@dataclass(frozen=True)
class Measure:
    code: str
    label: Promise
    unit: str  # a results.models.Unit value
    counts: str  # "people", "enterprises" or "sessions": what a cell's size is, and whether it is suppressed
    kind: str  # "count", "percent" or "median"
    dimensions: tuple[str, ...]
    compute: Callable[[Scope, tuple[str, ...]], Outcome]
    records: Callable[[Scope, dict], QuerySet]  # the people, enterprises or sessions counted, within a cell
    description: Promise = ""
    # How field_records_visible_filter reaches the organization and program of an enterprise or session.
    record_access: dict = field(default_factory=dict)
    # The first and last day a program's records cover, for measures not drawn from activities or enterprises.
    span: Callable[[int], tuple[datetime.date, datetime.date] | None] | None = None

    @property
    def protects_people(self) -> bool:
        """Whether small cells of this measure could point at a person (and are suppressed for funders)."""
        return self.counts in ("people", "enterprises")


MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    MEASURES[measure.code] = measure
    return measure


def measure_choices() -> list[tuple[str, str]]:
    return [(code, str(measure.label)) for code, measure in MEASURES.items()]


# Shared pieces --------------------------------------------------------------------------------------------------

PERSONAL = ("sex", "age_band", "youth", "mother_tongue", "area", "department", "province", "district")


def _alias(dimension: str) -> str:
    # Annotations may not reuse a model's field names (participants have a `sex`, a `district`…).
    return f"d_{dimension}"


def _in_territories(path: str, codes: Sequence[str]) -> Q:
    """Records whose district lies in any of the territories (INEI codes nest: 08 ⊃ 0812 ⊃ 081210)."""
    # `startswith` is a lookup of the district's key, not of the `_id` column the path may name.
    key = f"{path.removesuffix('_id')}__pk__startswith"
    return reduce(or_, (Q(**{key: code}) for code in codes))


def _grouped(rows: QuerySet, dims: Sequence[str], expressions: dict, count) -> list[tuple[tuple, int]]:
    aliases = [_alias(d) for d in dims]
    grouped = rows.annotate(**{_alias(d): expressions[d] for d in dims}).values(*aliases).annotate(n=count).order_by()
    return [(tuple(row[a] for a in aliases), row["n"]) for row in grouped]


def _count_cells(groups) -> list[Cell]:
    return [Cell(key=key, value=n, size=n) for key, n in groups]


def _age_reference(scope: Scope, dims, latest: Callable[[], datetime.date | None]) -> datetime.date | None:
    """The day ages are counted on: the window's end, else the phase's end, else the last record counted."""
    if not {"age_band", "youth"} & set(dims):
        return None
    return scope.end or scope.phase_end or latest() or timezone.localdate()


def _people_outcome(scope, dims, rows: QuerySet, person: str, activity_expressions: dict, latest) -> Outcome:
    """Distinct people among `rows` (records that each name a person at `person`), split by `dims`."""
    people = Participant.objects.filter(pk__in=rows.values(f"{person}_id"))
    if not dims:
        total = people.count()
        return Outcome(total=Cell((), total, total))
    reference = _age_reference(scope, dims, latest)
    if all(d in PERSONAL for d in dims):
        groups = _grouped(people, dims, person_expressions("", reference or timezone.localdate()), Count("pk"))
        # Each person falls in exactly one cell, so the cells add up to the total: no second pass over the records.
        total = sum(n for _key, n in groups)
        additive = True
    else:
        total = people.count()
        expressions = person_expressions(f"{person}__", reference or timezone.localdate()) | activity_expressions
        groups = _grouped(rows, dims, expressions, Count(f"{person}_id", distinct=True))
        additive = False
    return Outcome(total=Cell((), total, total), cells=_count_cells(groups), additive=additive, age_reference=reference)


def _where(rows: QuerySet, where: dict, expressions: dict) -> QuerySet:
    """Keeps the records of one cell: each dimension equal to its value (empty for unknown)."""
    for dim, value in where.items():
        alias = _alias(dim)
        rows = rows.alias(**{alias: expressions[dim]})
        if value in (None, "", "None", "?"):
            rows = rows.filter(Q(**{f"{alias}__isnull": True}) | Q(**{alias: ""}) | Q(**{alias: "?"}))
        else:
            rows = rows.filter(**{alias: value})
    return rows


def _people_records(scope: Scope, rows: QuerySet, where: dict, latest) -> QuerySet:
    people = Participant.objects.filter(pk__in=rows.values("participant_id"))
    reference = _age_reference(scope, where, latest) or timezone.localdate()
    return _where(people, where, person_expressions("", reference))


# People reached: present at a session ------------------------------------------------------------------------------


def _activity_filter(scope: Scope, path: str) -> Q:
    """The activities in scope, seen from a record at `path` (e.g. `session__activity`)."""
    q = Q(**{f"{path}__program_id": scope.program_id})
    if scope.phase_id:
        q &= Q(**{f"{path}__project__phase_id": scope.phase_id})
    if scope.project_ids:
        q &= Q(**{f"{path}__project_id__in": scope.project_ids})
    if scope.organization_ids:
        q &= Q(**{f"{path}__organization_id__in": scope.organization_ids})
    if scope.activity_categories:
        q &= Q(**{f"{path}__activity_type__category__in": scope.activity_categories})
    if scope.activity_type_ids:
        q &= Q(**{f"{path}__activity_type_id__in": scope.activity_type_ids})
    return q


def _activity_expressions(path: str) -> dict:
    return {
        "organization": F(f"{path}__organization_id"),
        "activity_type": F(f"{path}__activity_type_id"),
        "activity_category": F(f"{path}__activity_type__category"),
    }


def attendance_in_scope(scope: Scope) -> QuerySet:
    rows = Attendance.objects.filter(_activity_filter(scope, "session__activity"))
    if scope.territory_codes:
        rows = rows.filter(_in_territories("participant__district_id", scope.territory_codes))
    if scope.start:
        rows = rows.filter(session__date__gte=scope.start)
    if scope.end:
        rows = rows.filter(session__date__lte=scope.end)
    return rows


def last_attended_day(scope: Scope) -> datetime.date | None:
    """The day of the last session in scope that someone in scope attended: the latest attendance record's date,
    found from the sessions' side (latest first, each checked for one attendance) instead of reading them all."""
    attended = Attendance.objects.filter(session=OuterRef("pk"))
    if scope.territory_codes:
        attended = attended.filter(_in_territories("participant__district_id", scope.territory_codes))
    sessions = Session.objects.filter(_activity_filter(scope, "activity"))
    if scope.start:
        sessions = sessions.filter(date__gte=scope.start)
    if scope.end:
        sessions = sessions.filter(date__lte=scope.end)
    return sessions.filter(Exists(attended)).order_by("-date").values_list("date", flat=True).first()


def people_reached(scope: Scope, dims=()) -> Outcome:
    rows = attendance_in_scope(scope)
    return _people_outcome(
        scope, dims, rows, "participant", _activity_expressions("session__activity"), lambda: last_attended_day(scope)
    )


def people_reached_records(scope: Scope, where: dict) -> QuerySet:
    return _people_records(scope, attendance_in_scope(scope), where, lambda: last_attended_day(scope))


# People enrolled ----------------------------------------------------------------------------------------------------


def enrollments_in_scope(scope: Scope) -> QuerySet:
    rows = Enrollment.objects.filter(program_id=scope.program_id)
    if scope.organization_ids:
        rows = rows.filter(organization_id__in=scope.organization_ids)
    if scope.territory_codes:
        rows = rows.filter(_in_territories("participant__district_id", scope.territory_codes))
    # Enrollments belong to a program, not a phase: a phase with dates keeps those made within it.
    start = max(filter(None, (scope.start, scope.phase_start)), default=None)
    end = min(filter(None, (scope.end, scope.phase_end)), default=None)
    if start:
        rows = rows.filter(enrolled_on__gte=start)
    if end:
        rows = rows.filter(enrolled_on__lte=end)
    return rows


def people_enrolled(scope: Scope, dims=()) -> Outcome:
    rows = enrollments_in_scope(scope)
    return _people_outcome(
        scope,
        dims,
        rows,
        "participant",
        {"organization": F("organization_id")},
        lambda: rows.aggregate(last=Max("enrolled_on"))["last"],
    )


def people_enrolled_records(scope: Scope, where: dict) -> QuerySet:
    rows = enrollments_in_scope(scope)
    return _people_records(scope, rows, where, lambda: rows.aggregate(last=Max("enrolled_on"))["last"])


# People who completed an activity -----------------------------------------------------------------------------------


def _completion_activities(scope: Scope, path: str) -> Q:
    """The activities in scope that ended within the window, seen from `path`."""
    activities = _activity_filter(scope, path)
    if scope.start:
        activities &= Q(**{f"{path}__end_date__gte": scope.start})
    if scope.end:
        activities &= Q(**{f"{path}__end_date__lte": scope.end})
    return activities


def completed_people(scope: Scope) -> RawSQL:
    """The ids of the people who attended at least the required share of the sessions of some activity in scope
    that ended within the window, as SQL for `pk__in`.

    It joins two grouped queries: attendance per (activity, person) and sessions held per activity. The ORM can only
    say "sessions held" as a subquery per row, which reads an activity's sessions again for every attendance, so
    the two queries are built by the ORM and joined here.
    """
    rows = Attendance.objects.filter(_completion_activities(scope, "session__activity"))
    if scope.territory_codes:
        rows = rows.filter(_in_territories("participant__district_id", scope.territory_codes))
    # One row per (session, person) (attendance_once_per_session): counting rows counts the sessions attended.
    attended = (
        rows.values(
            c_activity=F("session__activity_id"),
            c_person=F("participant_id"),
            c_share=F("session__activity__completion_percent"),
        )
        .annotate(c_attended=Count("pk"))
        .order_by()
    )
    # Every session of those activities, inside the window or not: the share is of the sessions the activity held.
    held = (
        Session.objects.filter(_completion_activities(scope, "activity"))
        .values(h_activity=F("activity_id"))
        .annotate(h_held=Count("pk"))
        .order_by()
    )
    attended_sql, attended_params = attended.query.sql_with_params()
    held_sql, held_params = held.query.sql_with_params()
    q = connection.ops.quote_name
    # Only the ORM's own SQL and quoted aliases go into the text; every value stays a parameter.
    sql = (
        f"SELECT c.{q('c_person')} FROM ({attended_sql}) c "  # noqa: S608
        f"INNER JOIN ({held_sql}) h ON h.{q('h_activity')} = c.{q('c_activity')} "
        f"WHERE c.{q('c_share')} * h.{q('h_held')} - c.{q('c_attended')} * 100 <= 0"
    )
    return RawSQL(sql, (*attended_params, *held_params))  # noqa: S611


def people_completed(scope: Scope, dims=()) -> Outcome:
    rows = Participant.objects.filter(pk__in=completed_people(scope))
    if not dims:
        total = rows.count()
        return Outcome(total=Cell((), total, total))
    reference = _age_reference(scope, dims, lambda: None)
    groups = _grouped(rows, dims, person_expressions("", reference or timezone.localdate()), Count("pk"))
    total = sum(n for _key, n in groups)  # every person in one cell: the cells add up to the total
    return Outcome(total=Cell((), total, total), cells=_count_cells(groups), age_reference=reference)


def people_completed_records(scope: Scope, where: dict) -> QuerySet:
    people = Participant.objects.filter(pk__in=completed_people(scope))
    reference = _age_reference(scope, where, lambda: None) or timezone.localdate()
    return _where(people, where, person_expressions("", reference))


# Sessions held ----------------------------------------------------------------------------------------------------


def sessions_in_scope(scope: Scope) -> QuerySet:
    rows = Session.objects.filter(_activity_filter(scope, "activity"))
    if scope.territory_codes:
        rows = rows.filter(_in_territories("activity__site__district_id", scope.territory_codes))
    if scope.start:
        rows = rows.filter(date__gte=scope.start)
    if scope.end:
        rows = rows.filter(date__lte=scope.end)
    return rows


def _session_expressions() -> dict:
    return _activity_expressions("activity") | place_expressions("activity__site__district_id")


def _counted(rows: QuerySet, dims, expressions: dict) -> Outcome:
    """Records counted and split by `dims`, each record in one cell: the total is the cells' sum."""
    if not dims:
        total = rows.count()
        return Outcome(total=Cell((), total, total))
    groups = _grouped(rows, dims, expressions, Count("pk"))
    total = sum(n for _key, n in groups)
    return Outcome(total=Cell((), total, total), cells=_count_cells(groups))


def sessions_held(scope: Scope, dims=()) -> Outcome:
    return _counted(sessions_in_scope(scope), dims, _session_expressions())


def sessions_held_records(scope: Scope, where: dict) -> QuerySet:
    return _where(sessions_in_scope(scope), where, _session_expressions()).select_related("activity")


# Enterprises ------------------------------------------------------------------------------------------------------

ENTERPRISE_DIMENSIONS = ("organization", "enterprise_kind", "department", "province", "district")


def enterprises_in_scope(scope: Scope, *, of_the_phase: bool = True) -> QuerySet:
    """The program's enterprises in scope; with `of_the_phase`, only those started by the phase's projects."""
    rows = Enterprise.objects.filter(program_id=scope.program_id)
    if scope.phase_id and of_the_phase:
        rows = rows.filter(project__phase_id=scope.phase_id)
    if scope.project_ids:
        rows = rows.filter(project_id__in=scope.project_ids)
    if scope.organization_ids:
        rows = rows.filter(organization_id__in=scope.organization_ids)
    if scope.territory_codes:
        rows = rows.filter(_in_territories("district_id", scope.territory_codes))
    return rows


def _enterprise_expressions() -> dict:
    return {"organization": F("organization_id"), "enterprise_kind": F("kind"), **place_expressions("district_id")}


def _enterprise_count(rows: QuerySet, dims) -> Outcome:
    return _counted(rows, dims, _enterprise_expressions())


def enterprises_created_rows(scope: Scope) -> QuerySet:
    rows = enterprises_in_scope(scope)
    if scope.start:
        rows = rows.filter(started_on__gte=scope.start)
    if scope.end:
        rows = rows.filter(started_on__lte=scope.end)
    return rows


def enterprises_created(scope: Scope, dims=()) -> Outcome:
    return _enterprise_count(enterprises_created_rows(scope), dims)


def _state_day(scope: Scope) -> datetime.date | None:
    """The day a state is read on: the window's end, else the phase's end if it is past; None means now."""
    end = scope.end or scope.phase_end
    return end if end and end < timezone.localdate() else scope.end


def enterprises_operating_rows(scope: Scope) -> QuerySet:
    """Enterprises operating at the end of the window (now, when it has none): a state, not a flow. An enterprise
    started in an earlier phase and still operating counts in a later one, so the phase sets only the day."""
    rows = enterprises_in_scope(scope, of_the_phase=False)
    day = _state_day(scope)
    if day is None:
        return rows.filter(stage=EnterpriseStage.OPERATING)
    stage_then = (
        StageChange.objects.filter(enterprise=OuterRef("pk"), changed_on__lte=day)
        .order_by("-changed_on", "-pk")
        .values("stage")[:1]
    )
    return (
        rows.filter(started_on__lte=day)
        .alias(stage_then=Subquery(stage_then))
        .filter(stage_then=EnterpriseStage.OPERATING)
    )


def enterprises_operating(scope: Scope, dims=()) -> Outcome:
    return _enterprise_count(enterprises_operating_rows(scope), dims)


def income_changes(scope: Scope) -> QuerySet:
    """Enterprises with a baseline (their first monthly record) and a later record by the window's end, with the
    net income of both. Like the operating state, the phase sets only the day, not which enterprises."""
    records = EnterpriseRecord.objects.filter(enterprise=OuterRef("pk")).order_by()
    net = ExpressionWrapper(F("sales") - F("costs"), output_field=DecimalField(max_digits=15, decimal_places=2))
    first = records.order_by("month").annotate(net=net)
    last = records.order_by("-month").annotate(net=net)
    day = _state_day(scope)
    if day:
        last = last.filter(month__lte=day)
    return (
        enterprises_in_scope(scope, of_the_phase=False)
        .annotate(
            baseline_month=Subquery(first.values("month")[:1]),
            baseline_net=Subquery(first.values("net")[:1]),
            latest_month=Subquery(last.values("month")[:1]),
            latest_net=Subquery(last.values("net")[:1]),
        )
        .filter(latest_month__gt=F("baseline_month"))
    )


def _income_rows(scope: Scope, dims) -> list[tuple[tuple, Decimal, Decimal]]:
    expressions = _enterprise_expressions()
    aliases = {_alias(d): expressions[d] for d in dims}
    rows = income_changes(scope).annotate(**aliases).values_list(*aliases, "baseline_net", "latest_net")
    return [(tuple(row[: len(dims)]), row[-2], row[-1]) for row in rows]


def enterprises_income_up(scope: Scope, dims=()) -> Outcome:
    rows = _income_rows(scope, dims)
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for key, baseline, latest in rows:
        groups[key][0] += latest > baseline
        groups[key][1] += 1
    up, of = sum(g[0] for g in groups.values()), sum(g[1] for g in groups.values())

    def cell(key, n, d):
        return Cell(key=key, value=percent(n, d) if d else None, size=d, numerator=n, denominator=d)

    cells = [cell(key, n, d) for key, (n, d) in groups.items()] if dims else []
    return Outcome(total=cell((), up, of), cells=cells, additive=False)


def income_change_median(scope: Scope, dims=()) -> Outcome:
    rows = _income_rows(scope, dims)
    groups: dict[tuple, list[Decimal]] = defaultdict(list)
    for key, baseline, latest in rows:
        groups[key].append(latest - baseline)
    every = [change for changes in groups.values() for change in changes]
    cells = [Cell(key=key, value=median(changes), size=len(changes)) for key, changes in groups.items()] if dims else []
    return Outcome(total=Cell((), median(every), len(every)), cells=cells, additive=False)


# Initiatives -------------------------------------------------------------------------------------------------------


def initiatives_in_scope(scope: Scope) -> QuerySet:
    """The initiatives people proposed, except those dropped; dated by when they were registered."""
    rows = Initiative.objects.filter(program_id=scope.program_id).exclude(status=InitiativeStatus.DROPPED)
    if scope.phase_id:
        rows = rows.filter(project__phase_id=scope.phase_id)
    if scope.project_ids:
        rows = rows.filter(project_id__in=scope.project_ids)
    if scope.territory_codes:
        rows = rows.filter(_in_territories("territory_id", scope.territory_codes))
    if scope.start:
        rows = rows.filter(created_at__date__gte=scope.start)
    if scope.end:
        rows = rows.filter(created_at__date__lte=scope.end)
    return rows


def _initiative_expressions() -> dict:
    return place_expressions("territory_id")


def initiatives_proposed(scope: Scope, dims=()) -> Outcome:
    return _counted(initiatives_in_scope(scope), dims, _initiative_expressions())


def initiatives_records(scope: Scope, where: dict) -> QuerySet:
    return _where(initiatives_in_scope(scope), where, _initiative_expressions())


def _enterprise_records(rows_of: Callable[[Scope], QuerySet]) -> Callable[[Scope, dict], QuerySet]:
    def records(scope: Scope, where: dict) -> QuerySet:
        ids = rows_of(scope).values("pk")
        return _where(Enterprise.objects.filter(pk__in=ids), where, _enterprise_expressions())

    return records


ENTERPRISE_ACCESS = {"organization_field": "organization", "program_field": "program"}
SESSION_ACCESS = {"organization_field": "activity__organization", "program_field": "activity__program"}

# The catalogue ----------------------------------------------------------------------------------------------------

PEOPLE_DIMENSIONS = (*PERSONAL, "organization", "activity_type", "activity_category")
SESSION_DIMENSIONS = ("organization", "activity_type", "activity_category", "department", "province", "district")

for _measure in (
    Measure(
        code="people_reached",
        label=_("Personas alcanzadas"),
        unit="people",
        counts="people",
        kind="count",
        dimensions=PEOPLE_DIMENSIONS,
        compute=people_reached,
        records=people_reached_records,
        description=_("Personas distintas presentes en al menos una sesión de las actividades en el ámbito."),
    ),
    Measure(
        code="people_enrolled",
        label=_("Personas inscritas"),
        unit="people",
        counts="people",
        kind="count",
        dimensions=(*PERSONAL, "organization"),
        compute=people_enrolled,
        records=people_enrolled_records,
        description=_("Personas distintas inscritas en el programa en el periodo."),
    ),
    Measure(
        code="people_completed",
        label=_("Personas que concluyeron una actividad"),
        unit="people",
        counts="people",
        kind="count",
        dimensions=PERSONAL,
        compute=people_completed,
        records=people_completed_records,
        description=_(
            "Personas distintas que asistieron al menos al porcentaje exigido de las sesiones de una actividad "
            "terminada en el periodo."
        ),
    ),
    Measure(
        code="sessions_held",
        label=_("Sesiones realizadas"),
        unit="other",
        counts="sessions",
        kind="count",
        dimensions=SESSION_DIMENSIONS,
        compute=sessions_held,
        records=sessions_held_records,
        description=_("Sesiones de las actividades en el ámbito realizadas en el periodo."),
        record_access=SESSION_ACCESS,
    ),
    Measure(
        code="enterprises_created",
        label=_("Emprendimientos creados"),
        unit="enterprises",
        counts="enterprises",
        kind="count",
        dimensions=ENTERPRISE_DIMENSIONS,
        compute=enterprises_created,
        records=_enterprise_records(enterprises_created_rows),
        description=_("Emprendimientos iniciados en el periodo."),
        record_access=ENTERPRISE_ACCESS,
    ),
    Measure(
        code="enterprises_operating",
        label=_("Emprendimientos en marcha"),
        unit="enterprises",
        counts="enterprises",
        kind="count",
        dimensions=ENTERPRISE_DIMENSIONS,
        compute=enterprises_operating,
        records=_enterprise_records(enterprises_operating_rows),
        description=_("Emprendimientos cuya etapa al cierre del periodo es «en marcha»."),
        record_access=ENTERPRISE_ACCESS,
    ),
    Measure(
        code="enterprises_income_up",
        label=_("Emprendimientos con ingreso neto mayor que su línea de base"),
        unit="percent",
        counts="enterprises",
        kind="percent",
        dimensions=ENTERPRISE_DIMENSIONS,
        compute=enterprises_income_up,
        records=_enterprise_records(income_changes),
        description=_(
            "Porcentaje de emprendimientos cuyo último ingreso neto mensual supera el de su primer registro."
        ),
        record_access=ENTERPRISE_ACCESS,
    ),
    Measure(
        code="income_change_median",
        label=_("Mediana del cambio de ingreso neto mensual"),
        unit="soles",
        counts="enterprises",
        kind="median",
        dimensions=ENTERPRISE_DIMENSIONS,
        compute=income_change_median,
        records=_enterprise_records(income_changes),
        description=_(
            "Mediana, entre los emprendimientos con línea de base, del último ingreso neto mensual menos el primero."
        ),
        record_access=ENTERPRISE_ACCESS,
    ),
    Measure(
        code="initiatives",
        label=_("Iniciativas formuladas"),
        unit="other",
        counts="initiatives",
        kind="count",
        dimensions=("department", "province", "district"),
        compute=initiatives_proposed,
        records=initiatives_records,
        description=_("Iniciativas propuestas por los participantes, salvo las abandonadas."),
        record_access={"organization_field": "project__lead_organization", "program_field": "program"},
    ),
):
    register(_measure)
