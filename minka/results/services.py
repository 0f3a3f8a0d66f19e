"""Changing results: the framework (results, indicators, targets), and reported values from draft to approval.

Every change runs in a transaction, checks who may make it, validates fully and is written to the audit trail.
Approving a reported value locks its indicator's period: targets and reports of a locked period cannot change
until a program editor reopens it, with a reason, which is recorded.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.audit.services import audit_create, audit_delete, audit_update, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.services import record_save
from minka.results.arithmetic import percent
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
from minka.results.periods import period_parse

RESULT_FIELDS = ("parent", "level", "code", "statement_es", "statement_en")
INDICATOR_FIELDS = (
    "result",
    "code",
    "name_es",
    "name_en",
    "definition",
    "unit",
    "unit_label",
    "direction",
    "cumulative",
    "baseline_value",
    "baseline_date",
    "source",
    "measure",
    "disaggregations",
    "phase",
    "activity_categories",
    "position",
)
INDICATOR_M2M = ("projects", "organizations", "territories")
REPORT_FIELDS = ("organization", "value", "numerator", "denominator", "narrative")
PERIOD_FIELDS = ("period_kind", "period_label", "period_start", "period_end", "phase")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _only(data: dict, allowed) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


def _require_program_editor(user, program):
    if not access.program_can_edit(user, program):
        raise PermissionDenied(_("No tiene permiso para modificar el marco de resultados de este programa."))


# Periods ----------------------------------------------------------------------------------------------------------

PROGRAM_WORDS = {"", "programa", "program", "todo", "all"}


def period_fields(program, text: str) -> dict:
    """The stored form of a period typed as `2019`, `2019-Q3`, `2019-07`, `2019-01..2019-12`, `fase-1` (or
    `phase-1`, `F1`) or empty for the program's whole life."""
    text = (text or "").strip()
    lowered = text.lower()
    if lowered in PROGRAM_WORDS:
        return {"period_kind": PeriodKind.PROGRAM, "period_label": "program", "period_start": None,
                "period_end": None, "phase": None}  # fmt: skip
    for prefix in ("fase-", "phase-", "fase ", "phase ", "f"):
        if lowered.startswith(prefix) and lowered[len(prefix) :].strip().isdigit():
            number = int(lowered[len(prefix) :])
            phase = program.phases.filter(number=number).first()
            if phase is None:
                raise ApplicationError(
                    _("El programa no tiene la fase %(number)s.") % {"number": number},
                    code="unknown_phase",
                    fields={"period": [_("Fase desconocida.")]},
                )
            return {"period_kind": PeriodKind.PHASE, "period_label": f"phase-{number}",
                    "period_start": phase.start_date, "period_end": phase.end_date, "phase": phase}  # fmt: skip
    period = period_parse(text)
    return {"period_kind": period.kind, "period_label": period.label, "period_start": period.start,
            "period_end": period.end, "phase": None}  # fmt: skip


def _overlap(a, b) -> bool:
    """Whether two stored periods share any day: the whole program overlaps all; phases by number or dates."""
    if PeriodKind.PROGRAM in (a.period_kind, b.period_kind):
        return True
    if a.period_kind == PeriodKind.PHASE and b.period_kind == PeriodKind.PHASE:
        return a.phase_id == b.phase_id
    if None in (a.period_start, a.period_end, b.period_start, b.period_end):
        return False  # a phase without dates and a dated period: nothing says they meet
    return a.period_start <= b.period_end and b.period_start <= a.period_end


def lock_covering(indicator: Indicator, period) -> PeriodLock | None:
    """The active lock of `indicator` that covers any day of `period` (a Target, ReportedValue or PeriodLock)."""
    return next((lock for lock in indicator.locks.filter(reopened_at__isnull=True) if _overlap(lock, period)), None)


