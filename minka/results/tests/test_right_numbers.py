"""The numbers are right, on random small networks (hypothesis): each figure is checked against a count made here in
plain Python from what the network was built of, never against what the engine itself computed.

Each example builds its network inside a savepoint that is rolled back, so the examples do not see each other.
"""

import datetime
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.enterprises.models import Enterprise, EnterpriseRecord
from minka.people.models import Participant
from minka.results import selectors, services
from minka.results.periods import period_parse

pytestmark = pytest.mark.django_db

EXAMPLES = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DISTRICTS = ["081201", "081202", "010401", "130101"]  # two provinces of Cusco, one of Amazonas, one of La Libertad
TYPES = ["business-training", "prototyping", "technical-training"]


@pytest.fixture
def world(world):
    """The shared world, with the program's activity types made once rather than in every example."""
    activity_types_ensure(world.program_a)
    return world


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# The random networks -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    sex: str
    birth_year: int | None
    district: str


@dataclass(frozen=True)
class ActivitySpec:
    type_code: str
    of_org_b: bool
    session_days: tuple[datetime.date, ...]


people_specs = st.lists(
    st.builds(
        PersonSpec,
        sex=st.sampled_from(["F", "M"]),
        birth_year=st.one_of(st.none(), st.integers(1950, 2015)),
        district=st.sampled_from(DISTRICTS),
    ),
    min_size=1,
    max_size=12,
)
activity_specs = st.lists(
    st.builds(
        ActivitySpec,
        type_code=st.sampled_from(TYPES),
        of_org_b=st.booleans(),
        session_days=st.lists(st.dates(datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)), min_size=1, max_size=3)
        .map(sorted)
        .map(tuple),
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def networks(draw):
    """People, activities with their sessions, and who attended which session (some people twice or more)."""
    people = draw(people_specs)
    activities = draw(activity_specs)
    sessions = [(a, day) for a, spec in enumerate(activities) for day in spec.session_days]
    present = draw(
        st.lists(
            st.lists(st.booleans(), min_size=len(people), max_size=len(people)),
            min_size=len(sessions),
            max_size=len(sessions),
        )
    )
    attendance = {(s, p) for s, row in enumerate(present) for p, here in enumerate(row) if here}
    return people, activities, sessions, attendance


def build(world, network):
    """Writes the network; returns the participants and the sessions in the order of the specs."""
    people_specs_, activities, sessions, attendance = network
    people = [
        Participant.objects.create(
            given_names=f"Persona{n}",
            paternal_surname="Prueba",
            sex=spec.sex,
            birth_year=spec.birth_year,
            district_id=spec.district,
            registered_by=world.org_a,
            search_name=f"persona{n} prueba",
        )
        for n, spec in enumerate(people_specs_)
    ]
    made = []
    for spec in activities:
        made.append(
            Activity.objects.create(
                program=world.program_a,
                project=world.project_a,
                organization=world.org_b if spec.of_org_b else world.org_a,
                site=world.site_a,
                activity_type=ActivityType.objects.get(program=world.program_a, code=spec.type_code),
                title="Taller",
                start_date=spec.session_days[0],
                end_date=spec.session_days[-1],
            )
        )
    session_rows = [Session.objects.create(activity=made[a], date=day, topic="Tema") for a, day in sessions]
    Attendance.objects.bulk_create(
        Attendance(session=session_rows[s], participant=people[p], recorded_by=world.field_a) for s, p in attendance
    )
    return people


def reach_indicator(world, *, cumulative=True, code="P"):
    return services.indicator_save(
        user=world.coordinator_a,
        program=world.program_a,
        data={
            "result": services.result_save(
                user=world.coordinator_a,
                program=world.program_a,
                data={"code": f"R{code}", "level": "impact", "statement_es": "Resultado"},
            ),
            "code": code,
            "name_es": "Personas alcanzadas",
            "unit": "people",
            "source": "computed",
            "measure": "people_reached",
            "cumulative": cumulative,
            "disaggregations": ["sex", "age_band", "province", "organization", "activity_type"],
        },
    )


def who_came(network, *, until=None, since=None, where=lambda activity: True) -> set[int]:
    """The people (by their place in the spec) present at a session in the window, counted by hand."""
    _people, activities, sessions, attendance = network
    return {
        p
        for s, p in attendance
        if where(activities[sessions[s][0]])
        and (until is None or sessions[s][1] <= until)
        and (since is None or sessions[s][1] >= since)
    }


# Distinct people and their splits ----------------------------------------------------------------------------------


@EXAMPLES
@given(network=networks())
def test_people_reached_are_distinct_people_and_personal_splits_add_up(world, network):
    with rolled_back():
        build(world, network)
        indicator = reach_indicator(world)
        came = who_came(network)
        people = network[0]

        total = selectors.indicator_value(indicator, restricted=False)
        assert total.value == len(came)  # a person at several sessions, or in several activities, counts once

        for by in (("sex",), ("province",), ("age_band",), ("sex", "province"), ("sex", "age_band", "province")):
            split = selectors.indicator_value(indicator, by=by, restricted=False)
            assert split.additive
            assert sum(cell.value for cell in split.cells) == len(came)
        by_sex = selectors.indicator_value(indicator, by=("sex",), restricted=False)
        expected = defaultdict(int)
        for p in came:
            expected[people[p].sex] += 1
        assert {cell.key["sex"]: cell.value for cell in by_sex.cells} == dict(expected)
        by_province = selectors.indicator_value(indicator, by=("province",), restricted=False)
        expected = defaultdict(int)
        for p in came:
            expected[people[p].district[:4]] += 1
        assert {cell.key["province"]: cell.value for cell in by_province.cells} == dict(expected)


@EXAMPLES
@given(network=networks())
def test_overlapping_splits_count_each_group_distinctly_and_say_they_overlap(world, network):
    with rolled_back():
        build(world, network)
        indicator = reach_indicator(world)
        total = len(who_came(network))
        for by in ("organization", "activity_type"):
            split = selectors.indicator_value(indicator, by=(by,), restricted=False)
            assert not split.additive
            values = [cell.value for cell in split.cells]
            assert max(values, default=0) <= total <= sum(values)  # distinct count ≤ sum of the groups' counts
        by_organization = selectors.indicator_value(indicator, by=("organization",), restricted=False)
        shown = {cell.key["organization"]: cell.value for cell in by_organization.cells}
        for organization, of_org_b in ((world.org_a, False), (world.org_b, True)):
            came = who_came(network, where=lambda activity, b=of_org_b: activity.of_org_b == b)
            assert shown.get(organization.pk, 0) == len(came)


@EXAMPLES
@given(network=networks())
def test_cumulative_values_run_from_the_start_and_per_period_values_stay_in_their_month(world, network):
    with rolled_back():
        build(world, network)
        cumulative = reach_indicator(world, cumulative=True, code="C")
        monthly = reach_indicator(world, cumulative=False, code="M")
        previous = 0
        for month in range(1, 7):
            period = period_parse(f"2024-{month:02d}")
            running = selectors.indicator_value(cumulative, period=period, restricted=False).value
            alone = selectors.indicator_value(monthly, period=period, restricted=False).value
            assert running == len(who_came(network, until=period.end))
            assert alone == len(who_came(network, since=period.start, until=period.end))
            assert running >= previous  # a cumulative figure never falls
            previous = running
        assert previous == len(who_came(network))


# Ratios are sums over sums -------------------------------------------------------------------------------------------

enterprise_specs = st.lists(
    st.tuples(st.sampled_from(DISTRICTS), st.integers(-500, 2000), st.integers(-500, 2000)), min_size=1, max_size=10
)


@EXAMPLES
@given(enterprises=enterprise_specs)
def test_a_share_is_the_sum_of_numerators_over_the_sum_of_denominators(world, enterprises):
    with rolled_back():
        for n, (district, baseline, latest) in enumerate(enterprises):
            enterprise = Enterprise.objects.create(
                organization=world.org_a,
                program=world.program_a,
                project=world.project_a,
                kind="individual",
                name=f"Emprendimiento {n}",
                sector="textiles",
                stage="operating",
                district_id=district,
                started_on=datetime.date(2024, 1, 1),
            )
            for month, net in ((datetime.date(2024, 1, 1), baseline), (datetime.date(2024, 4, 1), latest)):
                EnterpriseRecord.objects.create(
                    enterprise=enterprise, month=month, sales=Decimal(3000 + net), costs=Decimal(3000),
                    recorded_by=world.field_a,
                )  # fmt: skip
        indicator = services.indicator_save(
            user=world.coordinator_a,
            program=world.program_a,
            data={
                "result": services.result_save(
                    user=world.coordinator_a,
                    program=world.program_a,
                    data={"code": "1", "level": "impact", "statement_es": "Ingresos"},
                ),
                "code": "I",
                "name_es": "Emprendimientos con más ingreso",
                "unit": "percent",
                "source": "computed",
                "measure": "enterprises_income_up",
                "disaggregations": ["province"],
            },
        )
        up = sum(1 for _d, baseline, latest in enterprises if latest > baseline)
        value = selectors.indicator_value(indicator, by=("province",), restricted=False)
        expected = (Decimal(up) * 100 / len(enterprises)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert (value.numerator, value.denominator, value.value) == (up, len(enterprises), expected)
        # Each province's share is its own sum over its own sum, and the provinces' parts add up to the whole.
        assert sum(cell.numerator for cell in value.cells) == up
        assert sum(cell.denominator for cell in value.cells) == len(enterprises)
        for cell in value.cells:
            mine = [(b, latest) for d, b, latest in enterprises if d[:4] == cell.key["province"]]
            assert cell.denominator == len(mine)
            assert cell.numerator == sum(1 for b, latest in mine if latest > b)
