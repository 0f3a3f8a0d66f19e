"""A program's results framework: results (impact → outcome → output), their indicators, targets, reported values.

An indicator is either computed live from records by a measure (`measures.py`) or reported by people with
evidence and approval. Approval locks the indicator's period; reopening it is recorded.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel, translated


class ResultLevel(models.TextChoices):
    IMPACT = "impact", _("Impacto")
    OUTCOME = "outcome", _("Efecto")
    OUTPUT = "output", _("Producto")


# Which level may hang under which: an outcome under an impact, an output under an outcome.
# Codes name results and indicators in addresses and exports ("1.1.3a"): letters, digits, dots, dashes, underscores.
code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letras, números, puntos, guiones o guiones bajos, empezando por una letra o un número."),
    code="invalid_code",
)

PARENT_LEVEL = {ResultLevel.OUTCOME: ResultLevel.IMPACT, ResultLevel.OUTPUT: ResultLevel.OUTCOME}


class Result(TimeStampedModel):
    """One statement of change in a program's results chain."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="results", verbose_name=_("programa")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("contribuye a")
    )
    level = models.CharField(_("nivel"), max_length=10, choices=ResultLevel.choices)
    code = models.CharField(_("código"), max_length=20, validators=[code_validator])
    statement_es = models.TextField(_("enunciado (español)"))
    statement_en = models.TextField(_("enunciado (inglés)"), blank=True)

    class Meta:
        ordering = ["program", "code"]
        verbose_name = _("resultado")
        verbose_name_plural = _("resultados")
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="result_code_unique_per_program")]

    def __str__(self):
        return f"{self.code} {self.statement}"

    @property
    def statement(self):
        return translated(self, "statement")

    def clean(self):
        errors = {}
        if self.parent_id:
            if self.program_id and self.parent.program_id != self.program_id:
                errors["parent"] = _("El resultado superior pertenece a otro programa.")
            elif self.level and self.parent.level != PARENT_LEVEL.get(self.level):
                errors["parent"] = _("Un efecto contribuye a un impacto y un producto a un efecto.")
        elif (
            self.level in PARENT_LEVEL
            and self.program_id
            and Result.objects.filter(program_id=self.program_id, level=PARENT_LEVEL[self.level]).exists()
        ):
            errors["parent"] = _("Indique a qué resultado contribuye.")
        if errors:
            raise ValidationError(errors)


class Unit(models.TextChoices):
    PEOPLE = "people", _("Personas")
    ENTERPRISES = "enterprises", _("Emprendimientos")
    SOLES = "soles", _("Soles (S/)")
    PERCENT = "percent", _("Porcentaje")
    OTHER = "other", _("Otra")


class Direction(models.TextChoices):
    ASCENDING = "ascending", _("Más es mejor")
    DESCENDING = "descending", _("Menos es mejor")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Calculado de los registros")
    REPORTED = "reported", _("Reportado con evidencia")


class Indicator(TimeStampedModel):
    """What shows whether a result happens: a measure over the records, or a value people report and approve."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("resultado"))
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="indicators", editable=False)
    code = models.CharField(_("código"), max_length=20, validators=[code_validator])
    name_es = models.CharField(_("nombre (español)"), max_length=250)
    name_en = models.CharField(_("nombre (inglés)"), max_length=250, blank=True)
    definition = models.TextField(_("definición y forma de cálculo"), blank=True)
    unit = models.CharField(_("unidad"), max_length=12, choices=Unit.choices)
    unit_label = models.CharField(_("unidad (si es otra)"), max_length=40, blank=True)
    direction = models.CharField(_("sentido"), max_length=10, choices=Direction.choices, default=Direction.ASCENDING)
    cumulative = models.BooleanField(
        _("acumulativo"),
        default=True,
        help_text=_("Acumulativo: cada periodo cuenta desde el inicio. Por periodo: solo lo ocurrido en el periodo."),
    )
    baseline_value = models.DecimalField(_("línea de base"), max_digits=16, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(_("fecha de la línea de base"), null=True, blank=True)
    disaggregations = models.JSONField(_("desagregaciones"), default=list, blank=True)
    source = models.CharField(_("origen"), max_length=10, choices=Source.choices)
    # A computed indicator: the measure and the records it counts.
    measure = models.CharField(_("medida"), max_length=40, blank=True)
    phase = models.ForeignKey(
        "programs.Phase", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("fase")
    )
    projects = models.ManyToManyField("programs.Project", blank=True, related_name="+", verbose_name=_("proyectos"))
    organizations = models.ManyToManyField(
        "network.Organization", blank=True, related_name="+", verbose_name=_("organizaciones")
    )
    activity_categories = models.JSONField(_("categorías de actividad"), default=list, blank=True)
    territories = models.ManyToManyField("network.Territory", blank=True, related_name="+", verbose_name=_("ámbito"))
    position = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["program", "position", "code"]
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="indicator_code_unique_per_program"),
            models.CheckConstraint(
                condition=Q(source="reported", measure="") | (Q(source="computed") & ~Q(measure="")),
                name="indicator_measure_only_when_computed",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self):
        return translated(self, "name")

    @property
    def is_computed(self) -> bool:
        return self.source == Source.COMPUTED

    def save(self, *args, **kwargs):
        if self.result_id:
            self.program_id = self.result.program_id
        super().save(*args, **kwargs)

    def clean(self):
        from minka.results.dimensions import DIMENSIONS
        from minka.results.measures import MEASURES

        errors = {}
        if self.source == Source.COMPUTED:
            measure = MEASURES.get(self.measure)
            if measure is None:
                errors["measure"] = _("Elija una medida.")
            else:
                unknown = [d for d in self.disaggregations if d not in measure.dimensions]
                if unknown:
                    errors["disaggregations"] = _("Esta medida no se desagrega por: %(dims)s.") % {
                        "dims": ", ".join(unknown)
                    }
        else:
            self.measure = ""
            unknown = [d for d in self.disaggregations if d not in DIMENSIONS]
            if unknown:
                errors["disaggregations"] = _("Desagregación desconocida: %(dims)s.") % {"dims": ", ".join(unknown)}
        if self.phase_id and self.result_id and self.phase.program_id != self.result.program_id:
            errors["phase"] = _("La fase pertenece a otro programa.")
        if self.unit == Unit.OTHER and not self.unit_label:
            errors["unit_label"] = _("Diga qué se mide.")
        if errors:
            raise ValidationError(errors)


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Mes")
    QUARTER = "quarter", _("Trimestre")
    YEAR = "year", _("Año")
    RANGE = "range", _("Rango de fechas")
    PHASE = "phase", _("Fase")
    PROGRAM = "program", _("Todo el programa")


class PeriodFields(models.Model):
    """A reporting period: a range of days (month, quarter, year, range), a phase, or the program's whole life."""

    period_kind = models.CharField(_("tipo de periodo"), max_length=10, choices=PeriodKind.choices)
    period_label = models.CharField(_("periodo"), max_length=40)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    phase = models.ForeignKey(
        "programs.Phase", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("fase")
    )

    class Meta:
        abstract = True


