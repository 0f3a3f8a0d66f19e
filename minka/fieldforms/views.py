"""A program's field forms: the list with instructions, and each form as an XLSForm or an XForm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from minka.core.errors import ApplicationError
from minka.fieldforms import selectors
from minka.fieldforms.definitions import current
from minka.fieldforms.xlsform import form_build

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def fieldform_list(request, slug):
    program = selectors.fieldforms_program_get(user=request.user, slug=slug)
    available = selectors.forms_available(user=request.user, program=program)
    english = (get_language() or "es").startswith("en")
    return render(
        request,
        "fieldforms/fieldform_list.html",
        {
            "program": program,
            "forms": [
                {"form": form, "title": form.title_en if english else form.title_es}
                for form in (current(form_id) for form_id in available)
            ],
            "organizations": selectors.registering_organizations(user=request.user, program=program),
        },
    )


def _built(request, slug, form_id):
    program = selectors.fieldforms_program_get(user=request.user, slug=slug)
    if form_id not in selectors.forms_available(user=request.user, program=program):
        raise Http404
    form = current(form_id)
    organization = None
    if form_id == "registration":
        organization = selectors.organization_for_registration(
            user=request.user, program=program, slug=request.GET.get("organizacion", "")
        )
    lists = selectors.record_lists(user=request.user, program=program, names=form.record_lists)
    return form_build(form=form, program=program, lists=lists, organization=organization)


def _download(request, slug, form_id, *, extension, content_type, content):
    try:
        built = _built(request, slug, form_id)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("fieldform_list", slug=slug)
    response = HttpResponse(content(built), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{built.filename}.{extension}"'
    return response


@login_required
def fieldform_xlsx(request, slug, form_id):
    return _download(request, slug, form_id, extension="xlsx", content_type=XLSX, content=lambda built: built.xlsx)


@login_required
def fieldform_xform(request, slug, form_id):
    return _download(
        request,
        slug,
        form_id,
        extension="xml",
        content_type="application/xml; charset=utf-8",
        content=lambda built: built.xform.encode(),
    )
