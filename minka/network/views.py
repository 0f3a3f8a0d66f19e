import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.network import selectors, services
from minka.network.forms import (
    OrganizationFilterForm,
    OrganizationForm,
    SiteFilterForm,
    SiteForm,
    TerritorySearchForm,
    chosen_code,
)
from minka.network.models import TerritoryLevel


def _filter_values(form, *names) -> dict:
    if form.is_valid():
        return {name: form.cleaned_data.get(name) or "" for name in names}
    return dict.fromkeys(names, "")


@login_required
def organization_list(request):
    form = OrganizationFilterForm(request.GET)
    values = _filter_values(form, "kind", "q")
    organizations = selectors.organization_list(user=request.user, kind=values["kind"], search=values["q"])
    return render(
        request,
        "network/organization_list.html",
        {
            "filter_form": form,
            "can_create": access.organization_can_create(request.user),
            **paginate(request, organizations),
        },
    )


@login_required
def organization_detail(request, slug):
    organization = selectors.organization_get(user=request.user, slug=slug)
    return render(
        request,
        "network/organization_detail.html",
        {
            "organization": organization,
            "sites": selectors.site_list(user=request.user, organization=organization),
            "programs": selectors.organization_programs(user=request.user, organization=organization),
            "projects": selectors.organization_projects(user=request.user, organization=organization),
            "can_edit": access.organization_can_edit(request.user, organization),
            "can_add_site": access.site_can_edit(request.user, organization.pk) and organization.is_active,
        },
    )


@login_required
def organization_create(request):
    if not access.organization_can_create(request.user):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, initial={"country": "PE", "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(user=request.user, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Organización registrada."))
            return redirect("organization_detail", slug=organization.slug)
    return render(request, "network/organization_form.html", {"form": form})


@login_required
def organization_edit(request, slug):
    organization = selectors.organization_get(user=request.user, slug=slug)
    if not access.organization_can_edit(request.user, organization):
        raise PermissionDenied
    # The form validates a copy, so the page around it keeps showing the saved values if it fails.
    form = OrganizationForm(request.POST or None, instance=copy.copy(organization))
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_update(
                user=request.user, organization=organization, data=form.cleaned_data
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("organization_detail", slug=organization.slug)
    return render(request, "network/organization_form.html", {"form": form, "organization": organization})


@login_required
def site_list(request):
    organizations = (
        selectors.organization_list(user=request.user).select_related(None).only("slug", "name", "short_name")
    )
    form = SiteFilterForm(request.GET, organizations=organizations)
    values = _filter_values(form, "organization", "kind", "territory")
    sites = selectors.site_list(
        user=request.user, organization_slug=values["organization"], kind=values["kind"], territory=values["territory"]
    )
    return render(
        request,
        "network/site_list.html",
        {
            "filter_form": form,
            "can_create": access.site_organization_choices(request.user).exists(),
            **paginate(request, sites),
        },
    )


@login_required
def site_detail(request, pk):
    site = selectors.site_get(user=request.user, site_id=pk)
    return render(
        request,
        "network/site_detail.html",
        {"site": site, "can_edit": access.site_can_edit(request.user, site.organization_id)},
    )


@login_required
def site_create(request):
    organizations = access.site_organization_choices(request.user)
    if not organizations.exists():
        raise PermissionDenied
    initial = {"is_active": True}
    chosen = organizations.filter(slug=request.GET.get("organization", "")).first()
    if chosen is not None:
        initial["organization"] = chosen
    form = SiteForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(user=request.user, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Sede registrada."))
            return redirect("site_detail", pk=site.pk)
    return render(request, "network/site_form.html", {"form": form})


@login_required
def site_edit(request, pk):
    site = selectors.site_get(user=request.user, site_id=pk)
    if not access.site_can_edit(request.user, site.organization_id):
        raise PermissionDenied
    form = SiteForm(
        request.POST or None, instance=copy.copy(site), organizations=access.site_organization_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_update(user=request.user, site=site, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect("site_detail", pk=site.pk)
    return render(request, "network/site_form.html", {"form": form, "site": site})


@login_required
def territory_list(request):
    form = TerritorySearchForm(request.GET)
    search = _filter_values(form, "q")["q"].strip()
    if search:
        territories = selectors.territory_list(search=search)
    else:
        territories = selectors.territory_list(level=TerritoryLevel.DEPARTMENT)
    return render(
        request,
        "network/territory_list.html",
        {"filter_form": form, "search": search, **paginate(request, territories)},
    )


@login_required
def territory_detail(request, code):
    territory = selectors.territory_get(code=code)
    children = selectors.territory_list(parent=territory.code).select_related(None).only("code", "name", "level")
    return render(request, "network/territory_detail.html", {"territory": territory, "children": children})


@login_required
def district_search(request):
    """HTMX: the `<option>`s of the districts matching what was typed (by name or ubigeo)."""
    query = request.GET.get("q") or request.GET.get("district") or ""
    query = chosen_code(query) or query  # a district just chosen: keep offering it, not an empty list
    return render(request, "network/_district_options.html", {"districts": selectors.district_search(query=query)})
