"""The job service's pages for a program: its summary, the skill catalogue, the seekers with their profiles, ranked
vacancies and self-employment. Employers and vacancies are in `views_employers` and `views_vacancies`, the
employer portal in `views_portal`.

Each view reads through a selector (another organization's seeker is a 404, like a missing one), writes through a
service, and shows an ApplicationError as form errors.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.accounts import access
from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.employment import selectors, services
from minka.employment.forms import (
    ExperienceForm,
    FollowUpForm,
    SeekerFilterForm,
    SeekerForm,
    SelfEmploymentForm,
    SkillForm,
)
from minka.employment.match_facts import readiness_of
from minka.employment.matching_pages import vacancies_for_seeker
from minka.employment.models import JobSeeker, Language, Placement, SeekerStatus, VacancyStatus
from minka.employment.views_common import (
    can_run,
    crumbs,
    form_page,
    partial,
    program_for,
    require_runner,
    valid_filters,
)
from minka.enterprises.models import Enterprise
from minka.people.identity import InvalidDni, dni_hash, dni_normalize
from minka.people.models import Enrollment
from minka.people.services import search_key


def seeker_url(seeker) -> str:
    return reverse("employment:seeker_detail", args=[seeker.program.slug, seeker.pk])


def _seeker(request, program, pk) -> JobSeeker:
    seeker = selectors.seeker_get(user=request.user, seeker_id=pk)
    if seeker.program_id != program.pk:
        raise Http404
    return seeker


# Summary -------------------------------------------------------------------------------------------------------


@login_required
def home(request, slug):
    """What the service has in hand: seekers, open vacancies, placements and the follow-ups due."""
    user = request.user
    program = program_for(request, slug)
    seekers = selectors.seeker_list(user=user, program=program)
    vacancies = selectors.vacancy_list(user=user, program=program)
    placements = selectors.placement_list(user=user, program=program)
    counts = seekers.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=SeekerStatus.ACTIVE)),
        self_employed=Count("pk", filter=Q(status=SeekerStatus.SELF_EMPLOYED)),
    )
    context = {
        "program": program,
        "seeker_count": counts["total"],
        "active_count": counts["active"],
        "self_employed_count": counts["self_employed"],
        "open_vacancy_count": vacancies.filter(status=VacancyStatus.OPEN).count(),
        "vacancy_count": vacancies.count(),
        "placement_count": placements.count(),
        "placed_people": placements.values("application__seeker__participant").distinct().count(),
        "due": selectors.follow_ups_due(user=user, program=program, today=timezone.localdate())[:20],
        "recent_placements": placements.select_related(
            "application__seeker__participant", "application__vacancy__employer"
        )[:10],
        "can_run": can_run(user, program),
        "crumbs": [(reverse("program_detail", args=[program.slug]), program.name)],
    }
    return render(request, "employment/home.html", context)


# Skills --------------------------------------------------------------------------------------------------------


@login_required
def skill_list(request, slug):
    user = request.user
    program = program_for(request, slug)
    form = SkillForm(request.POST or None)
    if request.method == "POST":
        require_runner(user, program)
        if form.is_valid():
            try:
                skill = services.skill_create(user=user, program=program, name=form.cleaned_data["name"])
            except ApplicationError as error:
                form_add_error(form, error)
            else:
                messages.success(request, _("Habilidad «%(name)s» agregada al catálogo.") % {"name": skill.name})
                return redirect("employment:skill_list", program.slug)
    skills = selectors.skill_list(user=user, program=program, active_only=False).annotate(
        seeker_count=Count("seekers", distinct=True), vacancy_count=Count("required_by", distinct=True)
    )
    return render(
        request,
        "employment/skill_list.html",
        {"program": program, "form": form, "skills": skills, "can_run": can_run(user, program),
         "crumbs": crumbs(program)},
    )  # fmt: skip


@require_POST
@login_required
def skill_toggle(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    skill = selectors.skill_list(user=user, program=program, active_only=False).filter(pk=pk).first()
    if skill is None:
        raise Http404
    require_runner(user, program)
    try:
        if skill.is_active:
            services.skill_deactivate(user=user, skill=skill)
        else:
            services.skill_activate(user=user, skill=skill)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("employment:skill_list", program.slug)


# Seekers -------------------------------------------------------------------------------------------------------


@login_required
def seeker_list(request, slug):
    user = request.user
    program = program_for(request, slug)
    form = SeekerFilterForm(request.GET or None, program=program)
    filters = valid_filters(form)
    seekers = selectors.seeker_list(
        user=user, program=program, status=filters.get("status", ""), search=filters.get("q", "")
    ).select_related("participant")
    if filters.get("skill"):
        seekers = seekers.filter(skills=filters["skill"])
    context = {"program": program, "form": form, **paginate(request, seekers)}
    if partial(request, "seeker-table"):
        return render(request, "employment/_seeker_table.html", context)
    context.update(can_run=can_run(user, program), crumbs=crumbs(program))
    return render(request, "employment/seeker_list.html", context)


def _people_for_profiles(user, program):
    """People enrolled in the program whom the user may see and who have no profile yet in it."""
    return (
        access.people_visible(user)
        .filter(enrollments__program=program)
        .exclude(job_seekers__program=program)
        .distinct()
        .order_by("paternal_surname", "given_names")
    )


def _profile_data(form, extra=None) -> dict:
    data = dict(form.cleaned_data)
    data.pop("participant", None)
    if data.get("cv") is False:  # the "clear" box ticked
        data["cv"] = ""
    elif data.get("cv") is None:
        data.pop("cv", None)
    return {**data, **(extra or {})}


def _enrolling_organization(user, program, participant):
    """The organization that enrolled her in the program and for which the user may act."""
    enrollments = Enrollment.objects.filter(participant=participant, program=program).select_related("organization")
    for enrollment in enrollments:
        if services.employment_can_edit(user, organization_id=enrollment.organization_id, program_id=program.pk):
            return enrollment.organization
    first = enrollments.first()
    return first.organization if first else None


PERSON_RESULTS = 20


def _people_search(candidates, query: str) -> list:
    """Candidates matching every word typed (without accents or case), or an 8-digit DNI; a program's people are
    too many for one list on a phone."""
    query = (query or "").strip()
    try:
        digits = dni_normalize(query)
    except InvalidDni:
        words = search_key(query).split()
        if not words or len(" ".join(words)) < 2:
            return []
        for word in words:
            candidates = candidates.filter(search_name__contains=word)
    else:
        candidates = candidates.filter(dni_hash=dni_hash(digits))
    return list(candidates.select_related("district")[:PERSON_RESULTS])


@login_required
def seeker_create(request, slug):
    user = request.user
    program = program_for(request, slug)
    require_runner(user, program)
    candidates = _people_for_profiles(user, program)
    query = request.GET.get("q", "").strip()
    results = _people_search(candidates, query) if query else []
    if partial(request, "person-results"):
        return render(request, "enterprises/_person_results.html", {"results": results, "query": query})
    form = SeekerForm(request.POST or None, request.FILES or None, program=program, people=candidates)
    if request.method == "POST" and form.is_valid():
        participant = form.cleaned_data["participant"]
        extra = {
            "program": program,
            "participant": participant,
            "organization": _enrolling_organization(user, program, participant),
        }
        try:
            seeker = services.seeker_create(user=user, data=_profile_data(form, extra))
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Perfil de %(name)s creado.") % {"name": participant.full_name})
            return redirect(seeker_url(seeker))
    chosen = form.cleaned_data.get("participant") if hasattr(form, "cleaned_data") else None
    if chosen is not None and chosen not in results:
        results = [chosen, *results]  # keep the person picked selectable when the form comes back with an error
    return render(
        request,
        "employment/seeker_create.html",
        {
            "program": program,
            "form": form,
            "results": results,
            "query": query,
            "chosen": form["participant"].value(),
            "crumbs": crumbs(
                program, (reverse("employment:seeker_list", args=[program.slug]), _("Buscadores de empleo"))
            ),
        },
    )


def _shared_with_employers(seeker) -> list[str]:
    """What the seeker agreed to show the employers she is put forward to, besides her name."""
    shares = (
        (seeker.share_contact, _("contacto")),
        (seeker.share_cv, _("CV")),
        (seeker.share_experience, _("experiencia")),
    )
    return [label for agreed, label in shares if agreed]


def _with_next_follow_up(self_employments) -> list:
    """Each self-employment with its next follow-up (`next_follow_up`), for the page to offer it once it is due."""
    today = timezone.localdate()
    items = list(self_employments)
    for item in items:
        done = {follow_up.month for follow_up in item.follow_ups.all()}
        item.next_follow_up = selectors.follow_up_next(start=item.started_on, done=done, today=today)
    return items


@login_required
def seeker_detail(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    seeker = _seeker(request, program, pk)
    applications = seeker.applications.select_related("vacancy__employer", "placement").order_by("-proposed_on", "-pk")
    ranked = vacancies_for_seeker(user=user, seeker=seeker) if seeker.status == SeekerStatus.ACTIVE else []
    context = {
        "program": program,
        "seeker": seeker,
        "person": seeker.participant,
        "experiences": seeker.experiences.all(),
        "languages": ", ".join(str(Language(code).label) for code in seeker.languages if code in Language.values),
        "applications": applications,
        "self_employments": _with_next_follow_up(
            seeker.self_employments.prefetch_related("follow_ups").select_related("enterprise")
        ),
        "ranked": ranked,
        "readiness": readiness_of(seeker),
        "shared": _shared_with_employers(seeker),
        "can_edit": services.employment_can_edit(user, organization_id=seeker.organization_id, program_id=program.pk),
        "experience_form": ExperienceForm(),
        "crumbs": crumbs(program, (reverse("employment:seeker_list", args=[program.slug]), _("Buscadores de empleo"))),
    }
    return render(request, "employment/seeker_detail.html", context)


def _require_seeker_editor(user, seeker):
    from django.core.exceptions import PermissionDenied as Forbidden

    if not services.employment_can_edit(user, organization_id=seeker.organization_id, program_id=seeker.program_id):
        raise Forbidden(_("No tiene permiso para cambiar este perfil."))


@login_required
def seeker_edit(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    seeker = _seeker(request, program, pk)
    _require_seeker_editor(user, seeker)
    form = SeekerForm(
        request.POST or None, request.FILES or None, instance=JobSeeker.objects.get(pk=seeker.pk), program=program,
        people=None,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.seeker_update(user=user, seeker=seeker, data=_profile_data(form))
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Perfil actualizado."))
            return redirect(seeker_url(seeker))
    return form_page(
        request,
        form,
        program=program,
        title=_("Perfil de %(name)s") % {"name": seeker.participant.full_name},
        cancel_url=seeker_url(seeker),
        trail=[(seeker_url(seeker), seeker.participant.full_name)],
        multipart=True,
    )


@login_required
def seeker_cv(request, slug, pk):
    program = program_for(request, slug)
    seeker = _seeker(request, program, pk)
    if not seeker.cv:
        raise Http404
    try:
        return FileResponse(seeker.cv.open("rb"), as_attachment=True, filename=seeker.cv.name.rsplit("/", 1)[-1])
    except FileNotFoundError:
        raise Http404 from None


@require_POST
@login_required
def experience_add(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    seeker = _seeker(request, program, pk)
    _require_seeker_editor(user, seeker)
    form = ExperienceForm(request.POST)
    if form.is_valid():
        try:
            services.experience_add(user=user, seeker=seeker, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Experiencia agregada."))
            return redirect(seeker_url(seeker))
    return form_page(
        request, form, program=program, title=_("Experiencia laboral"), cancel_url=seeker_url(seeker),
        trail=[(seeker_url(seeker), seeker.participant.full_name)],
    )  # fmt: skip


# Self-employment -----------------------------------------------------------------------------------------------


@login_required
def self_employment_create(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    seeker = _seeker(request, program, pk)
    _require_seeker_editor(user, seeker)
    enterprises = Enterprise.objects.filter(program=program, members__participant=seeker.participant).distinct()
    form = SelfEmploymentForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_employment_create(user=user, seeker=seeker, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Autoempleo registrado."))
            return redirect(seeker_url(seeker))
    return form_page(
        request, form, program=program, title=_("Registrar autoempleo"), cancel_url=seeker_url(seeker),
        trail=[(seeker_url(seeker), seeker.participant.full_name)],
    )  # fmt: skip


@login_required
def self_employment_follow_up(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    self_employment = selectors.self_employment_get(user=user, self_employment_id=pk)
    seeker = self_employment.seeker
    if seeker.program_id != program.pk:
        raise Http404
    _require_seeker_editor(user, seeker)
    months = selectors.follow_up_months_left({follow_up.month for follow_up in self_employment.follow_ups.all()})
    if not months:
        messages.info(request, _("Los seguimientos a los 3 y a los 6 meses ya están registrados."))
        return redirect(seeker_url(seeker))
    form = FollowUpForm(
        request.POST or None, months=months, initial={"done_on": timezone.localdate(), "still_working": True}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(user=user, self_employment=self_employment, **form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Seguimiento registrado."))
            return redirect(seeker_url(seeker))
    return form_page(
        request, form, program=program, title=_("Seguimiento del autoempleo"), cancel_url=seeker_url(seeker),
        trail=[(seeker_url(seeker), seeker.participant.full_name)],
    )  # fmt: skip


__all__ = ["Placement"]