def _refuse_locked(indicator: Indicator, period, field="period"):
    lock = lock_covering(indicator, period)
    if lock is not None:
        raise ApplicationError(
            _("El periodo %(period)s de este indicador está cerrado por una aprobación; pida que se reabra.")
            % {"period": lock.period_label},
            code="period_locked",
            fields={field: [_("Periodo cerrado.")]},
            status=409,
        )


# Results and indicators --------------------------------------------------------------------------------------------


@transaction.atomic
def result_save(*, user, program, data: dict, result: Result | None = None) -> Result:
    _require_program_editor(user, program)
    if result is None:
        result = record_save(Result(program=program), _only(data, RESULT_FIELDS))
        audit_create(actor=user, instance=result, program=program)
        return result
    result = Result.objects.select_for_update().get(pk=result.pk, program=program)
    before = record_snapshot(result)
    record_save(result, _only(data, RESULT_FIELDS))
    audit_update(actor=user, instance=result, before=before, program=program)
    return result


@transaction.atomic
def result_delete(*, user, result: Result) -> None:
    _require_program_editor(user, result.program)
    if result.children.exists() or result.indicators.exists():
        raise ApplicationError(
            _("Este resultado tiene resultados o indicadores debajo: elimínelos o muévalos primero."),
            code="in_use",
            status=409,
        )
    audit_delete(actor=user, instance=result, program=result.program)
    result.delete()


@transaction.atomic
def indicator_save(*, user, program, data: dict, m2m: dict | None = None, indicator: Indicator | None = None):
    _require_program_editor(user, program)
    data = _only(data, INDICATOR_FIELDS)
    result = data.get("result") or (indicator.result if indicator else None)
    if result is None or result.program_id != program.pk:
        raise ApplicationError(
            _("Elija un resultado de este programa."), fields={"result": [_("Elija un resultado de este programa.")]}
        )
    m2m = _only(m2m or {}, INDICATOR_M2M)
    if indicator is None:
        indicator = record_save(Indicator(program=program), data, m2m=m2m)
        audit_create(actor=user, instance=indicator, program=program, m2m=INDICATOR_M2M)
        return indicator
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk, program=program)
    before = record_snapshot(indicator, m2m=INDICATOR_M2M)
    record_save(indicator, data, m2m=m2m)
    audit_update(actor=user, instance=indicator, before=before, program=program, m2m=INDICATOR_M2M)
    return indicator


@transaction.atomic
def indicator_delete(*, user, indicator: Indicator) -> None:
    _require_program_editor(user, indicator.program)
    if indicator.reported_values.exclude(status=ReportStatus.DRAFT).exists():
        raise ApplicationError(
            _("Este indicador tiene valores reportados: no se puede eliminar."), code="in_use", status=409
        )
    audit_delete(actor=user, instance=indicator, program=indicator.program, m2m=INDICATOR_M2M)
    indicator.delete()


# Targets -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def target_save(
    *, user, indicator: Indicator, period: str, value, territory=None, organization=None, note="", target=None
) -> Target:
    """Sets the target of a period (for a territory or partner, when given). Refused for a locked period."""
    program = indicator.program
    _require_program_editor(user, program)
    fields = period_fields(program, period)
    data = {**fields, "value": value, "territory": territory, "organization": organization, "note": note}
    if target is None:
        target = Target(indicator=indicator)
        _refuse_locked(indicator, Target(**fields))
        record_save(target, data)
        audit_create(actor=user, instance=target, program=program)
        return target
    target = Target.objects.select_for_update().get(pk=target.pk, indicator=indicator)
    _refuse_locked(indicator, target)
    _refuse_locked(indicator, Target(**fields))
    before = record_snapshot(target)
    record_save(target, data)
    audit_update(actor=user, instance=target, before=before, program=program)
    return target


@transaction.atomic
def target_delete(*, user, target: Target) -> None:
    indicator = target.indicator
    _require_program_editor(user, indicator.program)
    _refuse_locked(indicator, target)
    audit_delete(actor=user, instance=target, program=indicator.program)
    target.delete()


