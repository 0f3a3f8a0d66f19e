"""Activities, their sessions and attendance over the API: the same selectors (scoping) and services (dates, who
may write, enrollment of walk-ins, audit) as the pages.

Attendance is set a whole session at a time (`PUT /sessions/{id}/attendance`), as on the attendance page: the
people listed are present, everyone else is not.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import WithJsonSchema

from minka.accounts import access
from minka.activities import selectors, services
from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.core.api_support import (
    MAX_ID,
    Filters,
    Id,
    Input,
    Money,
    Pagination,
    patch_schema,
    read_responses,
    resolve,
    write_responses,
)
from minka.core.errors import ApplicationError
from minka.network.api import OrganizationRef, TerritoryRef
from minka.network.models import Site
from minka.programs.models import Program

router = Router()

ACTIVITIES = ["activities"]
SESSIONS = ["sessions"]

# The share of sessions to attend to complete an activity, 0–100 with two decimals, sent as "75.00" or 75.
PercentIn = Annotated[
    Decimal,
    Field(ge=0, le=100, max_digits=5, decimal_places=2),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "75.00"}),
]
MAX_PARTICIPANTS = 5000


# --- Schemas ----------------------------------------------------------------------------------------------------


class ActivityTypeRef(Schema):
    code: str
    name: str = Field(..., description="In the language of the request.")
    category: str


class SiteRef(Schema):
    id: int
    name: str
    district: TerritoryRef


class ActivityOut(Schema):
    id: int
    program: str = Field(..., alias="program.slug", description="Slug of the program.")
    project: int | None = Field(None, alias="project_id", description="Id of the project.")
    organization: OrganizationRef
    site: SiteRef | None
    activity_type: ActivityTypeRef
    title: str
    start_date: datetime.date
    end_date: datetime.date
    facilitators: str
    completion_percent: Money = Field(..., description="Share of sessions to attend to complete it (%).")
    session_count: int | None = Field(None, description="Sessions held (lists only).")
    participant_count: int | None = Field(None, description="Distinct people who attended (lists only).")


class ActivityDetailOut(ActivityOut):
    can_edit: bool = Field(..., description="Whether you may change it, its sessions and attendance.")


class ActivityIn(Input):
    activity_type: str = Field(..., description="Code of a type of the program's catalogue, e.g. business-training.")
    title: str
    organization: str = Field(..., description="Slug of the organization running it (one you work for).")
    project: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a project of the same program.")
    site: int | None = Field(None, ge=1, le=MAX_ID, description="Id of a site of the organization.")
    start_date: datetime.date
    end_date: datetime.date
    facilitators: str = ""
    completion_percent: PercentIn = Decimal("75")


class ActivityCreateIn(ActivityIn):
    program: str = Field(..., description="Slug of the program; it stays as created.")


ActivityPatch = patch_schema(ActivityIn, "ActivityPatch")


class ActivityFilters(Filters):
    program: str = Field("", description="Slug of the program.")
    type: str = Field("", description="Code of the activity type.")
    organization: str = Field("", description="Slug of the organization.")
    territory: str = Field("", description="Ubigeo prefix of the site's district.")
    date_from: datetime.date | None = Field(None, description="Activities ending on or after this day.")
    date_to: datetime.date | None = Field(None, description="Activities starting on or before this day.")
    q: str = Field("", max_length=100, description="Part of the title or of the facilitators' names.")


class SessionOut(Schema):
    id: int
    activity: int = Field(..., alias="activity_id")
    date: datetime.date
    topic: str
    present_count: int | None = Field(None, description="People marked present (lists only).")


class SessionIn(Input):
    date: datetime.date = Field(..., description="Within the activity's dates.")
    topic: str = ""


SessionPatch = patch_schema(SessionIn, "SessionPatch")


class RosterOut(Schema):
    id: int
    full_name: str
    dni_last_digits: str
    present: bool


class AttendanceOut(Schema):
    session: int
    activity: int
    date: datetime.date
    participants: list[int] = Field(..., description="Ids of the people present (those you see).")
    present_count: int = Field(..., description="People present, including those you do not see.")
    hidden_count: int = Field(..., description="People present whom you may not see; a PUT keeps them.")
    roster: list[RosterOut] = Field(
        ..., description="The people enrolled through the activity's organization and those present, with a tick each."
    )


class AttendanceSavedOut(AttendanceOut):
    added: list[int]
    removed: list[int]
    enrolled: list[int] = Field(..., description="People enrolled in the program on the way (enroll_missing).")


class AttendanceIn(Input):
    participants: list[Id] = Field(
        ..., max_length=MAX_PARTICIPANTS, description="Ids of everyone present; anyone not listed is marked absent."
    )
    enroll_missing: bool = Field(
        False,
        description="Enroll in the program, through the activity's organization, those listed who are not enrolled "
        "(otherwise they are refused, all together, and nothing is saved).",
    )


# --- Natural keys in request bodies -----------------------------------------------------------------------------


def _program(user, slug: str) -> Program:
    return resolve(access.programs_visible(user), "program", slug=slug)


def _activity_data(user, program: Program, payload, *, activity: Activity | None = None) -> dict:
    data = payload.model_dump(exclude_unset=True, exclude={"program"})
    if "activity_type" in data:
        if not ActivityType.objects.filter(program=program).exists() and services.activity_can_create(user, program):
            activity_types_ensure(program, user=user)  # a program's first activity brings the standard catalogue
        data["activity_type"] = resolve(
            ActivityType.objects.filter(program=program), "activity_type", code=data["activity_type"]
        )
    if "organization" in data:
        if activity is not None and data["organization"] == activity.organization.slug:
            data["organization"] = activity.organization
        else:
            # Among those the user sees; the service then checks they may run activities for it.
            data["organization"] = resolve(
                access.organizations_visible(user), "organization", slug=data["organization"]
            )
    if data.get("project") is not None:
        data["project"] = resolve(access.projects_visible(user).filter(program=program), "project", pk=data["project"])
    if data.get("site") is not None:
        sites = Site.objects.filter(
            is_active=True,
            organization__in=services.activity_organization_choices(user, program).values("pk"),
        )
        if activity is not None and activity.site_id == data["site"]:
            sites = Site.objects.filter(pk=activity.site_id)
        data["site"] = resolve(sites, "site", pk=data["site"])
    return data


def _detail(user, activity_id: int) -> Activity:
    activity = selectors.activity_get(user=user, activity_id=activity_id)
    activity.can_edit = services.activity_can_edit(user, activity)
    return activity


def _attendance(user, session: Session) -> dict:
    roster = list(selectors.attendance_roster(user=user, session=session))
    hidden = selectors.attendance_hidden_count(user=user, session=session)
    present = [person.pk for person in roster if person.present]
    return {
        "session": session.pk,
        "activity": session.activity_id,
        "date": session.date,
        "participants": present,
        "present_count": len(present) + hidden,
        "hidden_count": hidden,
        "roster": [
            {
                "id": person.pk,
                "full_name": person.full_name,
                "dni_last_digits": person.dni_last_digits,
                "present": person.present,
            }
            for person in roster
        ],
    }


# --- Activities -------------------------------------------------------------------------------------------------


@router.get("/activities", response=read_responses(list[ActivityOut]), tags=ACTIVITIES)
@paginate(Pagination)
def activity_list(request, filters: Query[ActivityFilters]):
    """The activities of your organizations and of the programs you coordinate or audit, latest first."""
    return selectors.activity_list(
        user=request.auth,
        program=filters.program.strip(),
        activity_type=filters.type.strip(),
        organization=filters.organization.strip(),
        territory=filters.territory.strip(),
        date_from=filters.date_from,
        date_to=filters.date_to,
        search=filters.q.strip(),
    )


@router.post("/activities", response=write_responses(ActivityDetailOut, status=201), tags=ACTIVITIES)
def activity_create(request, payload: ActivityCreateIn):
    """A new activity of a program, run by one of your organizations (or any of the program's, as coordinator)."""
    user = request.auth
    program = _program(user, payload.program)
    activity = services.activity_create(user=user, program=program, data=_activity_data(user, program, payload))
    return Status(201, _detail(user, activity.pk))


@router.get("/activities/{activity_id}", response=read_responses(ActivityDetailOut), tags=ACTIVITIES)
def activity_detail(request, activity_id: Id):
    return _detail(request.auth, activity_id)


@router.patch("/activities/{activity_id}", response=write_responses(ActivityDetailOut), tags=ACTIVITIES)
def activity_update(request, activity_id: Id, payload: ActivityPatch):
    """Changes the fields sent. The program stays; the dates must keep every session inside them."""
    user = request.auth
    activity = selectors.activity_get(user=user, activity_id=activity_id)
    data = _activity_data(user, activity.program, payload, activity=activity)
    services.activity_update(user=user, activity=activity, data=data)
    return _detail(user, activity_id)


# --- Sessions and attendance ------------------------------------------------------------------------------------


@router.get("/activities/{activity_id}/sessions", response=read_responses(list[SessionOut]), tags=SESSIONS)
def session_list(request, activity_id: Id):
    """The sessions of the activity by date, with how many people attended each."""
    activity = selectors.activity_get(user=request.auth, activity_id=activity_id)
    return selectors.session_list(activity=activity)


@router.post("/activities/{activity_id}/sessions", response=write_responses(SessionOut, status=201), tags=SESSIONS)
def session_create(request, activity_id: Id, payload: SessionIn):
    """A session on a day within the activity's dates."""
    activity = selectors.activity_get(user=request.auth, activity_id=activity_id)
    session = services.session_create(user=request.auth, activity=activity, data=payload.model_dump())
    return Status(201, session)


@router.patch("/sessions/{session_id}", response=write_responses(SessionOut), tags=SESSIONS)
def session_update(request, session_id: Id, payload: SessionPatch):
    session = selectors.session_get(user=request.auth, session_id=session_id)
    return services.session_update(user=request.auth, session=session, data=payload.model_dump(exclude_unset=True))


@router.get("/sessions/{session_id}/attendance", response=read_responses(AttendanceOut), tags=SESSIONS)
def attendance_detail(request, session_id: Id):
    """Who was present, and the roster to take attendance from."""
    session = selectors.session_get(user=request.auth, session_id=session_id)
    return _attendance(request.auth, session)


@router.put("/sessions/{session_id}/attendance", response=write_responses(AttendanceSavedOut), tags=SESSIONS)
def attendance_save(request, session_id: Id, payload: AttendanceIn):
    """Sets the whole attendance of the session. People not enrolled in the activity's program are refused, all
    together (400 `not_enrolled`, naming them under `participants`), unless `enroll_missing` is true."""
    user = request.auth
    session = selectors.session_get(user=user, session_id=session_id)
    wanted = list(dict.fromkeys(payload.participants))
    try:
        result = services.attendance_save(
            user=user, session=session, present_ids=wanted, enroll_missing=payload.enroll_missing
        )
    except services.NotEnrolled as refused:
        raise ApplicationError(
            refused.message,
            code=refused.code,
            fields={
                "participants": [
                    _("%(name)s (id %(id)s) no está inscrita en el programa.")
                    % {"name": person.full_name, "id": person.pk}
                    for person in refused.people
                ]
            },
        ) from None
    except ApplicationError as refused:
        if refused.code != "unknown_people":
            raise
        known = set(access.people_visible(user).filter(pk__in=wanted).values_list("pk", flat=True))
        known |= set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))
        unknown = [pk for pk in wanted if pk not in known]
        raise ApplicationError(
            refused.message,
            code=refused.code,
            fields={"participants": [_("Ids desconocidos: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}]},
        ) from None
    body = _attendance(user, selectors.session_get(user=user, session_id=session_id))
    return {
        **body,
        "added": result.added,
        "removed": result.removed,
        "enrolled": [person.pk for person in result.enrolled],
    }
