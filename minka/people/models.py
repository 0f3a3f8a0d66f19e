import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel

YOUTH_AGES = (15, 29)  # Ley N° 27802, Ley del Consejo Nacional de la Juventud


class Sex(models.TextChoices):
    FEMALE = "F", _("Mujer")
    MALE = "M", _("Hombre")


class MotherTongue(models.TextChoices):
    """ISO 639-3 codes of the languages the programs meet."""

    SPANISH = "spa", _("Castellano")
    CUSCO_QUECHUA = "quz", _("Quechua del Cusco")
    AWAJUN = "agr", _("Awajún")
    WAMPIS = "hub", _("Wampis")
    AYMARA = "aym", _("Aimara")
    OTHER = "mis", _("Otra")


class Area(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urbana")


class Household(TimeStampedModel):
    """A household that several registered people share, so that household income can be followed."""

    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="households", verbose_name=_("organización")
    )
    name = models.CharField(_("nombre"), max_length=120)
    district = models.ForeignKey(
        "network.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("distrito"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("hogar")
        verbose_name_plural = _("hogares")

    def __str__(self):
        return self.name


class Participant(TimeStampedModel):
    """A person the network serves. One registry for the whole network, shared by its organizations.

    The DNI is never stored: only a keyed hash (to find the same person again) and its last three digits.
    Ethnic group, disability and deprivation of liberty are sensitive data (Ley 29733): they are kept only
    while the person's written consent is on record. Age and youth are computed, never typed.
    """

    given_names = models.CharField(_("nombres"), max_length=120)
    paternal_surname = models.CharField(_("apellido paterno"), max_length=80, blank=True)
    maternal_surname = models.CharField(_("apellido materno"), max_length=80, blank=True)
    search_name = models.CharField(max_length=300, db_index=True, editable=False)
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("año de nacimiento"), null=True, blank=True, db_index=True)
    dni_hash = models.CharField(max_length=64, blank=True, editable=False)
    dni_last_digits = models.CharField(_("DNI (últimos dígitos)"), max_length=3, blank=True, editable=False)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    mother_tongue = models.CharField(_("lengua materna"), max_length=3, choices=MotherTongue.choices, blank=True)
    ethnic_group = models.CharField(_("pueblo o grupo étnico (autoidentificación)"), max_length=80, blank=True)
    area = models.CharField(_("área de residencia"), max_length=5, choices=Area.choices, blank=True)
    district = models.ForeignKey(
        "network.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"level": "district"},
        verbose_name=_("distrito de residencia"),
    )
    deprived_of_liberty = models.BooleanField(_("privada de libertad"), default=False)
    disability = models.BooleanField(_("con discapacidad"), default=False)
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("hogar")
    )
    registered_by = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        related_name="registered_people",
        verbose_name=_("registrada por"),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_people", editable=False
    )
    anonymized_at = models.DateTimeField(_("anonimizada"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["paternal_surname", "maternal_surname", "given_names", "pk"]
        verbose_name = _("participante")
        verbose_name_plural = _("participantes")
        constraints = [
            models.UniqueConstraint(
                fields=["dni_hash"],
                condition=~Q(dni_hash="") & Q(merged_into__isnull=True),
                name="participant_dni_unique",
            ),
        ]
        indexes = [models.Index(fields=["birth_year", "district"], name="participant_dedupe_block")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.paternal_surname, self.maternal_surname) if part)

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years; from the year alone when only the year is known (counted as of 1 July)."""
        if self.birth_date:
            born = self.birth_date
        elif self.birth_year:
            born = datetime.date(self.birth_year, 7, 1)
        else:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def is_youth(self) -> bool | None:
        age = self.age
        return None if age is None else YOUTH_AGES[0] <= age <= YOUTH_AGES[1]

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.birth_date:
            if self.birth_date > today:
                errors["birth_date"] = _("La fecha de nacimiento no puede estar en el futuro.")
            elif self.birth_date.year < 1900:
                errors["birth_date"] = _("Revise el año de nacimiento.")
            else:
                self.birth_year = self.birth_date.year
        elif self.birth_year and not (1900 <= self.birth_year <= today.year):
            errors["birth_year"] = _("Revise el año de nacimiento.")
        if self.district_id and self.district.level != "district":
            errors["district"] = _("Elija un distrito.")
        if errors:
            raise ValidationError(errors)


SENSITIVE_FIELDS = ("ethnic_group", "disability", "deprived_of_liberty")


class ConsentMethod(models.TextChoices):
    SIGNED_PAPER = "signed_paper", _("Firma en papel")
    DIGITAL = "digital", _("Firma o aceptación digital")
    VERBAL = "verbal", _("Verbal, ante testigo")


WRITTEN_METHODS = {ConsentMethod.SIGNED_PAPER, ConsentMethod.DIGITAL}


class Consent(TimeStampedModel):
    """A person's consent to the processing of her data (Ley 29733), for one purpose and text version."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="consents", verbose_name=_("participante")
    )
    purpose = models.CharField(_("finalidad"), max_length=200)
    text_version = models.CharField(_("versión del texto de consentimiento"), max_length=40)
    method = models.CharField(_("forma"), max_length=20, choices=ConsentMethod.choices)
    covers_sensitive_data = models.BooleanField(_("incluye datos sensibles"), default=False)
    given_on = models.DateField(_("fecha"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrado por")
    )
    withdrawn_on = models.DateField(_("retirado el"), null=True, blank=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("consentimiento")
        verbose_name_plural = _("consentimientos")

    def __str__(self):
        return f"{self.purpose} ({self.text_version})"

    @property
    def is_written(self) -> bool:
        return self.method in WRITTEN_METHODS

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.given_on and self.given_on > today:
            errors["given_on"] = _("La fecha del consentimiento no puede estar en el futuro.")
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            errors["withdrawn_on"] = _("No puede retirarse antes de haberse dado.")
        if self.covers_sensitive_data and self.method not in WRITTEN_METHODS:
            errors["method"] = _("Los datos sensibles requieren consentimiento por escrito (Ley 29733).")
        if errors:
            raise ValidationError(errors)


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", _("Activa")
    COMPLETED = "completed", _("Concluida")
    DROPPED = "dropped", _("Retirada")


class Enrollment(TimeStampedModel):
    """A person enrolled in a program through one of its organizations."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("participante")
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("programa")
    )
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("organización")
    )
    enrolled_on = models.DateField(_("fecha de inscripción"))
    status = models.CharField(
        _("estado"), max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    ended_on = models.DateField(_("fecha de término"), null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_on", "pk"]
        verbose_name = _("inscripción")
        verbose_name_plural = _("inscripciones")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "program", "organization"], name="enrollment_once_per_program_and_organization"
            )
        ]

    def __str__(self):
        return f"{self.participant} · {self.program}"

    def clean(self):
        if self.ended_on and self.enrolled_on and self.ended_on < self.enrolled_on:
            raise ValidationError({"ended_on": _("La fecha de término no puede ser anterior a la inscripción.")})
        if self.enrolled_on and self.enrolled_on > timezone.localdate():
            raise ValidationError({"enrolled_on": _("La fecha de inscripción no puede estar en el futuro.")})


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", _("Por revisar")
    SAME = "same", _("Es la misma persona (fusionada)")
    DIFFERENT = "different", _("No es la misma persona")


class DuplicateCandidate(TimeStampedModel):
    """Two registrations that may be the same person, scored, waiting for a person to decide."""

    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("primera"))
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", verbose_name=_("segunda"))
    score = models.DecimalField(_("puntaje"), max_digits=5, decimal_places=2)
    reasons = models.JSONField(_("motivos"), default=list)
    status = models.CharField(
        _("estado"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-score", "pk"]
        verbose_name = _("posible duplicado")
        verbose_name_plural = _("posibles duplicados")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="duplicate_pair_ordered"),
        ]

    def __str__(self):
        return f"{self.first} ~ {self.second} ({self.score})"


class Merge(TimeStampedModel):
    """A merge of one registration into another, with every row it moved, so it can be undone."""

    kept = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="merges_absorbed")
    moved = models.JSONField(default=dict)  # {"app.model": [ids moved to `kept`]}
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("fusión de registros")
        verbose_name_plural = _("fusiones de registros")

    def __str__(self):
        return f"{self.merged} → {self.kept}"
