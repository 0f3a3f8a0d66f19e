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

Written in bulk (2,000 people in a couple of seconds rather than twenty), keeping the people services' rules: see
`PeopleKind.write_many`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.audit.models import AuditAction, AuditEvent
from minka.audit.services import audit_changes, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.imports import values as parsers
from minka.imports.kinds.base import CellError, Column, Kind, RowErrors, register
from minka.network.models import Territory, TerritoryLevel
from minka.people.identity import dni_hash, dni_last_digits
from minka.people.models import Area, Consent, ConsentMethod, Enrollment, MotherTongue, Participant
from minka.people.services import search_key

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
        Column(
            "dni",
            "DNI",
            "DNI",
            parsers.dni,
            example="01234567",
            aliases=("numero de dni", "nro dni", "n dni", "no dni", "n de dni", "documento", "doc identidad"),
        ),
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
        Column("sex", "Sexo", "Sex", parsers.sex, required=True, example="F", aliases=("genero", "gender")),
        Column(
            "birth_date",
            "Fecha de nacimiento",
            "Date of birth",
            parsers.date,
            example="15/03/1990",
            aliases=("fecha de nac", "fecha nac", "f nac", "fec nac", "nacimiento", "fecha nacimiento"),
        ),
        Column(
            "phone",
            "Teléfono",
            "Phone",
            parsers.phone,
            example="987654321",
            aliases=("celular", "telefono celular", "n celular", "nro celular", "numero de celular", "cel"),
        ),
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
            # How partners' lists name it.
            aliases=("consentimiento informado", "firmo consentimiento", "firmo el consentimiento", "acepta"),
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

    def write_many(self, rows, context) -> list:
        """In bulk, with the rules of participant_register, consent_record and enrollment_create: the user's right
        to register for the organization (checked once, in `check_access`; enrolling, once per import here), every
        model check but the database lookups already done in `clean` (`full_clean` without foreign keys), the DNI
        kept only hashed (a DNI registered meanwhile fails the database's unique constraint: nothing is written),
        an audit event for each record, and the duplicate queue fed once the import is committed."""
        user, organization, program = context.user, context.organization, context.program
        if program is not None:
            may_enroll = organization.pk in access.organization_ids(user, access.STAFF_ROLES) or (
                access.program_can_edit(user, program)
            )
            if not may_enroll or not access.programs_visible(user).filter(pk=program.pk).exists():
                raise PermissionDenied(_("No puede inscribir personas en ese programa por esa organización."))
        people = [self._person(values, context) for _number, values in rows]
        Participant.objects.bulk_create(people)
        consents = [
            self._consent(person, values, context) for person, (_number, values) in zip(people, rows, strict=True)
        ]
        Consent.objects.bulk_create(consents)
        enrollments = []
        if program is not None:
            enrollments = [
                self._valid(
                    Enrollment(
                        participant=person,
                        program=program,
                        organization=organization,
                        enrolled_on=values["enrolled_on"] or values["consent_date"],
                    )
                )
                for person, (_number, values) in zip(people, rows, strict=True)
            ]
            Enrollment.objects.bulk_create(enrollments)
        events = [audit_event(user, person, organization) for person in people]
        events += [audit_event(user, consent, organization) for consent in consents]
        events += [audit_event(user, enrollment, organization, program) for enrollment in enrollments]
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        transaction.on_commit(lambda: _queue_duplicates(people))
        written = []
        for index, (number, _values) in enumerate(rows):
            records = [people[index], consents[index]]
            if enrollments:
                records.append(enrollments[index])
            written.append((number, records))
        return written

    def _valid(self, instance):
        try:
            instance.full_clean(exclude=FOREIGN_KEYS, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ApplicationError.from_validation_error(error) from None
        return instance

    def _person(self, values: dict, context) -> Participant:
        person = Participant(
            registered_by=context.organization,
            given_names=values["given_names"],
            paternal_surname=values["paternal_surname"] or "",
            maternal_surname=values["maternal_surname"] or "",
            sex=values["sex"],
            birth_date=values["birth_date"],
            birth_year=values["birth_date"].year if values["birth_date"] else None,
            phone=values["phone"] or "",
            mother_tongue=values["mother_tongue"] or "",
            area=values["area"] or "",
            district=context.cache["districts"].get(values["district"]) if values["district"] else None,
            dni_hash=values["dni_hash"],
            dni_last_digits=dni_last_digits(values["dni"]) if values["dni"] else "",
            search_name=values["search_name"],
        )
        return self._valid(person)

    def _consent(self, person: Participant, values: dict, context) -> Consent:
        return self._valid(
            Consent(
                participant=person,
                recorded_by=context.user,
                purpose=str(DEFAULT_PURPOSE),
                text_version=values["consent_version"] or DEFAULT_TEXT_VERSION,
                method=values["consent_method"] or ConsentMethod.SIGNED_PAPER,
                covers_sensitive_data=False,
                given_on=values["consent_date"],
            )
        )


# Checked in `clean` from the preloaded lookups, or set by the import itself: not looked up again row by row.
FOREIGN_KEYS = [
    "registered_by",
    "district",
    "household",
    "merged_into",
    "participant",
    "recorded_by",
    "program",
    "organization",
]


def audit_event(user, instance, organization, program=None) -> AuditEvent:
    """The event audit_create writes, built to be inserted in bulk."""
    return AuditEvent(
        actor=user if user is not None and user.is_authenticated else None,
        action=AuditAction.CREATE,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:250],
        organization=organization,
        program=program,
        changes=audit_changes({}, record_snapshot(instance)),
    )


def _queue_duplicates(people) -> None:
    from minka.people.duplicates import duplicates_find_for

    for person in people:
        duplicates_find_for(person)
