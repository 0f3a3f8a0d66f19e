"""The columns of the enterprise list's download."""

from django.utils.translation import gettext_lazy as _

from minka.core.exports import DATE, INTEGER, MONEY, Column

ENTERPRISE_COLUMNS = [
    Column(_("Código"), lambda e: e.pk, INTEGER),
    Column(_("Emprendimiento"), lambda e: e.name),
    Column(_("Tipo"), lambda e: e.get_kind_display()),
    Column(_("Rubro"), lambda e: e.get_sector_display()),
    Column(_("Etapa"), lambda e: e.get_stage_display()),
    Column(_("Programa"), lambda e: str(e.program)),
    Column(_("Organización"), lambda e: str(e.organization)),
    Column(_("Ubigeo"), lambda e: e.district.code if e.district else ""),
    Column(_("Distrito"), lambda e: e.district.name if e.district else ""),
    Column(_("Provincia"), lambda e: e.district.parent.name if e.district and e.district.parent else ""),
    Column(_("Integrantes"), lambda e: e.member_count, INTEGER),
    Column(_("Último mes registrado"), lambda e: e.latest_month, DATE),
    Column(_("Último ingreso neto (S/)"), lambda e: e.latest_net_income, MONEY),
]
