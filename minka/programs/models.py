from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel, check_not_reserved, translated
from minka.network.models import Organization, Territory


class Currency(models.TextChoices):
    PEN = "PEN", _("Soles (S/)")
    USD = "USD", _("Dólares (US$)")
    EUR = "EUR", _("Euros (€)")


def check_dates(instance, start_field="start_date", end_field="end_date"):
    start, end = getattr(instance, start_field), getattr(instance, end_field)
    if start and end and end < start:
        raise ValidationError({end_field: _("La fecha de fin no puede ser anterior a la de inicio.")})


class Program(TimeStampedModel):
    """A program run by the network (Work 4 Progress Peru, a solidarity fund…), with its catalysts."""

    slug = models.SlugField(_("identificador corto"), max_length=60, unique=True)
    name_es = models.CharField(_("nombre (español)"), max_length=200)
    name_en = models.CharField(_("nombre (inglés)"), max_length=200, blank=True)
    description_es = models.TextField(_("descripción (español)"), blank=True)
    description_en = models.TextField(_("descripción (inglés)"), blank=True)
    start_date = models.DateField(_("inicio"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    currency = models.CharField(_("moneda"), max_length=3, choices=Currency.choices, default=Currency.PEN)
    catalysts = models.ManyToManyField(
        Organization, related_name="catalyzed_programs", blank=True, verbose_name=_("organizaciones catalizadoras")
    )
    public_results = models.BooleanField(
        _("página pública de resultados"),
        default=False,
        help_text=_("Publica sin inicio de sesión los indicadores agregados y las historias con consentimiento."),
    )

    class Meta:
        ordering = ["name_es"]
        verbose_name = _("programa")
        verbose_name_plural = _("programas")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="program_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return translated(self, "name")

    @property
    def description(self):
        return translated(self, "description")

    def clean(self):
        check_not_reserved(self.slug, "slug")
        check_dates(self)


class Phase(TimeStampedModel):
    """A phase of a program (Work 4 Progress Peru has two)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="phases", verbose_name=_("programa"))
    number = models.PositiveSmallIntegerField(_("número"), validators=[MinValueValidator(1)])
    name_es = models.CharField(_("nombre (español)"), max_length=200)
    name_en = models.CharField(_("nombre (inglés)"), max_length=200, blank=True)
    start_date = models.DateField(_("inicio"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        ordering = ["program", "number"]
        verbose_name = _("fase")
        verbose_name_plural = _("fases")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="phase_number_unique_per_program"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="phase_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return translated(self, "name")

    def clean(self):
        check_dates(self)


class ProjectStatus(models.TextChoices):
    """IATI ActivityStatus, so the export needs no mapping."""

    PIPELINE = "1", _("En preparación")
    IMPLEMENTATION = "2", _("En ejecución")
    FINALISATION = "3", _("En cierre")
    CLOSED = "4", _("Cerrado")
    CANCELLED = "5", _("Cancelado")
    SUSPENDED = "6", _("Suspendido")


class Project(TimeStampedModel):
    """A project within a program, led by one organization, over a set of territories."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="projects", verbose_name=_("programa"))
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("fase")
    )
    code = models.SlugField(_("código"), max_length=40)
    title_es = models.CharField(_("título (español)"), max_length=250)
    title_en = models.CharField(_("título (inglés)"), max_length=250, blank=True)
    description_es = models.TextField(_("descripción (español)"), blank=True)
    description_en = models.TextField(_("descripción (inglés)"), blank=True)
    status = models.CharField(
        _("estado"), max_length=1, choices=ProjectStatus.choices, default=ProjectStatus.IMPLEMENTATION
    )
    start_date = models.DateField(_("inicio"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    territories = models.ManyToManyField(Territory, related_name="projects", blank=True, verbose_name=_("ámbito"))
    lead_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("organización responsable")
    )

    class Meta:
        ordering = ["program", "code"]
        verbose_name = _("proyecto")
        verbose_name_plural = _("proyectos")
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="project_code_unique_per_program"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return translated(self, "title")

    @property
    def description(self):
        return translated(self, "description")

    def clean(self):
        check_not_reserved(self.code, "code")
        check_dates(self)
        if self.phase_id and self.program_id and self.phase.program_id != self.program_id:
            raise ValidationError({"phase": _("La fase pertenece a otro programa.")})


class PartnerRole(models.TextChoices):
    """The roles IATI names (OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing)."""

    FUNDER = "funder", _("Financiador / entidad cooperante")
    IMPLEMENTER = "implementer", _("Ejecutor")
    CATALYST = "catalyst", _("Catalizador")
    ALLY = "ally", _("Aliado")


class ProjectPartner(TimeStampedModel):
    """An organization taking part in a project, in one role."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners", verbose_name=_("proyecto"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("organización")
    )
    role = models.CharField(_("rol"), max_length=20, choices=PartnerRole.choices)

    class Meta:
        ordering = ["project", "role", "organization__name"]
        verbose_name = _("socio del proyecto")
        verbose_name_plural = _("socios del proyecto")
        constraints = [
            models.UniqueConstraint(fields=["project", "organization", "role"], name="partner_role_unique_per_project")
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Propuesta")
    PLANNED = "planned", _("Planificada")
    IN_PROGRESS = "in_progress", _("En marcha")
    COMPLETED = "completed", _("Concluida")
    DROPPED = "dropped", _("Abandonada")


class Initiative(TimeStampedModel):
    """An initiative proposed by participants (e.g. the 15 regional initiatives of the cooperation agents)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("programa")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("proyecto"),
    )
    title_es = models.CharField(_("título (español)"), max_length=250)
    title_en = models.CharField(_("título (inglés)"), max_length=250, blank=True)
    description = models.TextField(_("descripción"), blank=True)
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("territorio"),
    )
    proposed_by = models.CharField(_("propuesta por"), max_length=200, blank=True)
    status = models.CharField(
        _("estado"), max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.PROPOSED
    )

    class Meta:
        ordering = ["program", "title_es"]
        verbose_name = _("iniciativa")
        verbose_name_plural = _("iniciativas")
        constraints = [
            models.UniqueConstraint(fields=["program", "title_es"], name="initiative_title_unique_per_program")
        ]

    def __str__(self):
        return self.title

    @property
    def title(self):
        return translated(self, "title")

    def clean(self):
        if self.project_id and self.program_id and self.project.program_id != self.program_id:
            raise ValidationError({"project": _("El proyecto pertenece a otro programa.")})


