"""The program dashboard page. A filter change asks HTMX for the dashboard's body only; without JavaScript the same
form reloads the whole page. A program the user does not see is a 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from minka.reports.dashboard import program_dashboard
from minka.reports.dashboard_forms import DashboardFilterForm
from minka.results import selectors
from minka.results.arithmetic import SMALL_CELL

BODY = "dashboard-body"


@login_required
@vary_on_headers("HX-Request", "HX-Target")  # the body alone and the whole page share an address: never mix them up
def dashboard(request, slug):
    program = selectors.program_for_results(user=request.user, slug=slug)
    form = DashboardFilterForm(request.GET or None, program=program, user=request.user)
    context = {
        "program": program,
        "form": form,
        "dashboard": program_dashboard(user=request.user, program=program, filters=form.filters()),
        "small_cell": SMALL_CELL,
    }
    if request.htmx and request.htmx.target == BODY:
        return render(request, "reports/dashboard_body.html", context)
    context["crumbs"] = [
        (reverse("program_list"), _("Programas")),
        (reverse("program_detail", args=[program.slug]), program.name),
    ]
    return render(request, "reports/dashboard.html", context)
