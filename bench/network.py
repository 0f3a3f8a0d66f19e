"""A national network for the benchmark: one program over all of Peru, its people, attendance and enterprises.

Everything comes from one seeded generator, so a size and a seed always give the same rows. The small tables
(organizations, program, phases, projects, activity types) go through the ORM; the large ones are written with
PostgreSQL's COPY (elsewhere, SQLite in the tests, with plain multi-row inserts), with ids chosen here so that
the rows can point at each other without reading them back. Sequences are moved past those ids afterwards.

What the rows look like:
- people live in districts all over Peru, drawn by the districts' population; 52 % are women; most are 15 to
  44 years old; 80 % have a birth date, 15 % only a birth year, 5 % neither; mother tongues and area follow
  rough national shares;
- activities (weekly sessions) are held by the organizations working in a department, in a project of the
  phase they fall in; about a third of them follow up a recent group of the same province (listening, then
  prototyping, then training), so people take part in several; each person attends each session with a
  chance of their own, so some complete an activity and some do not;
- people are enrolled through the organization of their first activity (some by two), and some registered
  people never came;
- enterprises belong to people who took part; they move from idea to prototype to operating (some close), and
  those past the idea keep monthly records of sales and costs from which income change is measured.
"""

import datetime
import random
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from minka.accounts.models import User
from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityCategory, ActivityType, Attendance, Session
from minka.enterprises.models import (
    Enterprise,
    EnterpriseKind,
    EnterpriseMember,
    EnterpriseRecord,
    EnterpriseStage,
    MemberRole,
    Sector,
    StageChange,
)
from minka.network.models import Organization, OrganizationKind, Site, SiteKind, Territory
from minka.network.territories import territories_load_if_empty
from minka.people.models import Area, Enrollment, EnrollmentStatus, MotherTongue, Participant, Sex
from minka.people.services import search_key
from minka.programs.models import Phase, Program, Project

PROGRAM_SLUG = "red-nacional"
USERNAME = "bench"
PHASES = (
    (1, "Fase 1", "Phase 1", datetime.date(2023, 1, 1), datetime.date(2024, 12, 31)),
    (2, "Fase 2", "Phase 2", datetime.date(2025, 1, 1), datetime.date(2026, 10, 31)),
)
LAST_DAY = PHASES[-1][4]  # nothing happens after this day, so the numbers do not move with the calendar
AGES_AS_OF = datetime.date(2025, 1, 1)

# category: (share of activities, fewest and most sessions, smallest and largest group)
ACTIVITY_PLANS = {
    ActivityCategory.LISTENING: (20, 3, 6, 12, 40),
    ActivityCategory.PROTOTYPING: (18, 4, 8, 10, 30),
    ActivityCategory.BUSINESS_TRAINING: (18, 6, 10, 12, 35),
    ActivityCategory.TECHNICAL_TRAINING: (14, 6, 12, 10, 30),
    ActivityCategory.ADVISORY_VISIT: (10, 1, 3, 1, 5),
    ActivityCategory.JOB_SEARCH: (8, 2, 4, 10, 25),
    ActivityCategory.LEADERSHIP: (6, 6, 10, 10, 25),
    ActivityCategory.EVENT: (6, 1, 1, 30, 150),
}
FOLLOW_UP_SHARE = 0.35

# (youngest, oldest, weight): a program for young people and working-age adults
AGE_GROUPS = ((8, 14, 2), (15, 29, 45), (30, 44, 30), (45, 64, 18), (65, 85, 5))
TONGUES = (
    (MotherTongue.SPANISH, 70),
    (MotherTongue.CUSCO_QUECHUA, 18),
    (MotherTongue.AYMARA, 4),
    (MotherTongue.AWAJUN, 2),
    (MotherTongue.WAMPIS, 1),
    (MotherTongue.OTHER, 2),
    ("", 3),
)
AREAS = ((Area.RURAL, 55), (Area.URBAN, 40), ("", 5))
KINDS = ((EnterpriseKind.INDIVIDUAL, 55), (EnterpriseKind.FAMILY, 30), (EnterpriseKind.COLLECTIVE, 15))

