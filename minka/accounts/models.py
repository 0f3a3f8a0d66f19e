from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel


class User(AbstractUser):
    """A person who logs in to Minka. Their language choice follows them across devices."""

    language = models.CharField(_("idioma"), max_length=8, choices=settings.LANGUAGES, default="es")

    class Meta:
        ordering = ["username"]
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique_when_given")
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class OrganizationRole(models.TextChoices):
    ADMIN = "admin", _("Administración de la organización")
    FIELD_OFFICER = "field_officer", _("Promotor/a de campo")
    CREDIT_OFFICER = "credit_officer", _("Asesor/a de crédito")
    FUNDER = "funder", _("Financiador (solo agregados)")
    AUDITOR = "auditor", _("Auditor/a (solo lectura)")


class ProgramRoleKind(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinación de red")
    FUNDER = "funder", _("Financiador (solo agregados)")
    AUDITOR = "auditor", _("Auditor/a (solo lectura)")


class Membership(TimeStampedModel):
    """A user's role in one organization. A user may belong to several organizations."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("usuario"))
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organización")
    )
    role = models.CharField(_("rol"), max_length=20, choices=OrganizationRole.choices)
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["organization__name", "user__username"]
        verbose_name = _("membresía")
        verbose_name_plural = _("membresías")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_one_role_per_organization")
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class ProgramRole(TimeStampedModel):
    """A user's role across a whole program: the network coordinator sees and edits all of it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="program_roles", verbose_name=_("usuario"))
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="roles", verbose_name=_("programa")
    )
    role = models.CharField(_("rol"), max_length=20, choices=ProgramRoleKind.choices)

    class Meta:
        ordering = ["program__slug", "user__username"]
        verbose_name = _("rol en programa")
        verbose_name_plural = _("roles en programas")
        constraints = [models.UniqueConstraint(fields=["user", "program"], name="program_role_one_per_program")]

    def __str__(self):
        return f"{self.user} · {self.program} · {self.get_role_display()}"


class ApiToken(TimeStampedModel):
    """A personal API token. Only a keyed hash is stored; the token is shown once, when made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("usuario"))
    name = models.CharField(_("nombre"), max_length=80)
    prefix = models.CharField(_("prefijo"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocado"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("token de API")
        verbose_name_plural = _("tokens de API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
