"""The employment measures on placements built by hand, whose right answers are worked out in the comments.

The job service of program alpha (organization Alfa), in 2024:

    people   ana F 2000-05-10 Urcos       bea F 1998-01-01 Andahuaylillas     carla F 1985-07-07 Nieva
             dario M 2003-03-03 Urcos      eli M 1999-09-09 Nieva              fany F 2001-01-01 Urcos

    Job-search workshop (75 % to complete), 4 sessions in March 2024:
        ana 4 · bea 3 · carla 4 · dario 1 (did not complete) · eli 4 — completers: ana, bea, carla, eli
    Placements (start, monthly wage):
        ana   hostel, 2024-04-01, S/ 1000.00 · and again, cooperative, 2024-09-02, S/ 1300.00
        bea   hostel, 2024-04-15, S/ 1000.00
        dario cooperative, 2024-05-06, S/ 1600.00 (placed without completing the workshop)
        carla hostel, 2025-02-03, S/ 1200.00 (after 2024)
        fany  in program beta, 2024-04-01 — never counted in alpha
    Follow-ups at 6 months: ana's first job still working; bea's not working; dario's never recorded;
    ana's second job still working (due 2025-03-02).
"""

import datetime
from decimal import Decimal

import pytest

from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityType, Attendance, Session
from minka.employment.measures import average, due_on, months_before
from minka.employment.models import (
    Application,
    Employer,
    FollowUp,
    JobSeeker,
    Placement,
    Vacancy,
)
from minka.people.models import Participant
from minka.results import services as results_services
from minka.results.measures import MEASURES, Scope
from minka.results.models import Result
from minka.results.periods import period_parse
from minka.results.selectors import indicator_value, records_behind

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR_2024 = {"start": D(2024, 1, 1), "end": D(2024, 12, 31)}


def person(world, name, sex, born, district):
    return Participant.objects.create(
        given_names=name,
        paternal_surname="Prueba",
        sex=sex,
        birth_date=born,
        district_id=district,
        registered_by=world.org_a,
        search_name=f"{name} prueba",
    )


def seeker(world, participant, program=None, organization=None):
    return JobSeeker.objects.create(
        organization=organization or world.org_a,
        program=program or world.program_a,
        participant=participant,
        education_level="secondary",
        availability="full_time",
    )


def vacancy(world, employer, title, wage, program=None):
    return Vacancy.objects.create(
        employer=employer,
        program=program or world.program_a,
        title=title,
        sector="tourism",
        district_id="081201",
        wage=Decimal(wage),
        contract_type="fixed_term",
        hours_per_week=48,
        positions=5,
        opens_on=D(2024, 3, 1),
        status="filled",
    )


def hire(the_vacancy, the_seeker, start, wage):
    application = Application.objects.create(
        vacancy=the_vacancy, seeker=the_seeker, state="hired", applied_on=start, decided_on=start
    )
    return Placement.objects.create(
        application=application, start_date=start, wage=Decimal(wage), contract_type="fixed_term", hours_per_week=48
    )


def follow(placement, month, still_working):
    done = due_on(placement.start_date, month)
    return FollowUp.objects.create(placement=placement, month=month, done_on=done, still_working=still_working)


