"""Vacancies and what follows them: the ranked seekers with each score explained, the shortlist, applications and
their states, the hire (placement) and its follow-ups at 3 and 6 months."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.employment import selectors, services
from minka.employment.forms import (
    ApplicationStateForm,
    FollowUpForm,
    MatchFilterForm,
    PlacementForm,
    ShortlistForm,
    VacancyFilterForm,
    VacancyForm,
)
from minka.employment.matching_pages import explanation_sentences, match_to_keep, seekers_for_vacancy
from minka.employment.models import HIREABLE_STATES, Application, ApplicationState, Vacancy, VacancyStatus
from minka.employment.views_common import (
    can_run,
    crumbs,
    form_page,
    partial,
    program_for,
    require_runner,
    valid_filters,
)


def vacancy_url(vacancy) -> str:
    return reverse("employment:vacancy_detail", args=[vacancy.program.slug, vacancy.pk])


def application_url(application) -> str:
    return reverse("employment:application_detail", args=[application.vacancy.program.slug, application.pk])


def _list_crumb(program):
    return (reverse("employment:vacancy_list", args=[program.slug]), _("Vacantes"))


def _vacancy(request, program, pk) -> Vacancy:
    vacancy = selectors.vacancy_get(user=request.user, vacancy_id=pk)
    if vacancy.program_id != program.pk:
        raise Http404
    return vacancy


def _can_edit(user, vacancy) -> bool:
    employer = vacancy.employer
    return services.employment_can_edit(user, organization_id=employer.organization_id, program_id=vacancy.program_id)


def _require_editor(user, vacancy):
    if not _can_edit(user, vacancy):
        raise Forbidden(_("No tiene permiso para cambiar esta vacante."))


# Vacancies -----------------------------------------------------------------------------------------------------


@login_required
def vacancy_list(request, slug):
    user = request.user
    program = program_for(request, slug)
    form = VacancyFilterForm(request.GET or None)
    filters = valid_filters(form)
    vacancies = (
        selectors.vacancy_list(user=user, program=program, status=filters.get("status", ""))
        .select_related("employer", "district__parent")
        .annotate(
            shortlisted=Count("applications", filter=Q(applications__state=ApplicationState.PROPOSED)),
            hired=Count("applications", filter=Q(applications__state=ApplicationState.HIRED)),
        )
        .order_by(*Vacancy._meta.ordering)
    )
    if filters.get("q"):
        vacancies = vacancies.filter(title__icontains=filters["q"])
    context = {"program": program, "form": form, **paginate(request, vacancies)}
    if partial(request, "vacancy-table"):
        return render(request, "employment/_vacancy_table.html", context)
    context.update(can_run=can_run(user, program), crumbs=crumbs(program))
    return render(request, "employment/vacancy_list.html", context)


def _vacancy_data(form) -> dict:
    return dict(form.cleaned_data)


def _employer_asked(request, employers):
    """The employer named in the address (`?empleador=ID`, the link on an employer's page), among those offered."""
    employer_id = request.GET.get("empleador", "")
    return employers.filter(pk=int(employer_id)).first() if employer_id.isdigit() else None


@login_required
def vacancy_create(request, slug):
    user = request.user
    program = program_for(request, slug)
    require_runner(user, program)
    employers = selectors.employer_list(user=user, program=program)
    initial = {"opens_on": timezone.localdate(), "positions": 1, "hours_per_week": 48}
    employer = _employer_asked(request, employers)
    if employer is not None:
        # Coming from the employer's page: most vacancies are in its district and line of work.
        initial.update(employer=employer.pk, sector=employer.sector, district=employer.district_id)
    form = VacancyForm(request.POST or None, program=program, employers=employers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.vacancy_create(user=user, data=_vacancy_data(form))
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Vacante «%(title)s» guardada como borrador.") % {"title": vacancy.title})
            return redirect(vacancy_url(vacancy))
    return form_page(
        request, form, program=program, title=_("Nueva vacante"),
        cancel_url=reverse("employment:vacancy_list", args=[program.slug]), trail=[_list_crumb(program)],
    )  # fmt: skip


@login_required
def vacancy_edit(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    vacancy = _vacancy(request, program, pk)
    _require_editor(user, vacancy)
    form = VacancyForm(
        request.POST or None, instance=Vacancy.objects.get(pk=vacancy.pk), program=program, employers=None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.vacancy_update(user=user, vacancy=vacancy, data=_vacancy_data(form))
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Vacante actualizada."))
            return redirect(vacancy_url(vacancy))
    return form_page(
        request, form, program=program, title=_("Editar vacante"), cancel_url=vacancy_url(vacancy),
        trail=[_list_crumb(program), (vacancy_url(vacancy), vacancy.title)],
    )  # fmt: skip


@login_required
def vacancy_detail(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    vacancy = _vacancy(request, program, pk)
    applications = vacancy.applications.select_related("seeker__participant", "placement").order_by("-score", "pk")
    context = {
        "program": program,
        "vacancy": vacancy,
        "applications": applications,
        "hired_count": sum(1 for a in applications if a.state == ApplicationState.HIRED),
        "can_edit": _can_edit(user, vacancy),
        "crumbs": crumbs(program, _list_crumb(program)),
    }
    return render(request, "employment/vacancy_detail.html", context)


# Lazy: read at import, a plain gettext would keep the messages in the language of the process's start.
STATUS_ACTIONS = {
    "publish": ("vacancy_publish", gettext_lazy("Vacante publicada: ya se pueden preseleccionar candidatos.")),
    "close": ("vacancy_close", gettext_lazy("Vacante cerrada.")),
    "cancel": ("vacancy_cancel", gettext_lazy("Vacante cancelada.")),
}


@require_POST
@login_required
def vacancy_status(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    vacancy = _vacancy(request, program, pk)
    _require_editor(user, vacancy)
    action = STATUS_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Acción desconocida."))
        return redirect(vacancy_url(vacancy))
    service, done = action
    try:
        getattr(services, service)(user=user, vacancy=vacancy)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(vacancy_url(vacancy))


# Matches and the shortlist -------------------------------------------------------------------------------------


@login_required
def vacancy_matches(request, slug, pk):
    """The seekers ranked for the vacancy, each score explained, with filters by territory, sex and age."""
    user = request.user
    program = program_for(request, slug)
    vacancy = _vacancy(request, program, pk)
    form = MatchFilterForm(request.GET or None, program=program)
    filters = valid_filters(form)
    matches = seekers_for_vacancy(
        user=user,
        vacancy=vacancy,
        territory=filters.get("territory"),
        sex=filters.get("sex", ""),
        age_min=filters.get("age_min"),
        age_max=filters.get("age_max"),
    )
    context = {
        "program": program,
        "vacancy": vacancy,
        "form": form,
        "matches": matches,
        "can_shortlist": _can_edit(user, vacancy) and vacancy.status in (VacancyStatus.DRAFT, VacancyStatus.OPEN),
        "shortlist_form": ShortlistForm(),
    }
    if partial(request, "match-table"):
        return render(request, "employment/_match_table.html", context)
    context["crumbs"] = crumbs(program, _list_crumb(program), (vacancy_url(vacancy), vacancy.title))
    return render(request, "employment/vacancy_matches.html", context)


@require_POST
@login_required
def shortlist(request, slug, pk):
    """Puts a seeker on the vacancy's shortlist with her score and its explanation as they stand today, dated
    today or on the day the officer gives (a proposal made on paper and typed in later)."""
    user = request.user
    program = program_for(request, slug)
    vacancy = _vacancy(request, program, pk)
    _require_editor(user, vacancy)
    back = reverse("employment:vacancy_matches", args=[program.slug, vacancy.pk])
    form = ShortlistForm(request.POST)
    if not form.is_valid():
        if "on_date" in form.errors:
            messages.error(request, _("La fecha de la preselección no es válida: %(error)s")
                           % {"error": " ".join(form.errors["on_date"])})  # fmt: skip
        else:
            messages.error(request, _("Elija una persona de la lista."))
        return redirect(back)
    seeker = selectors.seekers_visible(user).filter(pk=form.cleaned_data["seeker"]).first()
    if seeker is None or seeker.program_id != program.pk:
        messages.error(request, _("Elija una persona de la lista."))
        return redirect(back)
    match = match_to_keep(user=user, vacancy=vacancy, seeker=seeker)
    try:
        services.shortlist_add(
            user=user,
            vacancy=vacancy,
            seeker=seeker,
            score=match.score if match else None,
            explanation=match.explanation if match else None,
            on_date=form.cleaned_data["on_date"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s está en la preselección de «%(title)s».")
            % {"name": seeker.participant.full_name, "title": vacancy.title},
        )  # fmt: skip
    return redirect(back)


# Applications --------------------------------------------------------------------------------------------------


def _application(request, program, pk) -> Application:
    application = selectors.application_get(user=request.user, application_id=pk)
    if application.vacancy.program_id != program.pk:
        raise Http404
    return application


def _next_follow_up(placement, follow_ups):
    if placement is None:
        return None
    done = {follow_up.month for follow_up in follow_ups}
    return selectors.follow_up_next(start=placement.start_date, done=done, today=timezone.localdate())


def _person_crumb(application):
    return (application_url(application), application.seeker.participant.full_name)


@login_required
def application_detail(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    application = _application(request, program, pk)
    vacancy = application.vacancy
    placement = getattr(application, "placement", None)
    follow_ups = list(placement.follow_ups.all()) if placement else []
    context = {
        "program": program,
        "application": application,
        "vacancy": vacancy,
        "seeker": application.seeker,
        "events": application.events.select_related("by"),
        "reasons": explanation_sentences(application.explanation),
        "placement": placement,
        "follow_ups": follow_ups,
        "next_follow_up": _next_follow_up(placement, follow_ups),
        "can_edit": _can_edit(user, vacancy),
        "can_hire": application.state in HIREABLE_STATES,
        "state_form": ApplicationStateForm(application=application),
        "crumbs": crumbs(program, _list_crumb(program), (vacancy_url(vacancy), vacancy.title)),
    }
    return render(request, "employment/application_detail.html", context)


@login_required
def application_state(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    application = _application(request, program, pk)
    _require_editor(user, application.vacancy)
    form = ApplicationStateForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.application_move(
                user=user, application=application, state=data["state"], on_date=data["on_date"], note=data["note"]
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Postulación actualizada."))
            return redirect(application_url(application))
    return form_page(
        request, form, program=program, title=_("Cambiar el estado de la postulación"),
        cancel_url=application_url(application),
        trail=[_list_crumb(program), (vacancy_url(application.vacancy), application.vacancy.title),
               _person_crumb(application)],
    )  # fmt: skip


@login_required
def placement_create(request, slug, pk):
    """Records the hire: the application becomes hired, the seeker placed, the vacancy filled when it is full."""
    user = request.user
    program = program_for(request, slug)
    application = _application(request, program, pk)
    vacancy = application.vacancy
    _require_editor(user, vacancy)
    form = PlacementForm(
        request.POST or None,
        initial={"start_date": timezone.localdate(), "wage": vacancy.wage, "contract_type": vacancy.contract_type,
                 "hours_per_week": vacancy.hours_per_week},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_create(user=user, application=application, vacancy=vacancy, **form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(
                request, _("Contratación de %(name)s registrada.") % {"name": application.seeker.participant.full_name}
            )
            return redirect(application_url(application))
    return form_page(
        request, form, program=program,
        title=_("Registrar la contratación de %(name)s") % {"name": application.seeker.participant.full_name},
        cancel_url=application_url(application),
        trail=[_list_crumb(program), (vacancy_url(vacancy), vacancy.title), _person_crumb(application)],
    )  # fmt: skip


@login_required
def follow_up_create(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    placement = selectors.placement_get(user=user, placement_id=pk)
    application = placement.application
    if application.vacancy.program_id != program.pk:
        raise Http404
    _require_editor(user, application.vacancy)
    done = {f.month for f in placement.follow_ups.all()}
    months = selectors.follow_up_months_left(done)
    if not months:
        messages.info(request, _("Los seguimientos a los 3 y a los 6 meses ya están registrados."))
        return redirect(application_url(application))
    due_on = services.follow_up_due_on(start=placement.start_date, month=months[0])
    form = FollowUpForm(
        request.POST or None, months=months,
        initial={"month": months[0], "still_working": True, "wage": placement.wage,
                 "done_on": min(timezone.localdate(), due_on)},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(user=user, placement=placement, **form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Seguimiento registrado."))
            return redirect(application_url(application))
    return form_page(
        request, form, program=program, title=_("Seguimiento de la colocación"),
        cancel_url=application_url(application),
        trail=[_list_crumb(program), (vacancy_url(application.vacancy), application.vacancy.title),
               _person_crumb(application)],
    )  # fmt: skip


__all__ = ["require_runner"]
