"""Matching job seekers and vacancies: a score from 0 to 100 with the reasons for it, in words.

Pure Python over small frozen facts (`SeekerFacts`, `VacancyFacts`), loaded from the database by
`minka.employment.match_facts`. The score adds weighted parts, each a fraction of its weight:

- required skills (45): every skill the vacancy requires; a share of them gives that share;
- desirable skills (10): every desirable skill;
- distance (15): the job is in her district or one she prefers; within her travel range the marks fall off
  slowly with the km, beyond it quickly, to nothing at twice her range;
- availability (10): her availability fits the vacancy's working time, hours and contract, and she is free before
  it closes;
- readiness (10): she completed a job-search workshop (attending part of one gives part of the marks);
- preferences (5): the job is in a district, and of a sector, she said she prefers (half marks if she said none);
- education (5): she has the level the vacancy asks for (secondary school when it asks for none).

Required skills weigh most: a seeker missing one of two required skills loses 22.5 points, more than the whole
distance part. Ranking is by the exact score, highest first, then by id, so the same facts always give the same
order. Only the matches shown are explained (`Match.parts`, `Match.sentences`, `Match.explanation`): ranking
10,000 seekers computes numbers only.
"""

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

W_REQUIRED = 45
W_DESIRABLE = 10
W_DISTANCE = 15
W_AVAILABILITY = 10
W_READINESS = 10
W_PREFERENCES = 5
W_EDUCATION = 5

EARTH_RADIUS_KM = 6371.0088
# Within her range a job loses at most this share of the distance marks (closer is still better); beyond it the
# marks fall from there to nothing at twice the range.
NEAR_SLOPE = 0.3

EDUCATION_ORDER = ("none", "primary", "secondary_incomplete", "secondary", "technical", "university")
# When a vacancy asks for no level: secondary school and above count in full.
EDUCATION_WITHOUT_MINIMUM = {
    "none": 0.4,
    "primary": 0.6,
    "secondary_incomplete": 0.8,
    "secondary": 1.0,
    "technical": 1.0,
    "university": 1.0,
}
# How her availability fits the vacancy's working time: (seeker, vacancy) -> fraction.
AVAILABILITY_FIT = {
    ("full_time", "full_time"): 1.0, ("part_time", "full_time"): 0.3,
    ("weekends", "full_time"): 0.1, ("seasonal", "full_time"): 0.5,
    ("full_time", "part_time"): 1.0, ("part_time", "part_time"): 1.0,
    ("weekends", "part_time"): 0.4, ("seasonal", "part_time"): 0.5,
    ("full_time", "weekends"): 0.8, ("part_time", "weekends"): 0.6,
    ("weekends", "weekends"): 1.0, ("seasonal", "weekends"): 0.5,
    ("full_time", "seasonal"): 1.0, ("part_time", "seasonal"): 0.5,
    ("weekends", "seasonal"): 0.3, ("seasonal", "seasonal"): 1.0,
}  # fmt: skip
# Hours a week each availability can give; a vacancy asking more gets that share.
HOURS_CAPACITY = {"full_time": 48, "part_time": 24, "weekends": 16, "seasonal": 48}
SEASONAL_INDEFINITE = 0.7  # someone looking for seasonal work, offered an indefinite contract
AVAILABLE_AFTER_CLOSING = 0.5  # free only after the vacancy closes
READINESS_PARTIAL = 0.7  # the most that attending part of a workshop gives


# Facts --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A district: its INEI ubigeo (the department's and province's codes are its first 2 and 4 digits)."""

    code: str
    name: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class SkillFact:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SeekerFacts:
    """What matching knows of a seeker. `district` is where she lives; `sessions_*` count the job-search workshop
    sessions of the workshops she attended, `workshops_completed` those she attended enough of to complete."""

    id: int
    skill_ids: frozenset[int] = frozenset()
    education_level: str = "secondary"
    district: Place | None = None
    preferred_district_codes: frozenset[str] = frozenset()
    max_travel_km: int = 20
    availability: str = "full_time"
    available_from: date | None = None
    preferred_sectors: frozenset[str] = frozenset()
    sessions_attended: int = 0
    sessions_held: int = 0
    workshops_completed: int = 0
    sex: str = ""
    age: int | None = None


