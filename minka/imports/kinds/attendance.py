"""`attendance`: who was present at which session of which activity, one row per person and session.

The activity is named by its Minka code (its number) or its title, among the activities of the import's
organization (and program, when the import names one) that the user may edit; a title two activities share must
be replaced by the code. The session is the activity's session on that date, created when there is none (through
minka.activities.services.session_create: checked and audited). The person, by code or DNI, must be enrolled in
the activity's program, as on the attendance page. A row marked "no" in the present column is skipped: absence
is the lack of a record, and an import never removes attendance.

Natural key: activity, date and person. Attendance already recorded is "unchanged".

Writing is in bulk (100,000 rows in seconds): attendance rows are inserted together, and each session touched gets
one audit event listing who was present before and after, the event attendance_save writes.
"""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.activities.models import Activity, Attendance, Session
from minka.activities.services import session_create
from minka.audit.models import AuditAction
from minka.audit.services import audit_record
from minka.core.errors import PermissionDenied
from minka.imports import values as parsers
from minka.imports.kinds.base import CellError, Column, Kind, RowErrors, register
from minka.imports.kinds.lookups import PERSON_DNI, PERSON_ID, people_prepare, person_find
from minka.imports.values import plain
from minka.people.models import Enrollment


@register
class AttendanceKind(Kind):
    slug = "attendance"
    label = gettext_lazy("Asistencia a sesiones")
    model = Attendance
    created_models = (Attendance, Session)
    columns = (
        Column(
            "activity",
            "Actividad",
            "Activity",
            parsers.text,
            required=True,
            help=gettext_lazy("Código (número) o título de la actividad."),
            example="Taller de costos",
        ),
        Column("session_date", "Fecha de la sesión", "Session date", parsers.date, required=True, example="04/03/2025"),
        PERSON_ID,
        PERSON_DNI,
        Column(
            "present",
            "Asistió",
            "Present",
            parsers.yes_no,
            help=gettext_lazy("sí (por defecto) o no; un «no» no registra nada."),
            example="sí",
            aliases=("presente", "asistencia", "attended"),
        ),
    )

    def check_access(self, context) -> None:
        program_id = context.program.pk if context.program is not None else None
        if not access.field_record_can_edit(
            context.user, organization_id=context.organization.pk, program_id=program_id
        ):
            raise PermissionDenied(_("No puede registrar asistencia en las actividades de esa organización."))

    def prepare(self, context) -> None:
        people_prepare(context)
        activities = Activity.objects.filter(organization=context.organization).select_related(
            "program", "organization"
        )
        if context.program is not None:
            activities = activities.filter(program=context.program)
        editable = [
            activity
            for activity in activities
            if access.field_record_can_edit(
                context.user, organization_id=activity.organization_id, program_id=activity.program_id
            )
        ]
        context.cache["activities"] = {str(activity.pk): activity for activity in editable}
        titles = defaultdict(list)
        for activity in editable:
            titles[plain(activity.title)].append(activity)
        context.cache["titles"] = titles
        ids = [activity.pk for activity in editable]
        context.cache["sessions"] = {}
        for pk, activity_id, day in (
            Session.objects.filter(activity__in=ids).order_by("-pk").values_list("pk", "activity_id", "date")
        ):
            context.cache["sessions"][(activity_id, day)] = pk  # the earliest session of a day wins
        context.cache["present"] = set(
            Attendance.objects.filter(session__activity__in=ids).values_list(
                "session__activity_id", "session__date", "participant_id"
            )
        )
        programs = {activity.program_id for activity in editable}
        context.cache["enrolled"] = set(
            Enrollment.objects.filter(program__in=programs).values_list("participant_id", "program_id")
        )

    def _activity(self, name: str, context) -> Activity:
        activity = context.cache["activities"].get(name.removesuffix(".0"))
        if activity is not None:
            return activity
        found = context.cache["titles"].get(plain(name), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise CellError(
                _("Hay %(count)s actividades con ese título; anote su código.") % {"count": len(found)},
                code="ambiguous_activity",
                column="activity",
            )
        raise CellError(
            _("No hay a su alcance una actividad «%(name)s» de esta organización.") % {"name": name},
            code="unknown_activity",
            column="activity",
        )

    def clean(self, values: dict, context) -> dict | None:
        if values["present"] is False:
            return None
        errors = []
        activity = None
        try:
            activity = self._activity(values["activity"], context)
        except CellError as error:
            errors.append(error)
        day = values["session_date"]
        if activity is not None and not (activity.start_date <= day <= activity.end_date):
            errors.append(
                CellError(
                    _("La sesión debe caer entre el inicio (%(start)s) y el fin (%(end)s) de la actividad.")
                    % {"start": f"{activity.start_date:%d/%m/%Y}", "end": f"{activity.end_date:%d/%m/%Y}"},
                    code="outside_activity",
                    column="session_date",
                )
            )
        try:
            person = person_find(values, context)
        except CellError as error:
            errors.append(error)
            person = None
        if (
            person is not None
            and activity is not None
            and (person, activity.program_id) not in context.cache["enrolled"]
        ):
            errors.append(
                CellError(
                    _("La persona no está inscrita en el programa de la actividad."),
                    code="not_enrolled",
                    column="person_id" if values["person_id"] is not None else "dni",
                )
            )
        if errors:
            raise RowErrors(errors)
        values["activity_obj"], values["participant_id"] = activity, person
        return values

    def natural_key(self, values: dict) -> str:
        return f"{values['activity_obj'].pk}|{values['session_date'].isoformat()}|{values['participant_id']}"

    def existing(self, values: dict, context):
        key = (values["activity_obj"].pk, values["session_date"], values["participant_id"])
        return key if key in context.cache["present"] else None

    def write_many(self, rows, context):
        sessions = context.cache["sessions"]
        created = defaultdict(list)
        attendances = []
        touched = {}  # session id → (activity, day)
        for number, values in rows:
            activity, day = values["activity_obj"], values["session_date"]
            session_id = sessions.get((activity.pk, day))
            if session_id is None:
                session = session_create(user=context.user, activity=activity, data={"date": day})
                sessions[(activity.pk, day)] = session_id = session.pk
                created[number].append(session)
            touched[session_id] = (activity, day)
            attendance = Attendance(
                session_id=session_id, participant_id=values["participant_id"], recorded_by=context.user
            )
            attendances.append(attendance)
            created[number].append(attendance)
        Attendance.objects.bulk_create(attendances, batch_size=2000)
        self._audit(attendances, touched, context)
        return [(number, created[number]) for number, _values in rows]

    def _audit(self, attendances, touched, context) -> None:
        """One event per session, as attendance_save writes it: who was present before and after."""
        added = defaultdict(set)
        for attendance in attendances:
            added[attendance.session_id].add(attendance.participant_id)
        before = defaultdict(set)
        earlier = Attendance.objects.filter(session__in=list(added)).exclude(pk__in=[a.pk for a in attendances])
        for session_id, participant_id in earlier.values_list("session_id", "participant_id"):
            before[session_id].add(participant_id)
        for session_id, people in added.items():
            activity, day = touched[session_id]
            audit_record(
                actor=context.user,
                action=AuditAction.UPDATE,
                instance=Session(pk=session_id, activity=activity, date=day),
                changes={"present": [sorted(before[session_id]), sorted(before[session_id] | people)]},
                organization=activity.organization,
                program=activity.program,
            )
