"""The IATI download: a program's projects, as far as the user sees them, as an IATI 2.03 file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.core.errors import ApplicationError
from minka.iati.export import program_activities_bytes
from minka.programs import selectors


def _where_to_register(user, program) -> str:
    """What the user can do about a missing identifier: the page of an organization that would report the program
    (a catalyst) that she may edit, or else who may."""
    catalysts = list(program.catalysts.all())
    editable = next((org for org in catalysts if access.organization_can_edit(user, org)), None)
    if editable is not None:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("organization_edit", args=[editable.slug]),
            _("Registrar el identificador IATI o el RUC de %(organization)s") % {"organization": editable.name},
        )
    names = ", ".join(org.name for org in catalysts) or _("la organización responsable")
    return _("Pídalo a un administrador de %(organizations)s o de la red.") % {"organizations": names}


@login_required
def program_iati(request, slug):
    program = selectors.program_get(user=request.user, slug=slug)
    projects = selectors.project_list(user=request.user, program=program)
    try:
        content = program_activities_bytes(program, lang=(get_language() or "es")[:2], projects=projects)
    except ApplicationError as error:
        if error.code == "iati_no_identifier":
            messages.error(request, format_html("{} {}", error.message, _where_to_register(request.user, program)))
        else:
            messages.error(request, error.message)
        return redirect("program_detail", slug=program.slug)
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="iati-{program.slug}.xml"'
    return response