@dataclass(frozen=True, slots=True)
class VacancyFacts:
    id: int
    required_skills: tuple[SkillFact, ...] = ()
    desirable_skills: tuple[SkillFact, ...] = ()
    district: Place | None = None
    availability: str = "full_time"
    hours_per_week: int = 48
    contract_type: str = "fixed_term"
    sector: str = ""
    closes_on: date | None = None
    min_education: str | None = None


@dataclass(frozen=True, slots=True)
class MatchFilter:
    """Who (or what) to rank: `territory` is a ubigeo prefix (department 2, province 4, district 6 digits) of where
    the seeker lives, or, when ranking vacancies, of the vacancy's district; sex and ages (inclusive) apply to
    seekers only. A seeker whose district or age is unknown is left out when the filter asks for it."""

    territory: str = ""
    sex: str = ""
    age_min: int | None = None
    age_max: int | None = None

    def admits_seeker(self, seeker: SeekerFacts) -> bool:
        if self.territory and (seeker.district is None or not seeker.district.code.startswith(self.territory)):
            return False
        if self.sex and seeker.sex != self.sex:
            return False
        if self.age_min is not None or self.age_max is not None:
            if seeker.age is None:
                return False
            if self.age_min is not None and seeker.age < self.age_min:
                return False
            if self.age_max is not None and seeker.age > self.age_max:
                return False
        return True

    def admits_vacancy(self, vacancy: VacancyFacts) -> bool:
        return not self.territory or (vacancy.district is not None and vacancy.district.code.startswith(self.territory))


# The parts of a score, as fractions of their weights ----------------------------------------------------------------


def haversine_km(a: Place | None, b: Place | None) -> float | None:
    """Great-circle distance between two districts' points; 0 for the same district, None when a point is missing."""
    if a is None or b is None:
        return None
    if a.code == b.code:
        return 0.0
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = math.radians(b.longitude - a.longitude) / 2
    h = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_fraction(km: float | None, max_travel_km: int, preferred: bool) -> float:
    if preferred:
        return 1.0
    if km is None:
        return 0.5
    reach = max(max_travel_km, 1)
    if km <= reach:
        return 1.0 - NEAR_SLOPE * km / reach
    return max(0.0, (1.0 - NEAR_SLOPE) * (1.0 - (km - reach) / reach))


def availability_fraction(seeker: SeekerFacts, vacancy: VacancyFacts) -> float:
    fit = AVAILABILITY_FIT.get((seeker.availability, vacancy.availability), 0.5)
    hours = max(vacancy.hours_per_week, 1)
    fit *= min(1.0, HOURS_CAPACITY.get(seeker.availability, 48) / hours)
    if seeker.availability == "seasonal" and vacancy.contract_type == "indefinite":
        fit *= SEASONAL_INDEFINITE
    if _free_after_closing(seeker, vacancy):
        fit *= AVAILABLE_AFTER_CLOSING
    return fit


def _free_after_closing(seeker: SeekerFacts, vacancy: VacancyFacts) -> bool:
    return bool(seeker.available_from and vacancy.closes_on and seeker.available_from > vacancy.closes_on)


def readiness_fraction(seeker: SeekerFacts) -> float:
    if seeker.workshops_completed:
        return 1.0
    if seeker.sessions_held <= 0:
        return 0.0
    return READINESS_PARTIAL * min(1.0, seeker.sessions_attended / seeker.sessions_held)


