"""The IATI download: a program's projects, as far as the user sees them, as an IATI 2.03 file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language

from minka.core.errors import ApplicationError
from minka.iati.export import program_activities_bytes
from minka.programs import selectors


@login_required
def program_iati(request, slug):
    program = selectors.program_get(user=request.user, slug=slug)
    projects = selectors.project_list(user=request.user, program=program)
    try:
        content = program_activities_bytes(program, lang=(get_language() or "es")[:2], projects=projects)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("program_detail", slug=program.slug)
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="iati-{program.slug}.xml"'
    return response
