"""Reading results: the framework of a program, each indicator's value, target, progress and split, and the
records behind a number. Every read is scoped to the user: a program they do not see does not exist for them,
funders get aggregates with small cells hidden, and only those who may read personal data get the records.
"""

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Max, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.core.errors import ApplicationError, PermissionDenied
from minka.network.models import Organization
from minka.programs.models import Phase, Program
from minka.results.arithmetic import SMALL_CELL, Cell, percent, progress, suppress
from minka.results.dimensions import DIMENSIONS, dimension_order, dimensions_parse, value_labels
from minka.results.measures import MEASURES, PERSONAL, Measure, Scope
from minka.results.models import (
    Evidence,
    Indicator,
    PeriodKind,
    PeriodLock,
    ReportedValue,
    ReportStatus,
    Result,
    Target,
    Unit,
)
from minka.results.periods import Period

# Who sees what ----------------------------------------------------------------------------------------------------


def program_for_results(*, user, slug: str) -> Program:
    return get_object_or_404(access.programs_visible(user), slug=slug)


def aggregates_only(user, program) -> bool:
    """Whether the user sees this program's figures as a funder or the public does: aggregates with small cells
    hidden, no records behind them. Staff and auditors of its organizations and its coordinators see it all."""
    if access.is_network_admin(user) or program.pk in access.whole_program_ids(user):
        return False
    staff = access.organization_ids(user, access.PERSONAL_DATA_ROLES)
    return not (staff & access.program_organization_ids(program))


def indicator_get(*, user, program: Program, code: str) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("result", "phase"), program=program, code=code)


# The framework's own records, each found within a program the user sees (`program_for_results`): another
# program's is a 404 like a missing one.


def result_get(program: Program, pk) -> Result:
    return get_object_or_404(Result.objects.select_related("program", "parent"), program=program, pk=pk)


def target_get(program: Program, pk) -> Target:
    return get_object_or_404(
        Target.objects.select_related("indicator__program", "phase", "territory", "organization"),
        indicator__program=program,
        pk=pk,
    )


REPORT_RELATED = ("indicator__program", "organization", "created_by", "submitted_by", "reviewed_by", "phase")


def report_get(program: Program, pk) -> ReportedValue:
    return get_object_or_404(ReportedValue.objects.select_related(*REPORT_RELATED), indicator__program=program, pk=pk)


def reports_of(indicator: Indicator, *, restricted: bool) -> QuerySet:
    """An indicator's reported values; those who see aggregates only get the approved ones."""
    reports = indicator.reported_values.select_related(*REPORT_RELATED)
    return reports.filter(status=ReportStatus.APPROVED) if restricted else reports


def reports_pending(program: Program) -> QuerySet:
    """The program's reports waiting for review, oldest first."""
    return (
        ReportedValue.objects.filter(indicator__program=program, status=ReportStatus.SUBMITTED)
        .select_related(*REPORT_RELATED)
        .order_by("submitted_at", "pk")
    )


def evidence_get(program: Program, pk) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("reported_value__indicator__program"),
        reported_value__indicator__program=program,
        pk=pk,
    )


def program_organizations(program: Program) -> QuerySet:
    """The organizations taking part in the program: those an indicator, a target or a report may name."""
    return Organization.objects.filter(pk__in=access.program_organization_ids(program))


def targets_of(indicator: Indicator) -> QuerySet:
    return indicator.targets.select_related("indicator", "phase", "territory", "organization").order_by(
        "period_start", "pk"
    )


def locks_of(program: Program) -> QuerySet:
    """The periods closed by an approval, latest first, the reopened ones included."""
    return (
        PeriodLock.objects.filter(indicator__program=program)
        .select_related("indicator", "locked_by", "reopened_by", "phase")
        .order_by("-created_at", "-pk")
    )


def lock_get(program: Program, pk) -> PeriodLock:
    return get_object_or_404(
        PeriodLock.objects.select_related("indicator__program", "phase"), indicator__program=program, pk=pk
    )