def preferences_fraction(seeker: SeekerFacts, vacancy: VacancyFacts) -> float:
    """The share of the preferences she stated that the vacancy meets; half marks when she stated none."""
    stated = met = 0
    if seeker.preferred_district_codes:
        stated += 1
        met += vacancy.district is not None and vacancy.district.code in seeker.preferred_district_codes
    if seeker.preferred_sectors:
        stated += 1
        met += vacancy.sector in seeker.preferred_sectors
    return met / stated if stated else 0.5


def education_fraction(level: str, minimum: str | None) -> float:
    if minimum is None:
        return EDUCATION_WITHOUT_MINIMUM.get(level, 0.4)
    gap = _education_rank(minimum) - _education_rank(level)
    return 1.0 if gap <= 0 else 0.5 if gap == 1 else 0.0


def _education_rank(level: str) -> int:
    return EDUCATION_ORDER.index(level) if level in EDUCATION_ORDER else 0


def _is_preferred(seeker: SeekerFacts, vacancy: VacancyFacts) -> bool:
    return vacancy.district is not None and vacancy.district.code in seeker.preferred_district_codes


def round_score(exact: float) -> int:
    """The score shown: the exact one rounded half up, kept within 0–100."""
    score = int(exact + 0.5)
    return 100 if score > 100 else 0 if score < 0 else score


# Per vacancy, what every pair with it needs -------------------------------------------------------------------------


class _VacancyPlan:
    """A vacancy's side of every pair, computed once: its skill sets, the availability part per availability of a
    seeker (the date check aside), and the distance to each district met so far."""

    __slots__ = (
        "availability",
        "code",
        "desirable",
        "desirable_unit",
        "distances",
        "education",
        "place",
        "required",
        "required_unit",
        "sector",
        "vacancy",
    )

    def __init__(self, vacancy: VacancyFacts):
        self.vacancy = vacancy
        self.required = frozenset(skill.id for skill in vacancy.required_skills)
        self.desirable = frozenset(skill.id for skill in vacancy.desirable_skills)
        self.required_unit = W_REQUIRED / len(self.required) if self.required else 0.0
        self.desirable_unit = W_DESIRABLE / len(self.desirable) if self.desirable else 0.0
        self.availability = {
            kind: availability_fraction(SeekerFacts(0, availability=kind), vacancy) for kind in HOURS_CAPACITY
        }
        self.education = {level: education_fraction(level, vacancy.min_education) for level in EDUCATION_ORDER}
        self.distances: dict[str | None, float | None] = {None: None}
        self.place = vacancy.district
        self.code = vacancy.district.code if vacancy.district else None
        self.sector = vacancy.sector

    def exact(self, seeker: SeekerFacts) -> float:
        """The unrounded score. The parts' functions above, written out here: ranking calls this for every pair, and
        a call costs more than the arithmetic (the tests check that both give the same score)."""
        skills = seeker.skill_ids
        required = self.required_unit * len(self.required & skills) if self.required else W_REQUIRED
        desirable = self.desirable_unit * len(self.desirable & skills) if self.desirable else W_DESIRABLE
        district = seeker.district
        key = district.code if district is not None else None
        km = self.distances.get(key, -1.0)
        if km == -1.0:
            km = self.distances[key] = haversine_km(district, self.place)
        districts = seeker.preferred_district_codes
        preferred = self.code is not None and self.code in districts
        if preferred:
            distance = W_DISTANCE
        elif km is None:
            distance = W_DISTANCE * 0.5
        else:
            reach = seeker.max_travel_km if seeker.max_travel_km > 1 else 1
            if km <= reach:
                distance = W_DISTANCE * (1.0 - NEAR_SLOPE * km / reach)
            elif km >= 2 * reach:
                distance = 0.0
            else:
                distance = W_DISTANCE * ((1.0 - NEAR_SLOPE) * (1.0 - (km - reach) / reach))
        fit = self.availability.get(seeker.availability)
        if fit is None:
            fit = availability_fraction(seeker, self.vacancy)
        elif seeker.available_from is not None and _free_after_closing(seeker, self.vacancy):
            fit *= AVAILABLE_AFTER_CLOSING
        availability = W_AVAILABILITY * fit
        if seeker.workshops_completed:
            readiness = W_READINESS
        elif seeker.sessions_held <= 0:
            readiness = 0.0
        else:
            share = seeker.sessions_attended / seeker.sessions_held
            readiness = W_READINESS * (READINESS_PARTIAL * (share if share < 1.0 else 1.0))
        sectors = seeker.preferred_sectors
        if districts or sectors:
            stated = (1 if districts else 0) + (1 if sectors else 0)
            met = (1 if districts and preferred else 0) + (1 if sectors and self.sector in sectors else 0)
            preferences = W_PREFERENCES * (met / stated)
        else:
            preferences = W_PREFERENCES * 0.5
        education = W_EDUCATION * self.education.get(seeker.education_level, EDUCATION_WITHOUT_MINIMUM["none"])
        return required + desirable + distance + availability + readiness + preferences + education