class FundingCommitment(TimeStampedModel):
    """Money a funder commits to a project (IATI transaction type 2)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("proyecto")
    )
    funder = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("financiador")
    )
    amount = models.DecimalField(
        _("monto comprometido"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(_("moneda"), max_length=3, choices=Currency.choices, default=Currency.PEN)
    committed_on = models.DateField(_("fecha del compromiso"))
    reference = models.CharField(_("referencia / convenio"), max_length=120, blank=True)

    class Meta:
        ordering = ["project", "committed_on"]
        verbose_name = _("compromiso de financiamiento")
        verbose_name_plural = _("compromisos de financiamiento")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="commitment_amount_positive")]

    def __str__(self):
        return f"{self.funder} → {self.project}: {self.currency} {self.amount}"


class Disbursement(TimeStampedModel):
    """A payment made against a commitment (IATI transaction type 3), in the commitment's currency."""

    commitment = models.ForeignKey(
        FundingCommitment, on_delete=models.CASCADE, related_name="disbursements", verbose_name=_("compromiso")
    )
    amount = models.DecimalField(
        _("monto desembolsado"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    disbursed_on = models.DateField(_("fecha del desembolso"))
    note = models.CharField(_("nota"), max_length=250, blank=True)

    class Meta:
        ordering = ["commitment", "disbursed_on"]
        verbose_name = _("desembolso")
        verbose_name_plural = _("desembolsos")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive")]

    def __str__(self):
        return f"{self.commitment.currency} {self.amount} ({self.disbursed_on})"
