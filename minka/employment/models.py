"""The employment service: job seekers and their skills, employers and their vacancies, applications from a
shortlist to a hire, placements and self-employment, and their follow-ups at 3 and 6 months.

A seeker belongs to the organization that runs the service for her in one program; so does an employer. An
employer's contact may be given a login: such a user sees only the employer portal, where a seeker shows only
what she agreed to share (`share_contact`, `share_cv`, `share_experience`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from minka.core.models import TimeStampedModel
from minka.enterprises.models import Sector

FOLLOW_UP_MONTHS = (3, 6)


class Skill(TimeStampedModel):
    """A skill in a program's catalogue; staff extend it, and deactivate rather than delete what is in use."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="skills", verbose_name=_("programa")
    )
    name = models.CharField(_("nombre"), max_length=120)
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["program", "name", "pk"]
        verbose_name = _("habilidad")
        verbose_name_plural = _("habilidades")
        constraints = [
            models.UniqueConstraint("program", Lower("name"), name="employment_skill_name_once_per_program"),
        ]

    def __str__(self):
        return self.name


class EducationLevel(models.TextChoices):
    NONE = "none", _("Sin estudios")
    PRIMARY = "primary", _("Primaria")
    SECONDARY_INCOMPLETE = "secondary_incomplete", _("Secundaria incompleta")
    SECONDARY = "secondary", _("Secundaria completa")
    TECHNICAL = "technical", _("Técnica")
    UNIVERSITY = "university", _("Universitaria")


class Language(models.TextChoices):
    SPANISH = "es", _("Castellano")
    QUECHUA = "qu", _("Quechua")
    AWAJUN = "agr", _("Awajún")
    WAMPIS = "hub", _("Wampis")
    ENGLISH = "en", _("Inglés")
    OTHER = "other", _("Otra")


class Availability(models.TextChoices):
    FULL_TIME = "full_time", _("Tiempo completo")
    PART_TIME = "part_time", _("Medio tiempo")
    WEEKENDS = "weekends", _("Fines de semana")
    SEASONAL = "seasonal", _("Por temporada")


class SeekerStatus(models.TextChoices):
    ACTIVE = "active", _("Buscando empleo")
    PLACED = "placed", _("Colocada/o")
    SELF_EMPLOYED = "self_employed", _("Autoempleo")
    INACTIVE = "inactive", _("Inactiva/o")


class JobSeeker(TimeStampedModel):
    """A registered person looking for work through a program's job service."""

    organization = models.ForeignKey(
        "network.Organization", on_delete=models.PROTECT, related_name="job_seekers", verbose_name=_("organización")
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="job_seekers", verbose_name=_("programa")
    )
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.PROTECT, related_name="job_seekers", verbose_name=_("participante")
    )
    education_level = models.CharField(_("nivel educativo"), max_length=24, choices=EducationLevel.choices)
    skills = models.ManyToManyField(Skill, blank=True, related_name="seekers", verbose_name=_("habilidades"))
    languages = models.JSONField(_("idiomas"), default=list, blank=True)
    availability = models.CharField(_("disponibilidad"), max_length=12, choices=Availability.choices)
    available_from = models.DateField(_("disponible desde"), null=True, blank=True)
    preferred_districts = models.ManyToManyField(
        "network.Territory",
        blank=True,
        related_name="+",
        limit_choices_to={"level": "district"},
        verbose_name=_("distritos preferidos"),
    )
    max_travel_km = models.PositiveIntegerField(_("distancia máxima de viaje (km)"), default=20)
    cv = models.FileField(_("CV"), upload_to="employment/cv/%Y/", blank=True)
    share_contact = models.BooleanField(_("comparte su contacto con empleadores"), default=False)
    share_cv = models.BooleanField(_("comparte su CV con empleadores"), default=False)
    share_experience = models.BooleanField(_("comparte su experiencia con empleadores"), default=False)
    status = models.CharField(_("estado"), max_length=14, choices=SeekerStatus.choices, default=SeekerStatus.ACTIVE)
    notes = models.TextField(_("notas"), blank=True)

    class Meta:
        ordering = ["program", "participant__paternal_surname", "participant__given_names", "pk"]
        verbose_name = _("buscador/a de empleo")
        verbose_name_plural = _("buscadores de empleo")
        constraints = [
            models.UniqueConstraint(fields=["program", "participant"], name="employment_seeker_once_per_program"),
        ]

    def __str__(self):
        return str(self.participant)