# Matches -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a score: its points out of its weight, a sentence for people, and details for pages."""

    code: str
    points: float
    max_points: int
    text: str
    details: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"code": self.code, "points": self.points, "max": self.max_points, "text": self.text, **self.details}


class Match:
    """A seeker and a vacancy with their score; the explanation is written when first asked for."""

    __slots__ = ("_parts", "exact", "score", "seeker", "vacancy")

    def __init__(self, seeker: SeekerFacts, vacancy: VacancyFacts, score: int, exact: float):
        self.seeker = seeker
        self.vacancy = vacancy
        self.score = score
        self.exact = exact
        self._parts = None

    def __repr__(self):
        return f"Match(seeker={self.seeker.id}, vacancy={self.vacancy.id}, score={self.score})"

    @property
    def parts(self) -> tuple[Part, ...]:
        if self._parts is None:
            self._parts = _parts(self.seeker, self.vacancy)
        return self._parts

    @property
    def sentences(self) -> list[str]:
        return [part.text for part in self.parts]

    @property
    def missing_skills(self) -> list[str]:
        return list(self.parts[0].details.get("missing", ()))

    @property
    def explanation(self) -> dict:
        """The score and its reasons as JSON, to keep with an application (the snapshot at proposal)."""
        return {"score": self.score, "parts": [part.as_json() for part in self.parts], "sentences": self.sentences}

    def explanation_to_keep(self) -> dict:
        """The explanation, with its sentences written in every language of the site (`sentences_in`): kept with
        an application, it is read later by people who may read another language than the one who proposed."""
        from django.conf import settings
        from django.utils import translation

        sentences_in = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                sentences_in[language] = [part.text for part in _parts(self.seeker, self.vacancy)]
        return {**self.explanation, "sentences_in": sentences_in}


def evaluate(seeker: SeekerFacts, vacancy: VacancyFacts) -> Match:
    """The match of one seeker with one vacancy."""
    exact = _VacancyPlan(vacancy).exact(seeker)
    return Match(seeker, vacancy, round_score(exact), exact)


class SeekerPool:
    """Seekers ready to be ranked against many vacancies: in id order (ties keep it), with the seekers each filter
    admits kept once asked for."""

    __slots__ = ("_admitted", "seekers")

    def __init__(self, seekers: Iterable[SeekerFacts]):
        self.seekers: list[SeekerFacts] = sorted(seekers, key=_by_id)
        self._admitted: dict[MatchFilter, list[SeekerFacts]] = {}

    def admitted(self, filters: MatchFilter | None) -> list[SeekerFacts]:
        if filters is None or filters == MatchFilter():
            return self.seekers
        chosen = self._admitted.get(filters)
        if chosen is None:
            chosen = self._admitted[filters] = [seeker for seeker in self.seekers if filters.admits_seeker(seeker)]
        return chosen