class Target(TimeStampedModel, PeriodFields):
    """The value an indicator should reach in a period, for the whole program or one territory or partner."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicador")
    )
    territory = models.ForeignKey(
        "network.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territorio"),
    )
    organization = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organización"),
    )
    value = models.DecimalField(_("meta"), max_digits=16, decimal_places=2)
    note = models.CharField(_("nota"), max_length=250, blank=True)

    class Meta:
        ordering = ["indicator", "period_start", "phase__number", "period_label"]
        verbose_name = _("meta")
        verbose_name_plural = _("metas")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_label"],
                condition=Q(territory__isnull=True, organization__isnull=True),
                name="target_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_label", "territory", "organization"],
                name="target_once_per_period_and_scope",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period_label}: {self.value}"

    def clean(self):
        # The constraints above leave out a target for a territory alone or a partner alone (NULL is never equal).
        same = Target.objects.filter(
            indicator_id=self.indicator_id,
            period_label=self.period_label,
            territory_id=self.territory_id,
            organization_id=self.organization_id,
        ).exclude(pk=self.pk)
        if self.indicator_id and same.exists():
            raise ValidationError({"period_label": _("Ya hay una meta para ese periodo y ámbito.")})


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    SUBMITTED = "submitted", _("Enviado")
    APPROVED = "approved", _("Aprobado")
    RETURNED = "returned", _("Devuelto")


class ReportedValue(TimeStampedModel, PeriodFields):
    """A value people report for what records cannot count, with its narrative and evidence, reviewed by another."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="reported_values", verbose_name=_("indicador")
    )
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organización que reporta")
    )
    value = models.DecimalField(_("valor"), max_digits=16, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(
        _("numerador"), max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    denominator = models.DecimalField(
        _("denominador"), max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    narrative = models.TextField(_("narrativa"), blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("observaciones de la revisión"), blank=True)

    class Meta:
        ordering = ["indicator", "period_start", "period_label", "pk"]
        verbose_name = _("valor reportado")
        verbose_name_plural = _("valores reportados")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False) | (Q(numerator__isnull=False) & Q(denominator__gt=0)),
                name="reported_value_has_value_or_ratio",
            )
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period_label}"

    @property
    def amount(self) -> Decimal:
        """The value, or the ratio as a percentage when reported as numerator and denominator."""
        if self.value is not None:
            return self.value
        return self.numerator * 100 / self.denominator


def evidence_path(instance, filename):
    return f"evidence/{instance.reported_value.indicator.program_id}/{instance.reported_value_id}/{filename}"


class Evidence(TimeStampedModel):
    """A file that backs a reported value: an act, a list of signatures, a photo, a budget resolution."""

    reported_value = models.ForeignKey(
        ReportedValue, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("valor reportado")
    )
    file = models.FileField(_("archivo"), upload_to=evidence_path, max_length=250)
    description = models.CharField(_("descripción"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["reported_value", "pk"]
        verbose_name = _("evidencia")
        verbose_name_plural = _("evidencias")

    def __str__(self):
        return self.description or self.file.name.rsplit("/", 1)[-1]


class PeriodLock(TimeStampedModel, PeriodFields):
    """An indicator's period closed by an approval. Reopening keeps the row, with who reopened it and why."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="locks", verbose_name=_("indicador")
    )
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(_("motivo de la reapertura"), blank=True)

    class Meta:
        ordering = ["indicator", "period_start", "pk"]
        verbose_name = _("cierre de periodo")
        verbose_name_plural = _("cierres de periodo")

    def __str__(self):
        return f"{self.indicator.code} {self.period_label}"

    @property
    def is_active(self) -> bool:
        return self.reopened_at is None