class WorkExperience(TimeStampedModel):
    """A job a seeker held before."""

    seeker = models.ForeignKey(
        JobSeeker, on_delete=models.CASCADE, related_name="experiences", verbose_name=_("buscador/a")
    )
    employer_name = models.CharField(_("empleador"), max_length=200)
    role = models.CharField(_("puesto"), max_length=120)
    started_on = models.DateField(_("desde"))
    ended_on = models.DateField(_("hasta"), null=True, blank=True)
    description = models.TextField(_("descripción"), blank=True)

    class Meta:
        ordering = ["seeker", "-started_on", "pk"]
        verbose_name = _("experiencia laboral")
        verbose_name_plural = _("experiencias laborales")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="employment_experience_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.role} · {self.employer_name}"


class EmployerKind(models.TextChoices):
    COMPANY = "company", _("Empresa")
    COOPERATIVE = "cooperative", _("Cooperativa")
    PUBLIC_AGENCY = "public_agency", _("Entidad pública")
    NGO = "ngo", _("ONG")
    OTHER = "other", _("Otro")


class Employer(TimeStampedModel):
    """A company, cooperative or public agency offering work through a program's job service."""

    organization = models.ForeignKey(
        "network.Organization",
        on_delete=models.PROTECT,
        related_name="employers",
        verbose_name=_("organización que atiende"),
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="employers", verbose_name=_("programa")
    )
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=14, choices=EmployerKind.choices)
    ruc = models.CharField(_("RUC"), max_length=11, blank=True)
    sector = models.CharField(_("actividad económica"), max_length=20, choices=Sector.choices)
    district = models.ForeignKey(
        "network.Territory",
        on_delete=models.PROTECT,
        related_name="employers",
        limit_choices_to={"level": "district"},
        verbose_name=_("distrito"),
    )
    address = models.CharField(_("dirección"), max_length=250, blank=True)
    notes = models.TextField(_("notas"), blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("empleador")
        verbose_name_plural = _("empleadores")

    def __str__(self):
        return self.name


class EmployerContact(TimeStampedModel):
    """A person at an employer; with a login, she sees the employer portal and nothing else."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("empleador")
    )
    name = models.CharField(_("nombre"), max_length=200)
    position = models.CharField(_("cargo"), max_length=120, blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employer_contact",
        verbose_name=_("usuario del portal"),
    )

    class Meta:
        ordering = ["employer", "name", "pk"]
        verbose_name = _("contacto del empleador")
        verbose_name_plural = _("contactos del empleador")

    def __str__(self):
        return f"{self.name} ({self.employer})"


class ContractType(models.TextChoices):
    INDEFINITE = "indefinite", _("Plazo indeterminado")
    FIXED_TERM = "fixed_term", _("Plazo fijo")
    INTERNSHIP = "internship", _("Prácticas")
    PER_SERVICE = "per_service", _("Locación de servicios")


class VacancyStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    OPEN = "open", _("Abierta")
    CLOSED = "closed", _("Cerrada")
    FILLED = "filled", _("Cubierta")
    CANCELLED = "cancelled", _("Cancelada")


class Vacancy(TimeStampedModel):
    """A job offered by an employer: one or more positions, open between two dates."""

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("empleador")
    )
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("programa")
    )
    title = models.CharField(_("puesto"), max_length=200)
    sector = models.CharField(_("actividad económica"), max_length=20, choices=Sector.choices)
    description = models.TextField(_("descripción"), blank=True)
    required_skills = models.ManyToManyField(
        Skill, blank=True, related_name="required_by", verbose_name=_("habilidades requeridas")
    )
    desirable_skills = models.ManyToManyField(
        Skill, blank=True, related_name="desired_by", verbose_name=_("habilidades deseables")
    )
    district = models.ForeignKey(
        "network.Territory",
        on_delete=models.PROTECT,
        related_name="vacancies",
        limit_choices_to={"level": "district"},
        verbose_name=_("distrito"),
    )
    wage = models.DecimalField(
        _("remuneración mensual (S/)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    contract_type = models.CharField(_("tipo de contrato"), max_length=12, choices=ContractType.choices)
    availability = models.CharField(
        _("jornada"), max_length=12, choices=Availability.choices, default=Availability.FULL_TIME
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("horas por semana"), validators=[MinValueValidator(1), MaxValueValidator(84)]
    )
    positions = models.PositiveSmallIntegerField(_("número de puestos"), default=1, validators=[MinValueValidator(1)])
    opens_on = models.DateField(_("abre el"))
    closes_on = models.DateField(_("cierra el"), null=True, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=VacancyStatus.choices, default=VacancyStatus.DRAFT)

    class Meta:
        ordering = ["-opens_on", "title", "pk"]
        verbose_name = _("vacante")
        verbose_name_plural = _("vacantes")
        constraints = [
            models.CheckConstraint(condition=Q(positions__gte=1), name="employment_vacancy_positions_positive"),
            models.CheckConstraint(condition=Q(wage__gte=0), name="employment_vacancy_wage_not_negative"),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="employment_vacancy_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.employer}"


class ApplicationState(models.TextChoices):
    PROPOSED = "proposed", _("Propuesta")
    APPLIED = "applied", _("Postuló")
    INTERVIEWED = "interviewed", _("Entrevistada/o")
    HIRED = "hired", _("Contratada/o")
    NOT_SELECTED = "not_selected", _("No seleccionada/o")
    WITHDREW = "withdrew", _("Se retiró")


# Where an application may go from each state; hired, not selected and withdrew are final.
APPLICATION_TRANSITIONS = {
    ApplicationState.PROPOSED: (ApplicationState.APPLIED, ApplicationState.NOT_SELECTED, ApplicationState.WITHDREW),
    ApplicationState.APPLIED: (
        ApplicationState.INTERVIEWED,
        ApplicationState.HIRED,
        ApplicationState.NOT_SELECTED,
        ApplicationState.WITHDREW,
    ),
    ApplicationState.INTERVIEWED: (ApplicationState.HIRED, ApplicationState.NOT_SELECTED, ApplicationState.WITHDREW),
    ApplicationState.HIRED: (),
    ApplicationState.NOT_SELECTED: (),
    ApplicationState.WITHDREW: (),
}
HIREABLE_STATES = (ApplicationState.APPLIED, ApplicationState.INTERVIEWED)


class Application(TimeStampedModel):
    """A seeker put forward for a vacancy: proposed from the shortlist, then applied, interviewed, decided."""

    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.PROTECT, related_name="applications", verbose_name=_("vacante")
    )
    seeker = models.ForeignKey(
        JobSeeker, on_delete=models.PROTECT, related_name="applications", verbose_name=_("buscador/a")
    )
    state = models.CharField(
        _("estado"), max_length=14, choices=ApplicationState.choices, default=ApplicationState.PROPOSED
    )
    # The match as it stood when the seeker was proposed: the score changes as profiles change, the reason not.
    score = models.IntegerField(_("puntaje"), null=True, blank=True)
    explanation = models.JSONField(_("explicación"), default=dict, blank=True)
    proposed_on = models.DateField(_("propuesta el"), null=True, blank=True)
    applied_on = models.DateField(_("postuló el"), null=True, blank=True)
    interviewed_on = models.DateField(_("entrevista el"), null=True, blank=True)
    decided_on = models.DateField(_("decisión el"), null=True, blank=True)

    class Meta:
        ordering = ["vacancy", "-score", "pk"]
        verbose_name = _("postulación")
        verbose_name_plural = _("postulaciones")
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "seeker"], name="employment_application_once_per_vacancy"),
        ]

    def __str__(self):
        # No person's name here: the audit trail copies this text, and anonymizing a person scrubs her name only
        # from records that point at her directly (her profile), not from her applications.
        return _("Postulación %(number)s a %(vacancy)s") % {"number": self.pk, "vacancy": self.vacancy.title}


class ApplicationEvent(models.Model):
    """One step in an application's history: the state it reached, on which day, recorded by whom."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("postulación")
    )
    state = models.CharField(_("estado"), max_length=14, choices=ApplicationState.choices)
    on = models.DateField(_("fecha"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("nota"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        ordering = ["application", "on", "pk"]
        verbose_name = _("paso de la postulación")
        verbose_name_plural = _("pasos de la postulación")

    def __str__(self):
        return f"{self.application}: {self.get_state_display()} ({self.on})"  # no name either (see Application)


class Placement(TimeStampedModel):
    """A hire: the job a seeker started through the service, from an application that reached hired."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="placement", verbose_name=_("postulación")
    )
    start_date = models.DateField(_("fecha de inicio"))
    wage = models.DecimalField(
        _("remuneración mensual (S/)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    contract_type = models.CharField(_("tipo de contrato"), max_length=12, choices=ContractType.choices)
    hours_per_week = models.PositiveSmallIntegerField(
        _("horas por semana"), validators=[MinValueValidator(1), MaxValueValidator(84)]
    )

    class Meta:
        ordering = ["-start_date", "pk"]
        verbose_name = _("colocación")
        verbose_name_plural = _("colocaciones")
        constraints = [
            models.CheckConstraint(condition=Q(wage__gte=0), name="employment_placement_wage_not_negative"),
        ]

    def __str__(self):
        return _("Colocación %(number)s (%(date)s)") % {"number": self.pk, "date": self.start_date}


class SelfEmployment(TimeStampedModel):
    """A seeker who started her own business instead of taking a job, linked to the enterprise when registered."""

    seeker = models.ForeignKey(
        JobSeeker, on_delete=models.PROTECT, related_name="self_employments", verbose_name=_("buscador/a")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_employments",
        verbose_name=_("emprendimiento"),
    )
    started_on = models.DateField(_("fecha de inicio"))
    monthly_income = models.DecimalField(
        _("ingreso mensual (S/)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    description = models.TextField(_("descripción"), blank=True)

    class Meta:
        ordering = ["-started_on", "pk"]
        verbose_name = _("autoempleo")
        verbose_name_plural = _("autoempleos")

    def __str__(self):
        return _("Autoempleo %(number)s (%(date)s)") % {"number": self.pk, "date": self.started_on}


class FollowUp(TimeStampedModel):
    """A check at 3 or 6 months after a placement or a self-employment started: still working, and for how much."""

    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("colocación"),
    )
    self_employment = models.ForeignKey(
        SelfEmployment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("autoempleo"),
    )
    month = models.PositiveSmallIntegerField(_("mes"), choices=[(month, month) for month in FOLLOW_UP_MONTHS])
    done_on = models.DateField(_("fecha del seguimiento"))
    still_working = models.BooleanField(_("sigue trabajando"))
    wage = models.DecimalField(
        _("remuneración o ingreso mensual (S/)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("nota"), max_length=250, blank=True)

    class Meta:
        ordering = ["month", "pk"]
        verbose_name = _("seguimiento")
        verbose_name_plural = _("seguimientos")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(placement__isnull=False, self_employment__isnull=True)
                    | Q(placement__isnull=True, self_employment__isnull=False)
                ),
                name="employment_follow_up_of_exactly_one",
            ),
            models.CheckConstraint(condition=Q(month__in=FOLLOW_UP_MONTHS), name="employment_follow_up_month_3_or_6"),
            models.UniqueConstraint(
                fields=["placement", "month"],
                condition=Q(placement__isnull=False),
                name="employment_follow_up_once_per_placement_month",
            ),
            models.UniqueConstraint(
                fields=["self_employment", "month"],
                condition=Q(self_employment__isnull=False),
                name="employment_follow_up_once_per_self_employment_month",
            ),
        ]

    def __str__(self):
        return _("Seguimiento a los %(month)s meses de %(subject)s") % {
            "month": self.month,
            "subject": self.placement or self.self_employment,
        }
