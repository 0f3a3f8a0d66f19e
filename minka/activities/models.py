from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel, translated


class ActivityCategory(models.TextChoices):
    """What kind of work an activity type is, so indicators can count across programs' own names."""

    LISTENING = "listening", _("Escucha y co-creación")
    PROTOTYPING = "prototyping", _("Prototipado")
    BUSINESS_TRAINING = "business_training", _("Formación en habilidades empresariales")
    TECHNICAL_TRAINING = "technical_training", _("Formación técnica")
    ADVISORY_VISIT = "advisory_visit", _("Visita de asesoría o acompañamiento")
    JOB_SEARCH = "job_search", _("Taller de búsqueda de empleo")
    LEADERSHIP = "leadership", _("Escuela de liderazgo")
    EVENT = "event", _("Evento")
    OTHER = "other", _("Otra")


class ActivityType(TimeStampedModel):
    """A kind of activity in a program's catalogue (each program starts with the standard ones)."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="activity_types", verbose_name=_("programa")
    )
    code = models.SlugField(_("código"), max_length=40)
    name_es = models.CharField(_("nombre (español)"), max_length=120)
    name_en = models.CharField(_("nombre (inglés)"), max_length=120, blank=True)
    category = models.CharField(_("categoría"), max_length=20, choices=ActivityCategory.choices)

    class Meta:
        ordering = ["program", "name_es"]
        verbose_name = _("tipo de actividad")
        verbose_name_plural = _("tipos de actividad")
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="activity_type_code_per_program")]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return translated(self, "name")


class Activity(TimeStampedModel):
    """A workshop, a course, a listening process, a visit: something people take part in, in sessions."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="activities", verbose_name=_("programa")
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("proyecto"),
    )
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="activities", verbose_name=_("organización")
    )
    site = models.ForeignKey(
        "network.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("sede"),
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="activities", verbose_name=_("tipo")
    )
    title = models.CharField(_("título"), max_length=200)
    start_date = models.DateField(_("inicio"))
    end_date = models.DateField(_("fin"))
    facilitators = models.CharField(_("facilitadores"), max_length=250, blank=True)
    completion_percent = models.DecimalField(
        _("asistencia mínima para concluir (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("75"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["-start_date", "title", "pk"]
        verbose_name = _("actividad")
        verbose_name_plural = _("actividades")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="activity_ends_after_start")
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("La fecha de fin no puede ser anterior a la de inicio.")
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            errors["project"] = _("El proyecto pertenece a otro programa.")
        if self.activity_type_id and self.program_id and self.activity_type.program_id != self.program_id:
            errors["activity_type"] = _("El tipo de actividad pertenece a otro programa.")
        if self.site_id and self.organization_id and self.site.organization_id != self.organization_id:
            errors["site"] = _("La sede pertenece a otra organización.")
        if errors:
            raise ValidationError(errors)


class Session(TimeStampedModel):
    """One meeting of an activity, on one day."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("actividad")
    )
    date = models.DateField(_("fecha"))
    topic = models.CharField(_("tema"), max_length=200, blank=True)

    class Meta:
        ordering = ["activity", "date", "pk"]
        verbose_name = _("sesión")
        verbose_name_plural = _("sesiones")

    def __str__(self):
        return f"{self.activity} · {self.date:%d/%m/%Y}"

    def clean(self):
        activity = self.activity if self.activity_id else None
        if activity and self.date and not (activity.start_date <= self.date <= activity.end_date):
            raise ValidationError({"date": _("La sesión debe caer entre el inicio y el fin de la actividad.")})


class Attendance(models.Model):
    """A person present at a session. Absence is the lack of a row."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("sesión"))
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.PROTECT, related_name="attendances", verbose_name=_("participante")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "participant"]
        verbose_name = _("asistencia")
        verbose_name_plural = _("asistencias")
        constraints = [models.UniqueConstraint(fields=["session", "participant"], name="attendance_once_per_session")]
        indexes = [models.Index(fields=["participant", "session"], name="attendance_by_person")]

    def __str__(self):
        return f"{self.participant} @ {self.session}"
