"""Pages for programs, phases, projects, partners, initiatives and funding.

Each view reads through a selector (so another organization's record is a 404, like a missing one), writes
through a service, and shows an ApplicationError as form errors. Users who may see a record but not change it
get a 403 page.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.accounts import access
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.pages import form_add_error, paginate
from minka.programs import selectors, services
from minka.programs.forms import (
    CommitmentForm,
    DisbursementForm,
    InitiativeFilterForm,
    InitiativeForm,
    PartnerForm,
    PhaseForm,
    ProgramFilterForm,
    ProgramForm,
    ProjectFilterForm,
    ProjectForm,
)
from minka.programs.models import Disbursement, FundingCommitment, Initiative, Phase

PROGRAM_DETAIL_PROJECTS = 25


# Helpers -------------------------------------------------------------------------------------------------------


def _submit(request, form, write, *, success, next_url):
    """Validates `form` and calls `write(cleaned_data)`, a service call; on success: message and redirect.

    Returns None when the form must be shown again with its errors.
    """
    if not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except ApplicationError as error:
        form_add_error(form, error)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(next_url(result) if callable(next_url) else next_url)


def _form_page(request, form, *, title, cancel_url, crumbs=(), intro="", submit=None):
    return render(
        request,
        "programs/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "crumbs": crumbs,
            "intro": intro,
            "submit": submit or _("Guardar"),
        },
    )


def _filters(form) -> dict:
    """The valid values of a GET filter form; an invalid filter is ignored rather than failing the page."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def _money(amount) -> str:
    return number_format(amount, decimal_pos=2, force_grouping=True)


def _detached(instance):
    """A copy for a ModelForm to fill in, so the record read from the database stays as stored."""
    return copy.copy(instance)


def _partial(request, target: str) -> bool:
    """True when HTMX asks for only the `target` element (a filter change reloading a table)."""
    return bool(request.htmx) and request.htmx.target == target


def _program_crumbs(program):
    return [(reverse("program_list"), _("Programas")), (reverse("program_detail", args=[program.slug]), program.name)]


def _project_crumbs(project):
    return [
        *_program_crumbs(project.program),
        (reverse("project_detail", args=[project.program.slug, project.code]), project.code),
    ]


def _project_url(project):
    return reverse("project_detail", args=[project.program.slug, project.code])


# Programs ------------------------------------------------------------------------------------------------------


@login_required
def program_list(request):
    form = ProgramFilterForm(request.GET or None)
    search = _filters(form).get("q", "")
    context = {"form": form, **paginate(request, selectors.program_list(user=request.user, search=search))}
    if _partial(request, "program-table"):
        return render(request, "programs/_program_table.html", context)
    context["can_create"] = services.program_can_create(request.user)
    return render(request, "programs/program_list.html", context)


@login_required
def program_create(request):
    if not services.program_can_create(request.user):
        raise Forbidden(_("Para crear un programa debe administrar una organización."))
    form = ProgramForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = services.program_create(user=request.user, data=data, catalysts=data["catalysts"])
        except PermissionDenied as error:  # the user can fix it by choosing other catalysts
            form.add_error("catalysts", error.message)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Programa «%(name)s» creado.") % {"name": program.name})
            return redirect("program_detail", program.slug)
    return _form_page(
        request,
        form,
        title=_("Nuevo programa"),
        cancel_url=reverse("program_list"),
        crumbs=[(reverse("program_list"), _("Programas"))],
    )


@login_required
def program_detail(request, slug):
    user = request.user
    program = selectors.program_get(user=user, slug=slug)
    projects = selectors.project_list(user=user, program=program)
    commitments = selectors.commitment_list(user=user, program=program)
    project_count = projects.count()
    can_edit = access.program_can_edit(user, program)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "projects": projects[:PROGRAM_DETAIL_PROJECTS],
            "project_count": project_count,
            "more_projects": project_count > PROGRAM_DETAIL_PROJECTS,
            "territories": selectors.program_territories(user=user, program=program),
            "initiative_count": selectors.initiative_list(user=user, program=program).count(),
            "funding": selectors.funding_totals(commitments),
            "can_edit": can_edit,
            "can_create_project": can_edit or access.project_can_create(user, program),
        },
    )


