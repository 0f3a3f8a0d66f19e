"""Employers of a program's job service, their contacts, and a contact's login to the employer portal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.employment import selectors, services
from minka.employment.forms import ContactForm, EmployerForm, PortalLoginForm
from minka.employment.models import ApplicationState, Employer, VacancyStatus
from minka.employment.views_common import can_run, crumbs, form_page, program_for, require_runner, service_organization


def employer_url(employer) -> str:
    return reverse("employment:employer_detail", args=[employer.program.slug, employer.pk])


def _list_crumb(program):
    return (reverse("employment:employer_list", args=[program.slug]), _("Empleadores"))


def _employer(request, program, pk) -> Employer:
    employer = selectors.employer_get(user=request.user, employer_id=pk)
    if employer.program_id != program.pk:
        raise Http404
    return employer


def _require_editor(user, employer):
    if not services.employment_can_edit(user, organization_id=employer.organization_id, program_id=employer.program_id):
        raise Forbidden(_("No tiene permiso para cambiar este empleador."))


@login_required
def employer_list(request, slug):
    user = request.user
    program = program_for(request, slug)
    employers = (
        selectors.employer_list(user=user, program=program)
        .select_related("district__parent")
        .annotate(open_vacancies=Count("vacancies", filter=Q(vacancies__status=VacancyStatus.OPEN)))
        .order_by(*Employer._meta.ordering)
    )
    return render(
        request,
        "employment/employer_list.html",
        {"program": program, **paginate(request, employers), "can_run": can_run(user, program),
         "crumbs": crumbs(program)},
    )  # fmt: skip


@login_required
def employer_create(request, slug):
    user = request.user
    program = program_for(request, slug)
    require_runner(user, program)
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "program": program, "organization": service_organization(user, program)}
        try:
            employer = services.employer_create(user=user, data=data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Empleador «%(name)s» registrado.") % {"name": employer.name})
            return redirect(employer_url(employer))
    return form_page(
        request, form, program=program, title=_("Nuevo empleador"),
        cancel_url=reverse("employment:employer_list", args=[program.slug]), trail=[_list_crumb(program)],
    )  # fmt: skip


@login_required
def employer_detail(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    employer = _employer(request, program, pk)
    return render(
        request,
        "employment/employer_detail.html",
        {
            "program": program,
            "employer": employer,
            "contacts": employer.contacts.select_related("user"),
            "vacancies": employer.vacancies.annotate(
                shortlisted=Count("applications", filter=Q(applications__state=ApplicationState.PROPOSED)),
                hired=Count("applications", filter=Q(applications__state=ApplicationState.HIRED)),
            ),
            "can_edit": services.employment_can_edit(
                user, organization_id=employer.organization_id, program_id=program.pk
            ),
            "contact_form": ContactForm(),
            "crumbs": crumbs(program, _list_crumb(program)),
        },
    )


@login_required
def employer_edit(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    employer = _employer(request, program, pk)
    _require_editor(user, employer)
    form = EmployerForm(request.POST or None, instance=Employer.objects.get(pk=employer.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_update(user=user, employer=employer, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Empleador actualizado."))
            return redirect(employer_url(employer))
    return form_page(
        request, form, program=program, title=_("Editar empleador"), cancel_url=employer_url(employer),
        trail=[_list_crumb(program), (employer_url(employer), employer.name)],
    )  # fmt: skip


@login_required
def contact_add(request, slug, pk):
    user = request.user
    program = program_for(request, slug)
    employer = _employer(request, program, pk)
    _require_editor(user, employer)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(user=user, employer=employer, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Contacto «%(name)s» agregado.") % {"name": contact.name})
            return redirect(employer_url(employer))
    return form_page(
        request, form, program=program, title=_("Nuevo contacto"), cancel_url=employer_url(employer),
        trail=[_list_crumb(program), (employer_url(employer), employer.name)],
    )  # fmt: skip


@login_required
def contact_login(request, slug, pk):
    """Gives a contact a login that opens the employer portal and nothing else."""
    user = request.user
    program = program_for(request, slug)
    contact = selectors.contact_get(user=user, contact_id=pk)
    employer = contact.employer
    if employer.program_id != program.pk:
        raise Http404
    _require_editor(user, employer)
    if contact.user_id:
        messages.info(request, _("%(name)s ya tiene acceso al portal.") % {"name": contact.name})
        return redirect(employer_url(employer))
    form = PortalLoginForm(request.POST or None, initial={"username": (contact.email or "").split("@")[0]})
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_login_grant(
                user=user,
                contact=contact,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                site_url=request.build_absolute_uri("/"),
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("%(name)s ya puede entrar al portal del empleador.") % {"name": contact.name})
            return redirect(employer_url(employer))
    return form_page(
        request, form, program=program, title=_("Acceso al portal para %(name)s") % {"name": contact.name},
        cancel_url=employer_url(employer), trail=[_list_crumb(program), (employer_url(employer), employer.name)],
    )  # fmt: skip


__all__ = ["require_runner"]