# Reported values ----------------------------------------------------------------------------------------------------


def report_organizations(user, program):
    """The organizations on whose behalf the user reports in `program`: their own staff organizations taking
    part in it, or any of them for the program's editors."""
    from minka.network.models import Organization

    taking_part = access.program_organization_ids(program)
    if access.program_can_edit(user, program):
        return Organization.objects.filter(pk__in=taking_part)
    return Organization.objects.filter(pk__in=taking_part & access.organization_ids(user, access.STAFF_ROLES))


def report_can_edit(user, report: ReportedValue) -> bool:
    return report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and (
        access.program_can_edit(user, report.indicator.program)
        or report.organization_id in access.organization_ids(user, access.STAFF_ROLES)
    )


def report_can_review(user, report: ReportedValue) -> bool:
    return (
        report.status == ReportStatus.SUBMITTED
        and access.program_can_edit(user, report.indicator.program)
        and report.submitted_by_id != user.pk
    )


def _check_amount(indicator: Indicator, data: dict) -> dict:
    """A percentage is reported as numerator and denominator (so it can be summed right); anything else as a
    value."""
    if indicator.unit == Unit.PERCENT:
        if data.get("numerator") is None or data.get("denominator") is None:
            raise ApplicationError(
                _("Un porcentaje se reporta con numerador y denominador."),
                fields={"numerator": [_("Obligatorio.")], "denominator": [_("Obligatorio.")]},
            )
        percent(data["numerator"], data["denominator"])  # a zero denominator is refused here
        if data["numerator"] > data["denominator"]:
            raise ApplicationError(
                _("El numerador no puede superar al denominador."),
                fields={"numerator": [_("Mayor que el denominador.")]},
            )
        return {**data, "value": None}
    if data.get("value") is None:
        raise ApplicationError(_("Indique el valor."), fields={"value": [_("Obligatorio.")]})
    return {**data, "numerator": None, "denominator": None}


@transaction.atomic
def report_save(*, user, indicator: Indicator, period: str, data: dict, report: ReportedValue | None = None):
    """Creates or changes a draft (or returned) report of a reported indicator."""
    program = indicator.program
    if indicator.is_computed:
        raise ApplicationError(
            _("Este indicador se calcula de los registros: no se reporta."), code="not_reported", status=409
        )
    data = _check_amount(indicator, _only(data, REPORT_FIELDS))
    organization = data.get("organization") or (report.organization if report else None)
    if organization is None or not report_organizations(user, program).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("No puede reportar por esa organización en este programa."))
    fields = period_fields(program, period)
    _refuse_locked(indicator, ReportedValue(**fields))
    if report is None:
        report = record_save(ReportedValue(indicator=indicator, created_by=user), {**data, **fields})
        audit_create(actor=user, instance=report, organization=organization, program=program)
        return report
    report = ReportedValue.objects.select_for_update().get(pk=report.pk, indicator=indicator)
    if not report_can_edit(user, report):
        raise PermissionDenied(_("Este valor ya fue enviado o aprobado: no se puede cambiar."))
    before = record_snapshot(report)
    record_save(report, {**data, **fields})
    audit_update(actor=user, instance=report, before=before, organization=organization, program=program)
    return report


@transaction.atomic
def evidence_add(*, user, report: ReportedValue, file, description: str = "") -> Evidence:
    if not report_can_edit(user, report):
        raise PermissionDenied(_("Solo se añade evidencia a un valor en borrador o devuelto."))
    if file is None:
        raise ApplicationError(_("Adjunte un archivo."), fields={"file": [_("Obligatorio.")]})
    if file.size > EVIDENCE_MAX_BYTES:
        raise ApplicationError(
            _("El archivo pesa más de 10 MB."), fields={"file": [_("El archivo pesa más de 10 MB.")]}
        )
    evidence = record_save(
        Evidence(reported_value=report, uploaded_by=user), {"file": file, "description": description}
    )
    audit_create(actor=user, instance=evidence, organization=report.organization, program=report.indicator.program)
    return evidence


