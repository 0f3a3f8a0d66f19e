"""Each registered measure on a small network built by hand, whose right answers are worked out in the comments,
and each filter of a scope: program, phase, projects, organizations, activity lines and types, territories, period.

The town (program alpha; phase 1 runs through 2024 with project A of Alfa, phase 2 through 2025 with project P2 led
by Beta):

    people   ana F 1990-05-10 Urcos (081201)        bea F 2005-01-01 Andahuaylillas (081202)
             carla F born 1960 Nieva (010401)       dario M 2000-03-03 Urcos
             eli M born 1980 Trujillo (130101)      fany F no birth data, Urcos

    A1 business training, Alfa, project A, March 2024, 75 % to complete; sessions 4, 11, 18, 25 March
         ana 4 of 4 · bea 3 of 4 (exactly 75 %) · carla 2 of 4 · dario 1 of 4
    A2 technical training, Alfa, project A, June 2024, 100 % to complete; sessions 3 and 10 June
         ana 1 of 2 · eli 2 of 2
    A3 business training, Beta, project P2 (phase 2), site in Nieva, February 2025; one session on 3 February
         carla · fany
    B1 in program beta, the same days as A1: ana and fany — never counted in alpha
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from minka.network.models import Site
from minka.programs.models import Initiative, Phase, Project, ProjectPartner
from minka.results.measures import MEASURES, Scope
from minka.results.periods import period_parse
from minka.results.selectors import indicator_scope, indicator_value

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def town(world, build):
    w = world
    w.phase_a.start_date, w.phase_a.end_date = D(2024, 1, 1), D(2024, 12, 31)
    w.phase_a.save()
    phase_2 = Phase.objects.create(
        program=w.program_a, number=2, name_es="Fase 2", start_date=D(2025, 1, 1), end_date=D(2025, 12, 31)
    )
    project_2 = Project.objects.create(
        program=w.program_a, phase=phase_2, code="p2", title_es="Fase 2 en Nieva", lead_organization=w.org_b
    )
    ProjectPartner.objects.create(project=project_2, organization=w.org_b, role="implementer")
    nieva = Site.objects.create(organization=w.org_b, name="CDE Nieva", kind="business_centre", district_id="010401")

    p = SimpleNamespace(
        ana=build.person(sex="F", birth_date=D(1990, 5, 10), district="081201"),
        bea=build.person(sex="F", birth_date=D(2005, 1, 1), district="081202"),
        carla=build.person(sex="F", birth_year=1960, district="010401"),
        dario=build.person(sex="M", birth_date=D(2000, 3, 3), district="081201"),
        eli=build.person(sex="M", birth_year=1980, district="130101"),
        fany=build.person(sex="F", district="081201"),
    )
    a1 = build.activity(start=D(2024, 3, 1), end=D(2024, 3, 31), site=w.site_a)
    s1, s2, s3, s4 = (build.session(a1, D(2024, 3, day)) for day in (4, 11, 18, 25))
    build.attend(s1, p.ana, p.bea, p.carla, p.dario)
    build.attend(s2, p.ana, p.bea, p.carla)
    build.attend(s3, p.ana, p.bea)
    build.attend(s4, p.ana)
    a2 = build.activity(
        start=D(2024, 6, 1), end=D(2024, 6, 30), type_code="technical-training", site=w.site_a,
        completion_percent=Decimal(100),
    )  # fmt: skip
    t1, t2 = build.session(a2, D(2024, 6, 3)), build.session(a2, D(2024, 6, 10))
    build.attend(t1, p.ana, p.eli)
    build.attend(t2, p.eli)
    a3 = build.activity(start=D(2025, 2, 1), end=D(2025, 2, 28), organization=w.org_b, project=project_2, site=nieva)
    build.attend(build.session(a3, D(2025, 2, 3)), p.carla, p.fany)
    b1 = build.activity(
        start=D(2024, 3, 1), end=D(2024, 3, 31), program=w.program_b, organization=w.org_b, project=w.project_b
    )
    build.attend(build.session(b1, D(2024, 3, 4)), p.ana, p.fany)

    # Enrolled: ana, bea, carla (Alfa, February 2024), eli (Alfa, 30 May 2024), fany (Beta, 10 January 2025);
    # dario never enrolled; ana also in program beta.
    for person, day in ((p.ana, D(2024, 2, 1)), (p.bea, D(2024, 2, 15)), (p.carla, D(2024, 2, 20)),
                        (p.eli, D(2024, 5, 30))):  # fmt: skip
        build.enroll(person, on=day)
    build.enroll(p.fany, on=D(2025, 1, 10), organization=w.org_b)
    build.enroll(p.ana, on=D(2024, 1, 5), program=w.program_b, organization=w.org_b)
    return SimpleNamespace(people=p, phase_2=phase_2, project_2=project_2, nieva=nieva, a1=a1, a2=a2, a3=a3)


def count(measure, world, by=(), **scope):
    outcome = MEASURES[measure].compute(Scope(program_id=world.program_a.pk, **scope), by)
    return outcome.total.value if not by else {cell.key: cell.value for cell in outcome.cells}


def ids(*people):
    return {person.pk for person in people}


def test_every_registered_measure_has_its_test_here():
    # A measure added later (loans, placements) fails this until it is tested on the town. The credit measures
    # (credit_*) are tested on a fund's book, in minka/credit/tests/test_portfolio.py, the employment measures
    # (employment_*) on hand-built placements, in minka/employment/tests/test_measures.py.
    assert {code for code in MEASURES if not code.startswith(("credit_", "employment_"))} == {
        "people_reached", "people_enrolled", "people_completed", "sessions_held", "enterprises_created",
        "enterprises_operating", "enterprises_income_up", "income_change_median", "initiatives",
    }  # fmt: skip


# People reached ---------------------------------------------------------------------------------------------------


def test_people_reached_counts_each_person_once_in_the_program_only(world, town):
    assert count("people_reached", world) == 6  # ana … fany; B1 of program beta adds no one
    assert count("people_reached", world, by=("sex",)) == {("F",): 4, ("M",): 2}
    overlapping = MEASURES["people_reached"].compute(Scope(program_id=world.program_a.pk), ("activity_type",))
    types = {t.pk: t.code for t in world.program_a.activity_types.all()}
    assert {types[c.key[0]]: c.value for c in overlapping.cells} == {"business-training": 5, "technical-training": 2}
    assert overlapping.additive is False and overlapping.total.value == 6


def test_people_reached_filters(world, town):
    reached = lambda **scope: count("people_reached", world, **scope)  # noqa: E731
    assert reached(phase_id=world.phase_a.pk) == 5  # A1 and A2
    assert reached(phase_id=town.phase_2.pk) == 2  # carla, fany
    assert reached(project_ids=(town.project_2.pk,)) == 2
    assert reached(project_ids=(world.project_a.pk, town.project_2.pk)) == 6
    assert reached(organization_ids=(world.org_a.pk,)) == 5
    assert reached(organization_ids=(world.org_b.pk,)) == 2
    technical = world.program_a.activity_types.get(code="technical-training")
    assert reached(activity_type_ids=(technical.pk,)) == 2  # ana, eli
    assert reached(activity_categories=(technical.category,)) == 2
    # Territories are where people live, and a department or province takes in its districts.
    assert reached(territory_codes=("08",)) == 4  # ana, bea, dario, fany
    assert reached(territory_codes=("0812",)) == 4
    assert reached(territory_codes=("081202",)) == 1  # bea
    assert reached(territory_codes=("01",)) == 1  # carla
    assert reached(territory_codes=("01", "13")) == 2  # carla, eli
    assert reached(territory_codes=("02",)) == 0
    # Periods: a window of session days.
    assert reached(start=D(2024, 3, 1), end=D(2024, 3, 31)) == 4
    assert reached(start=D(2024, 4, 1), end=D(2024, 6, 30)) == 2
    assert reached(end=D(2024, 6, 30)) == 5
    assert reached(start=D(2025, 1, 1)) == 2
    assert reached(start=D(2024, 3, 12), end=D(2024, 3, 25)) == 2  # ana and bea on the 18th, ana on the 25th


def test_the_department_filter_reaches_indicators_through_their_territories(world, town, build):
    cusco = build.indicator("CUS", m2m={"territories": ["08"]})
    assert indicator_value(cusco, restricted=False).value == 4
    # Asked for a province inside it, the narrower one counts; one outside it, nothing.
    assert indicator_value(cusco, territory_codes=("0812",), restricted=False).value == 4
    assert indicator_value(cusco, territory_codes=("081202",), restricted=False).value == 1
    assert indicator_value(cusco, territory_codes=("01",), restricted=False).value == 0


# People enrolled ---------------------------------------------------------------------------------------------------


def test_people_enrolled(world, town):
    enrolled = lambda **scope: count("people_enrolled", world, **scope)  # noqa: E731
    assert enrolled() == 5  # all but dario
    assert enrolled(phase_id=world.phase_a.pk, phase_start=D(2024, 1, 1), phase_end=D(2024, 12, 31)) == 4
    assert enrolled(phase_id=town.phase_2.pk, phase_start=D(2025, 1, 1), phase_end=D(2025, 12, 31)) == 1
    assert enrolled(organization_ids=(world.org_b.pk,)) == 1  # fany
    assert enrolled(start=D(2024, 2, 1), end=D(2024, 2, 29)) == 3
    assert enrolled(territory_codes=("08",)) == 3  # ana, bea, fany
    assert count("people_enrolled", world, by=("sex",)) == {("F",): 4, ("M",): 1}


# People who completed an activity ----------------------------------------------------------------------------------


def test_people_completed_attended_the_required_share_of_an_activity_that_ended(world, town):
    completed = lambda **scope: count("people_completed", world, **scope)  # noqa: E731
    # A1: ana (100 %) and bea (75 %, exactly enough); A2: eli (100 %); A3: carla and fany.
    assert completed() == 5
    assert completed(end=D(2024, 3, 31)) == 2
    assert completed(start=D(2024, 4, 1), end=D(2024, 12, 31)) == 1  # eli
    assert completed(phase_id=town.phase_2.pk) == 2
    assert completed(territory_codes=("08",)) == 3  # ana, bea, fany
    assert count("people_completed", world, by=("sex",)) == {("F",): 4, ("M",): 1}
    records = MEASURES["people_completed"].records(Scope(program_id=world.program_a.pk, end=D(2024, 3, 31)), {})
    assert set(records.values_list("pk", flat=True)) == ids(town.people.ana, town.people.bea)


def test_the_completion_share_is_each_activity_s_own(world, town):
    town.a1.completion_percent = Decimal(80)
    town.a1.save()
    assert count("people_completed", world, end=D(2024, 3, 31)) == 1  # bea's 75 % is no longer enough
    town.a1.completion_percent = Decimal(50)
    town.a1.save()
    assert count("people_completed", world, end=D(2024, 3, 31)) == 3  # carla's 2 of 4 now is


def test_an_activity_that_has_not_ended_in_the_window_has_no_one_completing_it(world, town):
    assert count("people_completed", world, start=D(2024, 3, 1), end=D(2024, 3, 30)) == 0


# Sessions held ----------------------------------------------------------------------------------------------------


def test_sessions_held(world, town):
    held = lambda **scope: count("sessions_held", world, **scope)  # noqa: E731
    assert held() == 7  # 4 + 2 + 1; program beta's session is not one of them
    assert held(start=D(2024, 1, 1), end=D(2024, 12, 31)) == 6
    assert held(organization_ids=(world.org_b.pk,)) == 1
    assert held(territory_codes=("01",)) == 1  # where the session was held: A3's site in Nieva
    assert held(territory_codes=("08",)) == 6
    assert held(phase_id=world.phase_a.pk) == 6
    assert count("sessions_held", world, by=("province",)) == {("0812",): 6, ("0104",): 1}
    assert MEASURES["sessions_held"].compute(Scope(program_id=world.program_a.pk), ("organization",)).additive


# Enterprises --------------------------------------------------------------------------------------------------------


@pytest.fixture
def enterprises(world, town, build):
    """E1 Alfa, Urcos, from February 2024, operating, net 100 → 300 (up 200).
    E2 Alfa, Andahuaylillas, from March 2024, operating until it closed on 1 September 2024, net 500 → 200 (−300).
    E3 Beta, phase 2, Nieva, from 15 January 2025 as a prototype, operating from 1 March 2025, net 0 → 50 (up 50).
    E4 Alfa, Urcos, from April 2024, an idea, no records.
    E5 Alfa, Trujillo, from June 2024, operating, one record only (no change to measure)."""
    from minka.enterprises.services import enterprise_update

    e1 = build.enterprise(name="E1", started_on=D(2024, 2, 1), nets=((D(2024, 2, 1), 100), (D(2024, 5, 1), 300)))
    e2 = build.enterprise(name="E2", started_on=D(2024, 3, 1), district="081202",
                          nets=((D(2024, 3, 1), 500), (D(2024, 8, 1), 200)))  # fmt: skip
    enterprise_update(user=world.coordinator_a, enterprise=e2, data={"stage": "closed"}, stage_changed_on=D(2024, 9, 1))
    e3 = build.enterprise(
        name="E3", started_on=D(2025, 1, 15), stage="prototype", organization=world.org_b, project=town.project_2,
        district="010401", nets=((D(2025, 1, 1), 0), (D(2025, 4, 1), 50)),
    )  # fmt: skip
    enterprise_update(
        user=world.coordinator_a, enterprise=e3, data={"stage": "operating"}, stage_changed_on=D(2025, 3, 1)
    )
    e4 = build.enterprise(name="E4", started_on=D(2024, 4, 1), stage="idea")
    e5 = build.enterprise(name="E5", started_on=D(2024, 6, 1), district="130101", nets=((D(2024, 6, 1), 80),))
    return SimpleNamespace(e1=e1, e2=e2, e3=e3, e4=e4, e5=e5)


def test_enterprises_created(world, enterprises, town):
    created = lambda **scope: count("enterprises_created", world, **scope)  # noqa: E731
    assert created() == 5
    assert created(start=D(2024, 1, 1), end=D(2024, 12, 31)) == 4
    assert created(phase_id=town.phase_2.pk) == 1
    assert created(territory_codes=("08",)) == 3
    assert created(organization_ids=(world.org_b.pk,)) == 1
    assert count("enterprises_created", world, by=("department",)) == {("08",): 3, ("01",): 1, ("13",): 1}


def test_enterprises_operating_is_the_stage_on_the_last_day_of_the_window(world, enterprises):
    operating = lambda **scope: count("enterprises_operating", world, **scope)  # noqa: E731
    assert operating() == 3  # today: E1, E3, E5
    assert operating(end=D(2024, 6, 30)) == 3  # E1, E2, E5 (E4 is an idea)
    assert operating(end=D(2024, 12, 31)) == 2  # E2 closed in September
    assert operating(end=D(2025, 2, 15)) == 2  # E3 still a prototype
    assert operating(end=D(2025, 3, 31)) == 3
    assert operating(end=D(2024, 12, 31), territory_codes=("0812",)) == 1  # E1


def test_the_share_of_enterprises_whose_income_rose(world, enterprises):
    measure = MEASURES["enterprises_income_up"]
    now = measure.compute(Scope(program_id=world.program_a.pk), ())
    # E1 and E3 rose, E2 fell; E4 and E5 have no change to measure.
    assert (now.total.numerator, now.total.denominator, now.total.value) == (2, 3, Decimal("66.7"))
    in_2024 = measure.compute(Scope(program_id=world.program_a.pk, end=D(2024, 12, 31)), ())
    assert (in_2024.total.numerator, in_2024.total.denominator, in_2024.total.value) == (1, 2, Decimal("50.0"))
    by_province = measure.compute(Scope(program_id=world.program_a.pk), ("province",))
    assert {c.key: (c.numerator, c.denominator, c.value) for c in by_province.cells} == {
        ("0812",): (1, 2, Decimal("50.0")),
        ("0104",): (1, 1, Decimal("100.0")),
    }


def test_the_median_change_of_income(world, enterprises):
    measure = MEASURES["income_change_median"]
    assert measure.compute(Scope(program_id=world.program_a.pk), ()).total.value == Decimal("50.00")  # 200, −300, 50
    in_2024 = measure.compute(Scope(program_id=world.program_a.pk, end=D(2024, 12, 31)), ())
    assert in_2024.total.value == Decimal("-50.00")  # (200 − 300) / 2
    by_organization = measure.compute(Scope(program_id=world.program_a.pk), ("organization",))
    assert {c.key: c.value for c in by_organization.cells} == {
        (world.org_a.pk,): Decimal("-50.00"),
        (world.org_b.pk,): Decimal("50.00"),
    }


# Initiatives ------------------------------------------------------------------------------------------------------


def test_initiatives_proposed_leave_out_the_dropped_ones(world, town):
    def initiative(title, *, project, territory, status, on, program=None):
        made = Initiative.objects.create(
            program=program or world.program_a, project=project, title_es=title, territory_id=territory, status=status
        )
        moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
        Initiative.objects.filter(pk=made.pk).update(created_at=moment)

    initiative("Feria", project=world.project_a, territory="081201", status="proposed", on=D(2024, 5, 10))
    initiative("Radio", project=town.project_2, territory="0104", status="in_progress", on=D(2025, 3, 1))
    initiative("Huerto", project=world.project_a, territory="081202", status="dropped", on=D(2024, 5, 10))
    initiative("Otro", project=world.project_b, territory="130101", status="proposed", on=D(2024, 5, 10),
               program=world.program_b)  # fmt: skip
    proposed = lambda **scope: count("initiatives", world, **scope)  # noqa: E731
    assert proposed() == 2
    assert proposed(phase_id=town.phase_2.pk) == 1
    assert proposed(territory_codes=("08",)) == 1
    assert proposed(start=D(2024, 1, 1), end=D(2024, 12, 31)) == 1
    assert count("initiatives", world, by=("department",)) == {("08",): 1, ("01",): 1}


# From an indicator to its scope -----------------------------------------------------------------------------------


def test_an_indicator_s_projects_organizations_lines_and_phase_become_its_scope(world, town, build):
    indicator = build.indicator(
        "SC", phase=town.phase_2, activity_categories=["business_training"], cumulative=False,
        m2m={"projects": [town.project_2], "organizations": [world.org_b], "territories": ["01"]},
    )  # fmt: skip
    scope = indicator_scope(indicator, period=period_parse("2025-Q1"))
    assert scope == Scope(
        program_id=world.program_a.pk, phase_id=town.phase_2.pk, phase_start=D(2025, 1, 1), phase_end=D(2025, 12, 31),
        project_ids=(town.project_2.pk,), organization_ids=(world.org_b.pk,),
        activity_categories=("business_training",), territory_codes=("01",), start=D(2025, 1, 1), end=D(2025, 3, 31),
    )  # fmt: skip
    assert indicator_value(indicator, period=period_parse("2025-Q1"), restricted=False).value == 1  # carla
    assert indicator_value(indicator, period=period_parse("2025-Q2"), restricted=False).value == 0
