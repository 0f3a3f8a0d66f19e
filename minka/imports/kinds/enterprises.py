"""`enterprises`: a partner's list of the enterprises it supports, each with its owner, created through
minka.enterprises.services (which checks the user may record for that organization and program, and starts the
enterprise's stage history on the day it started).

Natural key: program, name (compared without case or accents) and district — the same name in another district
is another enterprise. An enterprise already there is "unchanged": its stage and data are never overwritten by an
import (a change of stage is dated history, recorded on the enterprise's page).

The owner (titular) is named by her Minka code or DNI, among the people the user may see, and becomes the
enterprise's member with the role "owner" from the start date. Other members are added on the enterprise's page.
"""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.core.errors import PermissionDenied
from minka.enterprises.models import Enterprise, EnterpriseKind, EnterpriseMember, EnterpriseStage, Sector, StageChange
from minka.enterprises.services import enterprise_can_create, enterprise_create, member_add
from minka.imports import values as parsers
from minka.imports.kinds.base import CellError, Column, Kind, RowErrors, register
from minka.imports.kinds.lookups import (
    PERSON_DNI,
    PERSON_ID,
    people_prepare,
    person_find,
    program_find,
    program_prepare,
)
from minka.imports.kinds.people import ubigeo
from minka.network.identifiers import ruc_is_valid
from minka.network.models import Territory, TerritoryLevel
from minka.people.models import Participant

KIND = parsers.choices_of(
    EnterpriseKind,
    {"familia": "family", "colectivo": "collective", "asociativo": "collective", "asociacion": "collective"},
)
STAGE = parsers.choices_of(
    EnterpriseStage,
    {"en marcha": "operating", "funcionando": "operating", "operando": "operating", "cerrado": "closed"},
)
SECTOR = parsers.choices_of(
    Sector,
    {
        "agricola": "agriculture",
        "ganaderia": "livestock",
        "crianza": "livestock",
        "pesca": "fishing",
        "textil": "textiles",
        "tejidos": "textiles",
        "artesania": "crafts",
        "turismo": "tourism",
        "restaurante": "tourism",
        "servicios": "services",
        "otra": "other",
        "otro": "other",
    },
)


def enterprises_check_access(context) -> None:
    """Staff of the organization, coordinators of a program and network admins record enterprises (the program's
    own rule is checked row by row: minka.accounts.access.field_record_can_edit)."""
    if not enterprise_can_create(context.user) or not (
        access.is_network_admin(context.user)
        or context.organization.pk in access.organization_ids(context.user, access.STAFF_ROLES)
        or access.programs_editable_ids(context.user)
    ):
        raise PermissionDenied(_("No puede registrar emprendimientos por esa organización."))


def enterprise_key(program_id: int, name: str, district: str) -> tuple:
    return (program_id, parsers.plain(name), district)


