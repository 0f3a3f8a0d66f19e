"""The ways a number can be split: by who the people are, where they live, and what they took part in.

A dimension is *personal* when every person (or enterprise) has exactly one value of it: such splits add up to
the total. The others (organization, activity type…) can put one person in several groups: their cells are
distinct counts each, and never summed.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.conf import settings
from django.db.models import Case, CharField, Value, When
from django.db.models.functions import Substr
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.people.models import YOUTH_AGES, Area, MotherTongue, Sex

UNKNOWN = "?"


@dataclass(frozen=True)
class Dimension:
    code: str
    label: Promise
    personal: bool  # one value per person or enterprise: the cells add up to the total

    def __str__(self):
        return str(self.label)


DIMENSIONS = {
    dimension.code: dimension
    for dimension in (
        Dimension("sex", gettext_lazy("Sexo"), True),
        Dimension("age_band", gettext_lazy("Grupo de edad"), True),
        Dimension("youth", gettext_lazy("Joven (15 a 29 años)"), True),
        Dimension("mother_tongue", gettext_lazy("Lengua materna"), True),
        Dimension("area", gettext_lazy("Área de residencia"), True),
        Dimension("department", gettext_lazy("Departamento"), True),
        Dimension("province", gettext_lazy("Provincia"), True),
        Dimension("district", gettext_lazy("Distrito"), True),
        Dimension("organization", gettext_lazy("Organización"), False),
        Dimension("activity_type", gettext_lazy("Tipo de actividad"), False),
        Dimension("activity_category", gettext_lazy("Línea de actividad"), False),
        Dimension("enterprise_kind", gettext_lazy("Tipo de emprendimiento"), True),
    )
}


def dimensions_parse(text: str | Iterable[str], allowed: Iterable[str] | None = None) -> tuple[str, ...]:
    """`sex,age_band` as a tuple of known dimension codes, or an ApplicationError naming the unknown ones."""
    from minka.core.errors import ApplicationError

    codes = [c.strip() for c in (text.split(",") if isinstance(text, str) else text) if c and c.strip()]
    allowed = set(DIMENSIONS if allowed is None else allowed)
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise ApplicationError(
            _("Desagregación desconocida: %(unknown)s. Disponibles: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(allowed))},
            code="unknown_dimension",
            fields={"by": [_("Desagregación desconocida: %(unknown)s.") % {"unknown": ", ".join(unknown)}]},
        )
    if len(set(codes)) != len(codes):
        raise ApplicationError(
            _("Cada desagregación una sola vez."), code="unknown_dimension", fields={"by": [_("Repetida.")]}
        )
    return tuple(codes)


# Age bands ------------------------------------------------------------------------------------------------------


def age_bands() -> list[tuple[int, int | None]]:
    """(lowest age, highest age or None) of each band, from the lower bounds in settings.AGE_BAND_STARTS."""
    starts = sorted(settings.AGE_BAND_STARTS)
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    return [(low, high - 1) for low, high in pairwise(starts)] + [(starts[-1], None)]


def age_band_label(band: tuple[int, int | None]) -> str:
    low, high = band
    if high is None:
        return _("%(low)s y más") % {"low": low}
    if low == 0:
        return _("menos de %(high)s") % {"high": high + 1}
    return f"{low}–{high}"


def _born_after(reference: datetime.date, years: int) -> datetime.date:
    """Born after this day: younger than `years` on `reference` (29 February falls back to 28)."""
    try:
        return reference.replace(year=reference.year - years)
    except ValueError:
        return reference.replace(year=reference.year - years, day=28)


def age_expression(prefix: str, reference: datetime.date, bands: list[tuple[tuple[int, int | None], str]]) -> Case:
    """The code of the band a person's age on `reference` falls in, in SQL. From the birth date, or from the
    year alone when only that is known (counted as born on 1 July, as Participant.age_on does)."""
    before_july = 1 if reference < datetime.date(reference.year, 7, 1) else 0
    ordered = sorted(bands)
    if not _contiguous([band for band, _code in ordered]):
        return _age_expression_each(prefix, reference, bands, before_july)
    # Contiguous bands from 0 up: one boundary test per band, youngest first (born after `reference` − (high + 1)
    # years is younger than high + 1); born after the reference day itself has no age yet.
    by_date = [When(**{f"{prefix}birth_date__gt": reference}, then=Value(UNKNOWN))]
    by_year = [When(**{f"{prefix}birth_year__gt": reference.year - before_july}, then=Value(UNKNOWN))]
    for (_low, high), code in ordered[:-1]:
        by_date.append(When(**{f"{prefix}birth_date__gt": _born_after(reference, high + 1)}, then=Value(code)))
        by_year.append(When(**{f"{prefix}birth_year__gt": reference.year - (high + 1) - before_july}, then=Value(code)))
    oldest = Value(ordered[-1][1])
    return Case(
        When(**{f"{prefix}birth_date__isnull": False}, then=Case(*by_date, default=oldest)),
        When(**{f"{prefix}birth_year__isnull": False}, then=Case(*by_year, default=oldest)),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _contiguous(bands: list[tuple[int, int | None]]) -> bool:
    """Whether sorted bands start at 0, follow one another without gap, and the last has no upper end."""
    return (
        bool(bands)
        and bands[0][0] == 0
        and bands[-1][1] is None
        and all(high is not None and high + 1 == low for (_l, high), (low, _h) in pairwise(bands))
    )


def _age_expression_each(prefix, reference, bands, before_july) -> Case:
    """Any bands: each tested on both of its ends."""
    by_date, by_year = [], []
    for (low, high), code in bands:
        # age ≥ low ⇔ born on or before reference − low years; age ≤ high ⇔ born after reference − (high + 1) years
        born = {f"{prefix}birth_date__lte": _born_after(reference, low)}
        year = {f"{prefix}birth_date__isnull": True, f"{prefix}birth_year__lte": reference.year - low - before_july}
        if high is not None:
            born[f"{prefix}birth_date__gt"] = _born_after(reference, high + 1)
            year[f"{prefix}birth_year__gt"] = reference.year - (high + 1) - before_july
        by_date.append(When(**born, then=Value(code)))
        by_year.append(When(**year, then=Value(code)))
    return Case(*by_date, *by_year, default=Value(UNKNOWN), output_field=CharField())


def age_band_code(band: tuple[int, int | None]) -> str:
    low, high = band
    return f"{low}+" if high is None else f"{low}-{high}"


def youth_expression(prefix: str, reference: datetime.date) -> Case:
    low, high = YOUTH_AGES
    return age_expression(prefix, reference, [((0, low - 1), "no"), ((low, high), "yes"), ((high + 1, None), "no")])


# Person and place columns ---------------------------------------------------------------------------------------


def person_expressions(prefix: str, reference: datetime.date) -> dict[str, object]:
    """SQL for each personal dimension, given the path to the participant (`participant__` or '')."""
    return {
        "sex": _field(f"{prefix}sex"),
        "age_band": age_expression(prefix, reference, [(band, age_band_code(band)) for band in age_bands()]),
        "youth": youth_expression(prefix, reference),
        "mother_tongue": _field(f"{prefix}mother_tongue"),
        "area": _field(f"{prefix}area"),
        **place_expressions(f"{prefix}district_id"),
    }


def place_expressions(district_path: str) -> dict[str, object]:
    """Department and province from the district's ubigeo: INEI codes nest (08 → 0812 → 081210)."""
    return {
        "department": Substr(district_path, 1, 2),
        "province": Substr(district_path, 1, 4),
        "district": _field(district_path),
    }