# Values -----------------------------------------------------------------------------------------------------------


@dataclass
class LabelledCell:
    key: dict  # dimension → value
    labels: dict  # dimension → label
    value: Decimal | int | None
    size: int
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    suppressed: bool = False


@dataclass
class IndicatorValue:
    indicator: Indicator
    period: Period | None
    phase: Phase | None
    value: Decimal | int | None
    size: int | None = None  # people or enterprises behind the value
    numerator: Decimal | int | None = None
    denominator: Decimal | int | None = None
    target: Target | None = None
    progress: Decimal | None = None
    dimensions: tuple[str, ...] = ()
    cells: list[LabelledCell] = field(default_factory=list)
    additive: bool = True
    suppressed: bool = False
    age_reference: datetime.date | None = None
    pending_reports: int = 0

    @property
    def target_value(self):
        return self.target.value if self.target else None

    @property
    def baseline(self):
        return self.indicator.baseline_value


def indicator_scope(
    indicator: Indicator,
    *,
    period: Period | None = None,
    phase: Phase | None = None,
    territory_codes: tuple[str, ...] = (),
    organization_ids: tuple[int, ...] = (),
    project_ids: tuple[int, ...] = (),
) -> Scope:
    """The records an indicator counts for a period (from the very start when it is cumulative) and phase, narrowed
    to the partners and projects asked for."""
    phase = phase or indicator.phase
    organizations = tuple(o.pk for o in indicator.organizations.all())
    if organization_ids:
        organizations = tuple(set(organizations) & set(organization_ids)) if organizations else organization_ids
        organizations = organizations or (0,)  # asked for partners the indicator does not count: nothing
    projects = tuple(p.pk for p in indicator.projects.all())
    if project_ids:
        projects = tuple(set(projects) & set(project_ids)) if projects else project_ids
        projects = projects or (0,)  # asked for projects the indicator does not count: nothing
    territories = tuple(t.pk for t in indicator.territories.all())
    if territory_codes:
        territories = _territories_within(territories, territory_codes)
    return Scope(
        program_id=indicator.program_id,
        phase_id=phase.pk if phase else None,
        phase_start=phase.start_date if phase else None,
        phase_end=phase.end_date if phase else None,
        project_ids=projects,
        organization_ids=organizations,
        activity_categories=tuple(indicator.activity_categories),
        territory_codes=territories,
        start=None if (period is None or indicator.cumulative) else period.start,
        end=period.end if period else None,
    )


def _territories_within(own: tuple[str, ...], asked: tuple[str, ...]) -> tuple[str, ...]:
    """The narrowest codes covered by both lists (a province asked within the indicator's department)."""
    if not own:
        return asked
    both = {a for a in asked for o in own if a.startswith(o)} | {o for o in own for a in asked if o.startswith(a)}
    return tuple(sorted(both)) or ("-",)  # no overlap: nothing


def indicator_value(
    indicator: Indicator,
    *,
    user=None,
    period: Period | None = None,
    phase: Phase | None = None,
    by: tuple[str, ...] | str = (),
    territory_codes: tuple[str, ...] = (),
    organization_ids: tuple[int, ...] = (),
    project_ids: tuple[int, ...] = (),
    restricted: bool | None = None,
) -> IndicatorValue:
    """The indicator's value for a period and phase, with its target and progress, split by `by`.

    `restricted` (funder and public views) hides every figure under five people; it defaults to what `user` may
    see of the indicator's program, and to restricted when there is no user.
    """
    if restricted is None:
        restricted = user is None or aggregates_only(user, indicator.program)
    if indicator.is_computed:
        measure = MEASURES[indicator.measure]
        by = dimensions_parse(by, measure.dimensions)
        scope = indicator_scope(
            indicator,
            period=period,
            phase=phase,
            territory_codes=territory_codes,
            organization_ids=organization_ids,
            project_ids=project_ids,
        )
        outcome = measure.compute(scope, by)
        total = outcome.total
        result = IndicatorValue(
            indicator=indicator,
            period=period,
            phase=phase or indicator.phase,
            value=total.value,
            size=total.size,
            numerator=total.numerator,
            denominator=total.denominator,
            dimensions=by,
            cells=_labelled(by, outcome.cells),
            additive=outcome.additive,
            age_reference=outcome.age_reference,
        )
        if restricted and measure.protects_people:
            result = _suppressed(result)
    else:
        by = dimensions_parse(by, ())
        result = _reported(indicator, period=period, phase=phase or indicator.phase)
    result.target = target_for(
        indicator, period=period, phase=phase, territory_codes=territory_codes, organization_ids=organization_ids
    )
    if not result.suppressed and result.value is not None:
        result.progress = progress(
            result.value,
            result.target_value,
            indicator.baseline_value,
            descending=indicator.direction == "descending",
        )
    return result


