"""`enterprise-records`: what the organization's enterprises sold, spent and employed, one row per enterprise and
month, saved through minka.enterprises.services.record_save_month.

The enterprise is named by its Minka code or by its name (without case or accents) among the import's
organization's enterprises; a name two of them share must be given as a code. The month is a date (any day of
it), `2025-03` or `03/2025`.

Natural key: enterprise and month. A month already recorded is "unchanged" — an import never overwrites what a
visit recorded (record_save_month would: it is called only for months not yet there).
"""

import datetime
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.enterprises.models import Enterprise, EnterpriseRecord
from minka.enterprises.services import record_save_month
from minka.imports import values as parsers
from minka.imports.kinds.base import CellError, Column, Kind, RowErrors, register
from minka.imports.kinds.enterprises import enterprises_check_access

MONTH_FIRST = re.compile(r"^(\d{1,2})[/\-.](\d{4})$")
YEAR_FIRST = re.compile(r"^(\d{4})[/\-.](\d{1,2})$")


def month(raw) -> datetime.date | None:
    """The first day of a month written as a date, `2025-03` or `03/2025`."""
    if parsers.is_blank(raw):
        return None
    value = str(raw).strip()
    match = YEAR_FIRST.match(value) or MONTH_FIRST.match(value)
    if match:
        year, number = (match[1], match[2]) if match.re is YEAR_FIRST else (match[2], match[1])
        if not 1 <= int(number) <= 12:
            raise CellError(_("No existe el mes «%(value)s».") % {"value": value}, code="invalid_date")
        return datetime.date(int(year), int(number), 1)
    return parsers.date(raw).replace(day=1)


month.help = gettext_lazy("Mes: 2025-03, 03/2025 o una fecha de ese mes.")


def amount(raw):
    number = parsers.decimal(raw)
    if number is not None and number < 0:
        raise CellError(_("No puede ser negativo."), code="negative")
    return number


amount.help = parsers.decimal.help


def jobs(raw):
    number = parsers.integer(raw)
    if number is not None and not 0 <= number <= 32767:
        raise CellError(_("Anote un número de puestos entre 0 y 32767."), code="out_of_range")
    return number


jobs.help = gettext_lazy("Número entero de puestos de trabajo (0 por defecto).")


@register
class EnterpriseRecordsKind(Kind):
    slug = "enterprise-records"
    label = gettext_lazy("Registros mensuales de emprendimientos")
    model = EnterpriseRecord
    created_models = (EnterpriseRecord,)
    columns = (
        Column(
            "enterprise",
            "Emprendimiento",
            "Enterprise",
            parsers.text,
            required=True,
            help=gettext_lazy("Código del emprendimiento en Minka, o su nombre."),
            example="Tejidos Ausangate",
            aliases=("nombre del emprendimiento", "enterprise name", "codigo del emprendimiento"),
        ),
        Column("month", "Mes", "Month", month, required=True, example="2025-03"),
        Column("sales", "Ventas (S/)", "Sales (S/)", amount, required=True, example="1250,50", aliases=("ventas",)),
        Column("costs", "Costos (S/)", "Costs (S/)", amount, required=True, example="800", aliases=("costos",)),
        Column("jobs", "Puestos de trabajo", "Jobs", jobs, example="2", aliases=("empleos", "puestos")),
    )

    def check_access(self, context) -> None:
        enterprises_check_access(context)

    def prepare(self, context) -> None:
        by_pk, by_name = {}, {}
        for enterprise in Enterprise.objects.filter(organization=context.organization).select_related("program"):
            by_pk[enterprise.pk] = enterprise
            by_name.setdefault(parsers.plain(enterprise.name), []).append(enterprise)
        context.cache["enterprises_by_pk"] = by_pk
        context.cache["enterprises_by_name"] = by_name
        context.cache["months"] = set(
            EnterpriseRecord.objects.filter(enterprise__organization=context.organization).values_list(
                "enterprise_id", "month"
            )
        )

    def _enterprise(self, name: str, context) -> Enterprise:
        if name.isdigit() and int(name) in context.cache["enterprises_by_pk"]:
            return context.cache["enterprises_by_pk"][int(name)]
        found = context.cache["enterprises_by_name"].get(parsers.plain(name), [])
        if not found:
            raise CellError(
                _("La organización no tiene un emprendimiento «%(name)s».") % {"name": name},
                code="unknown_enterprise",
                column="enterprise",
            )
        if len(found) > 1:
            raise CellError(
                _("Hay %(count)s emprendimientos «%(name)s»: anote su código.") % {"count": len(found), "name": name},
                code="ambiguous_enterprise",
                column="enterprise",
            )
        return found[0]

    def clean(self, values: dict, context) -> dict:
        errors = []
        try:
            values["enterprise_obj"] = enterprise = self._enterprise(values["enterprise"], context)
            if not access.field_record_can_edit(
                context.user, organization_id=enterprise.organization_id, program_id=enterprise.program_id
            ):
                errors.append(
                    CellError(
                        _("No puede registrar en los emprendimientos de ese programa."),
                        code="forbidden",
                        column="enterprise",
                    )
                )
            if values["month"] < enterprise.started_on.replace(day=1):
                errors.append(
                    CellError(_("El emprendimiento empezó después de ese mes."), code="before_start", column="month")
                )
        except CellError as error:
            errors.append(error)
        if values["month"] > context.today:
            errors.append(CellError(_("No se registran meses futuros."), code="future_date", column="month"))
        if errors:
            raise RowErrors(errors)
        return values

    def natural_key(self, values: dict) -> str:
        return f"{values['enterprise_obj'].pk}|{values['month']:%Y-%m}"

    def existing(self, values: dict, context):
        key = (values["enterprise_obj"].pk, values["month"])
        return key if key in context.cache["months"] else None

    def write(self, values: dict, context) -> list:
        record, _created = record_save_month(
            user=context.user,
            enterprise=values["enterprise_obj"],
            month=values["month"],
            sales=values["sales"],
            costs=values["costs"],
            jobs=values["jobs"] or 0,
        )
        return [record]
