"""Writing enterprises, their stage history, members and monthly records. Every write: one transaction, the
rules checked, an audit event.

The stage history is append-only: a change of stage adds a row with its date and is never rewritten, so an
enterprise that closed and opened again keeps both facts (operating → closed → operating).
"""

import datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.accounts.models import ProgramRoleKind
from minka.audit.services import audit_create, audit_delete, audit_update, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.services import record_save
from minka.enterprises.models import Enterprise, EnterpriseMember, EnterpriseRecord, StageChange

CREATE_FIELDS = (
    "organization",
    "program",
    "project",
    "kind",
    "name",
    "sector",
    "stage",
    "site",
    "district",
    "started_on",
    "ruc",
)
# Organization and program stay as created: they decide who sees the enterprise and its records.
UPDATE_FIELDS = tuple(name for name in CREATE_FIELDS if name not in {"organization", "program", "stage"})
MEMBER_FIELDS = ("role", "joined_on")
CENT = Decimal("0.01")


def _only(data: dict, allowed) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


def _require_editor(user, *, organization_id: int, program_id: int) -> None:
    if not access.field_record_can_edit(user, organization_id=organization_id, program_id=program_id):
        raise PermissionDenied(_("No tiene permiso para modificar los emprendimientos de esta organización."))


def enterprise_can_create(user) -> bool:
    """Staff of an organization, coordinators of a program, network admins."""
    return (
        access.is_network_admin(user)
        or bool(access.organization_ids(user, access.STAFF_ROLES))
        or bool(access.program_role_ids(user, [ProgramRoleKind.COORDINATOR]))
    )


def enterprise_can_edit(user, enterprise: Enterprise) -> bool:
    return access.field_record_can_edit(
        user, organization_id=enterprise.organization_id, program_id=enterprise.program_id
    )


def _check_site(enterprise: Enterprise) -> None:
    if enterprise.site_id and enterprise.site.organization_id != enterprise.organization_id:
        raise ApplicationError(
            _("La sede elegida pertenece a otra organización."),
            fields={"site": [_("Elija una sede de la organización del emprendimiento.")]},
        )


@transaction.atomic
def enterprise_create(*, user, data: dict, note: str = "") -> Enterprise:
    """A new enterprise; its stage history starts with its stage on the day it started."""
    organization, program = data.get("organization"), data.get("program")
    if organization is None or program is None:
        raise ApplicationError(
            _("Indique la organización y el programa del emprendimiento."),
            fields={name: [_("Obligatorio.")] for name in ("organization", "program") if data.get(name) is None},
        )
    _require_editor(user, organization_id=organization.pk, program_id=program.pk)
    if organization.pk not in access.program_organization_ids(program):
        raise ApplicationError(
            _("%(organization)s no participa en el programa %(program)s.")
            % {"organization": organization, "program": program.name},
            fields={"organization": [_("Elija una organización que participe en el programa.")]},
        )
    enterprise = Enterprise()
    for name, value in _only(data, CREATE_FIELDS).items():
        setattr(enterprise, name, value)
    _check_site(enterprise)
    record_save(enterprise, _only(data, CREATE_FIELDS))
    audit_create(actor=user, instance=enterprise, organization=organization, program=program)
    _stage_record(user=user, enterprise=enterprise, on_date=enterprise.started_on, note=note)
    return enterprise


def _stage_record(*, user, enterprise: Enterprise, on_date: datetime.date, note: str = "") -> StageChange:
    change = record_save(
        StageChange(enterprise=enterprise, recorded_by=user),
        {"stage": enterprise.stage, "changed_on": on_date, "note": note},
    )
    audit_create(actor=user, instance=change, organization=enterprise.organization, program=enterprise.program)
    return change


def _check_stage_date(enterprise: Enterprise, on_date: datetime.date) -> None:
    today = timezone.localdate()
    if on_date > today:
        raise ApplicationError(
            _("La fecha del cambio de etapa no puede estar en el futuro."),
            fields={"stage_changed_on": [_("No puede estar en el futuro.")]},
        )
    last = enterprise.stage_changes.order_by("-changed_on", "-pk").first()
    known = [day for day in (enterprise.started_on, last.changed_on if last else None) if day]
    earliest = max(known, default=None)
    if earliest and on_date < earliest:
        raise ApplicationError(
            _(
                "El cambio de etapa no puede ser anterior al %(date)s: la historia de etapas se registra en "
                "orden y no se reescribe."
            )
            % {"date": date_format(earliest, "SHORT_DATE_FORMAT")},
            fields={"stage_changed_on": [_("Fecha anterior al último cambio registrado.")]},
        )


@transaction.atomic
def enterprise_update(
    *, user, enterprise: Enterprise, data: dict, stage_changed_on: datetime.date | None = None, stage_note: str = ""
) -> Enterprise:
    """Changes an enterprise's data. A new stage adds a row to its history, dated `stage_changed_on` (today by
    default); the earlier rows stay as they were."""
    # Read again under lock: the caller's instance may carry the new values already (a ModelForm assigns them).
    enterprise = Enterprise.objects.select_for_update().select_related("organization", "program").get(pk=enterprise.pk)
    _require_editor(user, organization_id=enterprise.organization_id, program_id=enterprise.program_id)
    before = record_snapshot(enterprise)
    values = _only(data, UPDATE_FIELDS)
    new_stage = data.get("stage") or enterprise.stage
    stage_changed = new_stage != enterprise.stage
    for name, value in values.items():
        setattr(enterprise, name, value)
    _check_site(enterprise)
    if stage_changed:
        on_date = stage_changed_on or timezone.localdate()
        _check_stage_date(enterprise, on_date)
        values["stage"] = new_stage
    record_save(enterprise, values)
    audit_update(
        actor=user, instance=enterprise, before=before, organization=enterprise.organization, program=enterprise.program
    )
    if stage_changed:
        _stage_record(user=user, enterprise=enterprise, on_date=on_date, note=stage_note)
    return enterprise


