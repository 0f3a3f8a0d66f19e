"""Personal API tokens. The token is shown once; only an HMAC of it (keyed by the server's pepper) is stored,
so a copy of the database alone cannot be used to call the API."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minka.accounts.models import ApiToken
from minka.audit.services import audit_create, audit_update, record_snapshot
from minka.core.errors import ApplicationError

TOKEN_PREFIX = "mk_"  # noqa: S105 (a marker, not a secret)


def token_hash(plaintext: str) -> str:
    return hmac.new(settings.MINKA_TOKEN_PEPPER.encode(), plaintext.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the plaintext, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Dé un nombre al token."), fields={"name": [_("Obligatorio.")]})
    if len(name) > 80:
        raise ApplicationError(_("El nombre es demasiado largo."), fields={"name": [_("Máximo 80 caracteres.")]})
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=plaintext[:10], key_hash=token_hash(plaintext))
    audit_create(actor=user, instance=token)
    return token, plaintext


@transaction.atomic
def api_token_revoke(*, user, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise ApplicationError(_("Token no encontrado."), code="not_found", status=404)
    if token.revoked_at is None:
        before = record_snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_update(actor=user, instance=token, before=before)
    return token


def api_token_authenticate(plaintext: str):
    """The active user owning this unrevoked token, or None."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(plaintext), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Writing on every call would make each API read a write; once a minute is enough to show use.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
