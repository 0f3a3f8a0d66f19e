"""The benchmark at a tiny size: the generator writes what it says, and Minka and the hand-written SQL agree."""

import pytest
from django.db.models import Count

from bench.dashboard import differences
from bench.handsql import hand_value
from bench.indicators import framework_ensure, indicators_load
from bench.network import AlreadyGenerated, Sizes, network_generate
from minka.activities.models import Attendance
from minka.enterprises.models import Enterprise, EnterpriseRecord
from minka.people.models import Participant

SIZES = Sizes(people=300, attendance=1_500, enterprises=40)


@pytest.fixture
def network(db):
    network, counts = network_generate(SIZES, seed=3)
    network.counts = counts
    return network


def test_the_generator_writes_the_sizes_asked_for(network):
    assert network.counts.rows["people_participant"] == Participant.objects.count() == 300
    assert network.counts.rows["activities_attendance"] == Attendance.objects.count() == 1_500
    assert network.counts.rows["enterprises_enterprise"] == Enterprise.objects.count() == 40
    # People take part in several activities, and some never came.
    activities = Attendance.objects.values("participant").annotate(n=Count("session__activity", distinct=True))
    assert max(row["n"] for row in activities) > 1
    assert 0 < activities.count() < 300
    # Birth dates, years alone and neither; districts all over the country.
    assert Participant.objects.filter(birth_date__isnull=True, birth_year__isnull=False).exists()
    assert Participant.objects.filter(birth_year__isnull=True).exists()
    assert Participant.objects.values("district_id").distinct().count() > 50
    assert EnterpriseRecord.objects.exists()


def test_a_second_run_into_the_same_database_is_refused(network):
    with pytest.raises(AlreadyGenerated):
        network_generate(SIZES, seed=3)
    assert Participant.objects.count() == 300


def test_minka_and_the_hand_written_sql_give_identical_numbers(network):
    framework_ensure(network.program, network.user)
    indicators = indicators_load(network.program)
    assert len(indicators) == 12
    assert differences(indicators, split=True) == []
    assert differences(indicators, split=False) == []
    # The numbers compared are real ones: people in many cells, enterprises with income records.
    reached = hand_value(indicators[0], split=True)
    assert reached.total[0] > 100 and len(reached.cells) > 20
    income_up = hand_value(next(i for i in indicators if i.measure == "enterprises_income_up"), split=False)
    assert income_up.total[3] > 0
