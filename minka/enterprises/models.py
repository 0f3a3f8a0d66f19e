from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.network.identifiers import ruc_is_valid


class EnterpriseKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    FAMILY = "family", _("Familiar")
    COLLECTIVE = "collective", _("Colectivo / asociativo")


class EnterpriseStage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROTOTYPE = "prototype", _("Prototipo")
    OPERATING = "operating", _("En marcha")
    CLOSED = "closed", _("Cerrado")


class Sector(models.TextChoices):
    """Economic activity, by the broad sections of Peru's CIIU (ISIC Rev. 4) that rural enterprises meet."""

    AGRICULTURE = "agriculture", _("Agricultura")
    LIVESTOCK = "livestock", _("Ganadería y crianza de animales")
    FISHING = "fishing", _("Pesca y acuicultura")
    FOOD_PROCESSING = "food_processing", _("Transformación de alimentos")
    TEXTILES = "textiles", _("Textiles, tejidos y confecciones")
    CRAFTS = "crafts", _("Artesanía")
    COMMERCE = "commerce", _("Comercio")
    TOURISM = "tourism", _("Turismo, alojamiento y restaurantes")
    SERVICES = "services", _("Servicios personales y técnicos")
    TRANSPORT = "transport", _("Transporte")
    CONSTRUCTION = "construction", _("Construcción")
    OTHER = "other", _("Otra")


class Enterprise(TimeStampedModel):
    """An enterprise started or strengthened by participants: individual, family or collective."""

    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("organización")
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("programa")
    )
    project = models.ForeignKey(
        "programs.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("proyecto"),
    )
    kind = models.CharField(_("tipo"), max_length=12, choices=EnterpriseKind.choices)
    name = models.CharField(_("nombre"), max_length=200)
    sector = models.CharField(_("actividad económica"), max_length=20, choices=Sector.choices)
    stage = models.CharField(_("etapa"), max_length=10, choices=EnterpriseStage.choices, default=EnterpriseStage.IDEA)
    site = models.ForeignKey(
        "network.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("sede"),
    )
    district = models.ForeignKey(
        "network.Territory",
        on_delete=models.PROTECT,
        related_name="enterprises",
        limit_choices_to={"level": "district"},
        verbose_name=_("distrito"),
    )
    started_on = models.DateField(_("fecha de inicio"))
    ruc = models.CharField(_("RUC (si está formalizado)"), max_length=11, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("emprendimiento")
        verbose_name_plural = _("emprendimientos")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.ruc and not ruc_is_valid(self.ruc):
            errors["ruc"] = _("El RUC no es válido: debe tener 11 dígitos y un dígito verificador correcto.")
        if self.started_on and self.started_on > timezone.localdate():
            errors["started_on"] = _("La fecha de inicio no puede estar en el futuro.")
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            errors["project"] = _("El proyecto pertenece a otro programa.")
        if self.district_id and self.district.level != "district":
            errors["district"] = _("Elija un distrito.")
        if errors:
            raise ValidationError(errors)


class StageChange(models.Model):
    """When an enterprise reached a stage: the history behind "enterprises operating"."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("emprendimiento")
    )
    stage = models.CharField(_("etapa"), max_length=10, choices=EnterpriseStage.choices)
    changed_on = models.DateField(_("fecha"))
    note = models.CharField(_("nota"), max_length=250, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["enterprise", "changed_on", "pk"]
        verbose_name = _("cambio de etapa")
        verbose_name_plural = _("cambios de etapa")

    def __str__(self):
        return f"{self.enterprise}: {self.get_stage_display()} ({self.changed_on})"


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Titular")
    PARTNER = "partner", _("Socia/o")
    WORKER = "worker", _("Trabajador/a")
    FAMILY = "family", _("Familiar que colabora")


class EnterpriseMember(TimeStampedModel):
    """A registered person in an enterprise, in one role."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="members", verbose_name=_("emprendimiento")
    )
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="enterprise_memberships",
        verbose_name=_("participante"),
    )
    role = models.CharField(_("rol"), max_length=10, choices=MemberRole.choices)
    joined_on = models.DateField(_("desde"), null=True, blank=True)

    class Meta:
        ordering = ["enterprise", "role", "pk"]
        verbose_name = _("integrante")
        verbose_name_plural = _("integrantes")
        constraints = [models.UniqueConstraint(fields=["enterprise", "participant"], name="enterprise_member_once")]

    def __str__(self):
        return f"{self.participant} ({self.get_role_display()})"


class EnterpriseRecord(TimeStampedModel):
    """What an enterprise sold, spent and employed in one month; the first one is its baseline."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="records", verbose_name=_("emprendimiento")
    )
    month = models.DateField(_("mes"), help_text=_("El primer día del mes."))
    sales = models.DecimalField(_("ventas (S/)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    costs = models.DecimalField(_("costos (S/)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    jobs = models.PositiveSmallIntegerField(_("puestos de trabajo"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["enterprise", "month"]
        verbose_name = _("registro mensual")
        verbose_name_plural = _("registros mensuales")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "month"], name="enterprise_record_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="enterprise_record_month_starts_on_day_one"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.month:%m/%Y}"

    @property
    def net_income(self):
        return self.sales - self.costs

    def clean(self):
        if self.month:
            if self.month.day != 1:
                self.month = self.month.replace(day=1)
            if self.month > timezone.localdate():
                raise ValidationError({"month": _("No se registran meses futuros.")})