@login_required
def program_edit(request, slug):
    program = selectors.program_get(user=request.user, slug=slug)
    if not access.program_can_edit(request.user, program):
        raise Forbidden(_("No tiene permiso para modificar este programa."))
    form = ProgramForm(request.POST or None, instance=_detached(program), user=request.user)
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.program_update(
                user=request.user, program=program, data=data, catalysts=data["catalysts"]
            ),
            success=lambda updated: _("Programa «%(name)s» actualizado.") % {"name": updated.name},
            next_url=lambda updated: reverse("program_detail", args=[updated.slug]),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Editar programa"),
        cancel_url=reverse("program_detail", args=[program.slug]),
        crumbs=_program_crumbs(program),
    )


# Phases --------------------------------------------------------------------------------------------------------


@login_required
def phase_create(request, slug):
    program = selectors.program_get(user=request.user, slug=slug)
    if not access.program_can_edit(request.user, program):
        raise Forbidden(_("No tiene permiso para modificar este programa."))
    next_number = max((phase.number for phase in program.phases.all()), default=0) + 1
    form = PhaseForm(request.POST or None, instance=Phase(program=program), initial={"number": next_number})
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.phase_create(user=request.user, program=program, data=data),
            success=lambda phase: _("Fase «%(name)s» creada.") % {"name": phase.name},
            next_url=reverse("program_detail", args=[program.slug]),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Nueva fase"),
        cancel_url=reverse("program_detail", args=[program.slug]),
        crumbs=_program_crumbs(program),
    )


@login_required
def phase_edit(request, slug, number):
    program = selectors.program_get(user=request.user, slug=slug)
    phase = selectors.phase_get(user=request.user, program=program, number=number)
    if not access.program_can_edit(request.user, program):
        raise Forbidden(_("No tiene permiso para modificar este programa."))
    form = PhaseForm(request.POST or None, instance=_detached(phase))
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.phase_update(user=request.user, phase=phase, data=data),
            success=lambda updated: _("Fase «%(name)s» actualizada.") % {"name": updated.name},
            next_url=reverse("program_detail", args=[program.slug]),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Editar fase"),
        cancel_url=reverse("program_detail", args=[program.slug]),
        crumbs=_program_crumbs(program),
    )


# Projects ------------------------------------------------------------------------------------------------------


@login_required
def project_list(request):
    user = request.user
    form = ProjectFilterForm(
        request.GET or None,
        programs=selectors.program_options(user=user),
        funders=selectors.project_funders(user=user).only("slug", "name", "short_name"),
        organizations=selectors.project_organizations(user=user).only("slug", "name", "short_name"),
    )
    filters = _filters(form)
    program = None
    if filters.get("program"):
        program = selectors.program_options(user=user).filter(slug=filters["program"]).first()
    projects = selectors.project_list(
        user=user,
        program=program,
        territory=filters.get("territory", ""),
        funder=filters.get("funder", ""),
        status=filters.get("status", ""),
        organization=filters.get("organization", ""),
        search=filters.get("q", ""),
    )
    if filters.get("program") and program is None:
        projects = projects.none()  # a program the user does not see has no projects for them
    context = {"form": form, **paginate(request, projects)}
    if _partial(request, "project-table"):
        return render(request, "programs/_project_table.html", context)
    return render(request, "programs/project_list.html", context)


@login_required
def project_create(request, slug):
    program = selectors.program_get(user=request.user, slug=slug)
    if not access.project_can_create(request.user, program):
        raise Forbidden(_("No tiene permiso para crear proyectos en este programa."))
    form = ProjectForm(request.POST or None, user=request.user, program=program)
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.project_create(
                user=request.user, program=program, data=data, territories=form.scope()
            ),
            success=lambda project: _("Proyecto «%(title)s» creado.") % {"title": project.title},
            next_url=_project_url,
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Nuevo proyecto"),
        cancel_url=reverse("program_detail", args=[program.slug]),
        crumbs=_program_crumbs(program),
    )