def rank_seekers(
    vacancy: VacancyFacts,
    seekers: Sequence[SeekerFacts] | SeekerPool,
    *,
    filters: MatchFilter | None = None,
    limit: int | None = None,
) -> "Ranking":
    """The seekers for a vacancy, best first (equal scores in id order), at most `limit` of them."""
    pool = seekers if isinstance(seekers, SeekerPool) else SeekerPool(seekers)
    candidates = pool.admitted(filters)
    plan = _VacancyPlan(vacancy)
    scores = [plan.exact(seeker) for seeker in candidates]
    return Ranking(_best(scores, limit), scores, seekers=candidates, vacancy=vacancy)


class VacancyPool:
    """Vacancies ready to be ranked for many seekers: in id order, each with its side of every pair worked out."""

    __slots__ = ("_plans", "vacancies")

    def __init__(self, vacancies: Iterable[VacancyFacts]):
        self.vacancies: list[VacancyFacts] = sorted(vacancies, key=_by_id)
        self._plans = [_VacancyPlan(vacancy) for vacancy in self.vacancies]

    def plans(self, filters: MatchFilter | None) -> list[_VacancyPlan]:
        if filters is None or not filters.territory:
            return self._plans
        return [plan for plan in self._plans if filters.admits_vacancy(plan.vacancy)]


def rank_vacancies(
    seeker: SeekerFacts,
    vacancies: Iterable[VacancyFacts] | VacancyPool,
    *,
    filters: MatchFilter | None = None,
    limit: int | None = None,
) -> "Ranking":
    """The vacancies for a seeker, best first (equal scores in id order); `filters.territory` is the vacancy's."""
    pool = vacancies if isinstance(vacancies, VacancyPool) else VacancyPool(vacancies)
    plans = pool.plans(filters)
    scores = [plan.exact(seeker) for plan in plans]
    return Ranking(_best(scores, limit), scores, seeker=seeker, vacancies=[plan.vacancy for plan in plans])


class Ranking(Sequence):
    """Matches best first, made when looked at: a page that shows 20 of 10,000 seekers makes 20."""

    __slots__ = ("_order", "_scores", "_seeker", "_seekers", "_vacancies", "_vacancy")

    def __init__(self, order, scores, *, seekers=None, vacancy=None, seeker=None, vacancies=None):
        self._order, self._scores = order, scores
        self._seekers, self._vacancy, self._seeker, self._vacancies = seekers, vacancy, seeker, vacancies

    def __len__(self):
        return len(self._order)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._match(i) for i in self._order[index]]
        return self._match(self._order[index])

    def __iter__(self):
        return map(self._match, self._order)

    def _match(self, i: int) -> Match:
        seeker = self._seeker if self._seekers is None else self._seekers[i]
        vacancy = self._vacancy if self._vacancies is None else self._vacancies[i]
        return Match(seeker, vacancy, round_score(self._scores[i]), self._scores[i])


def _by_id(facts) -> int:
    return facts.id


def _best(scores: list[float], limit: int | None) -> list[int]:
    """Indexes of the highest scores, highest first; equal scores keep their order (both sorts are stable)."""
    if limit is not None and limit < len(scores):
        return heapq.nlargest(max(limit, 0), range(len(scores)), key=scores.__getitem__)
    return sorted(range(len(scores)), key=scores.__getitem__, reverse=True)


# Explanations -------------------------------------------------------------------------------------------------------


def _parts(seeker: SeekerFacts, vacancy: VacancyFacts) -> tuple[Part, ...]:
    skills = seeker.skill_ids
    return (
        _required_part(vacancy.required_skills, skills),
        _desirable_part(vacancy.desirable_skills, skills),
        _distance_part(seeker, vacancy),
        _availability_part(seeker, vacancy),
        _readiness_part(seeker),
        _preferences_part(seeker, vacancy),
        _education_part(seeker, vacancy),
    )


def _points(weight: int, fraction: float) -> float:
    return round(weight * fraction, 1)