def _labelled(dims: tuple[str, ...], cells: list[Cell]) -> list[LabelledCell]:
    if not dims:
        return []
    labels = {d: value_labels(d, {cell.key[i] for cell in cells}) for i, d in enumerate(dims)}
    labelled = [
        LabelledCell(
            key=dict(zip(dims, cell.key, strict=True)),
            labels={d: labels[d][cell.key[i]] for i, d in enumerate(dims)},
            value=cell.value,
            size=cell.size,
            numerator=cell.numerator,
            denominator=cell.denominator,
        )
        for cell in cells
    ]
    orders = [dimension_order(d) for d in dims]
    labelled.sort(key=lambda c: tuple(orders[i](c.key[d], c.labels[d]) for i, d in enumerate(dims)))
    return labelled


def _suppressed(result: IndicatorValue) -> IndicatorValue:
    """Funder and public view: totals and cells under five people (or enterprises) hidden, and one more cell when
    only one is, so no hidden cell can be worked out from the total."""
    if 0 < (result.size or 0) < SMALL_CELL:
        return replace(result, value=None, numerator=None, denominator=None, suppressed=True, cells=[])
    plain = [Cell(tuple(c.key.values()), c.value, c.size, c.numerator, c.denominator) for c in result.cells]
    # A share is shown with its parts, and its cells' parts add up to the total's even where the shares do not.
    hidden = suppress(plain, total_known=result.additive or result.denominator is not None)
    cells = [
        replace(c, value=h.value, numerator=h.numerator, denominator=h.denominator, suppressed=h.suppressed)
        for c, h in zip(result.cells, hidden, strict=True)
    ]
    return replace(result, cells=cells)


# Reported values ---------------------------------------------------------------------------------------------------


def reported_in_window(indicator: Indicator, *, period: Period | None, phase: Phase | None) -> QuerySet:
    """The approved reports an indicator's value adds up for a period: those of the whole program or of the phase
    when no period is asked; else those whose period lies in the window (from the start when cumulative)."""
    approved = indicator.reported_values.filter(status=ReportStatus.APPROVED)
    if period is None:
        if phase is None:
            return approved
        return approved.filter(~Q(period_kind=PeriodKind.PHASE) | Q(phase=phase)).exclude(
            period_kind=PeriodKind.PROGRAM
        )
    dated = approved.filter(period_end__lte=period.end, period_start__isnull=False)
    if not indicator.cumulative:
        dated = dated.filter(period_start__gte=period.start)
    return dated


def _reported(indicator: Indicator, *, period, phase) -> IndicatorValue:
    reports = list(reported_in_window(indicator, period=period, phase=phase))
    pending = indicator.reported_values.filter(status=ReportStatus.SUBMITTED).count()
    result = IndicatorValue(indicator=indicator, period=period, phase=phase, value=None, pending_reports=pending)
    if not reports:
        return result
    if indicator.unit == Unit.PERCENT:
        numerator = sum((r.numerator or 0 for r in reports), Decimal(0))
        denominator = sum((r.denominator or 0 for r in reports), Decimal(0))
        if denominator:
            result.value, result.numerator, result.denominator = percent(numerator, denominator), numerator, denominator
    else:
        result.value = sum((r.value for r in reports if r.value is not None), Decimal(0))
    return result