@login_required
def project_detail(request, slug, code):
    user = request.user
    project = selectors.project_get(user=user, program_slug=slug, code=code)
    commitments = selectors.commitment_list(user=user, project=project)
    return render(
        request,
        "programs/project_detail.html",
        {
            "project": project,
            "program": project.program,
            "commitments": commitments,
            "funding": selectors.funding_totals(commitments),
            "initiatives": selectors.initiative_list(user=user, project=project),
            "can_edit": access.project_can_edit(user, project),
            "can_fund": services.funding_can_edit(user, project),
        },
    )


@login_required
def project_edit(request, slug, code):
    project = selectors.project_get(user=request.user, program_slug=slug, code=code)
    if not access.project_can_edit(request.user, project):
        raise Forbidden(_("No tiene permiso para modificar este proyecto."))
    form = ProjectForm(request.POST or None, instance=_detached(project), user=request.user, program=project.program)
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.project_update(
                user=request.user, project=project, data=data, territories=form.scope()
            ),
            success=lambda updated: _("Proyecto «%(title)s» actualizado.") % {"title": updated.title},
            next_url=_project_url,
        )
        if response:
            return response
    return _form_page(
        request, form, title=_("Editar proyecto"), cancel_url=_project_url(project), crumbs=_project_crumbs(project)
    )


# Partners ------------------------------------------------------------------------------------------------------


@login_required
def partner_add(request, slug, code):
    project = selectors.project_get(user=request.user, program_slug=slug, code=code)
    if not access.project_can_edit(request.user, project):
        raise Forbidden(_("No tiene permiso para modificar este proyecto."))
    form = PartnerForm(request.POST or None, user=request.user, program=project.program)
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.partner_add(
                user=request.user, project=project, organization=data["organization"], role=data["role"]
            ),
            success=lambda partner: _("%(organization)s se sumó al proyecto.") % {"organization": partner.organization},
            next_url=_project_url(project),
        )
        if response:
            return response
    return _form_page(
        request, form, title=_("Añadir socio"), cancel_url=_project_url(project), crumbs=_project_crumbs(project)
    )


@require_POST
@login_required
def partner_remove(request, slug, code, pk):
    project = selectors.project_get(user=request.user, program_slug=slug, code=code)
    partner = selectors.partner_get(user=request.user, project=project, partner_id=pk)
    try:
        services.partner_remove(user=request.user, partner=partner)
    except PermissionDenied as error:
        raise Forbidden(error.message) from None
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(organization)s ya no figura en el proyecto.") % {"organization": partner.organization}
        )
    return redirect(_project_url(project))


# Funding -------------------------------------------------------------------------------------------------------


@login_required
def commitment_create(request, slug, code):
    project = selectors.project_get(user=request.user, program_slug=slug, code=code)
    if not services.funding_can_edit(request.user, project):
        raise Forbidden(_("No tiene permiso para registrar el financiamiento de este proyecto."))
    form = CommitmentForm(
        request.POST or None, instance=FundingCommitment(project=project), user=request.user, project=project
    )
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.commitment_create(user=request.user, project=project, data=data),
            success=_("Compromiso de financiamiento registrado."),
            next_url=_project_url(project),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Nuevo compromiso de financiamiento"),
        cancel_url=_project_url(project),
        crumbs=_project_crumbs(project),
    )


@login_required
def commitment_edit(request, pk):
    commitment = selectors.commitment_get(user=request.user, commitment_id=pk)
    project = commitment.project
    if not services.funding_can_edit(request.user, project):
        raise Forbidden(_("No tiene permiso para registrar el financiamiento de este proyecto."))
    form = CommitmentForm(request.POST or None, instance=_detached(commitment), user=request.user, project=project)
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.commitment_update(user=request.user, commitment=commitment, data=data),
            success=_("Compromiso de financiamiento actualizado."),
            next_url=_project_url(project),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Editar compromiso de financiamiento"),
        cancel_url=_project_url(project),
        crumbs=_project_crumbs(project),
    )


