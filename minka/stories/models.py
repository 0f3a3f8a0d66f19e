"""Stories: testimonies of the people a program serves, told in their words, with a recorded consent to publish.

A story is internal until the consent to publish it is on record (when, by whom, how); only then may it be
public. The rule lives twice: in services (a clear message) and as a database constraint (no other door).
Donor reports and the public results page read `Story.objects.publishable()` and nothing else.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel


class StoryVisibility(models.TextChoices):
    PUBLIC = "public", _("Pública")
    INTERNAL = "internal", _("Interna")


class StoryLanguage(models.TextChoices):
    ES = "es", _("Español")
    EN = "en", _("Inglés")


class StoryQuerySet(models.QuerySet):
    def publishable(self):
        """Stories that may leave the network: public, with the consent to publish recorded."""
        return self.filter(
            visibility=StoryVisibility.PUBLIC,
            consent_to_publish=True,
            consent_recorded_on__isnull=False,
        )


# The constraint and publishable() say the same thing: public means consent given and recorded (when and by whom).
CONSENT_RECORDED = Q(consent_to_publish=True, consent_recorded_on__isnull=False, consent_recorded_by__isnull=False)


class Story(TimeStampedModel):
    """A testimony attached to a program (and maybe one of its projects), told by a person."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="stories", verbose_name=_("programa")
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("proyecto"),
    )
    title = models.CharField(_("título"), max_length=200)
    text = models.TextField(_("texto"))
    language = models.CharField(
        _("idioma en que está escrita"), max_length=2, choices=StoryLanguage.choices, default=StoryLanguage.ES
    )
    photo = models.ImageField(
        _("foto"),
        upload_to="stories/%Y/",
        blank=True,
        max_length=250,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_description = models.CharField(
        _("descripción de la foto"),
        max_length=250,
        blank=True,
        help_text=_("Lo que muestra la foto, para quien no puede verla."),
    )
    video_url = models.URLField(_("enlace a un video"), blank=True)
    person = models.ForeignKey(
        "people.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("persona que la cuenta"),
    )
    storyteller = models.CharField(
        _("nombre con que se publica"),
        max_length=200,
        blank=True,
        help_text=_("Tal como la persona aceptó que se publique (puede ser solo el nombre de pila)."),
    )
    territory = models.ForeignKey(
        "network.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("territorio"),
    )
    told_on = models.DateField(_("fecha del testimonio"), null=True, blank=True)
    consent_to_publish = models.BooleanField(_("consiente que se publique"), default=False)
    consent_recorded_on = models.DateField(_("consentimiento registrado el"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consentimiento registrado por"),
    )
    consent_note = models.CharField(
        _("cómo se dio el consentimiento"),
        max_length=250,
        blank=True,
        help_text=_("Formulario firmado, verbal ante testigo…"),
    )
    visibility = models.CharField(
        _("visibilidad"), max_length=10, choices=StoryVisibility.choices, default=StoryVisibility.INTERNAL
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["program", "-told_on", "-pk"]
        verbose_name = _("historia")
        verbose_name_plural = _("historias")
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility=StoryVisibility.PUBLIC) | CONSENT_RECORDED,
                name="story_public_only_with_consent",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.visibility == StoryVisibility.PUBLIC and not (
            self.consent_to_publish and self.consent_recorded_on and self.consent_recorded_by_id
        ):
            errors["visibility"] = _(
                "Solo se publica una historia cuando está registrado el consentimiento para publicarla "
                "(fecha y quién lo registró)."
            )
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            errors["project"] = _("El proyecto pertenece a otro programa.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_publishable(self) -> bool:
        return (
            self.visibility == StoryVisibility.PUBLIC
            and self.consent_to_publish
            and self.consent_recorded_on is not None
        )