def _names(skills: Iterable[SkillFact]) -> str:
    return ", ".join(skill.name for skill in skills)


def _split(wanted: tuple[SkillFact, ...], has: frozenset[int]) -> tuple[list[SkillFact], list[SkillFact]]:
    unique = {skill.id: skill for skill in wanted}.values()
    covered = [skill for skill in unique if skill.id in has]
    missing = [skill for skill in unique if skill.id not in has]
    return covered, missing


def _required_part(wanted: tuple[SkillFact, ...], has: frozenset[int]) -> Part:
    covered, missing = _split(wanted, has)
    details = {"covered": [s.name for s in covered], "missing": [s.name for s in missing]}
    total = len(covered) + len(missing)
    fraction = len(covered) / total if total else 1.0
    if not total:
        text = _("La vacante no pide habilidades obligatorias.")
    elif not missing:
        text = _("Tiene todas las habilidades requeridas: %(covered)s.") % {"covered": _names(covered)}
    elif not covered:
        text = _("No tiene ninguna de las habilidades requeridas; le falta: %(missing)s.") % {
            "missing": _names(missing)
        }
    else:
        text = _("Tiene %(count)d de %(total)d habilidades requeridas (%(covered)s); le falta: %(missing)s.") % {
            "count": len(covered),
            "total": total,
            "covered": _names(covered),
            "missing": _names(missing),
        }
    return Part("required_skills", _points(W_REQUIRED, fraction), W_REQUIRED, text, details)


def _desirable_part(wanted: tuple[SkillFact, ...], has: frozenset[int]) -> Part:
    covered, missing = _split(wanted, has)
    details = {"covered": [s.name for s in covered], "missing": [s.name for s in missing]}
    total = len(covered) + len(missing)
    fraction = len(covered) / total if total else 1.0
    if not total:
        text = _("La vacante no indica habilidades deseables.")
    elif not missing:
        text = _("Tiene todas las habilidades deseables: %(covered)s.") % {"covered": _names(covered)}
    elif not covered:
        text = _("No tiene las habilidades deseables: %(missing)s.") % {"missing": _names(missing)}
    else:
        text = _("De las habilidades deseables tiene %(covered)s; no tiene %(missing)s.") % {
            "covered": _names(covered),
            "missing": _names(missing),
        }
    return Part("desirable_skills", _points(W_DESIRABLE, fraction), W_DESIRABLE, text, details)


def _km(km: float) -> str:
    return number_format(round(km, 1), 1)


def _distance_part(seeker: SeekerFacts, vacancy: VacancyFacts) -> Part:
    km = haversine_km(seeker.district, vacancy.district)
    preferred = _is_preferred(seeker, vacancy)
    fraction = distance_fraction(km, seeker.max_travel_km, preferred)
    place = vacancy.district.name if vacancy.district and vacancy.district.name else ""
    details = {
        "km": None if km is None else round(km, 1),
        "max_travel_km": seeker.max_travel_km,
        "preferred_district": preferred,
        "place": place,
    }
    if km is None:
        text = _("No se conoce la distancia: falta la ubicación de su distrito o del trabajo.")
        if preferred:
            text = _("El trabajo está en uno de sus distritos preferidos.")
    elif km == 0:
        text = _("El trabajo está en su mismo distrito.")
    elif preferred:
        text = _("El trabajo queda a %(km)s km, en uno de sus distritos preferidos.") % {"km": _km(km)}
    elif km <= max(seeker.max_travel_km, 1):
        text = _("El trabajo queda a %(km)s km, dentro de los %(max)s km que puede viajar.") % {
            "km": _km(km),
            "max": seeker.max_travel_km,
        }
    else:
        text = _("El trabajo queda a %(km)s km, más allá de los %(max)s km que puede viajar.") % {
            "km": _km(km),
            "max": seeker.max_travel_km,
        }
    return Part("distance", _points(W_DISTANCE, fraction), W_DISTANCE, text, details)


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _availability_part(seeker: SeekerFacts, vacancy: VacancyFacts) -> Part:
    from minka.employment.models import Availability, ContractType

    fraction = availability_fraction(seeker, vacancy)
    text = _("Disponibilidad: %(seeker)s; la vacante es de %(vacancy)s, %(hours)s horas por semana (%(contract)s).") % {
        "seeker": _label(Availability, seeker.availability).lower(),
        "vacancy": _label(Availability, vacancy.availability).lower(),
        "hours": vacancy.hours_per_week,
        "contract": _label(ContractType, vacancy.contract_type).lower(),
    }
    late = _free_after_closing(seeker, vacancy)
    if late:
        text += " " + _("Estará disponible desde el %(date)s, después del cierre de la vacante.") % {
            "date": date_format(seeker.available_from, "SHORT_DATE_FORMAT")
        }
    details = {
        "seeker_availability": seeker.availability,
        "vacancy_availability": vacancy.availability,
        "hours_per_week": vacancy.hours_per_week,
        "available_after_closing": late,
    }
    return Part("availability", _points(W_AVAILABILITY, fraction), W_AVAILABILITY, text, details)


