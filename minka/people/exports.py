"""The columns of the people list's downloads: the people, and their enrollments."""

from django.utils.translation import gettext_lazy as _

from minka.core.exports import DATE, INTEGER, Column, choice_label
from minka.people.models import Area, EnrollmentStatus, Sex

PERSON_COLUMNS = [
    Column(_("Código"), lambda p: p.pk, INTEGER),
    Column(_("Nombres"), lambda p: p.given_names, personal=True),
    Column(_("Apellido paterno"), lambda p: p.paternal_surname, personal=True),
    Column(_("Apellido materno"), lambda p: p.maternal_surname, personal=True),
    Column(_("DNI (últimos dígitos)"), lambda p: p.dni_last_digits, personal=True),
    Column(_("Sexo"), choice_label(Sex, lambda p: p.sex)),
    Column(_("Fecha de nacimiento"), lambda p: p.birth_date, DATE, personal=True),
    Column(_("Edad"), lambda p: p.age, INTEGER),
    Column(_("Teléfono"), lambda p: p.phone, personal=True),
    Column(_("Área de residencia"), choice_label(Area, lambda p: p.area)),
    Column(_("Ubigeo"), lambda p: p.district.code if p.district else ""),
    Column(_("Distrito"), lambda p: p.district.name if p.district else ""),
    Column(_("Organización"), lambda p: str(p.registered_by)),
]

ENROLLMENT_COLUMNS = [
    Column(_("Código de la persona"), lambda e: e.participant_id, INTEGER),
    Column(_("Nombre"), lambda e: e.participant.full_name, personal=True),
    Column(_("Sexo"), choice_label(Sex, lambda e: e.participant.sex)),
    Column(_("Programa"), lambda e: str(e.program)),
    Column(_("Organización"), lambda e: str(e.organization)),
    Column(_("Fecha de inscripción"), lambda e: e.enrolled_on, DATE),
    Column(_("Estado"), choice_label(EnrollmentStatus, lambda e: e.status)),
    Column(_("Fecha de término"), lambda e: e.ended_on, DATE),
]
