import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from minka.core.models import RESERVED_SLUGS, TimeStampedModel
from minka.network.identifiers import ruc_is_valid

# An IATI organisation identifier: a registration agency code (country or XM/XI, then the register) and the
# organisation's number in that register, e.g. PE-RUC-20512333797, XM-DAC-41114, XI-IATI-EC_INTPA.
IATI_ORGANISATION_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]+-[A-Za-z0-9_.\-]+$")


class TerritoryLevel(models.TextChoices):
    DEPARTMENT = "department", _("Departamento")
    PROVINCE = "province", _("Provincia")
    DISTRICT = "district", _("Distrito")


class Territory(models.Model):
    """A department, province or district of Peru, keyed by its INEI ubigeo (2, 4 or 6 digits).

    RENIEC numbers the same places differently (DNI addresses use its codes), so its code is kept
    beside INEI's where the two tables name the same place.
    """

    code = models.CharField(_("ubigeo INEI"), max_length=6, primary_key=True)
    level = models.CharField(_("nivel"), max_length=12, choices=TerritoryLevel.choices, db_index=True)
    name = models.CharField(_("nombre"), max_length=120, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("pertenece a")
    )
    capital = models.CharField(_("capital"), max_length=120, blank=True)
    latitude = models.DecimalField(_("latitud"), max_digits=10, decimal_places=7, null=True, blank=True)
    longitude = models.DecimalField(_("longitud"), max_digits=10, decimal_places=7, null=True, blank=True)
    altitude = models.DecimalField(_("altitud (m)"), max_digits=7, decimal_places=1, null=True, blank=True)
    population = models.PositiveIntegerField(_("población"), null=True, blank=True)
    reniec_code = models.CharField(_("ubigeo RENIEC"), max_length=6, blank=True, db_index=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("territorio")
        verbose_name_plural = _("territorios")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(level="department", parent__isnull=True) | models.Q(parent__isnull=False)),
                name="territory_only_departments_have_no_parent",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def path(self) -> str:
        """ "Urcos, Quispicanchi, Cusco": the place with its province and department."""
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return ", ".join(names)


class TerritoryBoundary(models.Model):
    """The outline of a department, province or district (a GeoJSON Polygon or MultiPolygon), for maps.

    Kept apart from Territory so that lists and paths of places never carry the geometry.
    """

    territory = models.OneToOneField(
        Territory, on_delete=models.CASCADE, primary_key=True, related_name="boundary", verbose_name=_("territorio")
    )
    geometry = models.JSONField(_("geometría (GeoJSON)"))

    class Meta:
        ordering = ["territory"]
        verbose_name = _("límite territorial")
        verbose_name_plural = _("límites territoriales")

    def __str__(self):
        return str(self.territory)


class OrganizationKind(models.TextChoices):
    NGO = "ngo", _("ONG / asociación")
    FOUNDATION = "foundation", _("Fundación / financiador")
    PUBLIC_AGENCY = "public_agency", _("Entidad pública")
    MULTILATERAL = "multilateral", _("Organismo multilateral / cooperación oficial")
    UNIVERSITY = "university", _("Universidad")
    SCHOOL = "school", _("Institución educativa")
    COMPANY = "company", _("Empresa")
    COOPERATIVE = "cooperative", _("Cooperativa")
    PENITENTIARY = "penitentiary", _("Establecimiento penitenciario")
    RELIGIOUS = "religious", _("Institución religiosa")
    COMMUNITY = "community", _("Organización comunal")
    OTHER = "other", _("Otra")


# IATI OrganisationType codes, so the IATI export can name each kind.
IATI_ORGANISATION_TYPE = {
    "ngo": "22",
    "foundation": "60",
    "public_agency": "10",
    "multilateral": "40",
    "university": "80",
    "school": "80",
    "company": "70",
    "cooperative": "70",
    "penitentiary": "10",
    "religious": "22",
    "community": "22",
    "other": "90",
}


class Organization(TimeStampedModel):
    """A member of the network: an NGO, a funder, a university, a prison, an employer…"""

    slug = models.SlugField(_("identificador corto"), max_length=60, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    short_name = models.CharField(_("nombre corto"), max_length=60, blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=OrganizationKind.choices)
    country = models.CharField(_("país (ISO 3166-1)"), max_length=2, default="PE")
    ruc = models.CharField(_("RUC"), max_length=11, blank=True)
    iati_identifier = models.CharField(_("identificador IATI"), max_length=100, blank=True)
    website = models.URLField(_("sitio web"), blank=True)
    description = models.TextField(_("descripción"), blank=True)
    district = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "district"},
        verbose_name=_("distrito de la sede"),
    )
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organización")
        verbose_name_plural = _("organizaciones")
        constraints = [
            models.UniqueConstraint(fields=["ruc"], condition=~models.Q(ruc=""), name="organization_ruc_unique"),
        ]

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("Esa palabra está reservada; elija otra.")
        if self.ruc:
            if self.country != "PE":
                errors["ruc"] = _("El RUC solo se registra para organizaciones peruanas.")
            elif not ruc_is_valid(self.ruc):
                errors["ruc"] = _("El RUC no es válido: debe tener 11 dígitos y un dígito verificador correcto.")
        if self.country:
            self.country = self.country.upper()
        if not self.iati_identifier and self.ruc and "ruc" not in errors:
            self.iati_identifier = f"PE-RUC-{self.ruc}"
        if self.iati_identifier:
            if not IATI_ORGANISATION_ID.match(self.iati_identifier):
                errors["iati_identifier"] = _(
                    "Use la forma AGENCIA-NÚMERO de IATI, por ejemplo PE-RUC-20512333797 o XM-DAC-41114."
                )
            elif (
                self.iati_identifier.startswith("PE-RUC-") and self.ruc and self.iati_identifier != f"PE-RUC-{self.ruc}"
            ):
                errors["iati_identifier"] = _("El identificador PE-RUC no coincide con el RUC de la organización.")
        if self.district_id and self.district.level != TerritoryLevel.DISTRICT:
            errors["district"] = _("Elija un distrito.")
        if errors:
            raise ValidationError(errors)


class SiteKind(models.TextChoices):
    BUSINESS_CENTRE = "business_centre", _("Centro de Desarrollo Empresarial")
    SCHOOL = "school", _("Institución educativa")
    PRISON = "prison", _("Establecimiento penitenciario")
    AGENCY = "agency", _("Agencia")
    COMMUNITY = "community", _("Comunidad")
    OFFICE = "office", _("Oficina")
    OTHER = "other", _("Otro")


class Site(TimeStampedModel):
    """A place where the work happens: a Business Development Centre, a school, a prison, an agency."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="sites", verbose_name=_("organización")
    )
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=SiteKind.choices)
    district = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="sites",
        limit_choices_to={"level": "district"},
        verbose_name=_("distrito"),
    )
    address = models.CharField(_("dirección"), max_length=250, blank=True)
    is_active = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sede")
        verbose_name_plural = _("sedes")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="site_name_unique_per_organization")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.district_id and self.district.level != TerritoryLevel.DISTRICT:
            raise ValidationError({"district": _("Elija un distrito.")})