@pytest.fixture
def town(world):
    w = world
    people = {
        "ana": person(w, "ana", "F", D(2000, 5, 10), "081201"),
        "bea": person(w, "bea", "F", D(1998, 1, 1), "081202"),
        "carla": person(w, "carla", "F", D(1985, 7, 7), "010401"),
        "dario": person(w, "dario", "M", D(2003, 3, 3), "081201"),
        "eli": person(w, "eli", "M", D(1999, 9, 9), "010401"),
        "fany": person(w, "fany", "F", D(2001, 1, 1), "081201"),
    }
    activity_types_ensure(w.program_a)
    workshop = Activity.objects.create(
        program=w.program_a,
        project=w.project_a,
        organization=w.org_a,
        activity_type=ActivityType.objects.get(program=w.program_a, code="job-search-workshop"),
        title="Taller de búsqueda de empleo",
        start_date=D(2024, 3, 4),
        end_date=D(2024, 3, 25),
        completion_percent=Decimal(75),
    )
    sessions = [Session.objects.create(activity=workshop, date=D(2024, 3, day)) for day in (4, 11, 18, 25)]
    attended = {"ana": 4, "bea": 3, "carla": 4, "dario": 1, "eli": 4}
    Attendance.objects.bulk_create(
        Attendance(session=session, participant=people[name], recorded_by=w.field_a)
        for name, times in attended.items()
        for session in sessions[:times]
    )
    seekers = {name: seeker(w, p) for name, p in people.items() if name != "fany"}
    hostel = Employer.objects.create(
        organization=w.org_a, program=w.program_a, name="Hostal", kind="company", sector="tourism", district_id="081201"
    )
    cooperative = Employer.objects.create(
        organization=w.org_a, program=w.program_a, name="Cooperativa", kind="cooperative", sector="agriculture",
        district_id="081201",
    )  # fmt: skip
    reception = vacancy(w, hostel, "Recepción", "1000.00")
    field = vacancy(w, cooperative, "Campo", "1300.00")
    placements = {
        "ana": hire(reception, seekers["ana"], D(2024, 4, 1), "1000.00"),
        "ana2": hire(field, seekers["ana"], D(2024, 9, 2), "1300.00"),
        "bea": hire(reception, seekers["bea"], D(2024, 4, 15), "1000.00"),
        "dario": hire(field, seekers["dario"], D(2024, 5, 6), "1600.00"),
        "carla": hire(reception, seekers["carla"], D(2025, 2, 3), "1200.00"),
    }
    follow(placements["ana"], 3, True)
    follow(placements["ana"], 6, True)
    follow(placements["bea"], 3, True)  # working at 3 months does not count for the 6-month retention
    follow(placements["bea"], 6, False)
    follow(placements["ana2"], 6, True)
    # Program beta's service: fany, hired the same days, never counted in alpha.
    beta_employer = Employer.objects.create(
        organization=w.org_b, program=w.program_b, name="Hostal Beta", kind="company", sector="tourism",
        district_id="081201",
    )  # fmt: skip
    beta = hire(
        vacancy(w, beta_employer, "Recepción", "900.00", program=w.program_b),
        seeker(w, people["fany"], program=w.program_b, organization=w.org_b),
        D(2024, 4, 1),
        "900.00",
    )
    follow(beta, 6, True)
    return people


def compute(code, world, dims=(), **scope):
    return MEASURES[code].compute(Scope(program_id=world.program_a.pk, **scope), tuple(dims))


def cells(outcome) -> dict:
    return {cell.key: cell for cell in outcome.cells}


# Due dates -----------------------------------------------------------------------------------------------------------


