"""On PostgreSQL: two officers record the same person's hire into two vacancies at the same moment. One hire is
recorded, the other is refused in words (her application there is closed by the first hire), and neither deadlocks.
SQLite has no row locks; CI runs this on PostgreSQL."""

import pytest

from minka.core.errors import ApplicationError
from minka.credit.tests.test_concurrency import run_together
from minka.employment import services
from minka.employment.models import Application, Placement
from minka.employment.tests.records import days_ago, job_service_create, vacancy_data

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def applied(world, vacancy, seeker):
    application = services.shortlist_add(user=world.field_a, vacancy=vacancy, seeker=seeker, on_date=days_ago(30))
    return services.application_move(user=world.field_a, application=application, state="applied", on_date=days_ago(29))


def test_one_person_hired_into_two_vacancies_at_once_gets_one_hire_and_a_sentence(world):
    jobs = job_service_create(world)
    other = services.vacancy_create(user=world.field_a, data=vacancy_data(jobs.employer, title="Ayudante de cocina"))
    services.vacancy_publish(user=world.field_a, vacancy=other)
    first, second = applied(world, jobs.vacancy, jobs.rosa), applied(world, other, jobs.rosa)

    def hire(application, user):
        return lambda: services.placement_create(
            user=user, application=application, start_date=days_ago(20), wage=1200, on_date=days_ago(21)
        )

    results, errors = run_together(hire(first, world.field_a), hire(second, world.admin_a))
    assert sum(result is not None for result in results) == 1
    refused = [error for error in errors if error is not None]
    assert len(refused) == 1 and isinstance(refused[0], ApplicationError), refused
    assert Placement.objects.count() == 1
    assert sorted(Application.objects.values_list("state", flat=True)) == ["hired", "withdrew"]
