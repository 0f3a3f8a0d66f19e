"""Pages of the people registry: the list and search, registering (with the duplicate warning), the profile with
her history, consents, enrollments, and her rights of access (export) and cancellation (anonymization).

Every read goes through `minka.people.selectors` (a person the user does not see is a 404, like a missing one);
every write through `minka.people.services`. Users who see a person but may not change her get a 403 page.
"""

import copy
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.accounts import access
from minka.core import exports
from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.people import selectors, services
from minka.people.exports import ENROLLMENT_COLUMNS, PERSON_COLUMNS
from minka.people.forms import (
    ConsentForm,
    EnrollmentCreateForm,
    EnrollmentForm,
    PersonCreateForm,
    PersonFilterForm,
    PersonForm,
    masked_dni,
)
from minka.people.models import SENSITIVE_FIELDS, Consent, Enrollment
from minka.programs.selectors import program_options

# Fields of the create form whose change is worth a new duplicate check while typing.
DUPLICATE_KEYS = ("dni", "given_names", "paternal_surname", "maternal_surname", "birth_date", "birth_year", "district")


def _crumbs(person=None):
    crumbs = [(reverse("person_list"), _("Personas"))]
    if person is not None:
        crumbs.append((reverse("person_detail", args=[person.pk]), person.full_name))
    return crumbs


def _form_page(request, form, *, title, person=None, cancel_url, intro="", submit=None):
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "title": title,
            "crumbs": _crumbs(person),
            "cancel_url": cancel_url,
            "intro": intro,
            "submit": submit or _("Guardar"),
        },
    )


def _require_people_pages(user):
    if not selectors.people_page_allowed(user):
        raise Http404


def _require_edit(user, person):
    if not access.person_can_edit(user, person):
        raise Forbidden(_("No tiene permiso para modificar los datos de esta persona."))


def _person_url(person):
    return reverse("person_detail", args=[person.pk])


def _filter_options(user):
    programs = program_options(user=user)
    organizations = access.organizations_visible(user).filter(
        pk__in=access.organization_ids(user, access.PERSONAL_DATA_ROLES)
    )
    if access.is_network_admin(user) or access.whole_program_ids(user):
        organizations = access.organizations_visible(user)
    return programs, organizations.only("slug", "name", "short_name").order_by("name")


# List and search -----------------------------------------------------------------------------------------------


@login_required
def person_list(request):
    """The list, its filters and the search. A search by DNI is posted, never put in the address (where it would
    stay in the browser's history and the server's logs) nor written back into the page; a name search and the
    filters are posted too and answered at an address that keeps them, so it can be paginated and shared."""
    user = request.user
    _require_people_pages(user)
    source = request.POST if request.method == "POST" else request.GET
    typed = (source.get("q") or "").strip()
    dni_search = selectors.is_dni_query(typed)
    params = source.copy()
    for name in ("csrfmiddlewaretoken", "page", *(["q"] if dni_search else [])):
        params.pop(name, None)
    address = f"{reverse('person_list')}?{params.urlencode()}" if params else reverse("person_list")
    partial = bool(request.htmx) and request.htmx.target == "person-table"
    if request.method == "GET" and dni_search:
        return redirect(address)  # a DNI in an address is dropped, unsearched
    if request.method == "POST" and not dni_search and not partial:
        return redirect(address)
    programs, organizations = _filter_options(user)
    form = PersonFilterForm(source or None, programs=programs, organizations=organizations)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    program = programs.filter(slug=filters["program"]).first() if filters.get("program") else None
    organization = organizations.filter(slug=filters["organization"]).first() if filters.get("organization") else None
    people = selectors.person_list(
        user=user,
        q=filters.get("q", ""),
        program=program,
        organization=organization,
        district=filters.get("district", ""),
        sex=filters.get("sex", ""),
    )
    if request.method == "GET" and exports.export_format(request):
        if request.GET.get("of") == "enrollments":
            rows = selectors.enrollments_of(user=user, people=people, program=program, organization=organization)
            return exports.export_response(request, rows=rows, columns=ENROLLMENT_COLUMNS, filename="inscripciones")
        return exports.export_response(request, rows=people, columns=PERSON_COLUMNS, filename="personas")
    if request.method == "POST":
        request.GET = params  # the page links keep the filters (and never the DNI)
    context = {
        "form": PersonFilterForm(params, programs=programs, organizations=organizations) if dni_search else form,
        "searching": bool(typed),
        "dni_search": dni_search,
        "today": timezone.localdate(),
        **paginate(request, people),
    }
    if partial:
        response = render(request, "people/_person_table.html", context)
        if not dni_search:
            response["HX-Push-Url"] = address
        return response
    context["can_register"] = access.people_register_organizations(user).exists()
    return render(request, "people/person_list.html", context)


