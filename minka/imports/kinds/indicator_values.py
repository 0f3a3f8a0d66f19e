"""`indicator-values`: values the organization reports for the program's reported (not computed) indicators, saved
through minka.results.services.report_save as drafts, or sent for review when the row says so.

An import never approves a value: approval is the program's review, by someone other than who sent it, on the
indicator's page. A value computed from Minka's records is not reported, so such an indicator is refused.

The indicator is named by its code in the import's program; the period as on the results pages (`2024`,
`2024-Q3`, `2024-07`, `2024-01..2024-06`, `fase-1`, or `programa` for its whole life). A percentage is reported as
numerator and denominator, so that it adds up right across organizations; anything else as a value.

Natural key: indicator, period and the import's organization. A value already reported for them, whatever its
state, is "unchanged": a draft is corrected, and a returned value answered, on its page.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.errors import ApplicationError, PermissionDenied
from minka.imports import values as parsers
from minka.imports.kinds.base import CellError, Column, Kind, RowErrors, register
from minka.imports.kinds.loans import write_refused
from minka.results.models import Indicator, ReportedValue, Unit
from minka.results.services import lock_covering, period_fields, report_organizations, report_save, report_submit


def not_negative(raw):
    number = parsers.decimal(raw)
    if number is not None and number < 0:
        raise CellError(_("No puede ser negativo."), code="negative")
    return number


not_negative.help = parsers.decimal.help


@register
class IndicatorValuesKind(Kind):
    slug = "indicator-values"
    label = gettext_lazy("Valores reportados de indicadores")
    model = ReportedValue
    created_models = (ReportedValue,)
    needs_program = True
    columns = (
        Column(
            "indicator",
            "Código del indicador",
            "Indicator code",
            parsers.text,
            required=True,
            example="R1.2",
            aliases=("indicador", "indicator", "codigo"),
        ),
        Column(
            "period",
            "Periodo",
            "Period",
            parsers.text,
            required=True,
            help=gettext_lazy("2024, 2024-Q3, 2024-07, 2024-01..2024-06, fase-1 o programa."),
            example="2024-Q3",
            aliases=("period",),
        ),
        Column(
            "value", "Valor", "Value", parsers.decimal, help=gettext_lazy("Para indicadores que no son porcentajes.")
        ),
        Column(
            "numerator",
            "Numerador",
            "Numerator",
            not_negative,
            help=gettext_lazy("Para porcentajes, con el denominador."),
        ),
        Column("denominator", "Denominador", "Denominator", not_negative),
        Column("narrative", "Narrativa", "Narrative", parsers.text, example="Ferias en Urcos y Andahuaylillas."),
        Column(
            "submit",
            "Enviar a revisión",
            "Send for review",
            parsers.yes_no,
            help=gettext_lazy("sí: se envía a la coordinación para su revisión; no (por defecto): queda en borrador."),
            example="no",
            aliases=("enviar",),
        ),
    )

    def check_access(self, context) -> None:
        if not report_organizations(context.user, context.program).filter(pk=context.organization.pk).exists():
            raise PermissionDenied(_("No puede reportar por esa organización en este programa."))

    def prepare(self, context) -> None:
        indicators = Indicator.objects.filter(program=context.program).prefetch_related("locks")
        context.cache["indicators"] = {parsers.plain(indicator.code): indicator for indicator in indicators}
        context.cache["reported"] = set(
            ReportedValue.objects.filter(
                indicator__program=context.program, organization=context.organization
            ).values_list("indicator_id", "period_label")
        )

    def clean(self, values: dict, context) -> dict:
        errors = []
        indicator = context.cache["indicators"].get(parsers.plain(values["indicator"]))
        if indicator is None:
            errors.append(
                CellError(
                    _("El programa no tiene un indicador con el código «%(code)s».") % {"code": values["indicator"]},
                    code="unknown_indicator",
                    column="indicator",
                )
            )
        elif indicator.is_computed:
            errors.append(
                CellError(
                    _("Este indicador se calcula de los registros: no se reporta."),
                    code="not_reported",
                    column="indicator",
                )
            )
        else:
            errors.extend(self._amount_errors(indicator, values))
        try:
            values["period_fields"] = period_fields(context.program, values["period"])
        except ApplicationError as error:
            errors.append(CellError(error.message, code=error.code, column="period"))
        if not errors:
            lock = lock_covering(indicator, ReportedValue(**values["period_fields"]))
            if lock is not None:
                errors.append(
                    CellError(
                        _("El periodo %(period)s de este indicador está cerrado por una aprobación.")
                        % {"period": lock.period_label},
                        code="period_locked",
                        column="period",
                    )
                )
        if errors:
            raise RowErrors(errors)
        values["indicator_obj"] = indicator
        return values

    def _amount_errors(self, indicator, values: dict) -> list[CellError]:
        if indicator.unit != Unit.PERCENT:
            if values["value"] is None:
                return [CellError(_("Anote el valor."), code="required", column="value")]
            return []
        errors = [
            CellError(_("Un porcentaje se reporta con numerador y denominador."), code="required", column=key)
            for key in ("numerator", "denominator")
            if values[key] is None
        ]
        if values["denominator"] == 0:
            errors.append(CellError(_("El denominador no puede ser cero."), code="zero", column="denominator"))
        elif not errors and values["numerator"] > values["denominator"]:
            errors.append(
                CellError(_("El numerador no puede superar al denominador."), code="invalid", column="numerator")
            )
        return errors

    def natural_key(self, values: dict) -> str:
        return f"{values['indicator_obj'].pk}|{values['period_fields']['period_label']}"

    def existing(self, values: dict, context):
        key = (values["indicator_obj"].pk, values["period_fields"]["period_label"])
        return key if key in context.cache["reported"] else None

    def write_many(self, rows, context):
        written = []
        for number, values in rows:
            data = {
                "organization": context.organization,
                "value": values["value"],
                "numerator": values["numerator"],
                "denominator": values["denominator"],
                "narrative": values["narrative"] or "",
            }
            try:
                report = report_save(
                    user=context.user, indicator=values["indicator_obj"], period=values["period"], data=data
                )
                if values["submit"]:
                    report = report_submit(user=context.user, report=report)
            except ApplicationError as error:
                raise write_refused(number, error, {}) from None
            written.append((number, [report]))
        return written