# Members -------------------------------------------------------------------------------------------------------


@transaction.atomic
def member_add(*, user, enterprise: Enterprise, participant, role: str, joined_on=None) -> EnterpriseMember:
    """Adds a registered person to an enterprise. Only people whose data the user may read can be added."""
    _require_editor(user, organization_id=enterprise.organization_id, program_id=enterprise.program_id)
    if participant is None or not access.people_visible(user).filter(pk=participant.pk).exists():
        # Said the same way whether she does not exist or is registered where the user cannot see.
        raise ApplicationError(
            _("Elija una persona de la lista de resultados."),
            code="not_found",
            fields={"participant": [_("Persona no encontrada.")]},
        )
    if joined_on and joined_on > timezone.localdate():
        raise ApplicationError(
            _("La fecha de ingreso no puede estar en el futuro."), fields={"joined_on": [_("Fecha futura.")]}
        )
    if EnterpriseMember.objects.filter(enterprise=enterprise, participant=participant).exists():
        raise ApplicationError(
            _("%(person)s ya es integrante de este emprendimiento.") % {"person": participant.full_name},
            code="duplicate_member",
            fields={"participant": [_("Ya es integrante.")]},
            status=409,
        )
    member = record_save(
        EnterpriseMember(enterprise=enterprise, participant=participant), {"role": role, "joined_on": joined_on}
    )
    audit_create(actor=user, instance=member, organization=enterprise.organization, program=enterprise.program)
    return member


@transaction.atomic
def member_remove(*, user, member: EnterpriseMember) -> None:
    enterprise = member.enterprise
    _require_editor(user, organization_id=enterprise.organization_id, program_id=enterprise.program_id)
    audit_delete(actor=user, instance=member, organization=enterprise.organization, program=enterprise.program)
    member.delete()


# Monthly records -----------------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _amount(value, field: str) -> Decimal:
    if value is None or value == "":
        missing = {"sales": _("Indique las ventas del mes."), "costs": _("Indique los costos del mes.")}
        raise ApplicationError(missing[field], fields={field: [_("Obligatorio.")]})
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ApplicationError(_("Monto no válido."), fields={field: [_("Monto no válido.")]})
    if amount < 0:
        raise ApplicationError(
            _("Las ventas y los costos no pueden ser negativos."), fields={field: [_("No puede ser negativo.")]}
        )
    # Stored with two decimals: "300" and "300.00" are one amount, and the audit trail must not see a change.
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


@transaction.atomic
def record_save_month(
    *, user, enterprise: Enterprise, month: datetime.date, sales, costs, jobs: int = 0
) -> tuple[EnterpriseRecord, bool]:
    """Records what an enterprise sold, spent and employed in one month: one record per month.

    `month` may be any day of it (it is kept as the first). Saving a month that has a record already updates
    that record (an edit, audited as one), so a second visit corrects the first instead of failing. Returns
    the record and whether it was created.
    """
    # Lock the enterprise, so two saves of the same month cannot both create it.
    enterprise = Enterprise.objects.select_for_update().select_related("organization", "program").get(pk=enterprise.pk)
    _require_editor(user, organization_id=enterprise.organization_id, program_id=enterprise.program_id)
    if month is None:
        raise ApplicationError(_("Indique el mes."), fields={"month": [_("Obligatorio.")]})
    month = month_start(month)
    if month > timezone.localdate():
        raise ApplicationError(
            _("No se registran meses futuros: %(month)s todavía no empieza.")
            % {"month": date_format(month, "YEAR_MONTH_FORMAT")},
            fields={"month": [_("Mes futuro.")]},
        )
    if month < month_start(enterprise.started_on):
        raise ApplicationError(
            _("El emprendimiento empezó el %(date)s: no hay registros de meses anteriores.")
            % {"date": date_format(enterprise.started_on, "SHORT_DATE_FORMAT")},
            fields={"month": [_("Anterior al inicio del emprendimiento.")]},
        )
    values = {
        "sales": _amount(sales, "sales"),
        "costs": _amount(costs, "costs"),
        "jobs": jobs if jobs is not None else 0,
    }
    if isinstance(values["jobs"], int) and values["jobs"] < 0:
        raise ApplicationError(
            _("Los puestos de trabajo no pueden ser negativos."), fields={"jobs": [_("No puede ser negativo.")]}
        )
    record = EnterpriseRecord.objects.select_for_update().filter(enterprise=enterprise, month=month).first()
    audit_scope = {"organization": enterprise.organization, "program": enterprise.program}
    if record is None:
        record = record_save(EnterpriseRecord(enterprise=enterprise, month=month, recorded_by=user), values)
        audit_create(actor=user, instance=record, **audit_scope)
        return record, True
    before = record_snapshot(record)
    record_save(record, {**values, "recorded_by": user})
    audit_update(actor=user, instance=record, before=before, **audit_scope)
    return record, False


@transaction.atomic
def record_delete(*, user, record: EnterpriseRecord) -> None:
    enterprise = record.enterprise
    _require_editor(user, organization_id=enterprise.organization_id, program_id=enterprise.program_id)
    audit_delete(actor=user, instance=record, organization=enterprise.organization, program=enterprise.program)
    record.delete()