def _transition(user, report: ReportedValue, status: str, **fields) -> ReportedValue:
    report = ReportedValue.objects.select_for_update().select_related("indicator__program").get(pk=report.pk)
    before = record_snapshot(report)
    report.status = status
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    audit_update(
        actor=user, instance=report, before=before, organization=report.organization, program=report.indicator.program
    )
    return report


@transaction.atomic
def report_submit(*, user, report: ReportedValue) -> ReportedValue:
    if not report_can_edit(user, report):
        raise PermissionDenied(_("No puede enviar este valor."))
    _refuse_locked(report.indicator, report)
    return _transition(user, report, ReportStatus.SUBMITTED, submitted_by=user, submitted_at=timezone.now())


def _check_review(user, report: ReportedValue):
    if report.status != ReportStatus.SUBMITTED:
        raise ApplicationError(_("Solo se revisa un valor enviado."), code="not_submitted", status=409)
    if not access.program_can_edit(user, report.indicator.program):
        raise PermissionDenied(_("Solo la coordinación del programa aprueba valores reportados."))
    if report.submitted_by_id == user.pk:
        raise PermissionDenied(_("No puede aprobar ni devolver un valor que usted mismo envió."), code="own_report")


@transaction.atomic
def report_approve(*, user, report: ReportedValue, note: str = "") -> ReportedValue:
    """Approves a submitted value and locks its indicator's period."""
    _check_review(user, report)
    report = _transition(
        user, report, ReportStatus.APPROVED, reviewed_by=user, reviewed_at=timezone.now(), review_note=note
    )
    if lock_covering(report.indicator, report) is None or not _same_period(
        lock_covering(report.indicator, report), report
    ):
        lock = PeriodLock.objects.create(
            indicator=report.indicator,
            locked_by=user,
            **{
                name: getattr(report, name)
                for name in ("period_kind", "period_label", "period_start", "period_end", "phase")
            },
        )
        audit_create(actor=user, instance=lock, organization=report.organization, program=report.indicator.program)
    return report


def _same_period(a, b) -> bool:
    return (a.period_label, a.phase_id) == (b.period_label, b.phase_id)


@transaction.atomic
def report_return(*, user, report: ReportedValue, note: str) -> ReportedValue:
    _check_review(user, report)
    if not (note or "").strip():
        raise ApplicationError(_("Diga qué debe corregirse."), fields={"review_note": [_("Obligatorio al devolver.")]})
    return _transition(
        user, report, ReportStatus.RETURNED, reviewed_by=user, reviewed_at=timezone.now(), review_note=note
    )


@transaction.atomic
def period_reopen(*, user, lock: PeriodLock, reason: str) -> PeriodLock:
    """Reopens a locked period: its approved reports go back to returned, so they can be corrected and sent again.
    Who reopened it, when and why stay on the lock and in the audit trail."""
    indicator = lock.indicator
    _require_program_editor(user, indicator.program)
    if not (reason or "").strip():
        raise ApplicationError(_("Diga por qué se reabre."), fields={"reason": [_("Obligatorio.")]})
    lock = PeriodLock.objects.select_for_update().get(pk=lock.pk)
    if lock.reopened_at is not None:
        raise ApplicationError(_("Este periodo ya fue reabierto."), code="not_locked", status=409)
    before = record_snapshot(lock)
    lock.reopened_by, lock.reopened_at, lock.reopen_reason = user, timezone.now(), reason
    lock.save()
    audit_update(actor=user, instance=lock, before=before, program=indicator.program)
    for report in indicator.reported_values.filter(status=ReportStatus.APPROVED):
        if _overlap(lock, report):
            _transition(
                user, report, ReportStatus.RETURNED, review_note=_("Periodo reabierto: %(reason)s") % {"reason": reason}
            )
    return lock