# Targets -----------------------------------------------------------------------------------------------------------


def target_for(
    indicator: Indicator,
    *,
    period: Period | None = None,
    phase: Phase | None = None,
    territory_codes: tuple[str, ...] = (),
    organization_ids: tuple[int, ...] = (),
) -> Target | None:
    """The target that matches what is shown: the period's, else the phase's, else the whole program's; for the
    territory or partner asked, else the overall one."""
    targets = indicator.targets.all()
    territory = territory_codes[0] if len(territory_codes) == 1 else None
    organization = organization_ids[0] if len(organization_ids) == 1 else None
    targets = [t for t in targets if t.territory_id == territory and t.organization_id == organization]
    if period is not None:
        return next((t for t in targets if t.period_label == period.label), None)
    phase = phase or indicator.phase
    if phase is not None:
        found = next((t for t in targets if t.period_kind == PeriodKind.PHASE and t.phase_id == phase.pk), None)
        if found:
            return found
    return next((t for t in targets if t.period_kind == PeriodKind.PROGRAM), None)


# The framework ------------------------------------------------------------------------------------------------------


@dataclass
class ResultNode:
    result: Result
    values: list[IndicatorValue]
    children: list["ResultNode"]


def framework(
    *, user, program: Program, period: Period | None = None, phase: Phase | None = None, restricted=None
) -> list[ResultNode]:
    """The program's results as a tree (impact → outcomes → outputs), each with its indicators' live values.
    With a phase, indicators of other phases are left out."""
    if restricted is None:
        restricted = aggregates_only(user, program)
    indicators = Indicator.objects.select_related("phase", "program").prefetch_related(
        "targets", "organizations", "territories", "projects"
    )
    if phase is not None:
        indicators = indicators.filter(Q(phase__isnull=True) | Q(phase=phase))
    results = list(program.results.prefetch_related(Prefetch("indicators", queryset=indicators)).order_by("code"))
    nodes = {
        r.pk: ResultNode(
            r,
            [indicator_value(i, period=period, phase=phase, restricted=restricted) for i in r.indicators.all()],
            [],
        )
        for r in results
    }
    roots = []
    for r in results:
        (nodes[r.parent_id].children if r.parent_id in nodes else roots).append(nodes[r.pk])
    return roots


def indicators_of(program: Program, *, phase: Phase | None = None) -> QuerySet:
    indicators = Indicator.objects.filter(program=program).select_related("result", "phase", "program")
    indicators = indicators.prefetch_related("targets", "organizations", "territories", "projects")
    if phase is not None:
        indicators = indicators.filter(Q(phase__isnull=True) | Q(phase=phase))
    return indicators.order_by("result__code", "position", "code")


def phase_get(program: Program, number: int | str | None) -> Phase | None:
    if number in (None, ""):
        return None
    try:
        return program.phases.get(number=int(number))
    except (ValueError, Phase.DoesNotExist):
        raise ApplicationError(
            _("El programa no tiene la fase «%(phase)s».") % {"phase": number},
            code="unknown_phase",
            fields={"phase": [_("Fase desconocida.")]},
        ) from None


# Trend --------------------------------------------------------------------------------------------------------------


def record_span(indicator: Indicator, phase: Phase | None = None) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day the indicator's records cover: its activities, enterprises, or reports."""
    from minka.activities.models import Activity
    from minka.enterprises.models import EnterpriseRecord

    phase = phase or indicator.phase
    if indicator.is_computed and MEASURES[indicator.measure].span is not None:
        return MEASURES[indicator.measure].span(indicator.program_id)
    if indicator.is_computed and MEASURES[indicator.measure].counts == "enterprises":
        records = EnterpriseRecord.objects.filter(enterprise__program_id=indicator.program_id)
        if phase:
            records = records.filter(enterprise__project__phase=phase)
        span = records.aggregate(first=Min("month"), last=Max("month"))
    elif indicator.is_computed:
        activities = Activity.objects.filter(program_id=indicator.program_id)
        if phase:
            activities = activities.filter(project__phase=phase)
        span = activities.aggregate(first=Min("start_date"), last=Max("end_date"))
    else:
        span = indicator.reported_values.filter(period_start__isnull=False).aggregate(
            first=Min("period_start"), last=Max("period_end")
        )
    if not span["first"]:
        return None
    return span["first"], min(span["last"], max(timezone.localdate(), span["first"]))


