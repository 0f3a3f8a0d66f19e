"""The demo's people: invented participants, their activities and enterprises, counted like the real ones.

Every record is made by a seeded generator, so every load is the same. Counted from the records (distinct
people, never sums of activity counts), Work 4 Progress Peru's first phase gives its published figures:

- 9,245 unique participants, every one of them present at some session of a phase-1 project's activity;
- 3,685 took part in listening and co-creation, 5,560 in prototyping, 2,586 were trained in business skills
  (people take part in several, so the three add up to more than 9,245);
- 434 enterprises: individual, family and collective, whose members are phase-1 participants.

Phase 2 has its first activities (some phase-1 people, some new). The cooperation-agents network has its 68
agents in five cities, the women's participation program its 400 school-municipality leaders of San Juan de
Lurigancho.

Five true duplicates are planted for the review queue (`PLANTED_DUPLICATES`): a phase-1 participant, registered
with her DNI, registered again in phase 2 by AVSI Perú without it, her name spelled a little differently.
The second registration attends only phase-2 activities and the first none, so phase-1 and phase-2 figures are
the same before and after a merge, whichever registration is kept; what a merge lowers, by one each, is the
program's reach over both phases and the count of people new in phase 2, as it should.

A DNI is never stored: fake eight-digit numbers are drawn (`dni_numbers`) and only their keyed hash and last
digits are written. Ages are as of the activities (2023 for phase 1), not of today.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.utils.translation import gettext as _

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityCategory, ActivityType, Attendance, Session
from minka.core.errors import ApplicationError
from minka.demo import people_data as data
from minka.demo.people_data import (
    AGENT_MODULES,
    BRANDS,
    CITY_DISTRICTS,
    CONDORCANQUI,
    ETHNIC_GROUPS,
    LEADERSHIP_TOPICS,
    QUISPICANCHI,
    SAN_JUAN_DE_LURIGANCHO,
    SECTORS,
    TONGUES,
    TOPICS,
    TOWNS,
)
from minka.enterprises.models import (
    Enterprise,
    EnterpriseKind,
    EnterpriseMember,
    EnterpriseRecord,
    EnterpriseStage,
    MemberRole,
    StageChange,
)
from minka.network.models import Site, Territory
from minka.people.identity import dni_hash, dni_last_digits
from minka.people.models import Area, Consent, ConsentMethod, Enrollment, EnrollmentStatus, Participant, Sex
from minka.people.services import search_key

SEED = 9245
DNI_SEED = 29733  # Ley 29733: a stream of its own, so the tests can draw the same numbers again

L = ActivityCategory.LISTENING
P = ActivityCategory.PROTOTYPING
B = ActivityCategory.BUSINESS_TRAINING

PHASE1_PARTICIPANTS = 9245
PHASE1_REACH = {L: 3685, P: 5560, B: 2586}
PHASE1_ENTERPRISES = {EnterpriseKind.INDIVIDUAL: 217, EnterpriseKind.FAMILY: 130, EnterpriseKind.COLLECTIVE: 87}
AGENTS = {"Lima": 14, "Iquitos": 13, "Piura": 14, "Arequipa": 13, "Cusco": 14}
SCHOOL_LEADERS = 400

# How many phase-1 people followed each path. The paths overlap: 900 + 386 + 700 + 2 × 300 = 2,586 people are
# counted twice or more, so 3,685 + 5,560 + 2,586 = 11,831 = 9,245 + 2,586.
PHASE1_PATHS = {
    (L,): 2099,
    (P,): 3660,
    (B,): 1200,
    (L, P): 900,
    (L, B): 386,
    (P, B): 700,
    (L, P, B): 300,
}

PROVINCE_NAMES = {"0812": "Quispicanchi", "0104": "Condorcanqui"}
TERRITORIAL_PARTNER = {"0812": "ccaijo", "0104": "saipe"}
PROJECT_OF = {
    1: {"ccaijo": "f1-quispicanchi", "saipe": "f1-condorcanqui", "fya-peru": "f1-educacion-tecnica",
        "avsi-peru": "f1-empleabilidad-juvenil", "uarm": "f1-innovacion"},
    2: {"ccaijo": "f2-quispicanchi", "saipe": "f2-condorcanqui", "avsi-peru": "f2-busqueda-empleo",
        "fya-peru": "f2-cultura-emprendedora"},
}  # fmt: skip
BUSINESS_CENTRE = {
    "ccaijo": "Centro de Desarrollo Empresarial de Quispicanchi (Urcos)",
    "saipe": "Centro de Desarrollo Empresarial de Condorcanqui (Nieva)",
}
SCHOOL = ("accion-desarrollo", "IE Benito Juárez")

# Who records what each organization's field work produced: organizations without a demo login have their
# records entered by the program's coordinator (W4P) or the network administrator.
RECORDERS = {
    "ccaijo": "promotora",
    "saipe": "coordinadora",
    "avsi-peru": "coordinadora",
    "fya-peru": "coordinadora",
    "uarm": "coordinadora",
    "funiber": "admin",
    "accion-desarrollo": "admin",
}

W4P_CONSENT = "Registro y seguimiento de participantes de Work 4 Progress Perú"
AGENTS_CONSENT = "Registro de participantes de la red de agentes de cooperación internacional"
LEADERS_CONSENT = "Registro de lideresas y líderes escolares (autorización de madre, padre o apoderado)"
CONSENT_VERSION = "v1"

# The planted duplicates: the first registration (phase 1, with DNI) and the second (phase 2, by AVSI Perú,
# without DNI). Same woman: same birth date and district, her name written a little differently.
PLANTED_DUPLICATES = (
    {"first": ("Yeny", "Quispe", "Huamán"), "second": ("Yeni", "Quispe", "Huaman"),
     "birth_date": datetime.date(1999, 4, 17), "district": "081210", "registered_by": "ccaijo"},
    {"first": ("Marleny", "Ccori", "Mamani"), "second": ("Marleni", "Ccori", "Mamani"),
     "birth_date": datetime.date(2001, 9, 3), "district": "081205", "registered_by": "ccaijo"},
    {"first": ("Rosa Elvira", "Huillca", "Condori"), "second": ("Rosa Elbira", "Huillca", "Condori"),
     "birth_date": datetime.date(1996, 1, 22), "district": "081212", "registered_by": "ccaijo"},
    {"first": ("Nélida", "Puma", "Ccahuana"), "second": ("Nelida", "Puma", "Cahuana"),
     "birth_date": datetime.date(2000, 11, 8), "district": "081202", "registered_by": "ccaijo"},
    {"first": ("Sumpa", "Entsakua", "Ampam"), "second": ("Sumpa", "Entsakwa", "Ampam"),
     "birth_date": datetime.date(1998, 6, 30), "district": "010402", "registered_by": "saipe"},
)  # fmt: skip
PLANTED_SECOND_REGISTRAR = "avsi-peru"

# Phase 1 windows: (first possible start, last possible start, days between sessions); one session per topic.
WINDOWS = {
    L: (datetime.date(2023, 2, 6), datetime.date(2023, 4, 21), 7),
    P: (datetime.date(2023, 5, 8), datetime.date(2023, 8, 11), 14),
    B: (datetime.date(2023, 8, 14), datetime.date(2023, 10, 27), 7),
}
PHASE1_AGES = (((15, 19), 24), ((20, 24), 25), ((25, 29), 19), ((30, 39), 20), ((40, 59), 12))
AGES_AS_OF = datetime.date(2023, 3, 1)
RECORDS_UNTIL = datetime.date(2024, 6, 30)


def dni_numbers():
    """The endless, repeatable stream of distinct fake DNIs the demo draws from (never stored in clear)."""
    rng = random.Random(DNI_SEED)
    seen = set()
    while True:
        number = f"{rng.randrange(40_000_000, 80_000_000):08d}"
        if number not in seen:
            seen.add(number)
            yield number


def territory_codes() -> set[str]:
    """Every district the demo's people live in."""
    codes = set(QUISPICANCHI) | set(CONDORCANQUI) | {SAN_JUAN_DE_LURIGANCHO}
    return codes | {code for districts in CITY_DISTRICTS.values() for code in districts}


