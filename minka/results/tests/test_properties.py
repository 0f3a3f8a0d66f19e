"""Property tests over random small networks: every figure the engine gives is checked against a count made here,
in plain Python, from what the strategy generated — never against what the engine itself computed.

A network: a few people (sex, a birth date, a birth year or nothing, a district), activities of several types, of
two organizations and two phases, with sessions over 2024 and the first half of 2025, and who attended which
session; the first person attends every session, so someone always attends more than once. Each example is
written inside a savepoint that is rolled back, so no example sees another's records.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minka.activities.models import Attendance
from minka.enterprises.models import Enterprise, EnterpriseRecord
from minka.programs.models import Phase, Project, ProjectPartner
from minka.results import selectors, services
from minka.results.models import ReportStatus
from minka.results.periods import period_parse
from minka.results.tests.conftest import rolled_back

pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
D = datetime.date
DISTRICTS = ["081201", "081202", "010401", "130101"]
TYPES = {"business-training": "business_training", "prototyping": "prototyping", "event": "event"}
FIRST_DAY, LAST_DAY = D(2024, 1, 1), D(2025, 6, 30)
BAND_STARTS = (0, 15, 30, 45, 65)


@pytest.fixture
def stage(world, build):
    """Phase 1 (2024, project A of Alfa) and phase 2 (2025, project P2 led by Beta) of program alpha."""
    world.phase_a.start_date, world.phase_a.end_date = D(2024, 1, 1), D(2024, 12, 31)
    world.phase_a.save()
    phase_2 = Phase.objects.create(
        program=world.program_a, number=2, name_es="Fase 2", start_date=D(2025, 1, 1), end_date=D(2025, 12, 31)
    )
    project_2 = Project.objects.create(
        program=world.program_a, phase=phase_2, code="p2", title_es="Fase 2", lead_organization=world.org_b
    )
    ProjectPartner.objects.create(project=project_2, organization=world.org_b, role="implementer")
    return {1: (world.phase_a, world.project_a), 2: (phase_2, project_2)}


# The random networks ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    sex: str
    birth_date: datetime.date | None
    birth_year: int | None
    district: str


@dataclass(frozen=True)
class ActivitySpec:
    type_code: str
    of_org_b: bool
    phase: int
    days: tuple[datetime.date, ...]


@dataclass(frozen=True)
class Network:
    people: list[PersonSpec]
    activities: list[ActivitySpec]
    sessions: list[tuple[int, datetime.date]]  # (activity, day)
    attendance: frozenset[tuple[int, int]]  # (session, person)

    def came(self, *, since=None, until=None, where=lambda activity: True) -> set[int]:
        """The people (by their place in the spec) present at a session in the window, counted by hand."""
        return {
            p
            for s, p in self.attendance
            if where(self.activities[self.sessions[s][0]])
            and (since is None or self.sessions[s][1] >= since)
            and (until is None or self.sessions[s][1] <= until)
        }


births = st.one_of(
    st.tuples(st.dates(D(1940, 1, 1), D(2020, 12, 31)), st.none()),
    st.tuples(st.none(), st.integers(1940, 2020)),
    st.just((None, None)),
)
people_specs = st.lists(
    st.builds(
        lambda sex, birth, district: PersonSpec(sex, birth[0], birth[1], district),
        st.sampled_from(["F", "M"]),
        births,
        st.sampled_from(DISTRICTS),
    ),
    min_size=1,
    max_size=10,
)


@st.composite
def activity_specs(draw):
    phase = draw(st.sampled_from([1, 2]))
    year_start, year_end = (D(2024, 1, 1), D(2024, 12, 31)) if phase == 1 else (D(2025, 1, 1), LAST_DAY)
    days = draw(st.lists(st.dates(year_start, year_end), min_size=1, max_size=3, unique=True))
    return ActivitySpec(draw(st.sampled_from(sorted(TYPES))), draw(st.booleans()), phase, tuple(sorted(days)))


@st.composite
def networks(draw):
    people = draw(people_specs)
    activities = draw(st.lists(activity_specs(), min_size=1, max_size=4))
    sessions = [(a, day) for a, spec in enumerate(activities) for day in spec.days]
    present = draw(st.lists(st.sets(st.integers(0, len(people) - 1)), min_size=len(sessions), max_size=len(sessions)))
    attendance = {(s, p) for s, who in enumerate(present) for p in who} | {(s, 0) for s in range(len(sessions))}
    return Network(people, activities, sessions, frozenset(attendance))


def build_network(world, build, stage, network: Network):
    people = [
        build.person(sex=spec.sex, birth_date=spec.birth_date, birth_year=spec.birth_year, district=spec.district)
        for spec in network.people
    ]
    activities = [
        build.activity(
            start=spec.days[0],
            end=spec.days[-1],
            type_code=spec.type_code,
            project=stage[spec.phase][1],
            organization=world.org_b if spec.of_org_b else world.org_a,
        )
        for spec in network.activities
    ]
    sessions = [build.session(activities[a], day) for a, day in network.sessions]
    Attendance.objects.bulk_create(
        Attendance(session=sessions[s], participant=people[p], recorded_by=world.field_a) for s, p in network.attendance
    )


def band(spec: PersonSpec, day: datetime.date) -> str:
    """The person's age band on `day`, by hand: whole years from the birth date, or from 1 July of the year."""
    born = spec.birth_date or (D(spec.birth_year, 7, 1) if spec.birth_year else None)
    if born is None or born > day:
        return "?"
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    low = max(s for s in BAND_STARTS if s <= age)
    following = [s for s in BAND_STARTS if s > low]
    return f"{low}-{following[0] - 1}" if following else f"{low}+"


