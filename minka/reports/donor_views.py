"""Pages of donor reports: ask for one and see the past ones (a program's reports page), follow a report's build
(a status partial the page polls every second with HTMX; without JavaScript the page reloads itself), and
download it again.

Every page starts from the program the user sees and a report they may see (`donor.selectors`): anything else is
a 404, exactly as a missing one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.reports.donor import selectors, services
from minka.reports.forms import DonorReportForm
from minka.reports.models import ReportStatus
from minka.results.selectors import program_for_results

PROJECT_PARAMETER = "proyecto"


def _crumbs(program, *, report_list: bool = False):
    crumbs = [
        (reverse("program_list"), _("Programas")),
        (reverse("program_detail", args=[program.slug]), program.name),
    ]
    if report_list:
        crumbs.append((reverse("donor_report_list", args=[program.slug]), _("Informes")))
    return crumbs


@login_required
def donor_report_list(request, slug):
    program = program_for_results(user=request.user, slug=slug)
    form = DonorReportForm(
        request.POST or None,
        user=request.user,
        program=program,
        # The report's language starts as the reader's; a funder abroad may still pick the other one.
        initial={"project": request.GET.get(PROJECT_PARAMETER) or None, "language": get_language()[:2]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.donor_report_request(
                user=request.user,
                program=program,
                project=data["project"],
                phase=data["phase"],
                start=data["start"],
                end=data["end"],
                language=data["language"],
                file_format=data["format"],
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Informe pedido: se está preparando."))
            return redirect("donor_report_detail", slug=program.slug, pk=report.pk)
    reports = selectors.reports_visible(user=request.user, program=program)
    project_code = request.GET.get(PROJECT_PARAMETER)
    if project_code:
        reports = reports.filter(project__code=project_code)
    return render(
        request,
        "reports/donor_list.html",
        {
            "program": program,
            "form": form,
            "project_code": project_code,
            "crumbs": _crumbs(program),
            **paginate(request, reports),
        },
    )


def _report(request, slug, pk):
    program = program_for_results(user=request.user, slug=slug)
    return selectors.report_get(user=request.user, program=program, pk=pk)


@login_required
def donor_report_detail(request, slug, pk):
    report = _report(request, slug, pk)
    return render(
        request,
        "reports/donor_detail.html",
        {"program": report.program, "report": report, "crumbs": _crumbs(report.program, report_list=True)},
    )


@login_required
def donor_report_status(request, slug, pk):
    """The progress partial the detail page polls; it stops polling once the report is done or failed."""
    report = _report(request, slug, pk)
    return render(request, "reports/donor_status.html", {"program": report.program, "report": report})


@login_required
def donor_report_download(request, slug, pk):
    report = _report(request, slug, pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404(_("El informe aún no está listo."))
    try:
        handle = report.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("El archivo ya no está en el servidor.")) from None
    return FileResponse(handle, as_attachment=True, filename=report.filename)
