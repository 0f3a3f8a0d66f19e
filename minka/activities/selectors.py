"""Reading activities, sessions and attendance, scoped to the user (`access.field_records_visible_filter`).

An activity the user may not see answers 404, exactly like a missing one; funders see none (aggregates only).
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.activities.services import activity_completions
from minka.people.models import Enrollment, Participant
from minka.people.selectors import person_list

WALKIN_RESULTS = 10
# Up to this many people enrolled through the organization are all listed on an attendance page.
ROSTER_FROM_ENROLLMENTS = 120


def activities_visible(user) -> QuerySet:
    condition = access.field_records_visible_filter(user)
    if condition is None:
        return Activity.objects.none()
    return Activity.objects.filter(condition)


def activity_list(
    *,
    user,
    program: str = "",
    activity_type: str = "",
    organization: str = "",
    territory: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    search: str = "",
) -> QuerySet:
    """Activities the user sees; `program`, `activity_type` and `organization` by slug or code, `territory` an ubigeo
    prefix of the site's district, the dates a range the activity overlaps."""
    activities = activities_visible(user)
    if program:
        activities = activities.filter(program__slug=program)
    if activity_type:
        activities = activities.filter(activity_type__code=activity_type)
    if organization:
        activities = activities.filter(organization__slug=organization)
    if territory:
        activities = activities.filter(site__district__code__startswith=territory)
    if date_from:
        activities = activities.filter(end_date__gte=date_from)
    if date_to:
        activities = activities.filter(start_date__lte=date_to)
    if search:
        activities = activities.filter(Q(title__icontains=search) | Q(facilitators__icontains=search))
    return (
        activities.select_related("program", "activity_type", "organization", "site__district")
        .annotate(
            session_count=Count("sessions", distinct=True),
            participant_count=Count("sessions__attendances__participant", distinct=True),
        )
        .order_by("-start_date", "title", "pk")
    )


def activity_get(*, user, activity_id: int) -> Activity:
    activities = activities_visible(user).select_related(
        "program", "project", "activity_type", "organization", "site__district__parent__parent"
    )
    return get_object_or_404(activities, pk=activity_id)


def session_get(*, user, session_id: int) -> Session:
    sessions = Session.objects.filter(activity__in=activities_visible(user).values("pk")).select_related(
        "activity__program", "activity__organization", "activity__activity_type"
    )
    return get_object_or_404(sessions, pk=session_id)


def session_list(*, activity: Activity) -> QuerySet:
    """The sessions of an activity (read through `activity_get`) with how many people attended each."""
    return activity.sessions.annotate(present_count=Count("attendances")).order_by("date", "pk")


def activity_participants(*, user, activity: Activity):
    """Who attended the activity, among the people the user sees, with sessions attended and completion."""
    return activity_completions(activity, people=access.people_visible(user))


def activity_type_list(*, program) -> QuerySet:
    return ActivityType.objects.filter(program=program).order_by("name_es")


def activity_type_options(*, user) -> list[tuple[str, str]]:
    """(code, name) of the types of the programs whose activities the user sees, one per code, for the filter."""
    if access.field_records_visible_filter(user) is None:
        return []
    programs = access.programs_visible(user).values("pk")
    types = ActivityType.objects.filter(program__in=programs).order_by("name_es", "code")
    options = {}
    for activity_type in types:
        options.setdefault(activity_type.code, activity_type.name)
    return sorted(options.items(), key=lambda item: item[1].lower())


def attendance_roster(*, user, session: Session, extra_ids=()) -> QuerySet:
    """The people of a session's attendance page, sorted by name, each with `present`, among the people the user sees:
    those who came to any session of the activity, `extra_ids` (walk-ins ticked on a form sent back), and the people
    enrolled in the program through the activity's organization when they are few enough to tick on a phone.

    A large program (thousands enrolled through one organization) lists only who has come; others are added with
    the walk-in search, and stay on the list from then on.
    """
    activity = session.activity
    marked = Attendance.objects.filter(session=session, participant=OuterRef("pk"))
    came = Attendance.objects.filter(session__activity=activity).values("participant_id")
    people = Q(pk__in=came) | Q(pk__in=list(extra_ids))
    enrolled = Enrollment.objects.filter(program_id=activity.program_id, organization_id=activity.organization_id)
    if enrolled.count() <= ROSTER_FROM_ENROLLMENTS:
        people |= Q(pk__in=enrolled.values("participant_id"))
    return (
        access.people_visible(user)
        .filter(people)
        .annotate(present=Exists(marked))
        .only("given_names", "paternal_surname", "maternal_surname", "dni_last_digits", "birth_date", "birth_year")
        .order_by("paternal_surname", "maternal_surname", "given_names", "pk")
    )


def attendance_hidden_count(*, user, session: Session) -> int:
    """People marked present whom the user may not see (marked by a program coordinator); their marks are kept."""
    visible = access.people_visible(user).values("pk")
    return Attendance.objects.filter(session=session).exclude(participant__in=visible).count()


def walkin_search(*, user, session: Session, query: str) -> list[Participant]:
    """People the user sees matching `query` (a name, typos allowed, or a DNI) who are not on the session's list yet,
    best matches first."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    on_list = set(attendance_roster(user=user, session=session).values_list("pk", flat=True))
    found = person_list(user=user, q=query)
    if isinstance(found, QuerySet):
        found = found.exclude(pk__in=on_list)[:WALKIN_RESULTS]
    return [person for person in found if person.pk not in on_list][:WALKIN_RESULTS]