WOMEN = (
    "María", "Rosa", "Juana", "Carmen", "Luz", "Ana", "Elena", "Flor", "Nancy", "Gladys", "Yolanda", "Julia",
    "Marleny", "Sonia", "Lucía", "Norma", "Silvia", "Beatriz", "Rocío", "Sadith", "Nayely", "Kelly", "Milagros",
    "Yesenia", "Roxana", "Delia", "Teresa", "Sara", "Isabel", "Wendy",
)  # fmt: skip
MEN = (
    "José", "Juan", "Luis", "Carlos", "Jorge", "Víctor", "Pedro", "Miguel", "Julio", "César", "Alberto", "Raúl",
    "Walter", "Edwin", "Wilber", "Ronald", "Hugo", "Fredy", "Percy", "Nilton", "Elmer", "Rubén", "Hernán", "Jhon",
    "Kevin", "Brayan", "Marco", "Alex", "Santos", "Teófilo",
)  # fmt: skip
SURNAMES = (
    "Quispe", "Huamán", "Mamani", "Condori", "Flores", "Rodríguez", "Sánchez", "García", "Rojas", "Chávez",
    "Ramos", "Díaz", "Torres", "Vargas", "Mendoza", "Cruz", "Castillo", "Gutiérrez", "Ccori", "Puma", "Yupanqui",
    "Apaza", "Ticona", "Choque", "Huanca", "Pérez", "López", "Vásquez", "Ramírez", "Espinoza", "Salazar", "Paredes",
    "Soto", "Cárdenas", "Morales", "Romero", "Jiménez", "Ríos", "Tuesta", "Shimbucat", "Ampam", "Sejekam",
    "Tsamajain", "Yampis", "Pizango", "Tapullima", "Huayta", "Ccama", "Villca", "Nina",
)  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    people: int = 1_000_000
    attendance: int = 5_000_000
    enterprises: int = 100_000

    @property
    def organizations(self) -> int:
        return max(4, min(40, self.people // 25_000))


@dataclass
class Counts:
    """Rows written, by table, in the order they were written."""

    rows: dict[str, int] = field(default_factory=dict)

    def add(self, model, count: int) -> None:
        self.rows[model._meta.db_table] = self.rows.get(model._meta.db_table, 0) + count


# Writing ------------------------------------------------------------------------------------------------------------


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def rows_write(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Writes `rows` (tuples in the order of `columns`) into the model's table: COPY on PostgreSQL, batches of
    multi-row inserts elsewhere. Returns how many it wrote."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 -- our names
        rows = iter(rows)
        while batch := list(islice(rows, 2000)):
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def _sequences_reset(models) -> None:
    """After rows were written with our own ids, the next id the database hands out must come after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# The network --------------------------------------------------------------------------------------------------------


@dataclass
class Network:
    """The small tables, and what the large ones need to know of them."""

    user: User
    program: Program
    phases: list[Phase]
    organizations: list[Organization]
    department_orgs: dict[str, list[int]]  # department code → ids of the organizations working there
    projects: dict[tuple[int, str], int]  # (phase number, department code) → project id
    types: dict[str, list[int]]  # category → activity type ids


def network_create(sizes: Sizes) -> Network:
    user, _created = User.objects.get_or_create(
        username=USERNAME, defaults={"is_superuser": True, "is_staff": True, "email": "bench@example.org"}
    )
    organizations = []
    for number in range(1, sizes.organizations + 1):
        organization, _created = Organization.objects.get_or_create(
            slug=f"bench-org-{number:02d}",
            defaults={"name": f"Asociación Red Nacional {number:02d}", "kind": OrganizationKind.NGO},
        )
        organizations.append(organization)
    program = Program.objects.create(
        slug=PROGRAM_SLUG,
        name_es="Red Nacional (benchmark)",
        name_en="National Network (benchmark)",
        start_date=PHASES[0][3],
        end_date=PHASES[-1][4],
    )
    phases = [
        Phase.objects.create(program=program, number=n, name_es=es, name_en=en, start_date=start, end_date=end)
        for n, es, en, start, end in PHASES
    ]
    activity_types_ensure(program, user=user)
    types = defaultdict(list)
    for pk, category in ActivityType.objects.filter(program=program).values_list("pk", "category"):
        types[category].append(pk)
    departments = list(Territory.objects.filter(level="department").order_by("code").values_list("code", flat=True))
    # Each department has three organizations (they overlap, as real partners do); one leads its project.
    department_orgs = {
        code: [organizations[(3 * i + j) % len(organizations)].pk for j in range(3)]
        for i, code in enumerate(departments)
    }
    per_phase = max(1, min(len(departments), sizes.people // 40_000))
    projects = {}
    for phase in phases:
        for group in range(per_phase):
            covered = departments[group::per_phase]
            if not covered:
                continue
            project = Project.objects.create(
                program=program,
                phase=phase,
                code=f"p{phase.number}-{group + 1:02d}",
                title_es=f"Fase {phase.number}, grupo {group + 1}",
                start_date=phase.start_date,
                end_date=phase.end_date,
                lead_organization_id=department_orgs[covered[0]][0],
            )
            project.territories.set(covered)
            projects.update({(phase.number, code): project.pk for code in covered})
    return Network(user, program, phases, organizations, department_orgs, projects, dict(types))


# People -------------------------------------------------------------------------------------------------------------


@dataclass
class People:
    """What later tables need of the people written: id of the first, and each one's district."""

    first_id: int
    districts: list[str]  # district code of person i
    by_province: dict[str, list[int]]  # province code → indexes of the people living there


def _cumulative(pairs) -> tuple[list, list[int]]:
    values, weights = zip(*pairs, strict=True)
    total, cumulative = 0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return list(values), cumulative


def people_write(rng: random.Random, network: Network, sizes: Sizes, counts: Counts, now) -> People:
    places = list(Territory.objects.filter(level="district").values_list("code", "population"))
    district_codes, district_weights = _cumulative((code, population or 1_000) for code, population in places)
    districts = rng.choices(district_codes, cum_weights=district_weights, k=sizes.people)
    ages, age_weights = _cumulative(((low, high), weight) for low, high, weight in AGE_GROUPS)
    tongues, tongue_weights = _cumulative(TONGUES)
    areas, area_weights = _cumulative(AREAS)
    keys = {name: search_key(name) for name in (*WOMEN, *MEN, *SURNAMES)}
    first_id = _next_id(Participant)
    by_province = defaultdict(list)
    for index, district in enumerate(districts):
        by_province[district[:4]].append(index)

    def rows() -> Iterator[tuple]:
        for index, district in enumerate(districts):
            woman = rng.random() < 0.52
            given = rng.choice(WOMEN if woman else MEN)
            paternal, maternal = rng.choice(SURNAMES), rng.choice(SURNAMES)
            low, high = rng.choices(ages, cum_weights=age_weights)[0]
            born = AGES_AS_OF - datetime.timedelta(days=rng.randint(low * 365 + 1, high * 365 + 364))
            known = rng.random()
            birth_date, birth_year = (
                (born, born.year) if known < 0.80 else (None, born.year) if known < 0.95 else (None, None)
            )
            yield (
                first_id + index,
                given,
                paternal,
                maternal,
                f"{keys[given]} {keys[paternal]} {keys[maternal]}",
                Sex.FEMALE if woman else Sex.MALE,
                birth_date,
                birth_year,
                "",
                "",
                "",
                rng.choices(tongues, cum_weights=tongue_weights)[0],
                "",
                rng.choices(areas, cum_weights=area_weights)[0],
                district,
                False,
                False,
                rng.choice(network.department_orgs[district[:2]]),
                now,
                now,
            )

    columns = (
        "id", "given_names", "paternal_surname", "maternal_surname", "search_name", "sex", "birth_date",
        "birth_year", "dni_hash", "dni_last_digits", "phone", "mother_tongue", "ethnic_group", "area", "district_id",
        "deprived_of_liberty", "disability", "registered_by_id", "created_at", "updated_at",
    )  # fmt: skip
    counts.add(Participant, rows_write(Participant, columns, rows()))
    return People(first_id, districts, dict(by_province))


# Activities, sessions, attendance ------------------------------------------------------------------------------------


@dataclass
class PlannedActivity:
    id: int
    organization_id: int
    session_ids: list[int]
    session_days: list[datetime.date]
    people: array  # indexes of the people taking part
    presence: array  # for each of them, a bit per session attended


@dataclass
class Plan:
    activities: list[PlannedActivity]
    activity_rows: list[tuple]
    sites: dict[tuple[int, str], int]  # (organization id, district) → site id
    first_day: array  # per person, the ordinal of the first session attended (0: none)
    first_org: array  # per person, the organization of that session
    attendance: int


def _presence(rng: random.Random, sessions: int) -> int:
    """The sessions one person attends, as bits: most come to nearly all, some to half, a few drop out."""
    profile = rng.random()
    chance = (
        rng.uniform(0.8, 1.0) if profile < 0.55 else rng.uniform(0.5, 0.8) if profile < 0.85 else rng.uniform(0.1, 0.5)
    )
    mask = 0
    for session in range(sessions):
        if rng.random() < chance:
            mask |= 1 << session
    return mask or 1 << rng.randrange(sessions)


def activities_plan(rng: random.Random, network: Network, people: People, sizes: Sizes, now) -> Plan:
    """Activities until the attendance asked for is reached (the last group is cut to hit it exactly)."""
    provinces = sorted(people.by_province)
    province_list, province_weights = _cumulative((code, len(people.by_province[code])) for code in provinces)
    categories, category_weights = _cumulative((category, plan[0]) for category, plan in ACTIVITY_PLANS.items())
    activity_id, session_id, site_id = _next_id(Activity), _next_id(Session), _next_id(Site)
    recent_groups: dict[str, list[array]] = defaultdict(list)
    first_day = array("i", bytes(4 * sizes.people))
    first_org = array("i", bytes(4 * sizes.people))
    plan = Plan([], [], {}, first_day, first_org, 0)
    while plan.attendance < sizes.attendance:
        province = rng.choices(province_list, cum_weights=province_weights)[0]
        residents = people.by_province[province]
        category = rng.choices(categories, cum_weights=category_weights)[0]
        _share, fewest, most, smallest, largest = ACTIVITY_PLANS[category]
        phase = network.phases[rng.random() < 0.55]
        sessions = rng.randint(fewest, most)
        first = phase.start_date + datetime.timedelta(
            days=rng.randrange((phase.end_date - phase.start_date).days - 7 * sessions)
        )
        days = [first + datetime.timedelta(days=7 * week) for week in range(sessions)]
        size = min(len(residents), rng.randint(smallest, largest))
        earlier = recent_groups[province]
        if earlier and rng.random() < FOLLOW_UP_SHARE:
            group = rng.choice(earlier)
            members = set(rng.sample(group, max(1, int(len(group) * rng.uniform(0.6, 1.0)))))
            members.update(rng.sample(residents, min(len(residents), max(0, size - len(members)) // 3)))
            members = sorted(members)
        else:
            members = sorted(rng.sample(residents, size))
        group = array("i", members)
        earlier.append(group)
        if len(earlier) > 6:
            earlier.pop(0)
        department = province[:2]
        organization = rng.choice(network.department_orgs[department])
        district = people.districts[rng.choice(members)]
        if (organization, district) not in plan.sites:
            plan.sites[(organization, district)] = site_id
            site_id += 1
        masks = array("q")
        taken = array("i")
        for person in members:
            if plan.attendance >= sizes.attendance:
                break
            mask = _presence(rng, sessions)
            attended = mask.bit_count()
            if plan.attendance + attended > sizes.attendance:
                mask = (1 << (sizes.attendance - plan.attendance)) - 1
                attended = mask.bit_count()
            plan.attendance += attended
            taken.append(person)
            masks.append(mask)
            day = days[(mask & -mask).bit_length() - 1].toordinal()
            if not first_day[person] or day < first_day[person]:
                first_day[person], first_org[person] = day, organization
        type_id = rng.choice(network.types[category])
        plan.activity_rows.append(
            (
                activity_id,
                network.program.pk,
                network.projects[(phase.number, department)],
                organization,
                plan.sites[(organization, district)],
                type_id,
                f"{ActivityCategory(category).label} {activity_id}",
                days[0],
                days[-1],
                "",
                Decimal(75),
                now,
                now,
            )
        )
        plan.activities.append(
            PlannedActivity(
                activity_id, organization, list(range(session_id, session_id + sessions)), days, taken, masks
            )
        )
        activity_id += 1
        session_id += sessions
    return plan


def activities_write(network: Network, plan: Plan, counts: Counts, now) -> None:
    site_rows = (
        (pk, organization, f"Sede {district} {pk}", SiteKind.COMMUNITY, district, "", True, now, now)
        for (organization, district), pk in plan.sites.items()
    )
    columns = (
        "id",
        "organization_id",
        "name",
        "kind",
        "district_id",
        "address",
        "is_active",
        "created_at",
        "updated_at",
    )
    counts.add(Site, rows_write(Site, columns, site_rows))
    columns = (
        "id", "program_id", "project_id", "organization_id", "site_id", "activity_type_id", "title", "start_date",
        "end_date", "facilitators", "completion_percent", "created_at", "updated_at",
    )  # fmt: skip
    counts.add(Activity, rows_write(Activity, columns, plan.activity_rows))
    session_rows = (
        (pk, activity.id, day, "", now, now)
        for activity in plan.activities
        for pk, day in zip(activity.session_ids, activity.session_days, strict=True)
    )
    counts.add(
        Session, rows_write(Session, ("id", "activity_id", "date", "topic", "created_at", "updated_at"), session_rows)
    )


def attendance_write(network: Network, people: People, plan: Plan, counts: Counts) -> None:
    user = network.user.pk
    first = people.first_id

    def rows() -> Iterator[tuple]:
        for activity in plan.activities:
            for person, mask in zip(activity.people, activity.presence, strict=True):
                for number, session in enumerate(activity.session_ids):
                    if mask >> number & 1:
                        recorded = datetime.datetime.combine(
                            activity.session_days[number], datetime.time(18), tzinfo=datetime.UTC
                        )
                        yield session, first + person, user, recorded

    columns = ("session_id", "participant_id", "recorded_by_id", "recorded_at")
    counts.add(Attendance, rows_write(Attendance, columns, rows()))


def enrollments_write(rng: random.Random, network: Network, people: People, plan: Plan, counts: Counts, now):
    """Everyone who came is enrolled through the organization of their first session (8 % by a second one too);
    of those who never came, 60 % were enrolled all the same."""
    program_start = network.phases[0].start_date

    def rows() -> Iterator[tuple]:
        span = (LAST_DAY - program_start).days
        for index, district in enumerate(people.districts):
            came = plan.first_day[index]
            if came:
                enrolled = datetime.date.fromordinal(max(program_start.toordinal(), came - rng.randrange(30)))
                organizations = [plan.first_org[index]]
                others = [o for o in network.department_orgs[district[:2]] if o != organizations[0]]
                if others and rng.random() < 0.08:
                    organizations.append(rng.choice(others))
            elif rng.random() < 0.6:
                enrolled = program_start + datetime.timedelta(days=rng.randrange(span))
                organizations = [rng.choice(network.department_orgs[district[:2]])]
            else:
                continue
            for organization in organizations:
                roll = rng.random()
                status, ended = EnrollmentStatus.ACTIVE, None
                if roll < 0.12:
                    status, ended = (
                        EnrollmentStatus.COMPLETED,
                        min(LAST_DAY, enrolled + datetime.timedelta(days=rng.randint(60, 400))),
                    )
                elif roll < 0.20:
                    status, ended = (
                        EnrollmentStatus.DROPPED,
                        min(LAST_DAY, enrolled + datetime.timedelta(days=rng.randint(7, 200))),
                    )
                yield (people.first_id + index, network.program.pk, organization, enrolled, status, ended, now, now)

    columns = (
        "participant_id",
        "program_id",
        "organization_id",
        "enrolled_on",
        "status",
        "ended_on",
        "created_at",
        "updated_at",
    )
    counts.add(Enrollment, rows_write(Enrollment, columns, rows()))


# Enterprises ---------------------------------------------------------------------------------------------------------


def _month_start(day: datetime.date, months: int = 0) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _cents(amount: float) -> Decimal:
    return Decimal(max(0, round(amount * 100))).scaleb(-2)


def enterprises_write(rng: random.Random, network: Network, people: People, plan: Plan, sizes: Sizes, counts, now):
    """Enterprises of people who took part, each with its stage history, monthly records and members."""
    came = [index for index in range(sizes.people) if plan.first_day[index]]
    if not came:
        return
    kinds, kind_weights = _cumulative(KINDS)
    sectors = list(Sector.values)
    first_id = _next_id(Enterprise)
    user = network.user.pk
    enterprises, changes, records, members = [], [], [], []
    last_month = _month_start(LAST_DAY)
    for number in range(sizes.enterprises):
        pk = first_id + number
        owner = rng.choice(came)
        district = people.districts[owner]
        started = datetime.date.fromordinal(
            rng.randint(plan.first_day[owner], max(plan.first_day[owner], LAST_DAY.toordinal() - 30))
        )
        phase = 2 if started >= network.phases[1].start_date else 1
        kind = rng.choices(kinds, cum_weights=kind_weights)[0]
        history = [(EnterpriseStage.IDEA, started)]
        for stage, chance, fewest, most in (
            (EnterpriseStage.PROTOTYPE, 0.8, 30, 120),
            (EnterpriseStage.OPERATING, 0.75, 30, 180),
            (EnterpriseStage.CLOSED, 0.15, 60, 400),
        ):
            day = history[-1][1] + datetime.timedelta(days=rng.randint(fewest, most))
            if rng.random() >= chance or day > LAST_DAY:
                break
            history.append((stage, day))
        enterprises.append(
            (
                pk,
                plan.first_org[owner],
                network.program.pk,
                network.projects[(phase, district[:2])],
                kind,
                f"{rng.choice(SURNAMES)} {Sector(sectors[number % len(sectors)]).label} {pk}",
                sectors[number % len(sectors)],
                history[-1][0],
                district,
                started,
                "",
                now,
                now,
            )
        )
        changes.extend((pk, stage, day, "", user) for stage, day in history)
        if len(history) > 1:
            month = _month_start(history[1][1])
            until = _month_start(history[3][1]) if len(history) > 3 else last_month
            sales = rng.lognormvariate(7.3, 0.6)  # about S/ 1,500 a month
            growth = rng.uniform(-0.04, 0.07)
            share = rng.uniform(0.45, 0.85)
            for _month in range(rng.randint(1, 18)):
                if month > until:
                    break
                today_sales = sales * rng.uniform(0.85, 1.15)
                records.append(
                    (
                        pk,
                        month,
                        _cents(today_sales),
                        _cents(today_sales * share * rng.uniform(0.9, 1.1)),
                        rng.randint(1, 5),
                        user,
                        now,
                        now,
                    )
                )
                sales *= 1 + growth
                month = _month_start(month, 1)
        team = {owner}
        if kind != EnterpriseKind.INDIVIDUAL:
            neighbours = people.by_province[district[:4]]
            for _other in range(rng.randint(1, 2) if kind == EnterpriseKind.FAMILY else rng.randint(2, 5)):
                team.add(rng.choice(neighbours))
        role = MemberRole.FAMILY if kind == EnterpriseKind.FAMILY else MemberRole.PARTNER
        members.extend(
            (pk, people.first_id + person, MemberRole.OWNER if person == owner else role, started, now, now)
            for person in sorted(team)
        )
    columns = (
        "id", "organization_id", "program_id", "project_id", "kind", "name", "sector", "stage", "district_id",
        "started_on", "ruc", "created_at", "updated_at",
    )  # fmt: skip
    counts.add(Enterprise, rows_write(Enterprise, columns, enterprises))
    counts.add(
        StageChange,
        rows_write(StageChange, ("enterprise_id", "stage", "changed_on", "note", "recorded_by_id"), changes),
    )
    columns = ("enterprise_id", "month", "sales", "costs", "jobs", "recorded_by_id", "created_at", "updated_at")
    counts.add(EnterpriseRecord, rows_write(EnterpriseRecord, columns, records))
    columns = ("enterprise_id", "participant_id", "role", "joined_on", "created_at", "updated_at")
    counts.add(EnterpriseMember, rows_write(EnterpriseMember, columns, members))


# All of it ------------------------------------------------------------------------------------------------------------


class AlreadyGenerated(Exception):
    """The target database already holds the benchmark's program."""


def network_generate(sizes: Sizes, *, seed: int = 1) -> tuple[Network, Counts]:
    """Writes the whole network in one transaction: all of it, or nothing when anything fails."""
    territories_load_if_empty()
    if Program.objects.filter(slug=PROGRAM_SLUG).exists():
        raise AlreadyGenerated(PROGRAM_SLUG)
    rng = random.Random(seed)
    counts = Counts()
    now = timezone.now()
    with transaction.atomic():
        network = network_create(sizes)
        people = people_write(rng, network, sizes, counts, now)
        plan = activities_plan(rng, network, people, sizes, now)
        activities_write(network, plan, counts, now)
        attendance_write(network, people, plan, counts)
        enrollments_write(rng, network, people, plan, counts, now)
        enterprises_write(rng, network, people, plan, sizes, counts, now)
        _sequences_reset(
            [
                Participant,
                Site,
                Activity,
                Session,
                Attendance,
                Enrollment,
                Enterprise,
                StageChange,
                EnterpriseRecord,
                EnterpriseMember,
            ]
        )
    return network, counts