def by_hand(network: Network, people: set[int], dims, day) -> Counter:
    values = {
        "sex": lambda s: s.sex,
        "age_band": lambda s: band(s, day),
        "department": lambda s: s.district[:2],
        "province": lambda s: s.district[:4],
        "district": lambda s: s.district,
    }
    return Counter(tuple(values[d](network.people[p]) for d in dims) for p in people)


def cells(value) -> dict:
    return {tuple(cell.key.values()): cell.value for cell in value.cells}


# Distinct people and their splits ------------------------------------------------------------------------------------

PERIODS = ["2024", "2024-Q2", "2024-11", "2025-01..2025-06", "2024-07..2025-03"]
PERSONAL_SPLITS = [("sex",), ("age_band",), ("province",), ("department",), ("district",), ("sex", "age_band"),
                   ("sex", "province"), ("age_band", "department", "sex")]  # fmt: skip


@EXAMPLES
@given(network=networks(), period=st.sampled_from(PERIODS))
def test_personal_splits_add_up_to_the_distinct_people_and_each_cell_is_right(world, build, stage, network, period):
    with rolled_back():
        build_network(world, build, stage, network)
        indicator = build.indicator("P", cumulative=False)
        window = period_parse(period)
        came = network.came(since=window.start, until=window.end)

        total = selectors.indicator_value(indicator, period=window, restricted=False)
        assert total.value == len(came)  # distinct people, however many sessions each attended
        everyone = selectors.indicator_value(indicator, restricted=False).value
        assert everyone == len(network.came())
        if len(network.sessions) > 1:  # the first person attended each session: more rows than people
            assert len(network.attendance) > everyone

        for dims in PERSONAL_SPLITS:
            split = selectors.indicator_value(indicator, period=window, by=dims, restricted=False)
            assert split.additive and split.value == len(came)
            assert sum(cells(split).values()) == len(came)
            assert cells(split) == dict(by_hand(network, came, dims, window.end))


@EXAMPLES
@given(network=networks())
def test_overlapping_splits_count_each_group_distinctly_and_say_they_do_not_add_up(world, build, stage, network):
    with rolled_back():
        build_network(world, build, stage, network)
        indicator = build.indicator("P")
        total = len(network.came())
        type_codes = dict(world.program_a.activity_types.values_list("pk", "code"))
        organizations = {world.org_a.pk: False, world.org_b.pk: True}
        for dim, group_of in (
            ("activity_type", lambda key: lambda a: a.type_code == type_codes[key]),
            ("activity_category", lambda key: lambda a: TYPES[a.type_code] == key),
            ("organization", lambda key: lambda a: a.of_org_b == organizations[key]),
        ):
            split = selectors.indicator_value(indicator, by=(dim,), restricted=False)
            assert split.additive is False and split.value == total
            shown = cells(split)
            assert max(shown.values()) <= total <= sum(shown.values())
            assert all(n == len(network.came(where=group_of(key))) for (key,), n in shown.items())
            assert sum(1 for n in shown.values() if n) == len(shown)  # no empty group is listed


# Cumulative against per-period ----------------------------------------------------------------------------------------

MONTHS = [period_parse(f"{year}-{month:02d}") for year in (2024, 2025) for month in range(1, 13)][:18]
QUARTERS = period_parse("2024-01..2025-06").quarters()


@EXAMPLES
@given(network=networks())
def test_a_cumulative_figure_counts_from_the_start_and_a_per_period_one_only_within(world, build, stage, network):
    with rolled_back():
        build_network(world, build, stage, network)
        cumulative = build.indicator("C", cumulative=True)
        per_period = build.indicator("M", cumulative=False)
        phase_2 = build.indicator("F2", cumulative=True, phase=stage[2][0])
        in_phase_2 = lambda activity: activity.phase == 2  # noqa: E731
        for periods in (MONTHS, QUARTERS):
            previous = 0
            for period in periods:
                running = selectors.indicator_value(cumulative, period=period, restricted=False).value
                alone = selectors.indicator_value(per_period, period=period, restricted=False).value
                assert running == len(network.came(until=period.end))
                assert alone == len(network.came(since=period.start, until=period.end))
                assert previous <= running and alone <= running  # never falls; a part of it
                previous = running
            assert previous == len(network.came())
        # A phase's cumulative figure runs from the start too, over the phase's activities only.
        for quarter in QUARTERS:
            of_phase = selectors.indicator_value(phase_2, period=quarter, restricted=False).value
            assert of_phase == len(network.came(until=quarter.end, where=in_phase_2))
        # The per-period months of a quarter overlap in people: their sum is at least the quarter's figure.
        for quarter in QUARTERS:
            months = [m for m in MONTHS if m.start >= quarter.start and m.end <= quarter.end]
            alone = selectors.indicator_value(per_period, period=quarter, restricted=False).value
            assert alone <= sum(len(network.came(since=m.start, until=m.end)) for m in months)


