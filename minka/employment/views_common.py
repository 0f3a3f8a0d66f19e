"""What the job service's pages share: the program they are about, who may run the service in it, breadcrumbs,
and a service's error shown on a form.

The job service is run by the staff of the organizations taking part in a program and by its coordinators; its
auditors read it. Anyone else (a funder, another organization) finds no job service: a 404, as for a program that
does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.accounts.models import ProgramRoleKind
from minka.programs.models import Program


def service_organization_ids(user, program) -> set[int]:
    """The organizations for which the user runs the program's job service (staff of a taking-part organization)."""
    return access.organization_ids(user, access.STAFF_ROLES) & access.program_organization_ids(program)


def service_organization(user, program):
    """The organization on whose behalf the user records employers: theirs when it takes part in the program, else
    (a coordinator) the program's first catalyst."""
    from minka.network.models import Organization

    ids = sorted(service_organization_ids(user, program))
    if ids:
        return Organization.objects.get(pk=ids[0])
    return program.catalysts.order_by("pk").first()


def can_read(user, program) -> bool:
    if access.is_network_admin(user):
        return True
    if program.pk in access.whole_program_ids(user):
        return True
    return bool(access.organization_ids(user, access.PERSONAL_DATA_ROLES) & access.program_organization_ids(program))


def can_run(user, program) -> bool:
    if access.is_network_admin(user):
        return True
    if program.pk in access.program_role_ids(user, [ProgramRoleKind.COORDINATOR]):
        return True
    return bool(service_organization_ids(user, program))


def program_for(request, slug) -> Program:
    """The program, when the user reads its job service; 404 otherwise."""
    program = get_object_or_404(access.programs_visible(request.user), slug=slug)
    if not can_read(request.user, program):
        raise Http404
    return program


def require_runner(user, program) -> None:
    if not can_run(user, program):
        raise Forbidden(_("No tiene permiso para cambiar el servicio de empleo de este programa."))


def crumbs(program, *more):
    trail = [
        (reverse("program_detail", args=[program.slug]), program.name),
        (reverse("employment:home", args=[program.slug]), _("Servicio de empleo")),
    ]
    return trail + list(more)


def form_page(request, form, *, program, title, cancel_url, trail=(), template="employment/form.html", **extra):
    context = {
        "form": form,
        "program": program,
        "title": title,
        "cancel_url": cancel_url,
        "crumbs": crumbs(program, *trail),
        **extra,
    }
    return render(request, template, context)


def partial(request, target: str) -> bool:
    return bool(request.htmx) and request.htmx.target == target


def valid_filters(form) -> dict:
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


__all__ = ["login_required"]
