"""Solidarity credit: funds and their capital, loan products with a progressive ladder, loans with their
schedules, repayments and events, credit-use visits, and the fund's double-entry ledger.

Money is `Decimal` in the fund's currency. A loan copies its product's terms when it is applied for, so a
product changed later never changes a loan already made. Balances live on the installments (what is due and
what was paid of each part) and every change to them writes a `LoanEvent` in the same transaction.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minka.core.models import TimeStampedModel

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


def money_field(verbose_name, **options):
    return models.DecimalField(verbose_name, **MONEY, default=ZERO, **options)


class Currency(models.TextChoices):
    PEN = "PEN", _("Soles (S/)")
    USD = "USD", _("Dólares (US$)")
    EUR = "EUR", _("Euros (€)")


class Fund(TimeStampedModel):
    """A pool of money an organization lends from: its capital comes from donors' contributions."""

    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="funds", verbose_name=_("organización")
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funds",
        verbose_name=_("programa"),
        help_text=_("El programa cuyos resultados cuentan los créditos de este fondo."),
    )
    slug = models.SlugField(_("identificador corto"), max_length=60, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    currency = models.CharField(_("moneda"), max_length=3, choices=Currency.choices, default=Currency.PEN)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="credit_funds",
        verbose_name=_("asesoras/es de crédito"),
        help_text=_("Las y los asesores de crédito que operan este fondo; no ven los demás fondos."),
    )
    arrears_buckets = models.CharField(
        _("tramos de atraso (días)"),
        max_length=60,
        default="30,60,90",
        help_text=_("Límites superiores separados por comas: 30,60,90 da 1–30, 31–60, 61–90 y más de 90 días."),
    )
    is_active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("fondo")
        verbose_name_plural = _("fondos")

    def __str__(self):
        return self.name