@register
class EnterprisesKind(Kind):
    slug = "enterprises"
    label = gettext_lazy("Emprendimientos")
    model = Enterprise
    created_models = (EnterpriseMember, StageChange, Enterprise)
    columns = (
        Column(
            "name",
            "Nombre del emprendimiento",
            "Enterprise name",
            parsers.bounded_text(200),
            required=True,
            example="Tejidos Ausangate",
            aliases=("emprendimiento", "nombre", "name"),
        ),
        Column("kind", "Tipo", "Kind", KIND, required=True, example="Individual"),
        Column(
            "sector",
            "Actividad económica",
            "Economic activity",
            SECTOR,
            required=True,
            example="Textiles",
            aliases=("sector", "rubro"),
        ),
        Column(
            "stage",
            "Etapa",
            "Stage",
            STAGE,
            help=gettext_lazy("Idea (por defecto), Prototipo, En marcha o Cerrado."),
            example="En marcha",
        ),
        Column(
            "district",
            "Ubigeo",
            "District ubigeo",
            ubigeo,
            required=True,
            example="081201",
            aliases=("ubigeo del distrito", "distrito"),
        ),
        Column("started_on", "Fecha de inicio", "Start date", parsers.date, required=True, example="01/02/2024"),
        Column(
            "site",
            "Sede",
            "Site",
            parsers.text,
            help=gettext_lazy("Nombre de una sede de la organización."),
            example="CDE Urcos",
        ),
        Column("ruc", "RUC", "RUC", parsers.text, help=gettext_lazy("11 dígitos, si está formalizado.")),
        Column(
            "program",
            "Programa",
            "Program",
            parsers.text,
            help=gettext_lazy("Identificador o nombre del programa; en blanco, el programa de la importación."),
        ),
        dataclasses.replace(
            PERSON_ID,
            header_es="Código de la titular",
            header_en="Owner person code",
            aliases=(*PERSON_ID.aliases, "codigo de la persona"),
        ),
        dataclasses.replace(
            PERSON_DNI, header_es="DNI de la titular", header_en="Owner DNI", aliases=(*PERSON_DNI.aliases, "dni")
        ),
    )

    def check_access(self, context) -> None:
        enterprises_check_access(context)

    def prepare(self, context) -> None:
        people_prepare(context)
        program_prepare(context)
        context.cache["districts"] = {
            district.code: district for district in Territory.objects.filter(level=TerritoryLevel.DISTRICT)
        }
        context.cache["sites"] = {parsers.plain(site.name): site for site in context.organization.sites.all()}
        context.cache["enterprises"] = {
            enterprise_key(program_id, name, district): pk
            for pk, program_id, name, district in Enterprise.objects.filter(
                organization=context.organization
            ).values_list("pk", "program_id", "name", "district_id")
        }

    def clean(self, values: dict, context) -> dict:
        errors = []
        try:
            values["program_obj"] = program = program_find(values, context)
            if not access.field_record_can_edit(
                context.user, organization_id=context.organization.pk, program_id=program.pk
            ):
                errors.append(
                    CellError(
                        _("No puede registrar emprendimientos en ese programa."), code="forbidden", column="program"
                    )
                )
            elif context.organization.pk not in access.program_organization_ids(program):
                errors.append(
                    CellError(
                        _("La organización no participa en ese programa."), code="not_in_program", column="program"
                    )
                )
        except CellError as error:
            errors.append(error)
        if values["district"] not in context.cache["districts"]:
            errors.append(
                CellError(_("No hay un distrito con ese ubigeo."), code="unknown_district", column="district")
            )
        if values["started_on"] > context.today:
            errors.append(
                CellError(_("La fecha no puede estar en el futuro."), code="future_date", column="started_on")
            )
        values["site_obj"] = None
        if values["site"]:
            values["site_obj"] = context.cache["sites"].get(parsers.plain(values["site"]))
            if values["site_obj"] is None:
                errors.append(
                    CellError(
                        _("La organización no tiene una sede con ese nombre."), code="unknown_site", column="site"
                    )
                )
        if values["ruc"] and not ruc_is_valid(values["ruc"]):
            errors.append(
                CellError(
                    _("El RUC no es válido: 11 dígitos con su dígito verificador."), code="invalid_ruc", column="ruc"
                )
            )
        values["owner_id"] = None
        if values["person_id"] is not None or values["dni"]:
            try:
                values["owner_id"] = person_find(values, context)
            except CellError as error:
                errors.append(error)
        if errors:
            raise RowErrors(errors)
        return values

    def natural_key(self, values: dict) -> str:
        program_id, name, district = enterprise_key(values["program_obj"].pk, values["name"], values["district"])
        return f"{program_id}|{district}|{name}"[:250]

    def existing(self, values: dict, context):
        return context.cache["enterprises"].get(
            enterprise_key(values["program_obj"].pk, values["name"], values["district"])
        )

    def write(self, values: dict, context) -> list:
        enterprise = enterprise_create(
            user=context.user,
            data={
                "organization": context.organization,
                "program": values["program_obj"],
                "kind": values["kind"],
                "name": values["name"],
                "sector": values["sector"],
                "stage": values["stage"] or EnterpriseStage.IDEA,
                "site": values["site_obj"],
                "district": context.cache["districts"][values["district"]],
                "started_on": values["started_on"],
                "ruc": values["ruc"] or "",
            },
        )
        created = [enterprise, *enterprise.stage_changes.all()]
        if values["owner_id"] is not None:
            created.append(
                member_add(
                    user=context.user,
                    enterprise=enterprise,
                    participant=Participant.objects.get(pk=values["owner_id"]),
                    role="owner",
                    joined_on=values["started_on"],
                )
            )
        return created