def _field(path: str):
    from django.db.models import F

    return F(path)


# Labels ---------------------------------------------------------------------------------------------------------


def _choices(choices) -> Callable[[Iterable], dict]:
    return lambda values: {value: str(label) for value, label in choices.choices if value in set(values)}


def _territories(values) -> dict:
    from minka.network.models import Territory

    return dict(Territory.objects.filter(code__in=[v for v in values if v]).values_list("code", "name"))


def _organizations(values) -> dict:
    from minka.network.models import Organization

    return {
        pk: short or name
        for pk, short, name in Organization.objects.filter(pk__in=[v for v in values if v]).values_list(
            "pk", "short_name", "name"
        )
    }


def _activity_types(values) -> dict:
    from minka.activities.models import ActivityType

    return {t.pk: t.name for t in ActivityType.objects.filter(pk__in=[v for v in values if v])}


def _activity_categories(values) -> dict:
    from minka.activities.models import ActivityCategory

    return _choices(ActivityCategory)(values)


def _enterprise_kinds(values) -> dict:
    from minka.enterprises.models import EnterpriseKind

    return _choices(EnterpriseKind)(values)


def _age_bands(values) -> dict:
    return {age_band_code(band): age_band_label(band) for band in age_bands()}


def _youth(values) -> dict:
    return {"yes": _("Joven (15–29)"), "no": _("No joven")}


LABELS: dict[str, Callable[[Iterable], dict]] = {
    "sex": _choices(Sex),
    "age_band": _age_bands,
    "youth": _youth,
    "mother_tongue": _choices(MotherTongue),
    "area": _choices(Area),
    "department": _territories,
    "province": _territories,
    "district": _territories,
    "organization": _organizations,
    "activity_type": _activity_types,
    "activity_category": _activity_categories,
    "enterprise_kind": _enterprise_kinds,
}


def value_labels(dimension: str, values: Iterable) -> dict:
    """A label for each value of `dimension` ("Sin dato" for the unknown), in the active language."""
    values = list(values)
    labels = LABELS[dimension](values)
    return {
        value: labels.get(value, _("Sin dato")) if value not in (None, "", UNKNOWN) else _("Sin dato")
        for value in values
    }


def dimension_order(dimension: str) -> Callable:
    """How a dimension's values sort: bands in age order, the rest by label."""
    if dimension == "age_band":
        order = {age_band_code(band): i for i, band in enumerate(age_bands())}
        return lambda value, label: (order.get(value, len(order)), "")
    return lambda value, label: (value in (None, "", UNKNOWN), str(label).lower())