def test_six_months_after_the_end_of_a_month_falls_on_the_last_day_of_a_short_one():
    assert due_on(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert due_on(D(2023, 8, 31), 6) == D(2024, 2, 29)
    assert due_on(D(2024, 4, 15), 6) == D(2024, 10, 15)
    # The last start whose follow-up is due by a day, the inverse of due_on on every day of two years.
    for offset in range(730):
        day = D(2024, 1, 1) + datetime.timedelta(days=offset)
        last = months_before(day, 6)
        assert due_on(last, 6) <= day
        assert due_on(last + datetime.timedelta(days=1), 6) > day


def test_an_average_is_rounded_half_up_to_the_cent():
    assert average(Decimal("2051.01"), 2) == Decimal("1025.51")  # 1025.505: half up, not to the even 1025.50
    assert average(Decimal("3000.01"), 3) == Decimal("1000.00")  # 1000.00333…
    assert average(Decimal("3000.02"), 3) == Decimal("1000.01")  # 1000.00666…
    assert average(Decimal(0), 0) is None


# People placed ---------------------------------------------------------------------------------------------------


def test_people_placed_counts_each_person_once(world, town):
    # ana (twice), bea, dario, carla; fany is in program beta.
    assert compute("employment_people_placed", world).total.value == 4
    # In 2024: ana, bea, dario (carla started in 2025).
    assert compute("employment_people_placed", world, **YEAR_2024).total.value == 3
    assert compute("employment_people_placed", world, start=D(2024, 5, 1), end=D(2024, 9, 30)).total.value == 2


def test_people_placed_by_sex_age_band_and_territory_add_up(world, town):
    by_sex = compute("employment_people_placed", world, ("sex",), **YEAR_2024)
    assert {key: cell.value for key, cell in cells(by_sex).items()} == {("F",): 2, ("M",): 1}
    assert by_sex.additive
    by_age = compute("employment_people_placed", world, ("age_band",))
    # Ages at the last start (carla's, 2025-02-03): ana 24, bea 27, dario 21 → 15–29; carla 39 → 30–44.
    assert {key: cell.value for key, cell in cells(by_age).items()} == {("15-29",): 3, ("30-44",): 1}
    by_district = compute("employment_people_placed", world, ("district",))
    assert {key: cell.value for key, cell in cells(by_district).items()} == {
        ("081201",): 2, ("081202",): 1, ("010401",): 1,
    }  # fmt: skip
    assert compute("employment_people_placed", world, territory_codes=("0104",)).total.value == 1  # carla


def test_people_placed_keeps_the_scope_organizations(world, town):
    assert compute("employment_people_placed", world, organization_ids=(world.org_a.pk,)).total.value == 4
    assert compute("employment_people_placed", world, organization_ids=(world.org_b.pk,)).total.value == 0


# Placement rate -----------------------------------------------------------------------------------------------------


def test_placement_rate_is_completers_placed_over_completers(world, town):
    # Completers: ana, bea, carla, eli. Placed by the end of 2024: ana, bea (dario did not complete; carla was
    # placed in 2025): 2 of 4.
    outcome = compute("employment_placement_rate", world, **YEAR_2024)
    assert (outcome.total.numerator, outcome.total.denominator, outcome.total.value) == (2, 4, Decimal("50.0"))
    # With no window end every placement counts: carla too, 3 of 4.
    assert compute("employment_placement_rate", world).total.value == Decimal("75.0")


def test_placement_rate_adds_parts_not_percentages(world, town):
    # By province, no end: Quispicanchi ana, bea → 2 of 2 (100 %); Condorcanqui carla placed, eli not → 1 of 2
    # (50 %). The total is 3 of 4 = 75 %, which here the mean of the shares also gives; by sex it does not:
    # women ana, bea, carla 3 of 3 (100 %), men eli 0 of 1 (0 %): the mean of shares would be 50 %.
    by_sex = compute("employment_placement_rate", world, ("sex",))
    women, men = cells(by_sex)[("F",)], cells(by_sex)[("M",)]
    assert (women.numerator, women.denominator, women.value) == (3, 3, Decimal("100.0"))
    assert (men.numerator, men.denominator, men.value) == (0, 1, Decimal("0.0"))
    assert (by_sex.total.numerator, by_sex.total.denominator, by_sex.total.value) == (3, 4, Decimal("75.0"))
    by_province = compute("employment_placement_rate", world, ("province",))
    assert {key: (c.numerator, c.denominator) for key, c in cells(by_province).items()} == {
        ("0812",): (2, 2), ("0104",): (1, 2),
    }  # fmt: skip


def test_placement_rate_counts_the_workshops_that_ended_in_the_window(world, town):
    assert compute("employment_placement_rate", world, start=D(2024, 4, 1)).total.denominator == 0
    assert compute("employment_placement_rate", world, start=D(2024, 4, 1)).total.value is None


# Retention at 6 months ------------------------------------------------------------------------------------------


def test_retention_counts_the_follow_ups_due_and_an_unrecorded_one_as_not_retained(world, town):
    # Due in 2024: ana (2024-10-01, working), bea (2024-10-15, not working), dario (2024-11-06, never recorded):
    # 1 of 3. ana's second job falls due 2025-03-02, carla's 2025-08-03.
    outcome = compute("employment_retention_6m", world, **YEAR_2024)
    assert (outcome.total.numerator, outcome.total.denominator, outcome.total.value) == (1, 3, Decimal("33.3"))
    assert outcome.total.size == 3
    # Up to 2025-03-02 ana's second job is due too, and kept: 2 of 4, ana counted once among the people.
    through_march = compute("employment_retention_6m", world, ("sex",), end=D(2025, 3, 2))
    assert (through_march.total.numerator, through_march.total.denominator) == (2, 4)
    assert through_march.total.size == 3
    women = cells(through_march)[("F",)]
    assert (women.numerator, women.denominator, women.size) == (2, 3, 2)
    # The day before, it is not due yet.
    assert compute("employment_retention_6m", world, end=D(2025, 3, 1)).total.denominator == 3


def test_retention_window_is_the_due_date(world, town):
    # Only ana's second job falls due in March 2025.
    outcome = compute("employment_retention_6m", world, start=D(2025, 3, 1), end=D(2025, 3, 31))
    assert (outcome.total.numerator, outcome.total.denominator) == (1, 1)
    outcome = compute("employment_retention_6m", world, start=D(2024, 10, 2), end=D(2024, 10, 31))
    assert (outcome.total.numerator, outcome.total.denominator) == (0, 1)  # bea's


# Average starting wage -------------------------------------------------------------------------------------------


def test_average_starting_wage_is_the_sum_over_the_count(world, town):
    # 2024: ana 1000.00 and 1300.00, bea 1000.00, dario 1600.00 → 4900.00 / 4 = 1225.00, from 3 people.
    outcome = compute("employment_starting_wage", world, **YEAR_2024)
    assert (outcome.total.value, outcome.total.numerator, outcome.total.denominator) == (
        Decimal("1225.00"), Decimal("4900.00"), 4,
    )  # fmt: skip
    assert outcome.total.size == 3
    # By sex: women 3300.00 / 3 = 1100.00, men 1600.00 / 1. The mean of the two means would be 1350.00.
    by_sex = compute("employment_starting_wage", world, ("sex",), **YEAR_2024)
    assert cells(by_sex)[("F",)].value == Decimal("1100.00")
    assert cells(by_sex)[("M",)].value == Decimal("1600.00")
    assert by_sex.total.value == Decimal("1225.00")
    assert by_sex.total.size == 3  # ana once, though two of her jobs are in the women's cell


def test_average_starting_wage_rounds_half_up(world, town):
    # All five: 1000 + 1300 + 1000 + 1600 + 1200 = 6100 / 5 = 1220.00; add 0.01 to carla's: 6100.01 / 5 =
    # 1220.002 → 1220.00; and 0.02 more: 6100.03 / 5 = 1220.006 → 1220.01.
    assert compute("employment_starting_wage", world).total.value == Decimal("1220.00")
    Placement.objects.filter(start_date=D(2025, 2, 3)).update(wage=Decimal("1200.03"))
    assert compute("employment_starting_wage", world).total.value == Decimal("1220.01")


def test_nothing_to_count_gives_no_value(world, town):
    empty = {"start": D(2030, 1, 1), "end": D(2030, 12, 31)}
    assert compute("employment_starting_wage", world, **empty).total.value is None
    assert compute("employment_retention_6m", world, **empty).total.value is None
    assert compute("employment_people_placed", world, **empty).total.value == 0


# Through the results engine ---------------------------------------------------------------------------------


def _indicator(world, code, measure):
    result = Result.objects.filter(program=world.program_a, code="1").first() or results_services.result_save(
        user=world.coordinator_a, program=world.program_a, data={"code": "1", "level": "impact", "statement_es": "R"}
    )
    data = {
        "result": result, "code": code, "name_es": code, "unit": MEASURES[measure].unit, "source": "computed",
        "measure": measure, "disaggregations": ["sex", "age_band", "district"],
    }  # fmt: skip
    return results_services.indicator_save(user=world.coordinator_a, program=world.program_a, data=data)


def test_an_indicator_counts_placements_and_lists_the_people_behind_them(world, town):
    indicator = _indicator(world, "E1", "employment_people_placed")
    period = period_parse("2024")
    value = indicator_value(indicator, user=world.coordinator_a, period=period, by="sex")
    assert value.value == 3
    assert {cell.key["sex"]: cell.value for cell in value.cells} == {"F": 2, "M": 1}
    people = records_behind(user=world.coordinator_a, indicator=indicator, period=period, cell={"sex": "F"})
    assert set(people.values_list("given_names", flat=True)) == {"ana", "bea"}


def test_a_funder_sees_the_wage_of_few_people_hidden(world, town):
    indicator = _indicator(world, "E4", "employment_starting_wage")
    value = indicator_value(indicator, user=world.funder_a, period=period_parse("2024"))
    assert value.suppressed and value.value is None  # three people: under five
    value = indicator_value(indicator, user=world.coordinator_a, period=period_parse("2024"))
    assert value.value == Decimal("1225.00")


@pytest.mark.parametrize("code", ["employment_placement_rate", "employment_retention_6m", "employment_starting_wage"])
@pytest.mark.parametrize("dims", [("sex",), ("age_band",), ("district",), ("sex", "province")])
def test_the_cells_parts_add_up_to_the_total(world, town, code, dims):
    whole = compute(code, world)
    split = compute(code, world, dims)
    assert split.total == whole.total
    assert sum(cell.numerator for cell in split.cells) == whole.total.numerator
    assert sum(cell.denominator for cell in split.cells) == whole.total.denominator


def test_people_placed_by_organization_counts_each_person_once_per_organization(world, town):
    by_organization = compute("employment_people_placed", world, ("organization",))
    assert {key: cell.value for key, cell in cells(by_organization).items()} == {(world.org_a.pk,): 4}
    assert not by_organization.additive  # not a personal split: the engine does not add its cells up
