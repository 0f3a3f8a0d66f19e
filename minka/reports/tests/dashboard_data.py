"""A small program for the dashboard's tests, on top of the shared world: people of two districts of Quispicanchi
reached by two activities of program alpha, an indicator counting them with a target, a reported one without,
and outlines for the map (Cusco, its provinces, one district of its own; the other drawn as a dot)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import ActivityType
from minka.network.models import Territory, TerritoryBoundary
from minka.results import services
from minka.results.models import Indicator
from minka.results.tests.conftest import Builder

# Women and men reached in each district: Urcos passes the small-cell line, Andahuaylillas does not.
REACHED = {"081201": {"F": 5, "M": 2}, "081202": {"F": 3, "M": 0}}


def square(west, south, size):
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class Network:
    world: object
    reach: Indicator
    reported: Indicator


def dashboard_network(world) -> Network:
    activity_types_ensure(world.program_a)
    build = Builder(world)
    build.types = {t.code: t for t in ActivityType.objects.filter(program=world.program_a)}
    Territory.objects.create(code="0801", level="province", name="Cusco", parent_id="08")
    Territory.objects.filter(code="081202").update(latitude=Decimal("-13.62"), longitude=Decimal("-71.68"))
    for code, geometry in {
        "08": square(-73, -15, 2),
        "0812": square(-72, -14, 1),
        "0801": square(-73, -14, 1),
        "081201": square(-72, -14, 0.5),
    }.items():
        TerritoryBoundary.objects.create(territory_id=code, geometry=geometry)

    march = build.activity(start=datetime.date(2025, 3, 1), end=datetime.date(2025, 3, 31))
    june = build.activity(start=datetime.date(2025, 6, 1), end=datetime.date(2025, 6, 30))
    first, later = build.session(march, datetime.date(2025, 3, 10)), build.session(june, datetime.date(2025, 6, 10))
    for district, sexes in REACHED.items():
        for sex, count in sexes.items():
            people = [build.person(sex=sex, district=district, birth_year=1990) for _ in range(count)]
            # Urcos's women come in March, everyone else in June: the trend has two bars.
            build.attend(first if (district, sex) == ("081201", "F") else later, *people)
    reach = build.indicator("P1", measure="people_reached", cumulative=True)
    services.target_save(user=world.coordinator_a, indicator=reach, period="", value=Decimal(20))
    reported = build.indicator("R1", measure=None, unit="other", unit_label="ferias")
    return Network(world=world, reach=reach, reported=reported)