@login_required
def disbursement_create(request, pk):
    commitment = selectors.commitment_get(user=request.user, commitment_id=pk)
    project = commitment.project
    if not services.funding_can_edit(request.user, project):
        raise Forbidden(_("No tiene permiso para registrar el financiamiento de este proyecto."))
    form = DisbursementForm(request.POST or None, instance=Disbursement(commitment=commitment))
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.disbursement_create(user=request.user, commitment=commitment, data=data),
            success=_("Desembolso registrado."),
            next_url=_project_url(project),
        )
        if response:
            return response
    intro = _(
        "Compromiso de %(funder)s por %(currency)s %(amount)s; saldo por desembolsar: %(currency)s %(remaining)s."
    ) % {
        "funder": commitment.funder,
        "currency": commitment.currency,
        "amount": _money(commitment.amount),
        "remaining": _money(commitment.remaining),
    }
    return _form_page(
        request,
        form,
        title=_("Nuevo desembolso"),
        cancel_url=_project_url(project),
        crumbs=_project_crumbs(project),
        intro=intro,
    )


@require_POST
@login_required
def disbursement_delete(request, pk):
    disbursement = selectors.disbursement_get(user=request.user, disbursement_id=pk)
    project = disbursement.commitment.project
    try:
        services.disbursement_delete(user=request.user, disbursement=disbursement)
    except PermissionDenied as error:
        raise Forbidden(error.message) from None
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Desembolso eliminado."))
    return redirect(_project_url(project))


# Initiatives ---------------------------------------------------------------------------------------------------


@login_required
def initiative_list(request, slug):
    user = request.user
    program = selectors.program_get(user=user, slug=slug)
    form = InitiativeFilterForm(request.GET or None)
    filters = _filters(form)
    initiatives = selectors.initiative_list(
        user=user,
        program=program,
        territory=filters.get("territory", ""),
        status=filters.get("status", ""),
        search=filters.get("q", ""),
    )
    page = paginate(request, initiatives)
    can_edit_program = access.program_can_edit(user, program)
    editable_projects = (
        set()
        if can_edit_program
        else set(selectors.project_editable_list(user=user, program=program).values_list("pk", flat=True))
    )
    for initiative in page["page_obj"]:
        initiative.can_edit = can_edit_program or initiative.project_id in editable_projects
    context = {"program": program, "form": form, **page}
    if _partial(request, "initiative-table"):
        return render(request, "programs/_initiative_table.html", context)
    context["can_create"] = can_edit_program or bool(editable_projects)
    return render(request, "programs/initiative_list.html", context)


def _initiatives_url(program):
    return reverse("initiative_list", args=[program.slug])


@login_required
def initiative_create(request, slug):
    program = selectors.program_get(user=request.user, slug=slug)
    form = InitiativeForm(
        request.POST or None, instance=Initiative(program=program), user=request.user, program=program
    )
    if not access.program_can_edit(request.user, program) and not form.fields["project"].queryset.exists():
        raise Forbidden(_("No tiene permiso para registrar iniciativas en este programa."))
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.initiative_create(user=request.user, program=program, data=data),
            success=lambda initiative: _("Iniciativa «%(title)s» registrada.") % {"title": initiative.title},
            next_url=_initiatives_url(program),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Nueva iniciativa"),
        cancel_url=_initiatives_url(program),
        crumbs=[*_program_crumbs(program), (_initiatives_url(program), _("Iniciativas"))],
    )


@login_required
def initiative_edit(request, pk):
    initiative = selectors.initiative_get(user=request.user, initiative_id=pk)
    program = initiative.program
    if not services.initiative_can_edit(request.user, program, initiative.project):
        raise Forbidden(_("No tiene permiso para modificar esta iniciativa."))
    form = InitiativeForm(request.POST or None, instance=_detached(initiative), user=request.user, program=program)
    if request.method == "POST":
        response = _submit(
            request,
            form,
            lambda data: services.initiative_update(user=request.user, initiative=initiative, data=data),
            success=lambda updated: _("Iniciativa «%(title)s» actualizada.") % {"title": updated.title},
            next_url=_initiatives_url(program),
        )
        if response:
            return response
    return _form_page(
        request,
        form,
        title=_("Editar iniciativa"),
        cancel_url=_initiatives_url(program),
        crumbs=[*_program_crumbs(program), (_initiatives_url(program), _("Iniciativas"))],
    )
