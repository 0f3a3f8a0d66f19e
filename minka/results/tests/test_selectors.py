"""Reading results as a given user: funders and the public get aggregates with small cells hidden (and no cell that
the total gives away), another organization's program does not exist, and each value comes with the target that
matches what is shown and the progress towards it."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404

from minka.people.models import Participant
from minka.results import selectors, services
from minka.results.models import ReportStatus
from minka.results.periods import period_parse

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def crowd(world, build):
    """Seven women and three men of Urcos at a March 2024 session of program alpha, counted by indicator P."""
    session = build.session(build.activity(start=D(2024, 3, 1), end=D(2024, 3, 31)), D(2024, 3, 4))
    build.attend(session, *[build.person(sex="F") for _ in range(7)], *[build.person(sex="M") for _ in range(3)])
    return build.indicator("P", baseline_value=Decimal(0))


# Who sees aggregates only ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "aggregates_only"),
    [("funder_a", True), ("coordinator_a", False), ("admin_a", False), ("field_a", False), ("auditor_a", False),
     ("program_auditor_a", False), ("superuser", False)],
)  # fmt: skip
def test_who_sees_aggregates_only(world, who, aggregates_only):
    assert selectors.aggregates_only(getattr(world, who), world.program_a) is aggregates_only


def shown(value):
    return {tuple(c.key.values()): (c.value, c.suppressed) for c in value.cells}


def test_a_funder_sees_the_total_but_not_a_cell_under_five_nor_the_one_that_would_give_it_away(world, crowd):
    funder = selectors.indicator_value(crowd, user=world.funder_a, by=("sex",))
    assert (funder.value, funder.suppressed) == (10, False)
    assert shown(funder) == {("F",): (None, True), ("M",): (None, True)}  # 10 − 7 would be the three men

    staff = selectors.indicator_value(crowd, user=world.field_a, by=("sex",))
    assert shown(staff) == {("F",): (7, False), ("M",): (3, False)}
    assert selectors.indicator_value(crowd, by=("sex",)).cells == funder.cells  # no user: the public view


def test_a_funder_sees_nothing_of_a_total_under_five(world, build):
    session = build.session(build.activity(start=D(2024, 3, 1), end=D(2024, 3, 31)), D(2024, 3, 4))
    build.attend(session, *[build.person(sex="F") for _ in range(4)])
    few = build.indicator("FEW")
    funder = selectors.indicator_value(few, user=world.funder_a, by=("sex",))
    assert (funder.value, funder.suppressed, funder.cells) == (None, True, [])
    assert selectors.indicator_value(few, user=world.coordinator_a).value == 4


def test_overlapping_groups_hide_their_small_cells_only(world, crowd, build):
    # Three of the women also attend a technical training: by activity type the groups overlap (10 and 3).
    other = build.session(
        build.activity(start=D(2024, 4, 1), end=D(2024, 4, 30), type_code="technical-training"), D(2024, 4, 2)
    )
    build.attend(other, *Participant.objects.filter(sex="F").order_by("pk")[:3])
    funder = selectors.indicator_value(crowd, user=world.funder_a, by=("activity_type",))
    assert funder.additive is False
    # 10 − 3 is no one's count here: the groups overlap, so the big one stays in view.
    assert sorted(shown(funder).values(), key=str) == [(10, False), (None, True)]


def test_a_funder_cannot_work_out_a_small_group_s_share_from_the_total_s_parts(world, build):
    # Six enterprises in Quispicanchi (income up in 3) and two in Nieva (up in 1): the share is shown with its parts,
    # so hiding Nieva alone would leave it as the total's parts minus Quispicanchi's.
    for n in range(8):
        nieva = n >= 6
        build.enterprise(
            name=f"E{n}", started_on=D(2024, 1, 1), district="010401" if nieva else "081201",
            nets=((D(2024, 1, 1), 100), (D(2024, 5, 1), 200 if n in (0, 1, 2, 6) else 50)),
        )  # fmt: skip
    share = build.indicator("UP", measure="enterprises_income_up")
    staff = selectors.indicator_value(share, user=world.field_a, by=("province",))
    assert (staff.numerator, staff.denominator, staff.value) == (4, 8, Decimal("50.0"))
    assert {c.key["province"]: (c.numerator, c.denominator) for c in staff.cells} == {"0812": (3, 6), "0104": (1, 2)}

    funder = selectors.indicator_value(share, user=world.funder_a, by=("province",))
    assert (funder.numerator, funder.denominator) == (4, 8)
    assert all(c.suppressed and c.numerator is None and c.denominator is None for c in funder.cells)


def test_the_framework_shown_to_a_funder_is_suppressed_too(world, build):
    session = build.session(build.activity(start=D(2024, 3, 1), end=D(2024, 3, 31)), D(2024, 3, 4))
    build.attend(session, build.person(), build.person())
    build.indicator("TWO")
    [root] = selectors.framework(user=world.funder_a, program=world.program_a)
    [value] = root.values
    assert (value.value, value.suppressed, value.progress) == (None, True, None)
    [root] = selectors.framework(user=world.coordinator_a, program=world.program_a)
    assert root.values[0].value == 2


def test_those_who_see_aggregates_only_see_approved_reports_only(world, build):
    reported = build.indicator("REP", measure=None)
    for value in (1, 2):
        services.report_save(
            user=world.field_a, indicator=reported, period=f"2024-0{value}",
            data={"organization": world.org_a, "value": Decimal(value)},
        )  # fmt: skip
    approved = services.report_submit(user=world.field_a, report=reported.reported_values.get(value=1))
    services.report_approve(user=world.coordinator_a, report=approved)
    assert [r.status for r in selectors.reports_of(reported, restricted=True)] == [ReportStatus.APPROVED]
    assert len(selectors.reports_of(reported, restricted=False)) == 2


# Another organization's program ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["field_b", "admin_b", "coordinator_b", "nobody"])
def test_a_program_of_another_organization_is_not_found_like_a_missing_one(world, who):
    user = getattr(world, who)
    with pytest.raises(Http404):
        selectors.program_for_results(user=user, slug=world.program_a.slug)
    with pytest.raises(Http404):
        selectors.program_for_results(user=user, slug="no-such-program")
    assert selectors.program_for_results(user=world.field_a, slug="alpha") == world.program_a
    assert selectors.program_for_results(user=world.funder_a, slug="alpha") == world.program_a


def test_records_of_another_program_are_not_found_through_this_one(world, build):
    reported = build.indicator("REP", measure=None)
    report = services.report_submit(
        user=world.field_a,
        report=services.report_save(
            user=world.field_a, indicator=reported, period="2024", data={"organization": world.org_a, "value": 1}
        ),
    )
    services.report_approve(user=world.coordinator_a, report=report)
    target = services.target_save(user=world.coordinator_a, indicator=reported, period="2025", value=Decimal(3))
    lock = reported.locks.get()
    for get, pk in (
        (selectors.result_get, reported.result_id),
        (selectors.report_get, report.pk),
        (selectors.target_get, target.pk),
        (selectors.lock_get, lock.pk),
    ):
        assert get(world.program_a, pk).pk == pk
        with pytest.raises(Http404):
            get(world.program_b, pk)
    with pytest.raises(Http404):
        selectors.indicator_get(user=world.coordinator_b, program=world.program_b, code="REP")


# Targets and progress ----------------------------------------------------------------------------------------------


def test_the_value_comes_with_the_target_of_what_is_shown_and_the_progress_to_it(world, crowd):
    editor = world.coordinator_a
    world.phase_a.start_date, world.phase_a.end_date = D(2024, 1, 1), D(2024, 12, 31)
    world.phase_a.save()
    services.target_save(user=editor, indicator=crowd, period="", value=Decimal(40))
    services.target_save(user=editor, indicator=crowd, period="fase-1", value=Decimal(25))
    services.target_save(user=editor, indicator=crowd, period="2024", value=Decimal(20))
    services.target_save(user=editor, indicator=crowd, period="2024", value=Decimal(8), organization=world.org_a)
    from minka.network.models import Territory

    services.target_save(
        user=editor, indicator=crowd, period="2024", value=Decimal(16), territory=Territory.objects.get(code="08")
    )

    def seen(**asked):
        value = selectors.indicator_value(crowd, user=editor, **asked)
        return value.value, value.target_value, value.progress

    assert seen() == (10, Decimal(40), Decimal("25.0"))  # the whole program's
    assert seen(phase=world.phase_a) == (10, Decimal(25), Decimal("40.0"))
    assert seen(period=period_parse("2024")) == (10, Decimal(20), Decimal("50.0"))
    assert seen(period=period_parse("2024"), organization_ids=(world.org_a.pk,)) == (10, Decimal(8), Decimal("125.0"))
    assert seen(period=period_parse("2024"), territory_codes=("08",)) == (10, Decimal(16), Decimal("62.5"))
    assert seen(period=period_parse("2024-Q1")) == (10, None, None)  # no target for the quarter


def test_progress_runs_down_for_a_descending_indicator_from_its_baseline(world, build):
    # Cases of violence reported: 50 at the baseline, 10 the target, 30 now: half way.
    violence = build.indicator(
        "VIO", measure=None, unit="other", unit_label="casos", direction="descending", baseline_value=Decimal(50)
    )
    services.target_save(user=world.coordinator_a, indicator=violence, period="2025", value=Decimal(10))
    report = services.report_save(
        user=world.field_a, indicator=violence, period="2025", data={"organization": world.org_a, "value": 30}
    )
    services.report_approve(user=world.coordinator_a, report=services.report_submit(user=world.field_a, report=report))
    value = selectors.indicator_value(violence, user=world.funder_a, period=period_parse("2025"))
    assert (value.value, value.baseline, value.target_value, value.progress) == (
        Decimal(30), Decimal(50), Decimal(10), Decimal("50.0"),
    )  # fmt: skip
