"""Activities, their sessions and attendance: every write in one transaction, checked and audited.

Who may write: the staff of the activity's organization and the coordinators of its program
(`access.field_record_can_edit`). Attendance is set a whole session at a time, as a field officer takes it on
paper: the people ticked are present, everyone else is not.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.accounts.models import ProgramRoleKind
from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.audit.models import AuditAction
from minka.audit.services import audit_create, audit_record, audit_update, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.services import record_save
from minka.network.models import Organization
from minka.people.models import Enrollment, Participant

ACTIVITY_FIELDS = (
    "project",
    "organization",
    "site",
    "activity_type",
    "title",
    "start_date",
    "end_date",
    "facilitators",
    "completion_percent",
)
ACTIVITY_TYPE_FIELDS = ("code", "name_es", "name_en", "category")
SESSION_FIELDS = ("date", "topic")


def _only(data: dict, allowed) -> dict:
    return {key: value for key, value in data.items() if key in allowed}


def activity_can_edit(user, activity: Activity) -> bool:
    return access.field_record_can_edit(user, organization_id=activity.organization_id, program_id=activity.program_id)


def _require_editor(user, activity: Activity):
    if not activity_can_edit(user, activity):
        raise PermissionDenied(_("No tiene permiso para modificar esta actividad."))


def activity_organization_choices(user, program):
    """The organizations through which the user may run an activity of `program`: those they work for, and any
    organization taking part in the program for its coordinators."""
    if access.is_network_admin(user):
        return Organization.objects.filter(is_active=True)
    ids = access.organization_ids(user, access.STAFF_ROLES)
    if program.pk in access.program_role_ids(user, [ProgramRoleKind.COORDINATOR]):
        ids |= access.program_organization_ids(program)
    return Organization.objects.filter(pk__in=ids, is_active=True)


def activity_can_create(user, program) -> bool:
    return access.programs_visible(user).filter(pk=program.pk).exists() and (
        activity_organization_choices(user, program).exists()
    )


def activity_can_create_somewhere(user) -> bool:
    """Whether the user may register activities in some program: staff of an organization, or a coordinator."""
    return (
        access.is_network_admin(user)
        or bool(access.organization_ids(user, access.STAFF_ROLES))
        or bool(access.program_role_ids(user, [ProgramRoleKind.COORDINATOR]))
    )


def _check_organization(user, program, organization):
    if organization is None or not activity_organization_choices(user, program).filter(pk=organization.pk).exists():
        raise ApplicationError(
            _("No puede registrar actividades de esa organización en este programa."),
            code="organization_not_allowed",
            fields={"organization": [_("Elija una organización para la que trabaja.")]},
        )


@transaction.atomic
def activity_create(*, user, program, data: dict) -> Activity:
    if not activity_can_create(user, program):
        raise PermissionDenied(_("No puede registrar actividades en este programa."))
    values = _only(data, ACTIVITY_FIELDS)
    _check_organization(user, program, values.get("organization"))
    activity = record_save(Activity(program=program), values)
    audit_create(actor=user, instance=activity, organization=activity.organization, program=program)
    return activity


def _check_sessions_within(activity: Activity):
    outside = activity.sessions.exclude(date__range=(activity.start_date, activity.end_date)).count()
    if outside:
        raise ApplicationError(
            _("Hay %(count)s sesiones fuera de las nuevas fechas: cámbielas primero o amplíe las fechas.")
            % {"count": outside},
            code="sessions_outside",
            fields={"start_date": [_("Deja sesiones fuera.")], "end_date": [_("Deja sesiones fuera.")]},
        )


@transaction.atomic
def activity_update(*, user, activity: Activity, data: dict) -> Activity:
    """Changes an activity. Its program stays (enrollment and attendance depend on it); its dates must keep every
    session inside them."""
    activity = Activity.objects.select_for_update().select_related("program").get(pk=activity.pk)
    _require_editor(user, activity)
    values = _only(data, ACTIVITY_FIELDS)
    organization = values.get("organization")
    if organization is not None and organization.pk != activity.organization_id:
        _check_organization(user, activity.program, organization)
    before = record_snapshot(activity)
    record_save(activity, values)
    _check_sessions_within(activity)
    audit_update(
        actor=user, instance=activity, before=before, organization=activity.organization, program=activity.program
    )
    return activity


@transaction.atomic
def activity_type_create(*, user, program, data: dict) -> ActivityType:
    """A program's own type of activity, beside the standard ones."""
    if not access.program_can_edit(user, program):
        raise PermissionDenied(_("No tiene permiso para modificar este programa."))
    activity_type = record_save(ActivityType(program=program), _only(data, ACTIVITY_TYPE_FIELDS))
    audit_create(actor=user, instance=activity_type, program=program)
    return activity_type


def session_outside_message(activity: Activity) -> str:
    return _("La sesión debe caer entre el inicio (%(start)s) y el fin (%(end)s) de la actividad.") % {
        "start": date_format(activity.start_date, "SHORT_DATE_FORMAT"),
        "end": date_format(activity.end_date, "SHORT_DATE_FORMAT"),
    }


def _check_session_date(activity: Activity, day):
    if day and not (activity.start_date <= day <= activity.end_date):
        message = session_outside_message(activity)
        raise ApplicationError(message, code="session_outside_activity", fields={"date": [message]})