def trend(indicator: Indicator, *, user=None, phase: Phase | None = None, restricted=None) -> list[IndicatorValue]:
    """The indicator period by period over its records' span: months within a year and a half, quarters within
    four years, else years. Cumulative indicators run on from the start; the others count each period alone."""
    span = record_span(indicator, phase)
    if span is None:
        return []
    whole = Period(span[0], span[1], "", "range")
    days = (span[1] - span[0]).days
    periods = whole.months() if days <= 548 else whole.quarters() if days <= 1461 else whole.years()
    if restricted is None:
        restricted = user is None or aggregates_only(user, indicator.program)
    return [indicator_value(indicator, period=p, phase=phase, restricted=restricted) for p in periods]


# The records behind a number -------------------------------------------------------------------------------------


def records_behind(
    *, user, indicator: Indicator, period: Period | None = None, phase: Phase | None = None, cell: dict | None = None
) -> QuerySet:
    """The people, enterprises or sessions an indicator (or one of its cells) counts, among those the user may
    read. Funders and others who see aggregates only are refused."""
    if not indicator.is_computed:
        raise ApplicationError(_("Un valor reportado no tiene registros detrás."), code="not_computed")
    if aggregates_only(user, indicator.program):
        raise PermissionDenied(_("Solo puede ver cifras agregadas de este programa."))
    measure: Measure = MEASURES[indicator.measure]
    cell = dict(cell or {})
    dimensions_parse(cell.keys(), measure.dimensions)
    scope = indicator_scope(indicator, period=period, phase=phase)
    narrowed = {}
    for dim, value in list(cell.items()):
        if dim == "organization":
            narrowed["organization_ids"] = (_cell_id(dim, value),)
        elif dim == "activity_type":
            narrowed["activity_type_ids"] = (_cell_id(dim, value),)
        elif dim == "activity_category":
            narrowed["activity_categories"] = (value,)
        else:
            continue
        cell.pop(dim)
    scope = replace(scope, **narrowed)
    records = measure.records(scope, cell)
    if measure.counts == "people":
        return records.filter(pk__in=access.people_visible(user).values("pk"))
    visible = access.field_records_visible_filter(user, **measure.record_access)
    if visible is None:
        return records.none()
    return records.filter(visible)


def _cell_id(dim: str, value) -> int:
    """A cell's organization or activity type, which the disaggregation names by id."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApplicationError(
            _("«%(value)s» no es un valor de «%(dimension)s».") % {"value": value, "dimension": dim},
            code="invalid_cell",
            fields={dim: [_("Se espera un número de registro.")]},
        ) from None


def cells_as_dicts(value: IndicatorValue) -> list[dict]:
    return [
        {
            "key": cell.key,
            "labels": cell.labels,
            "value": cell.value,
            "numerator": cell.numerator,
            "denominator": cell.denominator,
            "suppressed": cell.suppressed,
        }
        for cell in value.cells
    ]


def dimension_choices(indicator: Indicator) -> list[tuple[str, str]]:
    codes = MEASURES[indicator.measure].dimensions if indicator.is_computed else ()
    return [(code, str(DIMENSIONS[code].label)) for code in codes]


def locks_active(indicator: Indicator) -> QuerySet:
    return indicator.locks.filter(reopened_at__isnull=True)


def personal_dimensions() -> tuple[str, ...]:
    return PERSONAL