def _readiness_part(seeker: SeekerFacts) -> Part:
    values = {"attended": seeker.sessions_attended, "held": seeker.sessions_held}
    if seeker.workshops_completed:
        text = _("Concluyó el taller de búsqueda de empleo (asistió a %(attended)s de %(held)s sesiones).") % values
    elif seeker.sessions_attended:
        text = (
            _("Asistió a %(attended)s de %(held)s sesiones del taller de búsqueda de empleo, sin concluirlo.") % values
        )
    else:
        text = _("No ha asistido a talleres de búsqueda de empleo.")
    details = {**values, "completed": seeker.workshops_completed}
    return Part("readiness", _points(W_READINESS, readiness_fraction(seeker)), W_READINESS, text, details)


def _preferences_part(seeker: SeekerFacts, vacancy: VacancyFacts) -> Part:
    from minka.enterprises.models import Sector

    sentences = []
    if seeker.preferred_district_codes:
        if _is_preferred(seeker, vacancy):
            sentences.append(_("El distrito del trabajo está entre sus preferidos."))
        else:
            sentences.append(_("El distrito del trabajo no está entre sus preferidos."))
    if seeker.preferred_sectors:
        values = {"sector": _label(Sector, vacancy.sector).lower()}
        if vacancy.sector in seeker.preferred_sectors:
            sentences.append(_("El rubro (%(sector)s) es uno de los que prefiere.") % values)
        else:
            sentences.append(_("El rubro (%(sector)s) no es de los que prefiere.") % values)
    if not sentences:
        sentences.append(_("No indicó preferencias de distrito ni de rubro."))
    fraction = preferences_fraction(seeker, vacancy)
    return Part("preferences", _points(W_PREFERENCES, fraction), W_PREFERENCES, " ".join(sentences), {})


def _education_part(seeker: SeekerFacts, vacancy: VacancyFacts) -> Part:
    from minka.employment.models import EducationLevel

    level = _label(EducationLevel, seeker.education_level)
    fraction = education_fraction(seeker.education_level, vacancy.min_education)
    if vacancy.min_education is None:
        text = _("Nivel educativo: %(level)s.") % {"level": level}
    else:
        values = {"level": level, "minimum": _label(EducationLevel, vacancy.min_education)}
        if fraction == 1.0:
            text = _("Nivel educativo: %(level)s; la vacante pide %(minimum)s.") % values
        else:
            text = _("Nivel educativo: %(level)s, por debajo de %(minimum)s que pide la vacante.") % values
    details = {"level": seeker.education_level, "minimum": vacancy.min_education}
    return Part("education", _points(W_EDUCATION, fraction), W_EDUCATION, text, details)
