"""The columns of the activity list's downloads: the activities, and the attendance at their sessions."""

from django.utils.translation import gettext_lazy as _

from minka.core.exports import DATE, INTEGER, Column, choice_label
from minka.people.models import Sex

ACTIVITY_COLUMNS = [
    Column(_("Código"), lambda a: a.pk, INTEGER),
    Column(_("Actividad"), lambda a: a.title),
    Column(_("Tipo"), lambda a: a.activity_type.name),
    Column(_("Programa"), lambda a: str(a.program)),
    Column(_("Organización"), lambda a: str(a.organization)),
    Column(_("Sede"), lambda a: a.site.name if a.site else ""),
    Column(_("Distrito"), lambda a: a.site.district.name if a.site and a.site.district else ""),
    Column(_("Inicio"), lambda a: a.start_date, DATE),
    Column(_("Fin"), lambda a: a.end_date, DATE),
    Column(_("Sesiones"), lambda a: a.session_count, INTEGER),
    Column(_("Personas"), lambda a: a.participant_count, INTEGER),
]

ATTENDANCE_COLUMNS = [
    Column(_("Actividad"), lambda a: a.session.activity.title),
    Column(_("Fecha de la sesión"), lambda a: a.session.date, DATE),
    Column(_("Tema"), lambda a: a.session.topic),
    Column(_("Código de la persona"), lambda a: a.participant_id, INTEGER),
    Column(_("Nombre"), lambda a: a.participant.full_name, personal=True),
    Column(_("Sexo"), choice_label(Sex, lambda a: a.participant.sex)),
    Column(_("Edad"), lambda a: a.participant.age_on(a.session.date), INTEGER),
]
