from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from minka.accounts import selectors, services, tokens
from minka.accounts.forms import ApiTokenForm, MembershipForm, ProfileForm, UserCreateForm, UserFilterForm
from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate

NEW_TOKEN_SESSION_KEY = "minka_new_api_token"  # noqa: S105 - a session key, not a secret


@never_cache
@login_required
def profile(request):
    """The user's own name, e-mail and language, and their API tokens (a new one is shown once, here)."""
    user = request.user
    profile_form = ProfileForm(
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "language": user.language,
        }
    )
    token_form = ApiTokenForm()
    if request.method == "POST" and request.POST.get("action") == "token_create":
        token_form = ApiTokenForm(request.POST)
        if token_form.is_valid():
            try:
                token, plaintext = tokens.api_token_create(user=user, name=token_form.cleaned_data["name"])
            except ApplicationError as error:
                form_add_error(token_form, error)
            else:
                # Kept in the session only until the next page shows it, so a reload does not make another token.
                request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "plaintext": plaintext}
                return redirect("profile")
    elif request.method == "POST":
        profile_form = ProfileForm(request.POST)
        if profile_form.is_valid():
            try:
                services.profile_update(user=user, **profile_form.cleaned_data)
            except ApplicationError as error:
                form_add_error(profile_form, error)
            else:
                messages.success(request, _("Perfil actualizado."))
                return redirect("profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form,
            "token_form": token_form,
            "api_tokens": selectors.api_token_list(user=user),
            "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.api_token_get(user=request.user, token_id=pk)
    tokens.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("Token revocado: ya no da acceso a la API."))
    return redirect("profile")


def _managed_organizations_or_404(user):
    organizations = selectors.managed_organizations(user=user)
    if not organizations.exists():
        raise Http404
    return organizations


@login_required
def user_list(request):
    organizations = list(_managed_organizations_or_404(request.user))
    form = UserFilterForm(request.GET, organizations=organizations)
    values = form.cleaned_data if form.is_valid() else {}
    users = selectors.user_list(
        user=request.user,
        organization=values.get("organization", ""),
        role=values.get("role", ""),
        search=values.get("q", "").strip(),
    )
    return render(request, "accounts/user_list.html", {"filter_form": form, **paginate(request, users)})


@login_required
def user_create(request):
    organizations = _managed_organizations_or_404(request.user)
    form = UserCreateForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            new_user = services.user_create(
                by=request.user, site_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(
                request,
                _("Usuario creado. Le enviamos un correo a %(email)s para que elija su contraseña.")
                % {"email": new_user.email},
            )
            return redirect("user_detail", pk=new_user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_detail(request, pk):
    """A user's memberships in the organizations the admin manages: change a role, add one, end one."""
    target = selectors.user_get(user=request.user, user_id=pk)
    organizations = selectors.managed_organizations(user=request.user)
    membership_form = MembershipForm(organizations=organizations)
    errors = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "deactivate":
                membership_id = request.POST.get("membership", "")
                if not membership_id.isdigit():
                    raise Http404
                membership = selectors.membership_get(user=request.user, membership_id=int(membership_id))
                if membership.user_id != target.pk:
                    raise Http404
                services.membership_deactivate(by=request.user, membership=membership)
                messages.success(request, _("Membresía desactivada."))
                return redirect("user_detail", pk=target.pk)
            membership_form = MembershipForm(request.POST, organizations=organizations)
            if membership_form.is_valid():
                services.membership_set(by=request.user, user=target, **membership_form.cleaned_data)
                messages.success(request, _("Rol guardado."))
                return redirect("user_detail", pk=target.pk)
            errors = [error for field_errors in membership_form.errors.values() for error in field_errors]
        except ApplicationError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            errors = [error.message]
    memberships = target.managed_memberships
    taken = {membership.organization_id for membership in memberships}
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "memberships": memberships,
            "errors": errors,
            "membership_form": membership_form,
            "role_choices": MembershipForm.base_fields["role"].choices,
            "free_organizations": [organization for organization in organizations if organization.pk not in taken],
        },
    )
