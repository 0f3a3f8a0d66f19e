"""The demo's job service (minka/demo/employment.py) and the employment indicators counted from its records.

The demo is loaded once for the module (without AMA's funds), inside a transaction rolled back when the module
ends; each test runs in a savepoint of it. The expected figures are worked out from the demo's plays:

    placements  Q0 1130 · Q4 1025 · Q5 1025 · Q7 1400 · Q9 1025 · Q10 1025 · C0 1200 · C1 1200 · C4 1025 ·
                C6 1150 (started 2026-11-02): 10 people, S/ 11,205.00 / 10 = S/ 1,120.50
    6 months    due for the nine hires of 2024; still working Q0, Q4, Q7, Q9, C0, C4 (Q5 and Q10 left, C1's
                follow-up was never recorded): 6 of 9 = 66.7 %
"""

import json
import re
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import global_settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from minka.accounts.models import Membership, User
from minka.activities.models import ActivityCategory, Attendance, Session
from minka.demo import employment as demo_employment
from minka.demo.loader import DEMO_PASSWORD, demo_load, demo_logins
from minka.employment.models import (
    Application,
    ApplicationState,
    Employer,
    EmployerContact,
    FollowUp,
    JobSeeker,
    Placement,
    SelfEmployment,
    Vacancy,
    VacancyStatus,
)
from minka.people.models import Enrollment, EnrollmentStatus
from minka.results.models import Indicator
from minka.results.selectors import records_behind

PROGRAM = "w4p-peru"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        assert demo_load(credit=False).created
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def indicators(*args) -> dict:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    report = json.loads(out.getvalue(), parse_float=Decimal)
    return {entry["code"]: entry for entry in report["indicators"]}


def test_the_seekers_are_young_people_of_the_job_search_workshops(loaded):
    seekers = JobSeeker.objects.filter(program__slug=PROGRAM).select_related("participant", "organization")
    assert seekers.count() == sum(len(profiles) for profiles in demo_employment.PROFILES.values())
    provinces = Counter(seeker.participant.district_id[:4] for seeker in seekers)
    assert provinces == {"0812": 14, "0104": 12}
    for seeker in seekers:
        assert seeker.organization.slug == "avsi-peru"
        attended = Attendance.objects.filter(
            participant=seeker.participant,
            session__activity__activity_type__category=ActivityCategory.JOB_SEARCH,
            session__activity__organization__slug="avsi-peru",
        )
        assert attended.exists()
        assert (
            Enrollment.objects.filter(participant=seeker.participant, organization=seeker.organization)
            .exclude(status=EnrollmentStatus.DROPPED)
            .exists()
        )
        born = seeker.participant.birth_year or seeker.participant.birth_date.year
        assert born >= 1994  # young people: the workshops took those born in 1995 or later, and new ones under 30


def test_every_state_is_in_the_demo(loaded):
    vacancies = Vacancy.objects.filter(program__slug=PROGRAM)
    assert set(vacancies.values_list("status", flat=True)) == set(VacancyStatus.values)
    applications = Application.objects.filter(vacancy__program__slug=PROGRAM)
    assert set(applications.values_list("state", flat=True)) == set(ApplicationState.values)
    assert Employer.objects.filter(program__slug=PROGRAM).count() == len(demo_employment.EMPLOYERS)
    assert set(Employer.objects.filter(program__slug=PROGRAM).values_list("district__parent_id", flat=True)) == {
        "0812",
        "0104",
    }
    # Each application's history: one event per step, the last one its state.
    for application in applications.prefetch_related("events"):
        events = list(application.events.all())
        assert events[-1].state == application.state
        assert [e.on for e in events] == sorted(e.on for e in events)
    follow_ups = FollowUp.objects.filter(placement__application__vacancy__program__slug=PROGRAM)
    assert set(follow_ups.values_list("month", flat=True)) == {3, 6}
    assert SelfEmployment.objects.filter(seeker__program__slug=PROGRAM).count() == 1
    assert FollowUp.objects.filter(self_employment__isnull=False).count() == 2


