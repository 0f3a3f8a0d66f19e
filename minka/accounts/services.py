"""Writing users and their memberships. Organization admins manage the people of their own organizations only."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from minka.accounts import access
from minka.accounts.models import Membership, OrganizationRole, User
from minka.audit.services import audit_create, audit_update, record_snapshot
from minka.core.errors import ApplicationError, PermissionDenied
from minka.core.services import record_save


def _check_manages(by, organization) -> None:
    if organization is None or organization.pk not in access.managed_organization_ids(by):
        raise PermissionDenied(_("No administra los usuarios de esa organización."))


def _check_email_free(email: str, *, exclude_user_id=None) -> None:
    """One account per e-mail address, so a password-reset mail reaches exactly one person."""
    others = User.objects.filter(email__iexact=email)
    if exclude_user_id is not None:
        others = others.exclude(pk=exclude_user_id)
    if others.exists():
        message = _("Ya existe un usuario con ese correo electrónico.")
        raise ApplicationError(message, code="conflict", fields={"email": [message]})


def _check_keeps_admin(by, membership: Membership, *, role: str, is_active: bool) -> None:
    """An admin cannot take away their own last admin membership: nobody could give it back but a network admin."""
    losing_admin = (
        membership.user_id == by.pk
        and membership.is_active
        and membership.role == OrganizationRole.ADMIN
        and (role != OrganizationRole.ADMIN or not is_active)
    )
    if not losing_admin:
        return
    others = Membership.objects.filter(user=by, role=OrganizationRole.ADMIN, is_active=True).exclude(pk=membership.pk)
    if not others.exists():
        raise ApplicationError(
            _("No puede quitarse su última membresía de administración. Pida a otra persona que lo haga."),
            code="last_admin",
        )


def invitation_send(*, user: User, site_url: str) -> None:
    """Mails a new user a link to choose their password (the reset link, so no password is ever typed by another)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "link": site_url.rstrip("/") + path, "site_url": site_url}
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = "".join(render_to_string("accounts/email/invitation_subject.txt", context).splitlines())
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def user_create(
    *,
    by,
    username: str,
    email: str,
    organization,
    role: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "",
    site_url: str,
) -> User:
    """A new user with one membership. They get an e-mail to choose their own password once this commits."""
    _check_manages(by, organization)
    if not organization.is_active:
        raise ApplicationError(_("La organización está inactiva."), fields={"organization": [_("Está inactiva.")]})
    email = (email or "").strip()
    if not email:
        raise ApplicationError(
            _("El correo es obligatorio: por él recibe el enlace para elegir su contraseña."),
            fields={"email": [_("Obligatorio.")]},
        )
    _check_email_free(email)
    user = User(language=language or settings.LANGUAGE_CODE)
    user.set_unusable_password()
    record_save(
        user,
        {
            "username": (username or "").strip(),
            "first_name": first_name.strip(),
            "last_name": last_name.strip(),
            "email": User.objects.normalize_email(email),
        },
    )
    membership = record_save(Membership(user=user, organization=organization), {"role": role, "is_active": True})
    audit_create(actor=by, instance=user, organization=organization)
    audit_create(actor=by, instance=membership, organization=organization)
    transaction.on_commit(lambda: invitation_send(user=user, site_url=site_url))
    return user


@transaction.atomic
def membership_set(*, by, user: User, organization, role: str) -> Membership:
    """Gives `user` the `role` in `organization`: a new membership, a changed role, or a deactivated one revived."""
    _check_manages(by, organization)
    membership = Membership.objects.select_for_update().filter(user=user, organization=organization).first()
    if membership is None:
        membership = record_save(Membership(user=user, organization=organization), {"role": role, "is_active": True})
        audit_create(actor=by, instance=membership, organization=organization)
        return membership
    _check_keeps_admin(by, membership, role=role, is_active=True)
    before = record_snapshot(membership)
    record_save(membership, {"role": role, "is_active": True})
    audit_update(actor=by, instance=membership, before=before, organization=organization)
    return membership


@transaction.atomic
def membership_deactivate(*, by, membership: Membership) -> Membership:
    """Ends a membership without deleting it, so the history of who did what keeps its context."""
    _check_manages(by, membership.organization)
    membership = Membership.objects.select_for_update().select_related("organization").get(pk=membership.pk)
    if not membership.is_active:
        return membership
    _check_keeps_admin(by, membership, role=membership.role, is_active=False)
    before = record_snapshot(membership)
    record_save(membership, {"is_active": False})
    audit_update(actor=by, instance=membership, before=before, organization=membership.organization)
    return membership


@transaction.atomic
def profile_update(*, user: User, first_name: str, last_name: str, email: str, language: str) -> User:
    """A user's own name, e-mail and language (the language then applies to every page they see)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    email = User.objects.normalize_email((email or "").strip())
    if not email:
        raise ApplicationError(_("El correo es obligatorio."), fields={"email": [_("Obligatorio.")]})
    _check_email_free(email, exclude_user_id=user.pk)
    before = record_snapshot(user)
    record_save(
        user, {"first_name": first_name.strip(), "last_name": last_name.strip(), "email": email, "language": language}
    )
    audit_update(actor=user, instance=user, before=before)
    return user
