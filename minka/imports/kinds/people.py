"""`people`: a partner's list of participants, each with her consent, registered through the people services.

A person is registered only with her consent on record (Ley 29733): the consent column is required and a row
that says "no" (or leaves it blank) is an error, not a silent skip. Sensitive data (ethnic group, disability,
deprivation of liberty) is not imported: it needs a written consent covering it, taken person by person.

Natural key: the DNI (its keyed hash; Minka never keeps it in clear) when given, else the name, birth date and
sex. A DNI already registered anywhere in the network, or a person without DNI already registered by this
organization with the same name, birth date and sex, is "unchanged". A person with the same name and birth date
registered by another organization is a likely duplicate: imported, and shown as a warning in the preview (the
duplicate queue of minka.people proposes the pair after the commit).

With a program, each new person is also enrolled in it through the organization, on the enrollment date column
or, when blank, on her consent date.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.core.errors import PermissionDenied
from minka.imports import values as parsers
from minka.imports.kinds.base import CellError, Column, Kind, RowErrors, register
from minka.network.models import Territory, TerritoryLevel
from minka.people.identity import dni_hash
from minka.people.models import Area, Consent, ConsentMethod, Enrollment, MotherTongue, Participant
from minka.people.services import enrollment_create, participant_register, search_key

DEFAULT_PURPOSE = gettext_lazy("Participación en el programa y seguimiento de resultados")
DEFAULT_TEXT_VERSION = "v1"


def ubigeo(raw) -> str | None:
    """A district's 6-digit INEI ubigeo; one that lost its leading zero in a spreadsheet (10101) is padded."""
    code = parsers.text(raw)
    if code is None:
        return None
    if code.isdigit() and len(code) == 5:
        code = "0" + code
    if not (code.isdigit() and len(code) == 6):
        raise CellError(_("El ubigeo de un distrito tiene 6 dígitos, no «%(value)s».") % {"value": code})
    return code


ubigeo.help = gettext_lazy("Ubigeo INEI del distrito, 6 dígitos (080101).")

MOTHER_TONGUE = parsers.choices_of(
    MotherTongue,
    {"español": "spa", "espanol": "spa", "spanish": "spa", "quechua": "quz", "awajun": "agr", "aguaruna": "agr"},
)
CONSENT_METHOD = parsers.choices_of(
    ConsentMethod,
    {"firma": "signed_paper", "papel": "signed_paper", "escrito": "signed_paper", "signed": "signed_paper"},
)
AREA = parsers.choices_of(Area, {"urban": "urban", "urbano": "urban"})


