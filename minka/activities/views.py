"""Pages for activities, their sessions, and the attendance page a field officer fills in on a phone.

Each view reads through a selector (another organization's activity is a 404, like a missing one), writes through a
service, and shows an ApplicationError as form errors. Users who may see an activity but not change it get a 403.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.activities import selectors, services
from minka.activities.catalogue import activity_types_ensure
from minka.activities.exports import ACTIVITY_COLUMNS, ATTENDANCE_COLUMNS
from minka.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    ActivityTypeForm,
    ProgramChoiceForm,
    SessionForm,
)
from minka.activities.models import Attendance, Session
from minka.core import exports
from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.programs import selectors as program_selectors

# Helpers -------------------------------------------------------------------------------------------------------


def _form_page(request, form, *, title, cancel_url, crumbs=(), intro="", submit=None):
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "crumbs": crumbs,
            "intro": intro,
            "submit": submit or _("Guardar"),
        },
    )


def _submit(request, form, write, *, success, next_url):
    """Validates `form` and calls `write(cleaned_data)`; on success a message and a redirect, else None."""
    if not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except ApplicationError as error:
        form_add_error(form, error)
        return None
    messages.success(request, success(result))
    return redirect(next_url(result))


def _filters(form) -> dict:
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def _partial(request, target: str) -> bool:
    return bool(request.htmx) and request.htmx.target == target


def _activity_url(activity) -> str:
    return reverse("activity_detail", args=[activity.pk])


def _activity_crumbs(activity=None):
    crumbs = [(reverse("activity_list"), _("Actividades"))]
    if activity is not None:
        crumbs.append((_activity_url(activity), activity.title))
    return crumbs


def _day(day) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _require_editor(request, activity):
    if not services.activity_can_edit(request.user, activity):
        raise Forbidden(_("No tiene permiso para modificar esta actividad."))


# Activities ----------------------------------------------------------------------------------------------------


@login_required
def activity_list(request):
    user = request.user
    programs = list(program_selectors.program_options(user=user))
    form = ActivityFilterForm(
        request.GET or None,
        programs=programs,
        types=selectors.activity_type_options(user=user),
        organizations=access.organizations_visible(user).filter(activities__isnull=False).distinct(),
    )
    filters = _filters(form)
    activities = selectors.activity_list(
        user=user,
        program=filters.get("program", ""),
        activity_type=filters.get("type", ""),
        organization=filters.get("organization", ""),
        territory=filters.get("territory", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        search=filters.get("q", ""),
    )
    if exports.export_format(request):
        if request.GET.get("of") == "attendance":
            attendance = (
                Attendance.objects.filter(session__activity__in=activities.values("pk"))
                .select_related("session__activity", "participant")
                .order_by("session__date", "session__activity__title", "pk")
            )
            return exports.export_response(request, rows=attendance, columns=ATTENDANCE_COLUMNS, filename="asistencia")
        return exports.export_response(request, rows=activities, columns=ACTIVITY_COLUMNS, filename="actividades")
    context = {"form": form, **paginate(request, activities)}
    if _partial(request, "activity-table"):
        return render(request, "activities/_activity_table.html", context)
    program = next((p for p in programs if p.slug == filters.get("program")), None)
    if program is None and len(programs) == 1 and not filters.get("program"):
        program = programs[0]  # most field officers work in one program: show its catalogue
    if program is not None:
        context["program"] = program
        context["program_types"] = selectors.activity_type_list(program=program)
        context["can_add_type"] = access.program_can_edit(user, program)
    context["can_create"] = services.activity_can_create_somewhere(user)
    return render(request, "activities/activity_list.html", context)


def _creatable_programs(user):
    return [p for p in program_selectors.program_options(user=user) if services.activity_can_create(user, p)]


@login_required
def activity_create(request):
    user = request.user
    slug = request.GET.get("program", "")
    if not slug:
        programs = _creatable_programs(user)
        if not programs:
            raise Forbidden(_("No puede registrar actividades en ningún programa."))
        if len(programs) == 1:
            return redirect(f"{reverse('activity_create')}?{urlencode({'program': programs[0].slug})}")
        form = ProgramChoiceForm(programs=programs)
        return render(request, "activities/program_choice.html", {"form": form, "crumbs": _activity_crumbs()})
    program = program_selectors.program_get(user=user, slug=slug)
    if not services.activity_can_create(user, program):
        raise Forbidden(_("No puede registrar actividades en este programa."))
    if not program.activity_types.exists():
        activity_types_ensure(program, user=user)  # a program's first activity brings the standard catalogue
    form = ActivityForm(request.POST or None, user=user, program=program)
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.activity_create(user=user, program=program, data=data),
            success=lambda activity: _("Actividad «%(title)s» registrada.") % {"title": activity.title},
            next_url=_activity_url,
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Nueva actividad"),
        intro=_("Programa: %(program)s") % {"program": program.name},
        cancel_url=reverse("activity_list"),
        crumbs=_activity_crumbs(),
    )


@login_required
def activity_detail(request, pk):
    user = request.user
    activity = selectors.activity_get(user=user, activity_id=pk)
    sessions = list(selectors.session_list(activity=activity))
    participants = selectors.activity_participants(user=user, activity=activity)
    for row in participants:
        row.url = reverse("person_detail", args=[row.participant.pk])
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "sessions": sessions,
            "participants": participants,
            "completed_count": sum(1 for row in participants if row.completed),
            "can_edit": services.activity_can_edit(user, activity),
        },
    )


@login_required
def activity_edit(request, pk):
    user = request.user
    activity = selectors.activity_get(user=user, activity_id=pk)
    _require_editor(request, activity)
    form = ActivityForm(request.POST or None, instance=copy.copy(activity), user=user, program=activity.program)
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.activity_update(user=user, activity=activity, data=data),
            success=lambda updated: _("Actividad «%(title)s» actualizada.") % {"title": updated.title},
            next_url=_activity_url,
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Editar actividad"),
        cancel_url=_activity_url(activity),
        crumbs=_activity_crumbs(activity),
    )


@login_required
def activity_type_create(request, slug):
    program = program_selectors.program_get(user=request.user, slug=slug)
    if not access.program_can_edit(request.user, program):
        raise Forbidden(_("No tiene permiso para modificar este programa."))
    form = ActivityTypeForm(request.POST or None, program=program)
    list_url = f"{reverse('activity_list')}?{urlencode({'program': program.slug})}"
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.activity_type_create(user=request.user, program=program, data=data),
            success=lambda activity_type: _("Tipo de actividad «%(name)s» añadido.") % {"name": activity_type.name},
            next_url=lambda activity_type: list_url,
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Nuevo tipo de actividad"),
        intro=_("Programa: %(program)s") % {"program": program.name},
        cancel_url=list_url,
        crumbs=_activity_crumbs(),
    )


# Sessions ------------------------------------------------------------------------------------------------------


@login_required
def session_create(request, pk):
    activity = selectors.activity_get(user=request.user, activity_id=pk)
    _require_editor(request, activity)
    form = SessionForm(
        request.POST or None,
        instance=Session(activity=activity),
        initial={"date": services.session_date_default(activity)},
    )
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.session_create(user=request.user, activity=activity, data=data),
            success=lambda session: _("Sesión del %(date)s registrada.") % {"date": _day(session.date)},
            next_url=lambda session: reverse("session_attendance", args=[session.pk]),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Nueva sesión"),
        intro=activity.title,
        cancel_url=_activity_url(activity),
        crumbs=_activity_crumbs(activity),
    )


@login_required
def session_edit(request, pk):
    session = selectors.session_get(user=request.user, session_id=pk)
    activity = session.activity
    _require_editor(request, activity)
    form = SessionForm(request.POST or None, instance=copy.copy(session))
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.session_update(user=request.user, session=session, data=data),
            success=lambda updated: _("Sesión del %(date)s actualizada.") % {"date": _day(updated.date)},
            next_url=lambda updated: _activity_url(activity),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Editar sesión"),
        intro=activity.title,
        cancel_url=_activity_url(activity),
        crumbs=_activity_crumbs(activity),
    )


# Attendance ----------------------------------------------------------------------------------------------------


def _posted_ids(request) -> list[int]:
    return [int(value) for value in request.POST.getlist("present") if value.isdigit()]


@login_required
def session_attendance(request, pk):
    """The whole attendance of a session on one page: a tick per person, saved in one go."""
    user = request.user
    session = selectors.session_get(user=user, session_id=pk)
    activity = session.activity
    _require_editor(request, activity)
    error = None
    not_enrolled = []
    ticked = None
    if request.method == "POST":
        ticked = set(_posted_ids(request))
        try:
            result = services.attendance_save(
                user=user, session=session, present_ids=ticked, enroll_missing=request.POST.get("enroll_missing") == "1"
            )
        except services.NotEnrolled as refused:
            error, not_enrolled = refused.message, refused.people
        except ApplicationError as refused:
            error = refused.message
        else:
            if result.enrolled:
                messages.success(
                    request,
                    _("Inscritas en el programa: %(names)s.")
                    % {"names": ", ".join(person.full_name for person in result.enrolled)},
                )
            messages.success(
                request,
                _("Asistencia guardada: %(present)s presentes.") % {"present": result.present},
            )
            return redirect("session_attendance", session.pk)
    roster = list(selectors.attendance_roster(user=user, session=session, extra_ids=ticked or ()))
    if ticked is not None:  # a form sent back: show the ticks as they were sent, not as stored
        for person in roster:
            person.present = person.pk in ticked
    here = reverse("session_attendance", args=[session.pk])
    # Back here once she is registered, enrolled in the activity's program.
    person_create = f"{reverse('person_create')}?{urlencode({'next': here, 'program': activity.program.slug})}"
    return render(
        request,
        "activities/session_attendance.html",
        {
            "session": session,
            "activity": activity,
            "roster": roster,
            "present_count": sum(1 for person in roster if person.present),
            "hidden_count": selectors.attendance_hidden_count(user=user, session=session),
            "error": error,
            "not_enrolled": not_enrolled,
            "person_create_url": person_create,
            "crumbs": _activity_crumbs(activity),
        },
    )


@login_required
def session_walkin_search(request, pk):
    """HTMX: people matching a name or DNI, to add to the attendance list as walk-ins."""
    session = selectors.session_get(user=request.user, session_id=pk)
    _require_editor(request, session.activity)
    query = request.GET.get("q", "")
    people = selectors.walkin_search(user=request.user, session=session, query=query)
    return render(
        request, "activities/_walkin_results.html", {"people": people, "query": query.strip(), "session": session}
    )
