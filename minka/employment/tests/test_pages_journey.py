"""What a new officer meets taking a vacancy from an employer to a hire and its follow-ups: each page leads to the
next one, and none offers a step that can only end in an error. Found by trying the whole journey on the demo."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from minka.employment import services
from minka.employment.tests.test_pages import jobs_create, person_enrolled, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(world):
    return jobs_create(world)


def _main(response) -> str:
    """The page below the menu, which lists the job services on every page."""
    return response.content.decode().split("<main", 1)[1]


def _crumbs(response) -> str:
    return _main(response).split('<nav class="crumbs"', 1)[1].split("</nav>", 1)[0]


def test_the_program_page_links_to_its_job_service_for_those_who_read_it(world, jobs, client):
    program_page = reverse("program_detail", args=[world.program_a.slug])
    client.force_login(world.field_a)
    assert url("home", world) in _main(client.get(program_page))
    client.force_login(world.funder_a)  # aggregates only: the job service answers 404 to a funder
    assert url("home", world) not in _main(client.get(program_page))


def test_an_employer_contact_lands_on_the_portal(world, jobs, client):
    services.contact_login_grant(
        user=world.field_a, contact=jobs.contact, username="rosa.hotel", password="una-clave-larga-2026"
    )
    jobs.contact.refresh_from_db()
    client.force_login(jobs.contact.user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("employment:portal_home")
    page = client.get(reverse("employment:portal_home")).content.decode()
    assert "1 persona propuesta" in page  # Yanet, for the kitchen job
    assert reverse("project_list") not in page and reverse("organization_list") not in page  # nothing of the network


def test_a_shortlisted_match_links_to_its_application(world, jobs, client):
    client.force_login(world.field_a)
    page = client.get(url("vacancy_matches", world, jobs.vacancy.pk)).content.decode()
    assert url("application_detail", world, jobs.application.pk) in page


def test_a_new_vacancy_from_an_employer_page_starts_in_its_district_and_line_of_work(world, jobs, client):
    client.force_login(world.field_a)
    form = client.get(url("vacancy_create", world), {"empleador": jobs.employer.pk}).context["form"]
    assert form.initial["employer"] == jobs.employer.pk
    assert (form.initial["sector"], form.initial["district"]) == ("tourism", "081201")
    form = client.get(url("vacancy_create", world), {"empleador": "999999"}).context["form"]
    assert "employer" not in form.initial and "district" not in form.initial


def _hire_today(world, jobs):
    today = timezone.localdate()
    services.application_move(user=world.field_a, application=jobs.application, state="applied", on_date=today)
    return services.placement_create(
        user=world.field_a, application=jobs.application, start_date=today, wage=Decimal("1130.00")
    )


def test_a_new_hire_says_when_its_first_follow_up_is_due_instead_of_offering_it(world, jobs, client):
    placement = _hire_today(world, jobs)
    client.force_login(world.field_a)
    page = client.get(url("application_detail", world, jobs.application.pk)).content.decode()
    assert url("follow_up_create", world, placement.pk) not in page
    due = services.follow_up_due_on(start=placement.start_date, month=3)
    assert f"El seguimiento a los 3 meses se registra desde el {due:%d/%m/%Y}." in page


def test_the_hire_pages_lead_back_to_the_person(world, jobs, client):
    placement = _hire_today(world, jobs)
    client.force_login(world.field_a)
    application_page = url("application_detail", world, jobs.application.pk)
    for page in (url("application_state", world, jobs.application.pk), url("follow_up_create", world, placement.pk)):
        assert f'href="{application_page}"' in _crumbs(client.get(page))


def test_the_follow_up_form_offers_only_the_months_not_recorded(world, jobs, client):
    services.follow_up_record(
        user=world.field_a, placement=jobs.placement, month=3, done_on=datetime.date(2025, 4, 14), still_working=True
    )
    client.force_login(world.field_a)
    form = client.get(url("follow_up_create", world, jobs.placement.pk)).context["form"]
    assert [month for month, _label in form.fields["month"].choices] == [6]
    assert form.initial["month"] == 6


def test_once_both_follow_ups_are_recorded_none_is_offered(world, jobs, client):
    for month, day in ((3, datetime.date(2025, 4, 14)), (6, datetime.date(2025, 7, 14))):
        services.follow_up_record(
            user=world.field_a, placement=jobs.placement, month=month, done_on=day, still_working=True
        )
    client.force_login(world.field_a)
    page = client.get(url("application_detail", world, jobs.placed.pk)).content.decode()
    assert url("follow_up_create", world, jobs.placement.pk) not in page
    response = client.get(url("follow_up_create", world, jobs.placement.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("application_detail", world, jobs.placed.pk)
    assert "ya están registrados" in response.content.decode()


def test_a_self_employment_offers_its_follow_up_only_while_one_is_left(world, jobs, client):
    started = datetime.date(2025, 2, 1)
    self_employment = services.self_employment_create(
        user=world.field_a, seeker=jobs.seeker, data={"started_on": started, "monthly_income": Decimal("800")}
    )
    client.force_login(world.field_a)
    follow_up_page = url("self_employment_follow_up", world, self_employment.pk)
    assert follow_up_page in client.get(url("seeker_detail", world, jobs.seeker.pk)).content.decode()
    for month in (3, 6):
        services.follow_up_record(
            user=world.field_a, self_employment=self_employment, month=month,
            done_on=services.follow_up_due_on(start=started, month=month), still_working=True,
        )  # fmt: skip
    assert follow_up_page not in client.get(url("seeker_detail", world, jobs.seeker.pk)).content.decode()
    response = client.get(follow_up_page)
    assert response.status_code == 302 and response["Location"] == url("seeker_detail", world, jobs.seeker.pk)


def test_a_profile_lists_what_the_seeker_shares_with_employers(world, jobs, client):
    client.force_login(world.field_a)
    jobs.seeker.share_contact = True  # she also shares her experience
    jobs.seeker.save(update_fields=["share_contact"])
    assert "contacto, experiencia" in client.get(url("seeker_detail", world, jobs.seeker.pk)).content.decode()
    assert "solo su nombre" in client.get(url("seeker_detail", world, jobs.other_seeker.pk)).content.decode()


def test_the_job_service_reads_in_english(world, jobs, client):
    world.field_a.language = "en"
    world.field_a.save(update_fields=["language"])
    client.force_login(world.field_a)
    client.cookies["django_language"] = "en"
    assert "Follow-ups due" in client.get(url("home", world)).content.decode()
    matches = client.get(url("vacancy_matches", world, jobs.vacancy.pk)).content.decode()
    assert "Candidates for “Ayudante de cocina”" in matches and "required skills" in matches
    assert "Placement" in client.get(url("application_detail", world, jobs.placed.pk)).content.decode()
    form = client.get(url("follow_up_create", world, jobs.placement.pk)).context["form"]
    assert [str(label) for _month, label in form.fields["month"].choices] == ["After 3 months", "After 6 months"]
    closed = client.post(url("vacancy_status", world, jobs.vacancy.pk), {"action": "close"}, follow=True)
    assert "Vacancy closed." in closed.content.decode()  # made when the module loads, yet in the reader's language


def test_a_shortlisted_seeker_is_explained_in_the_language_of_whoever_reads_her_application(world, jobs, client):
    fresh = services.seeker_create(
        user=world.field_a,
        data={"organization": world.org_a, "program": world.program_a, "education_level": "secondary",
              "availability": "full_time", "participant": person_enrolled(world, "Maribel Alfa")},
    )  # fmt: skip
    client.force_login(world.field_a)  # proposes in Spanish
    client.post(url("shortlist", world, jobs.vacancy.pk), {"seeker": fresh.pk})
    application = jobs.vacancy.applications.get(seeker=fresh)
    page = client.get(url("application_detail", world, application.pk)).content.decode()
    assert "Nivel educativo: Secundaria completa." in page
    world.field_a.language = "en"
    world.field_a.save(update_fields=["language"])
    client.cookies["django_language"] = "en"
    page = client.get(url("application_detail", world, application.pk)).content.decode()
    assert "Education: Secondary, complete." in page and "Nivel educativo" not in page


def test_the_profile_form_promises_employers_only_what_the_portal_shows(world, jobs, client):
    client.force_login(world.field_a)
    page = client.get(url("seeker_edit", world, jobs.seeker.pk)).content.decode()
    assert "el empleador verá su teléfono." in page and "teléfono y correo" not in page  # no e-mail on record


def test_list_filters_start_at_everyone_not_at_dashes(world, jobs, client):
    client.force_login(world.field_a)
    matches = client.get(url("vacancy_matches", world, jobs.vacancy.pk)).context["form"]
    seekers = client.get(url("seeker_list", world)).context["form"]
    assert matches.fields["territory"].empty_label == "Todos" and seekers.fields["skill"].empty_label == "Todas"