# Percentages are sums over sums ----------------------------------------------------------------------------------


def half_up(numerator, denominator) -> Decimal:
    exact = Fraction(100 * numerator, denominator)
    return Decimal(int(exact * 10 + Fraction(1, 2))) / 10


report_specs = st.lists(
    st.tuples(st.booleans(), st.integers(1, 12), st.integers(1, 400)).flatmap(
        lambda r: st.tuples(st.just(r[0]), st.just(r[1]), st.integers(0, r[2]), st.just(r[2]))
    ),
    min_size=1,
    max_size=5,
)


@EXAMPLES
@given(reports=report_specs, cumulative=st.booleans())
def test_a_reported_share_is_the_sum_of_numerators_over_the_sum_of_denominators(world, build, stage, reports,
                                                                                  cumulative):  # fmt: skip
    with rolled_back():
        indicator = build.indicator("S", measure=None, unit="percent", cumulative=cumulative)
        made = []
        for of_org_b, month, numerator, denominator in reports:
            author = world.field_b if of_org_b else world.field_a
            report = services.report_save(
                user=author, indicator=indicator, period=f"2024-{month:02d}",
                data={"organization": world.org_b if of_org_b else world.org_a, "numerator": Decimal(numerator),
                      "denominator": Decimal(denominator)},
            )  # fmt: skip
            made.append(services.report_submit(user=author, report=report))
        for report in made:
            services.report_approve(user=world.coordinator_a, report=report)
        assert all(r.status == ReportStatus.APPROVED for r in indicator.reported_values.all())

        for period in ("2024", "2024-Q2", "2024-06", "2024-01..2024-08"):
            window = period_parse(period)
            inside = [(n, d) for _b, month, n, d in reports if (cumulative or month >= window.start.month)
                      and month <= window.end.month]  # fmt: skip
            value = selectors.indicator_value(indicator, period=window, restricted=False)
            if not inside:
                assert value.value is None
                continue
            numerator, denominator = sum(n for n, _d in inside), sum(d for _n, d in inside)
            assert (value.numerator, value.denominator) == (numerator, denominator)
            assert value.value == half_up(numerator, denominator)


enterprise_specs = st.lists(
    st.tuples(st.booleans(), st.sampled_from(DISTRICTS), st.integers(-400, 800), st.integers(-400, 800)),
    min_size=1,
    max_size=8,
)


@EXAMPLES
@given(enterprises=enterprise_specs)
def test_the_share_of_enterprises_whose_income_rose_is_a_ratio_of_counts_in_every_cell(world, build, stage,
                                                                                         enterprises):  # fmt: skip
    with rolled_back():
        for n, (of_org_b, district, baseline, latest) in enumerate(enterprises):
            # Written straight to the tables: the enterprises' services are tested elsewhere, and here speed counts.
            enterprise = Enterprise.objects.create(
                organization=world.org_b if of_org_b else world.org_a, program=world.program_a,
                project=stage[2 if of_org_b else 1][1], kind="individual", name=f"E{n}", sector="textiles",
                stage="operating", district_id=district, started_on=D(2024, 1, 1),
            )  # fmt: skip
            EnterpriseRecord.objects.bulk_create(
                EnterpriseRecord(enterprise=enterprise, month=month, sales=Decimal(5000 + net), costs=Decimal(5000),
                                 recorded_by=world.field_a)
                for month, net in ((D(2024, 1, 1), baseline), (D(2024, 6, 1), latest))
            )  # fmt: skip
        indicator = build.indicator("I", measure="enterprises_income_up")
        value = selectors.indicator_value(indicator, by=("organization",), restricted=False)
        rose = sum(1 for _b, _d, baseline, latest in enterprises if latest > baseline)
        assert (value.numerator, value.denominator, value.value) == (rose, len(enterprises),
                                                                     half_up(rose, len(enterprises)))  # fmt: skip
        for cell in value.cells:
            of_org_b = cell.key["organization"] == world.org_b.pk
            mine = [(b, latest) for o, _d, b, latest in enterprises if o == of_org_b]
            up = sum(1 for b, latest in mine if latest > b)
            assert (cell.numerator, cell.denominator, cell.value) == (up, len(mine), half_up(up, len(mine)))
        median = selectors.indicator_value(build.indicator("MED", measure="income_change_median"), restricted=False)
        changes = sorted(Fraction(latest - baseline) for _o, _d, baseline, latest in enterprises)
        middle = len(changes) // 2
        exact = changes[middle] if len(changes) % 2 else (changes[middle - 1] + changes[middle]) / 2
        expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert median.value == expected