@transaction.atomic
def session_create(*, user, activity: Activity, data: dict) -> Session:
    _require_editor(user, activity)
    values = _only(data, SESSION_FIELDS)
    _check_session_date(activity, values.get("date"))
    session = record_save(Session(activity=activity), values)
    audit_create(actor=user, instance=session, organization=activity.organization, program=activity.program)
    return session


@transaction.atomic
def session_update(*, user, session: Session, data: dict) -> Session:
    session = Session.objects.select_for_update().select_related("activity__program").get(pk=session.pk)
    activity = session.activity
    _require_editor(user, activity)
    values = _only(data, SESSION_FIELDS)
    _check_session_date(activity, values.get("date", session.date))
    before = record_snapshot(session)
    record_save(session, values)
    audit_update(
        actor=user, instance=session, before=before, organization=activity.organization, program=activity.program
    )
    return session


# Attendance ----------------------------------------------------------------------------------------------------


class NotEnrolled(ApplicationError):
    """Some of the people ticked are not enrolled in the activity's program; `people` names them, so the page can
    offer to enroll them."""

    def __init__(self, message, *, people):
        super().__init__(message, code="not_enrolled", fields={"present": [message]})
        self.people = people


@dataclass
class AttendanceResult:
    present: int
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    enrolled: list[Participant] = field(default_factory=list)


def _ids(values) -> set[int]:
    try:
        return {int(value) for value in values}
    except (TypeError, ValueError):
        raise ApplicationError(_("La lista de asistencia no es válida."), code="invalid") from None


@transaction.atomic
def attendance_save(*, user, session: Session, present_ids, enroll_missing: bool = False) -> AttendanceResult:
    """Sets who attended `session`: afterwards exactly the people in `present_ids` are marked present.

    People must be enrolled in the activity's program. Those who are not are refused, all together, with a
    `NotEnrolled` error naming them, and nothing is saved; with `enroll_missing` they are enrolled in the program
    through the activity's organization first (a walk-in who stays). Marks for people the user may not see (set by
    a program coordinator) are kept: a user can only change what their page shows them.
    """
    locked = Session.objects.select_for_update().select_related("activity__program", "activity__organization")
    session = locked.get(pk=session.pk)
    activity = session.activity
    _require_editor(user, activity)
    wanted = _ids(present_ids)
    before = set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))
    visible = set(access.people_visible(user).filter(pk__in=wanted | before).values_list("pk", flat=True))
    unknown = wanted - visible - before
    if unknown:
        raise ApplicationError(
            _("Algunas de las personas marcadas no existen o no están a su alcance."), code="unknown_people"
        )
    kept_hidden = before - visible
    after = wanted | kept_hidden
    added = after - before
    removed = before - after
    enrolled_ids = set(
        Enrollment.objects.filter(program=activity.program, participant__in=added).values_list(
            "participant_id", flat=True
        )
    )
    missing = list(Participant.objects.filter(pk__in=added - enrolled_ids).order_by(*Participant._meta.ordering))
    newly_enrolled = []
    if missing and not enroll_missing:
        names = ", ".join(person.full_name for person in missing)
        raise NotEnrolled(
            _("No están inscritas en el programa: %(names)s.") % {"names": names},
            people=missing,
        )
    if missing:
        from minka.people.services import enrollment_create

        enrolled_on = min(session.date, timezone.localdate())
        for person in missing:
            enrollment_create(
                user=user,
                participant=person,
                program=activity.program,
                organization=activity.organization,
                data={"enrolled_on": enrolled_on},
            )
            newly_enrolled.append(person)
    if removed:
        Attendance.objects.filter(session=session, participant__in=removed).delete()
    if added:
        Attendance.objects.bulk_create(
            [Attendance(session=session, participant_id=pk, recorded_by=user) for pk in sorted(added)]
        )
    if added or removed:
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            instance=session,
            changes={"present": [sorted(before), sorted(after)]},
            organization=activity.organization,
            program=activity.program,
        )
    return AttendanceResult(present=len(after), added=sorted(added), removed=sorted(removed), enrolled=newly_enrolled)


# Completion ----------------------------------------------------------------------------------------------------


def completion_reached(*, attended: int, total: int, percent) -> bool:
    """Whether `attended` of `total` sessions reaches `percent` (exact: no rounding, no floats)."""
    if total <= 0:
        return False
    return Decimal(attended) * 100 >= Decimal(percent) * total


@dataclass
class Completion:
    participant: Participant
    attended: int
    total: int
    completed: bool

    @property
    def percent(self) -> int:
        return (self.attended * 100 // self.total) if self.total else 0


def activity_completions(activity: Activity, *, people=None) -> list[Completion]:
    """Each person who attended any session of `activity` (among `people`, a queryset, when given): sessions
    attended, sessions held, and whether she completed it by the activity's rule. Three queries, whatever the
    number of people."""
    total = activity.sessions.count()
    counts = (
        Attendance.objects.filter(session__activity=activity)
        .values("participant_id")
        .annotate(attended=Count("session", distinct=True))
    )
    attended = {row["participant_id"]: row["attended"] for row in counts}
    people = (Participant.objects.all() if people is None else people).filter(pk__in=attended.keys())
    return [
        Completion(
            participant=person,
            attended=attended[person.pk],
            total=total,
            completed=completion_reached(
                attended=attended[person.pk], total=total, percent=activity.completion_percent
            ),
        )
        for person in people
    ]


def session_date_default(activity: Activity) -> datetime.date:
    """Today when it falls within the activity, else its first day: what a new session's form proposes."""
    today = timezone.localdate()
    return today if activity.start_date <= today <= activity.end_date else activity.start_date