@register
class PeopleKind(Kind):
    slug = "people"
    label = gettext_lazy("Personas con su consentimiento")
    model = Participant
    created_models = (Enrollment, Consent, Participant)
    columns = (
        Column("dni", "DNI", "DNI", parsers.dni, example="01234567", aliases=("numero de dni", "nro dni", "documento")),
        Column(
            "given_names",
            "Nombres",
            "Given names",
            parsers.bounded_text(120),
            required=True,
            example="María Elena",
            aliases=("nombre",),
        ),
        Column("paternal_surname", "Apellido paterno", "Paternal surname", parsers.bounded_text(80), example="Quispe"),
        Column("maternal_surname", "Apellido materno", "Maternal surname", parsers.bounded_text(80), example="Huamán"),
        Column("sex", "Sexo", "Sex", parsers.sex, required=True, example="F"),
        Column("birth_date", "Fecha de nacimiento", "Date of birth", parsers.date, example="15/03/1990"),
        Column("phone", "Teléfono", "Phone", parsers.phone, example="987654321", aliases=("celular",)),
        Column("mother_tongue", "Lengua materna", "Mother tongue", MOTHER_TONGUE, example="Quechua del Cusco"),
        Column("area", "Área de residencia", "Area of residence", AREA, example="Rural", aliases=("area",)),
        Column(
            "district",
            "Ubigeo",
            "District ubigeo",
            ubigeo,
            example="081201",
            aliases=("ubigeo del distrito", "codigo de distrito"),
        ),
        Column(
            "consent",
            "Consentimiento",
            "Consent",
            parsers.yes_no,
            required=True,
            help=gettext_lazy("sí: la persona dio su consentimiento (sin él no se registra)."),
            example="sí",
        ),
        Column("consent_date", "Fecha del consentimiento", "Consent date", parsers.date, example="10/01/2025"),
        Column(
            "consent_method",
            "Forma del consentimiento",
            "Consent method",
            CONSENT_METHOD,
            help=gettext_lazy("Firma en papel (por defecto), digital o verbal."),
            example="Firma en papel",
        ),
        Column(
            "consent_version",
            "Versión del texto de consentimiento",
            "Consent text version",
            parsers.bounded_text(40),
            help=gettext_lazy("Por defecto v1."),
            example="v1",
        ),
        Column(
            "enrolled_on",
            "Fecha de inscripción",
            "Enrollment date",
            parsers.date,
            help=gettext_lazy("Solo si se importa a un programa; por defecto, la fecha del consentimiento."),
            example="10/01/2025",
        ),
    )

    def check_access(self, context) -> None:
        if not access.people_register_organizations(context.user).filter(pk=context.organization.pk).exists():
            raise PermissionDenied(_("No puede registrar personas en nombre de esa organización."))

    def prepare(self, context) -> None:
        context.cache["districts"] = {
            district.code: district for district in Territory.objects.filter(level=TerritoryLevel.DISTRICT)
        }
        active = Participant.objects.filter(merged_into__isnull=True)
        context.cache["dni_hashes"] = dict(active.exclude(dni_hash="").values_list("dni_hash", "pk"))
        context.cache["own"] = {
            (name, born, sex): pk
            for pk, name, born, sex in active.filter(registered_by=context.organization).values_list(
                "pk", "search_name", "birth_date", "sex"
            )
        }
        context.cache["elsewhere"] = {
            (name, born)
            for name, born in active.exclude(registered_by=context.organization)
            .filter(birth_date__isnull=False, anonymized_at__isnull=True)
            .values_list("search_name", "birth_date")
        }

    def clean(self, values: dict, context) -> dict:
        errors = []
        if values["consent"] is not True:
            errors.append(
                CellError(
                    _("Sin su consentimiento la persona no se registra (Ley 29733)."),
                    code="consent_required",
                    column="consent",
                )
            )
        elif values["consent_date"] is None:
            errors.append(CellError(_("Anote la fecha del consentimiento."), code="required", column="consent_date"))
        for key in ("birth_date", "consent_date", "enrolled_on"):
            if values[key] and values[key] > context.today:
                errors.append(CellError(_("La fecha no puede estar en el futuro."), code="future_date", column=key))
        if values["birth_date"] and values["birth_date"].year < 1900:
            errors.append(CellError(_("Revise el año de nacimiento."), code="invalid_date", column="birth_date"))
        if values["district"] and values["district"] not in context.cache["districts"]:
            errors.append(
                CellError(_("No hay un distrito con ese ubigeo."), code="unknown_district", column="district")
            )
        if errors:
            raise RowErrors(errors)
        values["dni_hash"] = dni_hash(values["dni"]) if values["dni"] else ""
        full_name = " ".join(
            part for part in (values["given_names"], values["paternal_surname"], values["maternal_surname"]) if part
        )
        values["search_name"] = search_key(full_name)
        return values

    def natural_key(self, values: dict) -> str:
        if values["dni_hash"]:
            return f"dni:{values['dni_hash']}"
        born = values["birth_date"].isoformat() if values["birth_date"] else ""
        return f"name:{values['search_name']}|{born}|{values['sex']}"[:250]

    def existing(self, values: dict, context):
        if values["dni_hash"]:
            return context.cache["dni_hashes"].get(values["dni_hash"])
        return context.cache["own"].get((values["search_name"], values["birth_date"], values["sex"]))

    def likely_duplicates(self, values: dict, context) -> list[str]:
        if values["birth_date"] and (values["search_name"], values["birth_date"]) in context.cache["elsewhere"]:
            return [_("Otra organización registró a una persona con el mismo nombre y fecha de nacimiento.")]
        return []

    def write(self, values: dict, context) -> list:
        data = {
            "given_names": values["given_names"],
            "paternal_surname": values["paternal_surname"] or "",
            "maternal_surname": values["maternal_surname"] or "",
            "sex": values["sex"],
            "birth_date": values["birth_date"],
            "birth_year": values["birth_date"].year if values["birth_date"] else None,
            "phone": values["phone"] or "",
            "mother_tongue": values["mother_tongue"] or "",
            "area": values["area"] or "",
            "district": context.cache["districts"].get(values["district"]) if values["district"] else None,
        }
        consent = {
            "purpose": str(DEFAULT_PURPOSE),
            "text_version": values["consent_version"] or DEFAULT_TEXT_VERSION,
            "method": values["consent_method"] or ConsentMethod.SIGNED_PAPER,
            "covers_sensitive_data": False,
            "given_on": values["consent_date"],
        }
        person = participant_register(
            user=context.user, organization=context.organization, data=data, dni=values["dni"] or "", consent=consent
        )
        created = [person, *person.consents.all()]
        if context.program is not None:
            created.append(
                enrollment_create(
                    user=context.user,
                    participant=person,
                    program=context.program,
                    organization=context.organization,
                    data={"enrolled_on": values["enrolled_on"] or values["consent_date"]},
                )
            )
        return created