def planted_duplicate_ids() -> list[tuple[int, int]]:
    """(first registration, second registration) ids of each planted duplicate, in `PLANTED_DUPLICATES` order."""
    pairs = []
    for spec in PLANTED_DUPLICATES:
        found = []
        for key, registrar in (("first", spec["registered_by"]), ("second", PLANTED_SECOND_REGISTRAR)):
            found.append(
                Participant.objects.get(
                    search_name=search_key(" ".join(spec[key])),
                    birth_date=spec["birth_date"],
                    district_id=spec["district"],
                    registered_by__slug=registrar,
                ).pk
            )
        pairs.append(tuple(found))
    return pairs


def people_load(*, programs, projects, organizations, users) -> None:
    """Writes the demo's people and what they did; `users` are the demo's own logins, by username."""
    _Generator(programs=programs, projects=projects, organizations=organizations, users=users).run()


@dataclass(eq=False)
class _Person:
    row: Participant
    province: str
    registrar: str
    program: str
    paths: tuple = ()
    registered_on: datetime.date | None = None
    activities: list = field(default_factory=list)


@dataclass(eq=False)
class _Activity:
    row: Activity
    dates: list
    topics: tuple
    people: list
    presence: float


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _cents(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


def _month_add(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _validated(instance):
    """The form rules (fields and `clean()`), without the per-row queries the database answers anyway: foreign
    keys point to rows written a moment ago, and unique constraints are enforced by the database."""
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    return instance


class _Generator:
    def __init__(self, *, programs, projects, organizations, users):
        self.rng = random.Random(SEED)
        self.dnis = dni_numbers()
        self.programs = programs
        self.projects = projects
        self.orgs = organizations
        self.slugs = {org.pk: slug for slug, org in organizations.items()}
        self.recorders = self._recorders(users)
        self.districts = Territory.objects.in_bulk(sorted(territory_codes()))
        sites = Site.objects.filter(organization__in=organizations.values())
        self.sites = {(site.organization_id, site.name): site for site in sites}
        self.people: list[_Person] = []
        self.activities: list[_Activity] = []
        self.full_names: set[str] = set()
        self.birthdays: set[tuple[str, datetime.date]] = set()

    @staticmethod
    def _recorders(users):
        if not users:
            message = _("Ningún usuario de la demostración está disponible para registrar sus datos.")
            raise ApplicationError(message, code="demo_users_missing")
        fallback = next(iter(users.values()))
        return {slug: users.get(username, fallback) for slug, username in RECORDERS.items()}

    def run(self):
        self.types = self._types()
        phase1 = self._phase1_people()
        self._phase1_activities(phase1)
        self._phase2(phase1)
        self._agents()
        self._leaders()
        self._write_people()
        self._write_activities()
        self._enterprises(phase1)

    # People

    def _person(self, *, province, district, registrar, program, culture, sex, born, area, tongue, dni=True):
        rng = self.rng
        for _attempt in range(100):
            given, paternal, maternal = self._name(culture, sex)
            full = f"{given} {paternal} {maternal}"
            if full not in self.full_names:
                break
        self.full_names.add(full)
        row = Participant(
            given_names=given,
            paternal_surname=paternal,
            maternal_surname=maternal,
            search_name=search_key(full),
            sex=sex,
            birth_date=born,
            birth_year=born.year,
            mother_tongue=tongue,
            area=area,
            district=self.districts[district],
            registered_by=self.orgs[registrar],
            # Written in groups, as people say it: no run of eight digits that could pass for a DNI.
            phone=f"9{rng.randrange(10, 100)} {rng.randrange(1000):03d} {rng.randrange(1000):03d}"
            if rng.random() < 0.55
            else "",
        )
        if dni:
            number = next(self.dnis)
            row.dni_hash, row.dni_last_digits = dni_hash(number), dni_last_digits(number)
        person = _Person(row=row, province=province, registrar=registrar, program=program)
        self.people.append(person)
        return person

    def _name(self, culture, sex):
        """Given names and two surnames as people of `culture` are named: pools, and how often each is used."""
        rng = self.rng
        woman = sex == Sex.FEMALE
        if culture == "andean":
            spanish = data.ANDEAN_WOMEN if woman else data.ANDEAN_MEN
            native = (data.QUECHUA_WOMEN if woman else data.QUECHUA_MEN, 0.08)
            surnames, double = (data.ANDEAN_SURNAMES, 0.8, data.SPANISH_SURNAMES), 0.3
        elif culture in ("amazon", "amazon-spa"):
            spanish = data.AMAZON_WOMEN if woman else data.AMAZON_MEN
            native = (data.JIVARO_GIVEN, 0.3)
            share = 0.85 if culture == "amazon" else 0.45  # Spanish speakers of Nieva are often settlers' kin
            surnames, double = (data.JIVARO_SURNAMES, share, data.AMAZON_SPANISH_SURNAMES), 0.15
        elif culture == "urban":
            spanish, native = data.URBAN_GIRLS if woman else data.URBAN_BOYS, None
            surnames, double = (data.SPANISH_SURNAMES, 0.6, data.ANDEAN_SURNAMES), 0.25
        else:  # a city of the agents' network
            spanish, native = data.PROFESSIONAL_WOMEN if woman else data.PROFESSIONAL_MEN, None
            surnames, double = (data.CITY_SURNAMES[culture], 0.45, data.SPANISH_SURNAMES), 0.2
        given = rng.choice(native[0] if native and rng.random() < native[1] else spanish)
        if " " not in given and rng.random() < double:
            other = rng.choice(spanish)
            if other != given and " " not in other:
                given = f"{given} {other}"
        main, share, other_pool = surnames
        paternal, maternal = (rng.choice(main if rng.random() < share else other_pool) for _twice in range(2))
        return given, paternal, maternal

    def _birth_date(self, district, youngest, oldest, as_of):
        rng = self.rng
        while True:
            age = rng.randint(youngest, oldest)
            born = as_of - datetime.timedelta(days=round(age * 365.25) + rng.randrange(365))
            if (district, born) not in self.birthdays:
                self.birthdays.add((district, born))
                return born

    def _territorial_person(self, *, province, program, registrar=None, as_of=AGES_AS_OF, youth_only=False):
        rng = self.rng
        districts = QUISPICANCHI if province == "0812" else CONDORCANQUI
        district = _weighted(rng, districts.items())
        sex = Sex.FEMALE if rng.random() < 0.63 else Sex.MALE
        band = (15, 29) if youth_only else _weighted(rng, PHASE1_AGES)
        born = self._birth_date(district, *band, as_of)
        tongue = _weighted(rng, TONGUES.get(district, TONGUES.get(province, ())))
        culture = "andean" if province == "0812" else "amazon-spa" if tongue == "spa" else "amazon"
        if registrar is None:
            roll = rng.random()
            registrar = "avsi-peru" if roll < 0.05 else "fya-peru" if roll < 0.10 else TERRITORIAL_PARTNER[province]
        area = Area.URBAN if rng.randrange(100) < TOWNS.get(district, 5) else Area.RURAL
        # Documentation gaps are wider in the Amazon's remote communities.
        dni = rng.random() < (0.93 if province == "0812" else 0.8)
        person = self._person(
            province=province,
            district=district,
            registrar=registrar,
            program="w4p-peru",
            culture=culture,
            sex=sex,
            born=born,
            area=area,
            tongue=tongue,
            dni=dni,
        )
        if province == "0104" and rng.random() < 0.04:
            person.row.birth_date = None  # only the year is known
        return person

    def _phase1_people(self) -> list[_Person]:
        people = []
        for spec in PLANTED_DUPLICATES:
            district = spec["district"]
            province = district[:4]
            given, paternal, maternal = spec["first"]
            self.full_names.add(" ".join(spec["second"]))
            self.birthdays.add((district, spec["birth_date"]))
            tongue = "quz" if province == "0812" else "agr"
            person = self._person(
                province=province,
                district=district,
                registrar=spec["registered_by"],
                program="w4p-peru",
                culture="andean",
                sex=Sex.FEMALE,
                born=spec["birth_date"],
                area=Area.RURAL,
                tongue=tongue,
            )
            person.row.given_names, person.row.paternal_surname, person.row.maternal_surname = given, paternal, maternal
            person.row.search_name = search_key(" ".join(spec["first"]))
            self.full_names.add(" ".join(spec["first"]))
            people.append(person)
        while len(people) < PHASE1_PARTICIPANTS:
            province = "0812" if self.rng.random() < 0.6 else "0104"
            people.append(self._territorial_person(province=province, program="w4p-peru"))
        paths = [path for path, count in PHASE1_PATHS.items() for _ in range(count)]
        self.rng.shuffle(paths)
        for person, path in zip(people, paths, strict=True):
            person.paths = path
        return people

    # Activities

    def _activity(self, *, program, project, org, category, title, start, gap, people, presence, topics, site=None):
        count = len(topics)
        dates = [start + datetime.timedelta(days=gap * i) for i in range(count)]
        activity_type = self.types[(self.programs[program].pk, category)]
        row = Activity(
            program=self.programs[program],
            project=self.projects[project],
            organization=self.orgs[org],
            site=site,
            activity_type=activity_type,
            title=title,
            start_date=dates[0],
            end_date=dates[-1],
            facilitators=f"Equipo de {self.orgs[org].short_name or self.orgs[org].name}",
        )
        planned = _Activity(row=row, dates=dates, topics=topics, people=list(people), presence=presence)
        for person in people:
            person.activities.append(planned)
        self.activities.append(planned)
        return planned

    def _site(self, org, name):
        return self.sites.get((self.orgs[org].pk, name))

    def _phase1_org(self, person, category):
        territorial = TERRITORIAL_PARTNER[person.province]
        if category == L:
            return territorial
        roll = self.rng.random()
        if category == P:
            return "uarm" if roll < 0.12 else territorial
        if person.registrar in ("fya-peru", "avsi-peru"):
            return person.registrar
        return "fya-peru" if roll < 0.1 else "avsi-peru" if roll < 0.2 else territorial

    def _phase1_activities(self, phase1):
        groups = defaultdict(list)
        for person in phase1:
            for category in person.paths:
                org = self._phase1_org(person, category)
                place = person.row.district_id if org in TERRITORIAL_PARTNER.values() else person.province
                groups[(category, org, place)].append(person)
        for (category, org, place), members in sorted(groups.items()):
            cohorts = self._cohorts(members)
            for number, cohort in enumerate(cohorts, start=1):
                first, last, gap = WINDOWS[category]
                start = first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))
                title = self._phase1_title(category, org, place)
                if len(cohorts) > 1:
                    title = f"{title} – grupo {number}"
                site = None
                if org in BUSINESS_CENTRE:
                    centre = self._site(org, BUSINESS_CENTRE[org])
                    site = centre if (category == B or (centre and centre.district_id == place)) else None
                self._activity(
                    program="w4p-peru",
                    project=PROJECT_OF[1][org],
                    org=org,
                    category=category,
                    title=title,
                    start=start,
                    gap=gap,
                    people=cohort,
                    topics=TOPICS[category],
                    presence=0.85,
                    site=site,
                )
        for person in phase1:
            first_day = min(activity.row.start_date for activity in person.activities)
            person.registered_on = first_day - datetime.timedelta(days=self.rng.randint(3, 25))

    def _cohorts(self, members):
        cohorts, index = [], 0
        while index < len(members):
            size = self.rng.randint(22, 36)
            cohorts.append(members[index : index + size])
            index += size
        if len(cohorts) > 1 and len(cohorts[-1]) < 12:
            cohorts[-2].extend(cohorts.pop())
        return cohorts

    def _phase1_title(self, category, org, place):
        where = self.districts[place].name if len(place) == 6 else PROVINCE_NAMES[place]
        if category == L:
            return f"Escucha y co-creación en {where}"
        if category == P:
            if org == "uarm":
                return f"Laboratorio de innovación UARM – {where}"
            return f"Prototipado de ideas de negocio en {where}"
        return {
            "fya-peru": f"Gestión de pequeños negocios (Fe y Alegría) – {where}",
            "avsi-peru": f"Emprendimiento juvenil y cadenas productivas (AVSI) – {where}",
        }.get(org, f"Habilidades empresariales en {where}")

    def _types(self):
        for slug in ("w4p-peru", "funiber-network", "women-participation"):
            activity_types_ensure(self.programs[slug])
        return {
            (t.program_id, t.category): t
            for t in ActivityType.objects.filter(program__in=self.programs.values()).order_by("pk")
        }

    def _phase2(self, phase1):
        rng = self.rng
        # The planted duplicates come back only as their second registration.
        planted = len(PLANTED_DUPLICATES)
        returning = {province: [p for p in phase1[planted:] if p.province == province] for province in ("0812", "0104")}
        youth = {province: [p for p in people if p.row.birth_year >= 1995] for province, people in returning.items()}
        plan = (
            # org, category, province, title, start, from phase 1, new, topics
            ("avsi-peru", ActivityCategory.JOB_SEARCH, "0812", "Taller de búsqueda de empleo – Urcos",
             datetime.date(2024, 3, 11), 28, 10,
             ("Mi perfil y mis competencias", "Cómo preparar mi CV", "La entrevista de trabajo", "Derechos laborales")),
            ("avsi-peru", ActivityCategory.JOB_SEARCH, "0104", "Taller de búsqueda de empleo – Santa María de Nieva",
             datetime.date(2024, 3, 18), 24, 8,
             ("Mi perfil y mis competencias", "Cómo preparar mi CV", "La entrevista de trabajo", "Derechos laborales")),
            ("fya-peru", B, "0812", "Cultura emprendedora – Quispicanchi", datetime.date(2024, 4, 8), 25, 8,
             ("Actitud emprendedora", "Liderazgo y trabajo en equipo", "Ideas de negocio en mi comunidad",
              "Plan de acción")),
            ("fya-peru", B, "0104", "Cultura emprendedora – Condorcanqui", datetime.date(2024, 4, 15), 22, 8,
             ("Actitud emprendedora", "Liderazgo y trabajo en equipo", "Ideas de negocio en mi comunidad",
              "Plan de acción")),
            ("ccaijo", ActivityCategory.TECHNICAL_TRAINING, "0812", "Formación técnica: crianza de cuyes",
             datetime.date(2024, 5, 6), 30, 6,
             ("Manejo de galpones", "Alimentación y sanidad", "Reproducción y mejora", "Comercialización")),
            ("saipe", ActivityCategory.TECHNICAL_TRAINING, "0104", "Formación técnica: piscicultura familiar",
             datetime.date(2024, 5, 13), 26, 6,
             ("Construcción y manejo de estanques", "Alimentación de peces", "Sanidad acuícola", "Cosecha y venta")),
        )  # fmt: skip
        for org, category, province, title, start, old, new, topics in plan:
            pool = youth[province] if category == ActivityCategory.JOB_SEARCH else returning[province]
            people = rng.sample(pool, old)
            for _number in range(new):
                person = self._territorial_person(
                    province=province,
                    program="w4p-peru",
                    registrar=org,
                    as_of=start,
                    youth_only=category == ActivityCategory.JOB_SEARCH,
                )
                person.registered_on = start - datetime.timedelta(days=rng.randint(1, 10))
                people.append(person)
            if org == PLANTED_SECOND_REGISTRAR and category == ActivityCategory.JOB_SEARCH:
                people.extend(self._planted_seconds(phase1, province, start))
            site = self._site(org, BUSINESS_CENTRE[org]) if org in BUSINESS_CENTRE else None
            self._activity(
                program="w4p-peru",
                project=PROJECT_OF[2][org],
                org=org,
                category=category,
                title=title,
                start=start,
                gap=7,
                people=people,
                presence=0.8,
                topics=topics,
                site=site,
            )

    def _planted_seconds(self, phase1, province, start):
        firsts = {search_key(" ".join(spec["first"])): spec for spec in PLANTED_DUPLICATES}
        seconds = []
        for first in phase1[: len(PLANTED_DUPLICATES)]:
            spec = firsts[first.row.search_name]
            if first.province != province:
                continue
            second = self._person(
                province=province,
                district=spec["district"],
                registrar=PLANTED_SECOND_REGISTRAR,
                program="w4p-peru",
                culture="andean",
                sex=Sex.FEMALE,
                born=spec["birth_date"],
                area=first.row.area,
                tongue=first.row.mother_tongue,
                dni=False,
            )
            row = second.row
            row.given_names, row.paternal_surname, row.maternal_surname = spec["second"]
            row.search_name = search_key(" ".join(spec["second"]))
            row.phone = ""
            second.registered_on = start - datetime.timedelta(days=2)
            seconds.append(second)
        return seconds

    def _agents(self):
        rng = self.rng
        people = []
        for city, count in AGENTS.items():
            for _number in range(count):
                district = rng.choice(CITY_DISTRICTS[city])
                sex = Sex.FEMALE if rng.random() < 0.5 else Sex.MALE
                person = self._person(
                    province=district[:4],
                    district=district,
                    registrar="funiber",
                    program="funiber-network",
                    culture=city,
                    sex=sex,
                    born=self._birth_date(district, 28, 60, AGES_AS_OF),
                    area=Area.URBAN,
                    tongue="quz" if city == "Cusco" and rng.random() < 0.2 else "spa",
                )
                person.registered_on = datetime.date(2023, 3, 20) + datetime.timedelta(days=rng.randrange(20))
                people.append(person)
        self._activity(
            program="funiber-network",
            project="fortalecimiento-capacidades",
            org="funiber",
            category=ActivityCategory.TECHNICAL_TRAINING,
            title="Curso a distancia: planificación y gestión de proyectos de cooperación internacional",
            start=datetime.date(2023, 4, 15),
            gap=28,
            people=people,
            presence=0.88,
            topics=AGENT_MODULES,
        )

    def _leaders(self):
        rng = self.rng
        as_of = datetime.date(2023, 8, 1)  # ages during the school year of the leadership school
        people = []
        for _number in range(SCHOOL_LEADERS):
            sex = Sex.FEMALE if rng.random() < 0.62 else Sex.MALE
            person = self._person(
                province="1501",
                district=SAN_JUAN_DE_LURIGANCHO,
                registrar="accion-desarrollo",
                program="women-participation",
                culture="urban",
                sex=sex,
                born=self._birth_date(SAN_JUAN_DE_LURIGANCHO, 12, 17, as_of),
                area=Area.URBAN,
                tongue="spa" if rng.random() < 0.94 else "quz",
                dni=rng.random() < 0.95,
            )
            people.append(person)
        site = self._site(*SCHOOL)
        for number in range(10):
            group = people[number * 40 : (number + 1) * 40]
            start = datetime.date(2023, 7, 3) + datetime.timedelta(days=7 * (number % 5))
            for person in group:
                person.registered_on = start - datetime.timedelta(days=rng.randint(3, 15))
            self._activity(
                program="women-participation",
                project="adolescentes-sjl",
                org="accion-desarrollo",
                category=ActivityCategory.LEADERSHIP,
                title=f"Escuela de líderes de municipios escolares – grupo {number + 1}",
                start=start,
                gap=14,
                people=group,
                presence=0.85,
                topics=LEADERSHIP_TOPICS,
                site=site,
            )

    # Writing

    def _write_people(self):
        rng = self.rng
        # Sensitive data only for people whose written consent covers it (Ley 29733), about a third in W4P.
        sensitive = set()
        for person in self.people:
            row = person.row
            if person.program == "w4p-peru" and rng.random() < 0.3:
                sensitive.add(id(person))
                if rng.random() < 0.85:
                    row.ethnic_group = ETHNIC_GROUPS.get(row.mother_tongue) or (
                        "Quechua" if person.province == "0812" and rng.random() < 0.5 else "Mestizo"
                    )
                row.disability = rng.random() < 0.02
        Participant.objects.bulk_create([_validated(person.row) for person in self.people], batch_size=500)
        consents, enrollments = [], []
        for person in self.people:
            agents = person.program == "funiber-network"
            consents.append(
                _validated(
                    Consent(
                        participant=person.row,
                        purpose={"funiber-network": AGENTS_CONSENT, "women-participation": LEADERS_CONSENT}.get(
                            person.program, W4P_CONSENT
                        ),
                        text_version=CONSENT_VERSION,
                        method=ConsentMethod.DIGITAL if agents else ConsentMethod.SIGNED_PAPER,
                        covers_sensitive_data=id(person) in sensitive,
                        given_on=person.registered_on,
                        recorded_by=self.recorders[person.registrar],
                    )
                )
            )
            enrollments.extend(self._enrollments(person))
        Consent.objects.bulk_create(consents, batch_size=500)
        Enrollment.objects.bulk_create(enrollments, batch_size=500)

    def _enrollments(self, person):
        since = {person.registrar: person.registered_on}
        for activity in person.activities:
            slug = self.slugs[activity.row.organization_id]
            since[slug] = min(since.get(slug, activity.row.start_date), activity.row.start_date)
        last = max(activity.dates[-1] for activity in person.activities)
        status, ended = EnrollmentStatus.ACTIVE, None
        if person.program != "w4p-peru":
            status, ended = EnrollmentStatus.COMPLETED, last
        elif self.rng.random() < 0.05:
            status, ended = EnrollmentStatus.DROPPED, last + datetime.timedelta(days=self.rng.randint(7, 60))
        return [
            _validated(
                Enrollment(
                    participant=person.row,
                    program=self.programs[person.program],
                    organization=self.orgs[slug],
                    enrolled_on=enrolled_on,
                    status=status,
                    ended_on=ended,
                )
            )
            for slug, enrolled_on in since.items()
        ]

    def _write_activities(self):
        rng = self.rng
        Activity.objects.bulk_create([_validated(a.row) for a in self.activities], batch_size=500)
        sessions = []
        for activity in self.activities:
            topics = activity.topics or ("",) * len(activity.dates)
            activity.sessions = [
                _validated(Session(activity=activity.row, date=day, topic=topic))
                for day, topic in zip(activity.dates, topics, strict=True)
            ]
            sessions.extend(activity.sessions)
        Session.objects.bulk_create(sessions, batch_size=500)
        attendances = []
        for activity in self.activities:
            recorder = self.recorders[self.slugs[activity.row.organization_id]]
            for person in activity.people:
                present = [s for s in activity.sessions if rng.random() < activity.presence]
                for session in present or [rng.choice(activity.sessions)]:
                    attendances.append(Attendance(session=session, participant=person.row, recorded_by=recorder))
        Attendance.objects.bulk_create(attendances, batch_size=2000)

    # Enterprises

    def _enterprises(self, phase1):
        rng = self.rng
        eligible = [person for person in phase1 if P in person.paths or B in person.paths]
        by_district = defaultdict(list)
        for person in eligible:
            by_district[person.row.district_id].append(person)
        kinds = [kind for kind, count in PHASE1_ENTERPRISES.items() for _ in range(count)]
        rng.shuffle(kinds)
        taken: set[int] = set()
        used_names: set[str] = set()
        plans = []
        for kind in kinds:
            owner = rng.choice(eligible)
            while id(owner) in taken:
                owner = rng.choice(eligible)
            taken.add(id(owner))
            neighbours = [p for p in by_district[owner.row.district_id] if id(p) not in taken]
            if kind == EnterpriseKind.INDIVIDUAL:
                others = []
            elif kind == EnterpriseKind.FAMILY:
                kin = [p for p in neighbours if p.row.paternal_surname == owner.row.paternal_surname]
                others = rng.sample(kin or neighbours, min(rng.randint(1, 3), len(kin or neighbours)))
            else:
                others = rng.sample(neighbours, min(rng.randint(4, 13), len(neighbours)))
            taken.update(id(p) for p in others)
            plans.append(self._enterprise_plan(kind, owner, others, used_names))
        Enterprise.objects.bulk_create([_validated(plan["row"]) for plan in plans], batch_size=500)
        members, changes, records = [], [], []
        for plan in plans:
            enterprise, recorder = plan["row"], plan["recorder"]
            for person, role in plan["members"]:
                members.append(
                    _validated(
                        EnterpriseMember(
                            enterprise=enterprise, participant=person.row, role=role, joined_on=enterprise.started_on
                        )
                    )
                )
            for stage, day in plan["stages"]:
                changes.append(StageChange(enterprise=enterprise, stage=stage, changed_on=day, recorded_by=recorder))
            for month, sales, costs, jobs in plan["records"]:
                records.append(
                    _validated(
                        EnterpriseRecord(
                            enterprise=enterprise,
                            month=month,
                            sales=sales,
                            costs=costs,
                            jobs=jobs,
                            recorded_by=recorder,
                        )
                    )
                )
        EnterpriseMember.objects.bulk_create(members, batch_size=500)
        StageChange.objects.bulk_create(changes, batch_size=500)
        EnterpriseRecord.objects.bulk_create(records, batch_size=500)

    def _enterprise_plan(self, kind, owner, others, used_names):
        rng = self.rng
        province = owner.province
        org = TERRITORIAL_PARTNER[province]
        sector, product, collective = rng.choice(SECTORS[province])
        district = self.districts[owner.row.district_id]
        if kind == EnterpriseKind.INDIVIDUAL:
            name = f"{product} {owner.row.given_names.split()[0]}"
            members = [(owner, MemberRole.OWNER)]
        elif kind == EnterpriseKind.FAMILY:
            name = f"{product} Familia {owner.row.paternal_surname}"
            members = [(owner, MemberRole.OWNER)] + [(p, MemberRole.FAMILY) for p in others]
        else:
            brand = rng.choice(BRANDS[province])
            name = f"Asociación de {collective} {brand} de {district.name}"
            members = [(p, MemberRole.PARTNER) for p in [owner, *others]]
        if name in used_names:
            name = f"{name} ({district.name})"
        suffix = 2
        base = name
        while name in used_names:
            name, suffix = f"{base} {suffix}", suffix + 1
        used_names.add(name)
        started = datetime.date(2023, 5, 1) + datetime.timedelta(days=rng.randrange(184))
        row = Enterprise(
            organization=self.orgs[org],
            program=self.programs["w4p-peru"],
            project=self.projects[PROJECT_OF[1][org]],
            kind=kind,
            name=name,
            sector=sector,
            site=self._site(org, BUSINESS_CENTRE[org]),
            district=district,
            started_on=started,
        )
        stages = self._stages(started)
        row.stage = stages[-1][0]
        return {
            "row": row,
            "members": members,
            "stages": stages,
            "records": self._records(kind, len(members), stages),
            "recorder": self.recorders[org],
        }

    def _stages(self, started):
        rng = self.rng
        final = _weighted(
            rng,
            (
                (EnterpriseStage.IDEA, 10),
                (EnterpriseStage.PROTOTYPE, 25),
                (EnterpriseStage.OPERATING, 55),
                (EnterpriseStage.CLOSED, 10),
            ),
        )
        order = [EnterpriseStage.IDEA, EnterpriseStage.PROTOTYPE, EnterpriseStage.OPERATING, EnterpriseStage.CLOSED]
        stages, day = [(EnterpriseStage.IDEA, started)], started
        gaps = {
            EnterpriseStage.PROTOTYPE: (30, 90),
            EnterpriseStage.OPERATING: (30, 120),
            EnterpriseStage.CLOSED: (90, 240),
        }
        for stage in order[1 : order.index(final) + 1]:
            day = min(day + datetime.timedelta(days=rng.randint(*gaps[stage])), RECORDS_UNTIL)
            stages.append((stage, day))
        return stages

    def _records(self, kind, size, stages):
        """A few months of sales and costs in soles, from the month after the enterprise first sold."""
        rng = self.rng
        reached = dict(stages)
        if EnterpriseStage.PROTOTYPE not in reached:
            return []
        if EnterpriseStage.OPERATING in reached:
            first = _month_add(reached[EnterpriseStage.OPERATING], 1)
            months = rng.randint(3, 6)
        else:  # trial sales of the prototype
            first = _month_add(reached[EnterpriseStage.PROTOTYPE], 1)
            months = rng.randint(1, 2)
        until = reached.get(EnterpriseStage.CLOSED, RECORDS_UNTIL)
        low, high = {
            EnterpriseKind.INDIVIDUAL: (250, 1200),
            EnterpriseKind.FAMILY: (500, 2500),
            EnterpriseKind.COLLECTIVE: (1200, 6000),
        }[kind]
        if EnterpriseStage.OPERATING not in reached:
            low, high = low // 4, high // 4
        sales = rng.randint(low, high) * 100
        records = []
        for index in range(months):
            month = _month_add(first, index)
            if month > until:
                break
            amount = sales * rng.randint(92, 112) // 100 + rng.randrange(100)
            costs = amount * rng.randint(45, 75) // 100
            jobs = 1 if kind == EnterpriseKind.INDIVIDUAL else size
            if kind == EnterpriseKind.COLLECTIVE:
                jobs += rng.randint(0, 2)  # associations hire a hand or two
            records.append((month, _cents(amount), _cents(costs), jobs))
            sales = sales * rng.randint(100, 108) // 100  # slow growth: income measured against the first month
        return records


def dni_sample(count: int) -> list[str]:
    """The first `count` DNIs of the stream: those the demo gave its people, in the order it gave them."""
    return list(islice(dni_numbers(), count))