# Registering ---------------------------------------------------------------------------------------------------


def _create_form(request, data=None):
    user = request.user
    programs = program_options(user=user)
    # Registering a walk-in from an attendance page: that page names the program to enroll her in.
    initial = {"program": programs.filter(slug=request.GET.get("program", "")).first()}
    return PersonCreateForm(
        data,
        initial=initial,
        organizations=access.people_register_organizations(user),
        programs=programs,
    )


def _next_url(request) -> str | None:
    """Where to go back after registering (an attendance page), if it is an address of this site."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _duplicate_data(form) -> dict:
    """What the duplicate check needs, from a form that may not be valid yet (checked while typing)."""
    data = {}
    for name in DUPLICATE_KEYS:
        if name in form.cleaned_data:
            data[name] = form.cleaned_data[name]
    return data


@login_required
def person_create(request):
    user = request.user
    if not access.people_register_organizations(user).exists():
        raise Forbidden(_("Para registrar personas debe trabajar en una organización de la red."))
    form = _create_form(request, request.POST or None)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        duplicates = selectors.likely_duplicates(user=user, data=_duplicate_data(form))
        if duplicates["dni_taken"]:
            form.add_error("dni", _("Ya hay una persona registrada con ese DNI en la red."))
        elif duplicates["people"] and not form.cleaned_data.get("confirm"):
            form.add_error(
                None,
                _("Puede que esta persona ya esté registrada. Revise las coincidencias antes de guardar."),
            )
        else:
            person = _register(request, form)
            if person is not None:
                return redirect(_next_url(request) or _person_url(person))
    return render(
        request,
        "people/person_create.html",
        {"form": form, "duplicates": duplicates, "crumbs": _crumbs(), "today": timezone.localdate()},
    )


def _register(request, form):
    user, data = request.user, form.cleaned_data
    try:
        person = services.participant_register(
            user=user,
            organization=data["organization"],
            data=form.participant_data(),
            dni=data.get("dni") or "",
            consent=form.consent_data(),
            program=data.get("program"),
        )
    except ApplicationError as error:
        if error.status == 403 and data.get("program"):
            form.add_error("program", error.message)
        else:
            form_add_error(form, error)
        return None
    messages.success(request, _("%(name)s quedó registrada.") % {"name": person.full_name})
    return person


@login_required
@require_POST
def person_check_duplicates(request):
    """HTMX, while the create form is being filled: the likely duplicates of what has been typed so far."""
    user = request.user
    if not access.people_register_organizations(user).exists():
        raise Http404
    form = _create_form(request, request.POST)
    form.is_valid()
    duplicates = selectors.likely_duplicates(user=user, data=_duplicate_data(form))
    return render(request, "people/_likely_duplicates.html", {"duplicates": duplicates, "today": timezone.localdate()})


# Profile -------------------------------------------------------------------------------------------------------


@login_required
def person_detail(request, pk):
    user = request.user
    person = selectors.person_get(user=user, participant_id=pk)
    can_edit = access.person_can_edit(user, person)
    history = selectors.person_history(participant=person, user=user)
    staff_of, edits_programs = access.organization_ids(user, access.STAFF_ROLES), access.programs_editable_ids(user)
    editable_enrollments = {
        enrollment.pk
        for enrollment in history["enrollments"]
        if enrollment.organization_id in staff_of or enrollment.program_id in edits_programs
    }
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "masked_dni": masked_dni(person.dni_last_digits),
            "crumbs": _crumbs(),
            "can_edit": can_edit and not person.anonymized_at,
            "can_manage_rights": can_edit,
            "sees_sensitive": can_edit,
            "has_sensitive": any(getattr(person, name) for name in SENSITIVE_FIELDS),
            "consents": selectors.person_consents(participant=person),
            "history": history,
            "editable_enrollments": editable_enrollments,
        },
    )


@login_required
def person_edit(request, pk):
    person = selectors.person_get(user=request.user, participant_id=pk)
    _require_edit(request.user, person)
    if person.anonymized_at:
        messages.error(request, _("Los datos de una persona anonimizada no se modifican."))
        return redirect(_person_url(person))
    form = PersonForm(request.POST or None, instance=copy.copy(person))  # the form fills a copy, not the record read
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.participant_update(
                user=request.user, participant=person, data=form.participant_data(), dni=form.cleaned_data["dni"]
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Datos de %(name)s actualizados.") % {"name": updated.full_name})
            return redirect(_person_url(updated))
    return _form_page(
        request, form, title=_("Editar datos de la persona"), person=person, cancel_url=_person_url(person)
    )


# Consents ------------------------------------------------------------------------------------------------------


@login_required
def consent_create(request, pk):
    person = selectors.person_get(user=request.user, participant_id=pk)
    _require_edit(request.user, person)
    form = ConsentForm(request.POST or None, instance=Consent(participant=person, recorded_by=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(user=request.user, participant=person, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Consentimiento registrado."))
            return redirect(_person_url(person))
    return _form_page(
        request,
        form,
        title=_("Registrar consentimiento"),
        person=person,
        cancel_url=_person_url(person),
        intro=_(
            "Anote el consentimiento tal como la persona lo dio. Los datos sensibles requieren un consentimiento "
            "escrito (firmado en papel o digital) que los incluya."
        ),
    )


@require_POST
@login_required
def consent_withdraw(request, pk):
    consent = selectors.consent_get(user=request.user, consent_id=pk)
    person = consent.participant
    _require_edit(request.user, person)
    try:
        services.consent_withdraw(user=request.user, consent=consent)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Consentimiento retirado."))
    return redirect(_person_url(person))


# Enrollments ---------------------------------------------------------------------------------------------------


@login_required
def enrollment_create(request, pk):
    user = request.user
    person = selectors.person_get(user=user, participant_id=pk)
    organizations = access.people_register_organizations(user)
    if not organizations.exists():
        raise Forbidden(_("Para inscribir personas debe trabajar en una organización de la red."))
    form = EnrollmentCreateForm(
        request.POST or None,
        instance=Enrollment(participant=person),
        programs=program_options(user=user),
        organizations=organizations,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enrollment_create(
                user=user, participant=person, program=data["program"], organization=data["organization"], data=data
            )
        except ApplicationError as error:
            if error.status == 403:
                form.add_error("program", error.message)
            else:
                form_add_error(form, error)
        else:
            messages.success(request, _("Inscripción registrada."))
            return redirect(_person_url(person))
    return _form_page(request, form, title=_("Inscribir en un programa"), person=person, cancel_url=_person_url(person))


@login_required
def enrollment_edit(request, pk):
    user = request.user
    enrollment = selectors.enrollment_get(user=user, enrollment_id=pk)
    person = enrollment.participant
    if not (
        enrollment.organization_id in access.organization_ids(user, access.STAFF_ROLES)
        or access.program_can_edit(user, enrollment.program)
    ):
        raise Forbidden(_("No tiene permiso para modificar esta inscripción."))
    form = EnrollmentForm(request.POST or None, instance=copy.copy(enrollment))
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_update(user=user, enrollment=enrollment, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Inscripción actualizada."))
            return redirect(_person_url(person))
    intro = _("%(program)s, por %(organization)s.") % {
        "program": enrollment.program.name,
        "organization": enrollment.organization,
    }
    return _form_page(
        request, form, title=_("Editar inscripción"), person=person, cancel_url=_person_url(person), intro=intro
    )


# Her rights: access and cancellation ---------------------------------------------------------------------------


@login_required
def person_export(request, pk):
    """Her data as a JSON file (right of access, Ley 29733 art. 19), recorded in the audit trail."""
    person = selectors.person_get(user=request.user, participant_id=pk)
    _require_edit(request.user, person)
    data = services.participant_export(participant=person, user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="persona-{person.pk}.json"'
    return response


@login_required
def person_anonymize(request, pk):
    """Her right of cancellation: a confirmation page, then the anonymization (counts of the past are kept)."""
    person = selectors.person_get(user=request.user, participant_id=pk)
    _require_edit(request.user, person)
    if request.method == "POST":
        try:
            services.participant_anonymize(user=request.user, participant=person)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Los datos que la identificaban fueron borrados."))
        return redirect(_person_url(person))
    return render(
        request,
        "people/person_anonymize.html",
        {"person": person, "crumbs": _crumbs(person), "masked_dni": masked_dni(person.dni_last_digits)},
    )