def test_no_vacancy_hires_more_people_than_its_positions(loaded):
    for vacancy in Vacancy.objects.filter(program__slug=PROGRAM):
        hires = Placement.objects.filter(application__vacancy=vacancy).count()
        assert hires <= vacancy.positions
        assert (vacancy.status == VacancyStatus.FILLED) == (hires == vacancy.positions)


def test_the_officer_and_the_employer_can_log_in(loaded):
    logins = dict(demo_logins())
    assert {"empleo", "empleador"} <= logins.keys()
    contact = EmployerContact.objects.select_related("user", "employer").get(user__username="empleador")
    assert contact.employer.name == "Hostal Valle Sur"
    assert not Membership.objects.filter(user=contact.user).exists()  # the employer portal only
    assert Membership.objects.filter(user__username="empleo", organization__slug="avsi-peru").exists()
    # The module's demo was loaded before the tests' quick hasher was set: check with the real ones.
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        for username in ("empleo", "empleador"):
            assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


# The indicators, from the demo's records -------------------------------------------------------------------------


def completers_counted_by_hand() -> set[int]:
    """The people who attended at least the required share of the sessions of a phase 2 job-search workshop,
    counted here from the attendance rows, apart from the engine."""
    activities = {}
    held = Counter()
    for session in Session.objects.filter(
        activity__program__slug=PROGRAM,
        activity__project__phase__number=2,
        activity__activity_type__category=ActivityCategory.JOB_SEARCH,
    ).select_related("activity"):
        activities[session.activity_id] = session.activity.completion_percent
        held[session.activity_id] += 1
    attended = defaultdict(int)
    for activity_id, person_id in Attendance.objects.filter(session__activity_id__in=activities).values_list(
        "session__activity_id", "participant_id"
    ):
        attended[activity_id, person_id] += 1
    return {person for (activity, person), n in attended.items() if n * 100 >= activities[activity] * held[activity]}


def test_the_program_counts_the_placements_retention_and_wage(loaded):
    phase_two = indicators("--program", PROGRAM, "--phase", "2")
    assert phase_two["1.2.1b"]["value"] == 10  # people placed
    retention = phase_two["1.2.1d"]
    assert (retention["numerator"], retention["denominator"], retention["value"]) == (6, 9, Decimal("66.7"))
    assert Decimal(str(phase_two["1.2.1e"]["value"])) == Decimal("1120.50")


def test_the_placement_rate_is_over_every_completer_of_the_workshops(loaded):
    completers = completers_counted_by_hand()
    placed = set(
        Placement.objects.filter(application__seeker__program__slug=PROGRAM).values_list(
            "application__seeker__participant_id", flat=True
        )
    )
    assert placed <= completers  # the seekers were drawn from those who completed a workshop
    rate = indicators("--program", PROGRAM, "--phase", "2")["1.2.1c"]
    assert (rate["numerator"], rate["denominator"]) == (len(placed), len(completers))


def test_the_results_page_shows_the_employment_indicators(loaded, client):
    client.force_login(User.objects.get(username="coordinadora"))
    page = client.get(reverse("results_framework", args=[PROGRAM]))
    assert page.status_code == 200
    text = page.content.decode()
    for _code, name_es, *_rest in demo_employment.INDICATORS:
        assert name_es in text
    assert re.search(r"S/ 1\D?120,50", text)  # the average starting wage
    assert "66,7 %" in text  # the retention at 6 months


def test_the_people_behind_the_placements_are_listed_to_the_coordinator(loaded):
    indicator = Indicator.objects.get(program__slug=PROGRAM, code="1.2.1b")
    coordinator = User.objects.get(username="coordinadora")
    people = records_behind(user=coordinator, indicator=indicator)
    placed = Placement.objects.filter(application__seeker__program__slug=PROGRAM)
    assert set(people.values_list("pk", flat=True)) == set(
        placed.values_list("application__seeker__participant_id", flat=True)
    )
    women = records_behind(user=coordinator, indicator=indicator, cell={"sex": "F"})
    assert set(women.values_list("sex", flat=True)) <= {"F"}
    assert women.count() == placed.filter(application__seeker__participant__sex="F").count()