class Contribution(TimeStampedModel):
    """Capital a donor put into a fund."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("fondo"))
    donor = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fund_contributions",
        verbose_name=_("donante"),
    )
    donor_name = models.CharField(_("donante (si no está en la red)"), max_length=200, blank=True)
    amount = models.DecimalField(_("monto"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    received_on = models.DateField(_("fecha de recepción"))
    reference = models.CharField(_("referencia"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["fund", "received_on", "pk"]
        verbose_name = _("aporte de capital")
        verbose_name_plural = _("aportes de capital")

    def __str__(self):
        return f"{self.donor or self.donor_name} {self.amount} ({self.received_on})"


class Expense(TimeStampedModel):
    """An operating cost paid from a fund: what interest is meant to cover (operational self-sufficiency)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("fondo"))
    amount = models.DecimalField(_("monto"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    spent_on = models.DateField(_("fecha"))
    description = models.CharField(_("descripción"), max_length=250)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["fund", "spent_on", "pk"]
        verbose_name = _("gasto operativo")
        verbose_name_plural = _("gastos operativos")

    def __str__(self):
        return f"{self.description} {self.amount} ({self.spent_on})"


# The engine's settings, as choices a product offers ------------------------------------------------------------


class InterestMethod(models.TextChoices):
    DECLINING = "declining", _("Saldo decreciente")
    FLAT = "flat", _("Tasa plana (sobre el monto inicial)")


class Amortization(models.TextChoices):
    EQUAL_INSTALLMENTS = "equal_installments", _("Cuotas iguales")
    EQUAL_PRINCIPAL = "equal_principal", _("Capital igual en cada cuota")


class InterestPeriod(models.TextChoices):
    SAME_AS_REPAYMENT = "same_as_repayment", _("Por periodo de pago")
    DAILY = "daily", _("Diario")


class DaysInYear(models.TextChoices):
    ACTUAL = "actual", _("Reales")
    D360 = "360", "360"
    D364 = "364", "364"
    D365 = "365", "365"


class DaysInMonth(models.TextChoices):
    ACTUAL = "actual", _("Reales")
    D30 = "30", "30"


class Frequency(models.TextChoices):
    DAYS = "days", _("días")
    WEEKS = "weeks", _("semanas")
    MONTHS = "months", _("meses")


class ScheduleType(models.TextChoices):
    CUMULATIVE = "cumulative", _("Acumulativo (clásico)")
    PROGRESSIVE = "progressive", _("Progresivo (cuota EMI)")


class Rounding(models.TextChoices):
    HALF_EVEN = "half_even", _("Al par más cercano (bancario)")
    HALF_UP = "half_up", _("Hacia arriba desde la mitad")


class AllocationOrder(models.TextChoices):
    # The values are the engine's `AllocationOrder`.
    PENALTIES_FEES_INTEREST_PRINCIPAL = "penalties_fees_interest_principal", _("Moras → comisiones → interés → capital")
    INTEREST_PRINCIPAL_PENALTIES_FEES = "interest_principal_penalties_fees", _("Interés → capital → moras → comisiones")


class LoanProduct(TimeStampedModel):
    """What a fund lends and on which terms; the ladder of amounts a borrower climbs lives in its steps."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="products", verbose_name=_("fondo"))
    name = models.CharField(_("nombre"), max_length=200)
    min_amount = models.DecimalField(_("monto mínimo"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    max_amount = models.DecimalField(_("monto máximo"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    annual_rate = models.DecimalField(
        _("tasa nominal anual (%)"), max_digits=7, decimal_places=4, validators=[MinValueValidator(0)]
    )
    max_annual_rate = models.DecimalField(
        _("tasa máxima (%)"), max_digits=7, decimal_places=4, validators=[MinValueValidator(0)]
    )
    min_repayments = models.PositiveSmallIntegerField(_("cuotas mínimas"), default=1)
    max_repayments = models.PositiveSmallIntegerField(_("cuotas máximas"), default=24)
    default_repayments = models.PositiveSmallIntegerField(_("cuotas por defecto"), default=6)
    every = models.PositiveSmallIntegerField(_("cada"), default=1, validators=[MinValueValidator(1)])
    frequency = models.CharField(_("frecuencia"), max_length=6, choices=Frequency.choices, default=Frequency.MONTHS)
    method = models.CharField(
        _("cálculo del interés"), max_length=10, choices=InterestMethod.choices, default=InterestMethod.DECLINING
    )
    amortization = models.CharField(
        _("amortización"), max_length=20, choices=Amortization.choices, default=Amortization.EQUAL_INSTALLMENTS
    )
    interest_period = models.CharField(
        _("periodo de interés"),
        max_length=20,
        choices=InterestPeriod.choices,
        default=InterestPeriod.SAME_AS_REPAYMENT,
    )
    days_in_year = models.CharField(_("días del año"), max_length=6, choices=DaysInYear.choices, default="actual")
    days_in_month = models.CharField(_("días del mes"), max_length=6, choices=DaysInMonth.choices, default="actual")
    schedule_type = models.CharField(
        _("tipo de cronograma"), max_length=12, choices=ScheduleType.choices, default=ScheduleType.CUMULATIVE
    )
    rounding = models.CharField(_("redondeo"), max_length=10, choices=Rounding.choices, default=Rounding.HALF_EVEN)
    installment_multiple = models.DecimalField(
        _("cuota en múltiplos de"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    grace_principal = models.PositiveSmallIntegerField(_("gracia de capital (cuotas)"), default=0)
    grace_interest = models.PositiveSmallIntegerField(_("gracia de pago de interés (cuotas)"), default=0)
    interest_free = models.PositiveSmallIntegerField(_("cuotas sin interés"), default=0)
    fee_per_installment = money_field(_("comisión por cuota"), validators=[MinValueValidator(0)])
    penalty_percent = models.DecimalField(
        _("mora por cuota vencida (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(0)],
        help_text=_("Porcentaje de la cuota impaga que se carga una vez, pasados los días de tolerancia."),
    )
    penalty_grace_days = models.PositiveSmallIntegerField(_("días de tolerancia antes de la mora"), default=0)
    allocation_order = models.CharField(
        _("orden de imputación de pagos"),
        max_length=40,
        choices=AllocationOrder.choices,
        default=AllocationOrder.PENALTIES_FEES_INTEREST_PRINCIPAL,
    )
    ladder_max_days_late = models.PositiveSmallIntegerField(
        _("para subir de escalón: atraso máximo (días)"),
        default=0,
        help_text=_("El crédito anterior debe haberse cerrado sin pasar de estos días de atraso."),
    )
    is_active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["fund", "name", "pk"]
        verbose_name = _("producto de crédito")
        verbose_name_plural = _("productos de crédito")
        constraints = [
            models.CheckConstraint(condition=Q(min_amount__lte=models.F("max_amount")), name="product_amounts_ordered"),
            models.CheckConstraint(
                condition=Q(annual_rate__lte=models.F("max_annual_rate")), name="product_rate_within_limit"
            ),
        ]

    def __str__(self):
        return self.name


class LadderStep(models.Model):
    """One rung of a product's progressive ladder: the most a borrower may borrow at that rung."""

    product = models.ForeignKey(LoanProduct, on_delete=models.CASCADE, related_name="steps", verbose_name=_("producto"))
    position = models.PositiveSmallIntegerField(_("escalón"), validators=[MinValueValidator(1)])
    amount = models.DecimalField(_("monto"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["product", "position"]
        verbose_name = _("escalón")
        verbose_name_plural = _("escalones")
        constraints = [models.UniqueConstraint(fields=["product", "position"], name="ladder_step_once")]

    def __str__(self):
        return f"{self.position}: {self.amount}"


# Loans ---------------------------------------------------------------------------------------------------------


class LoanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Solicitado")
    APPROVED = "approved", _("Aprobado")
    REJECTED = "rejected", _("Rechazado")
    ACTIVE = "active", _("Desembolsado")
    CLOSED = "closed", pgettext_lazy("estado de un crédito", "Cancelado")
    WRITTEN_OFF = "written_off", _("Castigado")


class UseCategory(models.TextChoices):
    """What a credit finances, in the words a credit officer uses."""

    RAW_MATERIALS = "raw_materials", _("Insumos y materia prima (lana, hilos, telas)")
    MERCHANDISE = "merchandise", _("Mercadería para vender")
    FOOD = "food", _("Venta de alimentos")
    CRAFTS = "crafts", _("Materiales de artesanía")
    EQUIPMENT = "equipment", _("Herramientas y equipos")
    LIVESTOCK = "livestock", _("Animales y crianza")
    AGRICULTURE = "agriculture", _("Siembra y cosecha")
    SERVICES = "services", _("Servicios")
    HOUSEHOLD = "household", _("Gastos del hogar")
    OTHER = "other", _("Otro")


class DisbursementChannel(models.TextChoices):
    CASH = "cash", _("Efectivo")
    TRANSFER = "transfer", _("Transferencia bancaria")
    MOBILE = "mobile", _("Billetera móvil")
    CHEQUE = "cheque", _("Cheque")


class Loan(TimeStampedModel):
    """A credit to one borrower, from application to closure. Its terms are copied from the product."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="loans", verbose_name=_("fondo"))
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="loans", verbose_name=_("producto"))
    borrower = models.ForeignKey(
        "people.Participant", on_delete=models.PROTECT, related_name="loans", verbose_name=_("prestataria/o")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("emprendimiento que financia"),
    )
    site = models.ForeignKey(
        "network.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("sede o agencia"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="loans_in_charge",
        verbose_name=_("asesor/a"),
    )
    number = models.CharField(_("número"), max_length=30)
    status = models.CharField(
        _("estado"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.SUBMITTED, db_index=True
    )
    amount = models.DecimalField(_("monto"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    annual_rate = models.DecimalField(_("tasa nominal anual (%)"), max_digits=7, decimal_places=4)
    repayments = models.PositiveSmallIntegerField(_("número de cuotas"), validators=[MinValueValidator(1)])
    terms = models.JSONField(_("condiciones"), default=dict, help_text=_("Las del producto al solicitarse."))
    ladder_step = models.PositiveSmallIntegerField(_("escalón"), null=True, blank=True)
    use_category = models.CharField(_("uso previsto"), max_length=20, choices=UseCategory.choices)
    use_description = models.CharField(_("descripción del uso"), max_length=300)
    applied_on = models.DateField(_("fecha de solicitud"))
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(_("fecha de aprobación"), null=True, blank=True)
    decision_note = models.CharField(_("nota de la decisión"), max_length=300, blank=True)
    disbursed_on = models.DateField(_("fecha de desembolso"), null=True, blank=True, db_index=True)
    first_repayment_on = models.DateField(_("primera cuota"), null=True, blank=True)
    disbursement_channel = models.CharField(
        _("medio de desembolso"), max_length=10, choices=DisbursementChannel.choices, blank=True
    )
    disbursement_receipt = models.CharField(_("comprobante de desembolso"), max_length=60, blank=True)
    closed_on = models.DateField(_("fecha de cierre"), null=True, blank=True)
    write_off_reason = models.CharField(_("motivo del castigo"), max_length=300, blank=True)
    write_off_requested_on = models.DateField(_("castigo solicitado el"), null=True, blank=True)
    write_off_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    write_off_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credit_balance = money_field(_("saldo a favor"), help_text=_("Lo pagado de más y aún no devuelto."))
    # Brought up to date by the close of day (and by every payment), so lists, buckets and the collection sheet
    # compare dates instead of working arrears out again: the days in arrears are `arrears_as_of - overdue_since`.
    overdue_since = models.DateField(_("vencido desde"), null=True, blank=True, db_index=True)
    arrears_as_of = models.DateField(_("atraso al"), null=True, blank=True)
    worst_days_late = models.PositiveIntegerField(
        _("mayor atraso (días)"), default=0, help_text=_("El de la cuota pagada con más atraso; decide el escalón.")
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-applied_on", "-pk"]
        verbose_name = _("crédito")
        verbose_name_plural = _("créditos")
        constraints = [
            models.UniqueConstraint(fields=["fund", "number"], name="loan_number_once_per_fund"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_positive"),
            models.CheckConstraint(condition=Q(credit_balance__gte=0), name="loan_credit_balance_not_negative"),
        ]
        indexes = [models.Index(fields=["fund", "status"], name="loan_fund_status")]

    def __str__(self):
        return self.number

    @property
    def days_in_arrears(self) -> int:
        if not self.overdue_since or not self.arrears_as_of:
            return 0
        return max(0, (self.arrears_as_of - self.overdue_since).days)


class Installment(models.Model):
    """One repayment of a loan: what falls due and what has been paid of each part."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="installments", verbose_name=_("crédito"))
    number = models.PositiveSmallIntegerField(_("cuota"))
    from_date = models.DateField(_("desde"))
    due_date = models.DateField(_("vence"), db_index=True)
    principal = money_field(_("capital"))
    interest = money_field(_("interés"))
    fees = money_field(_("comisiones"))
    penalties = money_field(_("moras"))
    principal_paid = money_field(_("capital pagado"))
    interest_paid = money_field(_("interés pagado"))
    fees_paid = money_field(_("comisiones pagadas"))
    penalties_paid = money_field(_("moras pagadas"))
    interest_waived = money_field(_("interés condonado"))
    fees_waived = money_field(_("comisiones condonadas"))
    paid_on = models.DateField(_("pagada el"), null=True, blank=True)
    superseded = models.BooleanField(
        _("reemplazada por reprogramación"), default=False, help_text=_("Se conserva como historia.")
    )

    class Meta:
        ordering = ["loan", "superseded", "number"]
        verbose_name = _("cuota")
        verbose_name_plural = _("cuotas")
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "number"], condition=Q(superseded=False), name="installment_number_once"
            ),
            models.CheckConstraint(
                condition=Q(principal_paid__lte=models.F("principal")), name="principal_not_overpaid"
            ),
            # Paid and waived interest are checked one by one: SQLite would compare their difference as a float.
            models.CheckConstraint(condition=Q(interest_paid__lte=models.F("interest")), name="interest_not_overpaid"),
            models.CheckConstraint(
                condition=Q(interest_waived__lte=models.F("interest")), name="interest_not_overwaived"
            ),
            models.CheckConstraint(condition=Q(fees_paid__lte=models.F("fees")), name="fees_not_overpaid"),
            models.CheckConstraint(condition=Q(fees_waived__lte=models.F("fees")), name="fees_not_overwaived"),
            models.CheckConstraint(
                condition=Q(penalties_paid__lte=models.F("penalties")), name="penalties_not_overpaid"
            ),
        ]
        indexes = [models.Index(fields=["loan", "due_date"], name="installment_loan_due")]

    def __str__(self):
        return f"{self.loan} #{self.number}"

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest - self.interest_waived + self.fees - self.fees_waived + self.penalties

    @property
    def paid(self) -> Decimal:
        return self.principal_paid + self.interest_paid + self.fees_paid + self.penalties_paid

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid


class TransactionKind(models.TextChoices):
    DISBURSEMENT = "disbursement", _("Desembolso")
    REPAYMENT = "repayment", _("Pago")
    REFUND = "refund", _("Devolución de saldo a favor")
    WRITE_OFF = "write_off", _("Castigo")


class Transaction(TimeStampedModel):
    """Money moving on a loan. Never deleted: a wrong payment is reversed, and the reversal keeps who and why."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="transactions", verbose_name=_("crédito"))
    kind = models.CharField(_("tipo"), max_length=12, choices=TransactionKind.choices)
    on_date = models.DateField(_("fecha"), db_index=True)
    amount = models.DecimalField(_("monto"), **MONEY)
    principal = money_field(_("a capital"))
    interest = money_field(_("a interés"))
    fees = money_field(_("a comisiones"))
    penalties = money_field(_("a moras"))
    overpayment = money_field(_("saldo a favor"))
    receipt = models.CharField(_("recibo"), max_length=60, blank=True)
    idempotency_key = models.CharField(
        _("clave de idempotencia"),
        max_length=80,
        blank=True,
        help_text=_("La misma clave enviada otra vez devuelve el pago ya registrado en vez de registrarlo dos veces."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reversed_on = models.DateField(_("revertido el"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversal_reason = models.CharField(_("motivo de la reversión"), max_length=300, blank=True)

    class Meta:
        ordering = ["loan", "on_date", "pk"]
        verbose_name = _("movimiento")
        verbose_name_plural = _("movimientos")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="transaction_idempotency_key_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="transaction_amount_positive"),
        ]

    def __str__(self):
        return f"{self.loan} {self.get_kind_display()} {self.amount} ({self.on_date})"


class Allocation(models.Model):
    """The part of a repayment that went to one installment: lets any past date's arrears be worked out."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="allocations")
    installment = models.ForeignKey(Installment, on_delete=models.CASCADE, related_name="allocations")
    principal = money_field(_("capital"))
    interest = money_field(_("interés"))
    fees = money_field(_("comisiones"))
    penalties = money_field(_("moras"))

    class Meta:
        ordering = ["transaction", "installment"]
        verbose_name = _("imputación")
        verbose_name_plural = _("imputaciones")

    def __str__(self):
        return f"{self.transaction} → {self.installment}"


class EventKind(models.TextChoices):
    APPLIED = "applied", _("Solicitud")
    APPROVED = "approved", _("Aprobación")
    REJECTED = "rejected", _("Rechazo")
    DISBURSED = "disbursed", _("Desembolso")
    REPAID = "repaid", _("Pago")
    REVERSED = "reversed", _("Reversión de pago")
    PENALTY = "penalty", _("Mora cargada")
    INTEREST_WAIVED = "interest_waived", _("Interés no devengado y comisiones por vencer condonados")
    RESCHEDULED = "rescheduled", _("Reprogramación")
    REFUNDED = "refunded", _("Devolución de saldo a favor")
    WRITE_OFF_REQUESTED = "write_off_requested", _("Castigo solicitado")
    WRITTEN_OFF = "written_off", _("Castigo")
    CLOSED = "closed", _("Cierre")
    REOPENED = "reopened", _("Reapertura")


class LoanEvent(models.Model):
    """A row per change to a loan's balances or state, written in the same transaction as the change."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="events", verbose_name=_("crédito"))
    kind = models.CharField(_("tipo"), max_length=30, choices=EventKind.choices)
    on_date = models.DateField(_("fecha"))
    amount = models.DecimalField(_("monto"), **MONEY, null=True, blank=True)
    principal_outstanding = models.DecimalField(_("capital pendiente"), **MONEY)
    data = models.JSONField(default=dict, blank=True)
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan", "created_at", "pk"]
        verbose_name = _("evento del crédito")
        verbose_name_plural = _("eventos del crédito")

    def __str__(self):
        return f"{self.loan} {self.kind} {self.on_date}"


class Reschedule(TimeStampedModel):
    """The remaining balance of a loan put on a new schedule; the old installments stay, marked superseded."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="reschedules", verbose_name=_("crédito"))
    on_date = models.DateField(_("fecha"))
    principal = models.DecimalField(_("capital reprogramado"), **MONEY)
    repayments = models.PositiveSmallIntegerField(_("nuevas cuotas"), validators=[MinValueValidator(1)])
    annual_rate = models.DecimalField(_("tasa nominal anual (%)"), max_digits=7, decimal_places=4)
    first_repayment_on = models.DateField(_("primera cuota"))
    reason = models.CharField(_("motivo"), max_length=300)
    previous_schedule = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["loan", "on_date", "pk"]
        verbose_name = _("reprogramación")
        verbose_name_plural = _("reprogramaciones")

    def __str__(self):
        return f"{self.loan} {self.on_date}"


class UseVerified(models.TextChoices):
    AS_PLANNED = "as_planned", _("Como estaba previsto")
    PARTLY = "partly", _("En parte")
    OTHER = "other", _("En otra cosa")


class BusinessStatus(models.TextChoices):
    GROWING = "growing", _("Creciendo")
    STABLE = "stable", _("Estable")
    STRUGGLING = "struggling", _("Con dificultades")
    CLOSED = "closed", _("Cerrado")


class Visit(TimeStampedModel):
    """A follow-up visit: what the credit was really used for and how the business is doing."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="visits", verbose_name=_("crédito"))
    visited_on = models.DateField(_("fecha"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_evaluation = models.BooleanField(_("visita de evaluación (antes de aprobar)"), default=False)
    use_verified = models.CharField(_("uso verificado"), max_length=12, choices=UseVerified.choices, blank=True)
    verified_use_category = models.CharField(_("en qué se usó"), max_length=20, choices=UseCategory.choices, blank=True)
    business_status = models.CharField(_("estado del negocio"), max_length=12, choices=BusinessStatus.choices)
    findings = models.TextField(_("hallazgos"))

    class Meta:
        ordering = ["loan", "visited_on", "pk"]
        verbose_name = _("visita")
        verbose_name_plural = _("visitas")

    def __str__(self):
        return f"{self.loan} {self.visited_on}"


# Ledger --------------------------------------------------------------------------------------------------------


class Account(models.TextChoices):
    """The fund's chart of accounts. Assets and expenses grow by debits; the rest by credits."""

    CASH = "cash", _("Caja y bancos")
    LOANS = "loans", _("Cartera de créditos")
    CAPITAL = "capital", _("Capital aportado")
    BORROWER_CREDIT = "borrower_credit", _("Saldos a favor de prestatarias")
    INTEREST_INCOME = "interest_income", _("Ingresos por intereses")
    FEE_INCOME = "fee_income", _("Ingresos por comisiones")
    PENALTY_INCOME = "penalty_income", _("Ingresos por moras")
    LOAN_LOSSES = "loan_losses", _("Pérdidas por castigos")
    OPERATING_EXPENSES = "operating_expenses", _("Gastos operativos")


DEBIT_ACCOUNTS = (Account.CASH, Account.LOANS, Account.LOAN_LOSSES, Account.OPERATING_EXPENSES)


class JournalEntry(models.Model):
    """One double-entry posting of the fund's books; its lines add up to zero."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="journal", verbose_name=_("fondo"))
    on_date = models.DateField(_("fecha"), db_index=True)
    memo = models.CharField(_("concepto"), max_length=200)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, null=True, blank=True, related_name="journal")
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, null=True, blank=True, related_name="journal"
    )
    contribution = models.OneToOneField(
        Contribution, on_delete=models.PROTECT, null=True, blank=True, related_name="journal"
    )
    expense = models.OneToOneField(Expense, on_delete=models.PROTECT, null=True, blank=True, related_name="journal")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "on_date", "pk"]
        verbose_name = _("asiento")
        verbose_name_plural = _("asientos")

    def __str__(self):
        return f"{self.on_date} {self.memo}"


class Posting(models.Model):
    """A line of a journal entry: a debit (positive) or a credit (negative) to one account."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="postings")
    account = models.CharField(_("cuenta"), max_length=20, choices=Account.choices)
    amount = models.DecimalField(_("monto (debe +, haber −)"), **MONEY)

    class Meta:
        ordering = ["entry", "pk"]
        verbose_name = _("línea de asiento")
        verbose_name_plural = _("líneas de asiento")
        indexes = [models.Index(fields=["account"], name="posting_account")]

    def __str__(self):
        return f"{self.get_account_display()} {self.amount}"
