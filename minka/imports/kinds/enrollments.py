"""`enrollments`: people already registered, enrolled in a program through the import's organization.

A person is named by her Minka code or her DNI (among the people the user may see); the program by its slug or
name, or left blank for the import's program. Natural key: person, program and organization — an enrollment
already there is "unchanged" (its status is not overwritten). Written through minka.people.services
.enrollment_create, which checks the user may enroll in that program through that organization.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.core.errors import PermissionDenied
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
from minka.people.models import Enrollment, EnrollmentStatus, Participant
from minka.people.services import enrollment_create

STATUS = parsers.choices_of(
    EnrollmentStatus,
    {"activo": "active", "concluido": "completed", "completado": "completed", "retirado": "dropped", "baja": "dropped"},
)


@register
class EnrollmentsKind(Kind):
    slug = "enrollments"
    label = gettext_lazy("Inscripciones en programas")
    model = Enrollment
    created_models = (Enrollment,)
    columns = (
        PERSON_ID,
        PERSON_DNI,
        Column(
            "program",
            "Programa",
            "Program",
            parsers.text,
            help=gettext_lazy("Identificador o nombre del programa; en blanco, el programa de la importación."),
            example="alpha",
        ),
        Column(
            "enrolled_on", "Fecha de inscripción", "Enrollment date", parsers.date, required=True, example="10/01/2025"
        ),
        Column("status", "Estado", "Status", STATUS, help=gettext_lazy("Activa (por defecto), Concluida o Retirada.")),
        Column("ended_on", "Fecha de término", "End date", parsers.date),
    )

    def check_access(self, context) -> None:
        if context.organization.pk not in access.organization_ids(context.user, access.STAFF_ROLES) and not (
            access.is_network_admin(context.user) or access.programs_editable_ids(context.user)
        ):
            raise PermissionDenied(_("No puede inscribir personas por esa organización."))

    def prepare(self, context) -> None:
        people_prepare(context)
        program_prepare(context)
        staff = context.organization.pk in access.organization_ids(context.user, access.STAFF_ROLES)
        context.cache["may_enroll"] = lambda program: staff or access.program_can_edit(context.user, program)
        context.cache["enrolled"] = set(
            Enrollment.objects.filter(organization=context.organization).values_list("participant_id", "program_id")
        )

    def clean(self, values: dict, context) -> dict:
        errors = []
        try:
            values["participant_id"] = person_find(values, context)
        except CellError as error:
            errors.append(error)
        try:
            values["program_obj"] = program = program_find(values, context)
            if not context.cache["may_enroll"](program):
                errors.append(
                    CellError(
                        _("No puede inscribir en ese programa por esta organización."),
                        code="forbidden",
                        column="program",
                    )
                )
        except CellError as error:
            errors.append(error)
        for key in ("enrolled_on", "ended_on"):
            if values[key] and values[key] > context.today:
                errors.append(CellError(_("La fecha no puede estar en el futuro."), code="future_date", column=key))
        if values["ended_on"] and values["enrolled_on"] and values["ended_on"] < values["enrolled_on"]:
            errors.append(
                CellError(
                    _("La fecha de término no puede ser anterior a la inscripción."), code="invalid", column="ended_on"
                )
            )
        if errors:
            raise RowErrors(errors)
        return values

    def natural_key(self, values: dict) -> str:
        return f"{values['participant_id']}|{values['program_obj'].pk}"

    def existing(self, values: dict, context):
        key = (values["participant_id"], values["program_obj"].pk)
        return key if key in context.cache["enrolled"] else None

    def write_many(self, rows, context):
        people = Participant.objects.in_bulk([values["participant_id"] for _number, values in rows])
        written = []
        for number, values in rows:
            data = {"enrolled_on": values["enrolled_on"], "status": values["status"] or EnrollmentStatus.ACTIVE}
            if values["ended_on"]:
                data["ended_on"] = values["ended_on"]
            enrollment = enrollment_create(
                user=context.user,
                participant=people[values["participant_id"]],
                program=values["program_obj"],
                organization=context.organization,
                data=data,
            )
            written.append((number, [enrollment]))
        return written
