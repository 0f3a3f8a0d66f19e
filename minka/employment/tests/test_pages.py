"""The job service's pages, driven as a field officer of organization A would: what each page shows, that bad input
comes back as a form error (never a 500, nothing saved), and that an employer contact sees only what a seeker
agreed to share."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from minka.employment import services
from minka.employment.models import (
    Application,
    ApplicationState,
    Employer,
    EmployerContact,
    FollowUp,
    JobSeeker,
    Placement,
    Skill,
    Vacancy,
    VacancyStatus,
)
from minka.network.models import Territory
from minka.people.models import Enrollment, Participant

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 1, 6)


@dataclass
class Jobs:
    cooking: Skill
    cashier: Skill
    seeker: JobSeeker
    other_seeker: JobSeeker
    employer: Employer
    contact: EmployerContact
    vacancy: Vacancy
    application: Application
    placement: Placement
    placed: Application


def person_enrolled(world, given_names, *, sex="F", phone="", birth=datetime.date(2002, 5, 1)):
    person = Participant.objects.create(
        given_names=given_names, paternal_surname="Quispe", sex=sex, phone=phone, birth_date=birth,
        registered_by=world.org_a, search_name=given_names.lower(), district_id="081201",
    )  # fmt: skip
    Enrollment.objects.create(
        participant=person, program=world.program_a, organization=world.org_a, enrolled_on=datetime.date(2024, 1, 10)
    )
    return person


def jobs_create(world) -> Jobs:
    """Organization A's job service in program A, written through the services as its field officer would: two
    skills, two seekers, a hotel in Urcos with a contact, an open vacancy with one seeker shortlisted, and an older
    filled vacancy with a placement."""
    user, program = world.field_a, world.program_a
    cooking = services.skill_create(user=user, program=program, name="Cocina")
    cashier = services.skill_create(user=user, program=program, name="Caja")
    urcos = Territory.objects.get(code="081201")
    profile = {"organization": world.org_a, "program": program, "education_level": "secondary",
               "availability": "full_time", "languages": ["es", "qu"], "preferred_districts": [urcos]}  # fmt: skip
    seeker = services.seeker_create(
        user=user,
        data={**profile, "participant": person_enrolled(world, "Yanet Alfa", phone="984000111"),
              "skills": [cooking], "share_contact": False, "share_experience": True},
    )  # fmt: skip
    services.experience_add(
        user=user,
        seeker=seeker,
        data={
            "employer_name": "Restaurante Ausangate",
            "role": "Ayudante de cocina",
            "started_on": START.replace(2023),
        },
    )
    other = services.seeker_create(
        user=user, data={**profile, "participant": person_enrolled(world, "Wilber Alfa", sex="M"), "skills": [cashier]}
    )
    employer = services.employer_create(
        user=user,
        data={"organization": world.org_a, "program": program, "name": "Hotel Alfa Urcos", "kind": "company",
              "sector": "tourism", "district": urcos, "ruc": ""},
    )  # fmt: skip
    contact = services.contact_create(
        user=user, employer=employer, data={"name": "Rosa Gerente", "position": "Administradora", "email": "r@x.pe"}
    )
    vacancy_data = {"employer": employer, "title": "Ayudante de cocina", "sector": "tourism", "district": urcos,
                    "wage": Decimal("1130.00"), "contract_type": "fixed_term", "availability": "full_time",
                    "hours_per_week": 48, "positions": 2, "opens_on": START}  # fmt: skip
    vacancy = services.vacancy_create(user=user, data={**vacancy_data, "required_skills": [cooking]})
    services.vacancy_publish(user=user, vacancy=vacancy)
    application = services.shortlist_add(
        user=user, vacancy=vacancy, seeker=seeker, score=80, on_date=START,
        explanation={"score": 80, "sentences": ["Tiene 1 de 1 habilidades requeridas: Cocina."]},
    )  # fmt: skip
    old = services.vacancy_create(user=user, data={**vacancy_data, "title": "Cajera/o", "positions": 1})
    services.vacancy_publish(user=user, vacancy=old)
    placed = services.shortlist_add(user=user, vacancy=old, seeker=other, on_date=START)
    services.application_move(user=user, application=placed, state="applied", on_date=START)
    placement = services.placement_create(
        user=user, application=placed, start_date=START + datetime.timedelta(days=7), wage=Decimal("1200.00")
    )
    return Jobs(cooking, cashier, seeker, other, employer, contact, vacancy, application, placement, placed)


@pytest.fixture
def jobs(world):
    return jobs_create(world)


def url(name, world, *args):
    return reverse(f"employment:{name}", args=[world.program_a.slug, *args])


def test_summary_counts_seekers_open_vacancies_and_placements(world, jobs, client):
    client.force_login(world.field_a)
    page = client.get(url("home", world)).content.decode()
    assert 'id="seeker-count">2<' in page
    assert 'id="open-vacancy-count">1<' in page  # the cashier vacancy filled its one position
    assert 'id="placement-count">1<' in page
    assert "Wilber Alfa" in page  # the latest placement


def test_vacancy_page_shows_its_shortlist_and_the_publish_button_only_on_a_draft(world, jobs, client):
    client.force_login(world.field_a)
    page = client.get(url("vacancy_detail", world, jobs.vacancy.pk)).content.decode()
    assert "Ayudante de cocina" in page and "Yanet Alfa" in page and "Propuesta" in page
    assert 'value="close"' in page and 'value="publish"' not in page
    assert "0 de 2 cubiertos" in page


def test_publish_a_draft_vacancy(world, jobs, client):
    client.force_login(world.field_a)
    draft = services.vacancy_create(
        user=world.field_a,
        data={"employer": jobs.employer, "title": "Recepcionista", "sector": "tourism",
              "district": jobs.employer.district, "wage": Decimal("1200"), "contract_type": "fixed_term",
              "hours_per_week": 40, "opens_on": START},
    )  # fmt: skip
    response = client.post(url("vacancy_status", world, draft.pk), {"action": "publish"}, follow=True)
    assert "Vacante publicada" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VacancyStatus.OPEN


def test_a_vacancy_closing_before_it_opens_is_a_form_error_and_nothing_is_saved(world, jobs, client):
    client.force_login(world.field_a)
    before = Vacancy.objects.count()
    response = client.post(
        url("vacancy_create", world),
        {"employer": jobs.employer.pk, "title": "Mozo", "sector": "tourism", "district": "081201", "wage": "1000",
         "contract_type": "fixed_term", "availability": "full_time", "hours_per_week": "48", "positions": "1",
         "opens_on": "2025-03-01", "closes_on": "2025-02-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "no puede cerrar antes de abrir" in response.content.decode()
    assert Vacancy.objects.count() == before


def test_junk_in_the_vacancy_form_is_a_form_error(world, jobs, client):
    client.force_login(world.field_a)
    response = client.post(
        url("vacancy_create", world),
        {"employer": "999999", "title": "", "wage": "-5", "hours_per_week": "500", "opens_on": "30/02/2025",
         "district": "nowhere"},
    )  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert {"employer", "title", "wage", "hours_per_week", "opens_on", "district"} <= set(form.errors)


def test_hiring_more_people_than_positions_is_refused_on_the_form(world, jobs, client):
    client.force_login(world.field_a)
    cashier_vacancy = jobs.placed.vacancy
    third = services.seeker_create(
        user=world.field_a,
        data={"organization": world.org_a, "program": world.program_a, "education_level": "secondary",
              "availability": "full_time", "participant": person_enrolled(world, "Nilda Alfa")},
    )  # fmt: skip
    cashier_vacancy.status = VacancyStatus.OPEN  # reopened by hand: the service must still count the positions
    cashier_vacancy.save(update_fields=["status"])
    late = services.shortlist_add(user=world.field_a, vacancy=cashier_vacancy, seeker=third, on_date=START)
    services.application_move(user=world.field_a, application=late, state="applied", on_date=START)
    response = client.post(
        url("placement_create", world, late.pk),
        {"start_date": "2025-02-01", "wage": "1100", "contract_type": "fixed_term", "hours_per_week": "48"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert Placement.objects.count() == 1


def test_matches_page_explains_each_score_and_offers_the_shortlist(world, jobs, client):
    client.force_login(world.field_a)
    services.seeker_create(
        user=world.field_a,
        data={"organization": world.org_a, "program": world.program_a, "education_level": "secondary",
              "availability": "full_time", "participant": person_enrolled(world, "Nilda Alfa"),
              "skills": [jobs.cashier]},
    )  # fmt: skip
    response = client.get(url("vacancy_matches", world, jobs.vacancy.pk))
    matches = response.context["matches"]
    assert [m.seeker.participant.given_names for m in matches] == ["Yanet Alfa", "Nilda Alfa"]  # cooks first
    assert matches[0].score > matches[1].score
    nilda = " ".join(matches[1].reasons)
    assert "Cocina" in nilda  # the required skill she lacks is named
    page = response.content.decode()
    assert page.count("Preseleccionar</button>") == 1  # Yanet is already on the shortlist, Nilda is not


def test_matches_filter_by_sex_and_age(world, jobs, client):
    client.force_login(world.field_a)
    services.seeker_create(
        user=world.field_a,
        data={"organization": world.org_a, "program": world.program_a, "education_level": "secondary",
              "availability": "full_time", "skills": [jobs.cooking],
              "participant": person_enrolled(world, "Hilario Alfa", sex="M", birth=datetime.date(1980, 1, 1))},
    )  # fmt: skip

    def names(**filters):
        response = client.get(url("vacancy_matches", world, jobs.vacancy.pk), filters)
        return {m.seeker.participant.given_names for m in response.context["matches"]}

    assert names() == {"Yanet Alfa", "Hilario Alfa"}
    assert names(sex="M") == {"Hilario Alfa"}
    assert names(age_max="29") == {"Yanet Alfa"}  # youth: born in 2002


def test_bad_match_filters_are_shown_not_failed(world, jobs, client):
    client.force_login(world.field_a)
    response = client.get(url("vacancy_matches", world, jobs.vacancy.pk), {"age_min": "30", "age_max": "20"})
    assert response.status_code == 200
    assert "no puede ser menor" in response.content.decode()


def test_shortlisting_keeps_the_score_and_its_explanation(world, jobs, client):
    client.force_login(world.field_a)
    jobs.placed.seeker.refresh_from_db()
    fresh = services.seeker_create(
        user=world.field_a,
        data={"organization": world.org_a, "program": world.program_a, "education_level": "technical",
              "availability": "full_time", "participant": person_enrolled(world, "Maribel Alfa"),
              "skills": [jobs.cooking]},
    )  # fmt: skip
    client.post(url("shortlist", world, jobs.vacancy.pk), {"seeker": fresh.pk})
    application = Application.objects.get(vacancy=jobs.vacancy, seeker=fresh)
    assert application.state == ApplicationState.PROPOSED
    assert application.score is not None and application.explanation
    page = client.get(url("application_detail", world, application.pk)).content.decode()
    assert "Maribel Alfa" in page and "Por qué" in page


def test_a_proposal_made_on_paper_is_dated_on_its_day_so_its_hire_and_follow_ups_can_follow(world, jobs, client):
    client.force_login(world.field_a)
    fresh = services.seeker_create(
        user=world.field_a,
        data={"organization": world.org_a, "program": world.program_a, "education_level": "technical",
              "availability": "full_time", "participant": person_enrolled(world, "Maribel Alfa"),
              "skills": [jobs.cooking]},
    )  # fmt: skip
    page = client.get(url("vacancy_matches", world, jobs.vacancy.pk)).content.decode()
    assert 'name="on_date"' in page and f'name="seeker" value="{fresh.pk}"' in page
    months_ago = datetime.date.today() - datetime.timedelta(days=220)
    client.post(url("shortlist", world, jobs.vacancy.pk), {"seeker": fresh.pk, "on_date": months_ago.isoformat()})
    application = Application.objects.get(vacancy=jobs.vacancy, seeker=fresh)
    assert application.proposed_on == months_ago
    client.post(url("application_state", world, application.pk), {"state": "applied", "on_date": months_ago})
    client.post(
        url("placement_create", world, application.pk),
        {"start_date": months_ago + datetime.timedelta(days=7), "wage": "1130.00", "contract_type": "fixed_term",
         "hours_per_week": "48"},
    )  # fmt: skip
    placement = Placement.objects.get(application=application)
    client.post(
        url("follow_up_create", world, placement.pk),
        {"month": "6", "done_on": datetime.date.today(), "still_working": "on", "wage": "1200"},
    )
    assert FollowUp.objects.get(placement=placement).month == 6


def test_a_proposal_dated_tomorrow_or_junk_is_a_message_and_nothing_is_saved(world, jobs, client):
    client.force_login(world.field_a)
    fresh = services.seeker_create(
        user=world.field_a,
        data={"organization": world.org_a, "program": world.program_a, "education_level": "technical",
              "availability": "full_time", "participant": person_enrolled(world, "Maribel Alfa")},
    )  # fmt: skip
    before = Application.objects.count()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    for day, message in ((tomorrow.isoformat(), "futuro"), ("31/02/2025", "no es válida")):
        response = client.post(
            url("shortlist", world, jobs.vacancy.pk), {"seeker": fresh.pk, "on_date": day}, follow=True
        )
        assert response.status_code == 200 and message in response.content.decode()
    assert Application.objects.count() == before


def test_shortlisting_junk_is_a_message_not_a_500(world, jobs, client):
    client.force_login(world.field_a)
    before = Application.objects.count()
    response = client.post(url("shortlist", world, jobs.vacancy.pk), {"seeker": "abc"}, follow=True)
    assert response.status_code == 200 and "Elija una persona" in response.content.decode()
    assert Application.objects.count() == before


def test_application_moves_to_interviewed_with_its_date(world, jobs, client):
    client.force_login(world.field_a)
    client.post(url("application_state", world, jobs.application.pk), {"state": "applied", "on_date": "2025-01-08"})
    client.post(url("application_state", world, jobs.application.pk), {"state": "interviewed", "on_date": "2025-01-10"})
    jobs.application.refresh_from_db()
    assert jobs.application.state == "interviewed"
    assert jobs.application.interviewed_on == datetime.date(2025, 1, 10)
    page = client.get(url("application_detail", world, jobs.application.pk)).content.decode()
    assert "Registrar contratación" in page


def test_an_illegal_state_is_a_form_error(world, jobs, client):
    client.force_login(world.field_a)
    response = client.post(
        url("application_state", world, jobs.application.pk), {"state": "hired", "on_date": "2025-01-08"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    jobs.application.refresh_from_db()
    assert jobs.application.state == "proposed"


def test_record_a_hire_and_its_follow_ups(world, jobs, client):
    client.force_login(world.field_a)
    services.application_move(user=world.field_a, application=jobs.application, state="applied", on_date=START)
    response = client.post(
        url("placement_create", world, jobs.application.pk),
        {"start_date": "2025-02-03", "wage": "1130.00", "contract_type": "fixed_term", "hours_per_week": "48"},
        follow=True,
    )
    page = response.content.decode()
    assert "Contratación de Yanet Alfa Quispe registrada" in page and "130,00" in page
    placement = Placement.objects.get(application=jobs.application)
    early = client.post(
        url("follow_up_create", world, placement.pk),
        {"month": "3", "done_on": "2025-03-01", "still_working": "on", "wage": "1130"},
    )
    assert early.status_code == 200 and early.context["form"].errors  # before the 3 months are up
    assert not FollowUp.objects.exists()
    client.post(
        url("follow_up_create", world, placement.pk),
        {"month": "6", "done_on": "2025-08-04", "still_working": "on", "wage": "1200"},
    )
    follow_up = FollowUp.objects.get()
    assert (follow_up.month, follow_up.wage) == (6, Decimal("1200.00"))
    page = client.get(url("application_detail", world, jobs.application.pk)).content.decode()
    assert "A los 6 meses" in page and "sigue trabajando" in page


def test_seeker_profile_shows_skills_languages_experience_and_ranked_vacancies(world, jobs, client):
    client.force_login(world.field_a)
    page = client.get(url("seeker_detail", world, jobs.seeker.pk)).content.decode()
    assert "Yanet Alfa" in page and "Cocina" in page and "Quechua" in page
    assert "Restaurante Ausangate" in page
    assert "Ayudante de cocina" in page  # the open vacancy, ranked for her


def test_seeker_list_filters_by_skill(world, jobs, client):
    client.force_login(world.field_a)
    page = client.get(url("seeker_list", world), {"skill": jobs.cashier.pk}).content.decode()
    assert "Wilber Alfa" in page and "Yanet Alfa" not in page


def test_create_a_seeker_profile(world, jobs, client):
    client.force_login(world.field_a)
    person = person_enrolled(world, "Edith Alfa")
    response = client.post(
        url("seeker_create", world),
        {"participant": person.pk, "education_level": "secondary", "availability": "part_time",
         "languages": ["es"], "skills": [jobs.cooking.pk], "max_travel_km": "15", "share_cv": "on"},
    )  # fmt: skip
    seeker = JobSeeker.objects.get(participant=person)
    assert response.status_code == 302 and seeker.share_cv and not seeker.share_contact
    assert list(seeker.skills.all()) == [jobs.cooking]


def test_a_person_of_another_organization_cannot_get_a_profile(world, jobs, client):
    client.force_login(world.field_a)
    stranger = Participant.objects.create(given_names="Ajena", paternal_surname="Beta", sex="F",
                                          registered_by=world.org_b)  # fmt: skip
    response = client.post(
        url("seeker_create", world),
        {"participant": stranger.pk, "education_level": "secondary", "availability": "part_time", "max_travel_km": "5"},
    )
    assert response.status_code == 200 and "participant" in response.context["form"].errors
    assert not JobSeeker.objects.filter(participant=stranger).exists()


def test_skill_catalogue_adds_and_refuses_a_duplicate(world, jobs, client):
    client.force_login(world.field_a)
    client.post(url("skill_list", world), {"name": "Atención al cliente"})
    assert Skill.objects.filter(program=world.program_a, name="Atención al cliente").exists()
    response = client.post(url("skill_list", world), {"name": "cocina"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Skill.objects.filter(program=world.program_a, name__iexact="cocina").count() == 1


def test_employer_page_lists_contacts_and_vacancies_and_gives_a_portal_login(world, jobs, client):
    client.force_login(world.field_a)
    page = client.get(url("employer_detail", world, jobs.employer.pk)).content.decode()
    assert "Rosa Gerente" in page and "Ayudante de cocina" in page and "Dar acceso al portal" in page
    assert "1 preseleccionada/o · 0 de 2 puestos cubiertos" in page  # the kitchen job, still open
    assert "0 preseleccionadas/os · 1 de 1 puestos cubiertos" in page  # the cashier's, filled by its hire
    client.post(
        url("contact_login", world, jobs.contact.pk), {"username": "rosa.hotel", "password": "una-clave-larga-2026"}
    )
    jobs.contact.refresh_from_db()
    assert jobs.contact.user is not None and jobs.contact.user.username == "rosa.hotel"


def test_employer_ruc_with_a_bad_check_digit_is_a_form_error(world, jobs, client):
    client.force_login(world.field_a)
    response = client.post(
        url("employer_create", world),
        {"name": "Mala", "kind": "company", "sector": "tourism", "district": "081201", "ruc": "20512333790"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Employer.objects.filter(name="Mala").exists()


def test_employer_portal_shows_only_what_each_seeker_shares(world, jobs, client):
    services.contact_login_grant(
        user=world.field_a, contact=jobs.contact, username="rosa.hotel", password="una-clave-larga-2026"
    )
    jobs.contact.refresh_from_db()
    client.force_login(jobs.contact.user)
    home = client.get(reverse("employment:portal_home")).content.decode()
    assert "Ayudante de cocina" in home
    page = client.get(reverse("employment:portal_vacancy", args=[jobs.vacancy.pk])).content.decode()
    assert "Yanet Alfa" in page
    assert "Restaurante Ausangate" in page  # she shares her experience
    assert "984000111" not in page  # but not her phone
    # The rest of Minka does not exist for a contact.
    assert client.get(url("vacancy_detail", world, jobs.vacancy.pk)).status_code == 404
    assert client.get(reverse("employment:portal_cv", args=[jobs.application.pk])).status_code == 404


def test_staff_of_the_program_do_not_use_the_portal(world, jobs, client):
    client.force_login(world.field_a)
    assert client.get(reverse("employment:portal_home")).status_code == 404


def test_funders_and_other_organizations_find_no_job_service(world, jobs, client):
    for user in (world.funder_a, world.field_b, world.admin_b):
        client.force_login(user)
        assert client.get(url("home", world)).status_code == 404
        assert client.get(url("vacancy_detail", world, jobs.vacancy.pk)).status_code == 404


def test_auditors_read_but_do_not_change(world, jobs, client):
    client.force_login(world.auditor_a)
    page = client.get(url("vacancy_detail", world, jobs.vacancy.pk)).content.decode()
    assert "Ayudante de cocina" in page and 'value="close"' not in page
    assert client.post(url("vacancy_status", world, jobs.vacancy.pk), {"action": "close"}).status_code == 403


def test_menu_links_to_the_job_service_and_the_portal(world, jobs, client):
    client.force_login(world.field_a)
    page = client.get(reverse("home")).content.decode()
    assert url("home", world) in page
    services.contact_login_grant(
        user=world.field_a, contact=jobs.contact, username="rosa.hotel", password="una-clave-larga-2026"
    )
    jobs.contact.refresh_from_db()
    client.force_login(jobs.contact.user)
    page = client.get(reverse("home"), follow=True).content.decode()  # her home is the portal
    assert reverse("employment:portal_home") in page and url("home", world) not in page
    client.force_login(world.funder_a)
    assert url("home", world) not in client.get(reverse("home")).content.decode()


def _profile_post(seeker, **changes):
    return {
        "education_level": seeker.education_level, "availability": seeker.availability, "languages": seeker.languages,
        "skills": [skill.pk for skill in seeker.skills.all()], "max_travel_km": seeker.max_travel_km,
        "status": seeker.status, "share_experience": "on", **changes,
    }  # fmt: skip


def test_a_cv_shared_with_employers_reaches_the_portal_and_a_bad_file_is_refused(
    world, jobs, client, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.field_a)
    edit = url("seeker_edit", world, jobs.seeker.pk)
    bad = SimpleUploadedFile("cv.exe", b"MZ...", content_type="application/octet-stream")
    response = client.post(edit, _profile_post(jobs.seeker, cv=bad, share_cv="on"))
    assert response.status_code == 200 and "cv" in response.context["form"].errors
    jobs.seeker.refresh_from_db()
    assert not jobs.seeker.cv and not jobs.seeker.share_cv

    cv = SimpleUploadedFile("cv-yanet.pdf", b"%PDF-1.4 Yanet", content_type="application/pdf")
    assert client.post(edit, _profile_post(jobs.seeker, cv=cv, share_cv="on")).status_code == 302
    assert b"%PDF-1.4 Yanet" in b"".join(client.get(url("seeker_cv", world, jobs.seeker.pk)).streaming_content)

    services.contact_login_grant(
        user=world.field_a, contact=jobs.contact, username="rosa.hotel", password="una-clave-larga-2026"
    )
    jobs.contact.refresh_from_db()
    client.force_login(jobs.contact.user)
    page = client.get(reverse("employment:portal_vacancy", args=[jobs.vacancy.pk])).content.decode()
    assert "Descargar CV" in page
    download = client.get(reverse("employment:portal_cv", args=[jobs.application.pk]))
    assert b"%PDF-1.4 Yanet" in b"".join(download.streaming_content)
    # Wilber shared nothing: his CV is never offered, even to his own employer.
    assert client.get(reverse("employment:portal_cv", args=[jobs.placed.pk])).status_code == 404


def test_setting_a_seeker_placed_by_hand_is_a_form_error(world, jobs, client):
    client.force_login(world.field_a)
    response = client.post(url("seeker_edit", world, jobs.seeker.pk), _profile_post(jobs.seeker, status="placed"))
    assert response.status_code == 200 and response.context["form"].errors
    jobs.seeker.refresh_from_db()
    assert jobs.seeker.status == "active"


def test_self_employment_and_its_follow_up(world, jobs, client):
    client.force_login(world.field_a)
    client.post(
        url("self_employment_create", world, jobs.seeker.pk),
        {"started_on": "2025-02-01", "monthly_income": "800.00", "description": "Venta de comida en Urcos"},
    )
    self_employment = jobs.seeker.self_employments.get()
    jobs.seeker.refresh_from_db()
    assert jobs.seeker.status == "self_employed" and self_employment.monthly_income == Decimal("800.00")
    response = client.post(
        url("self_employment_follow_up", world, self_employment.pk),
        {"month": "3", "done_on": "2025-01-15", "still_working": "on"},
    )
    assert response.status_code == 200 and response.context["form"].errors  # before it started
    client.post(
        url("self_employment_follow_up", world, self_employment.pk),
        {"month": "3", "done_on": "2025-05-02", "still_working": "on", "wage": "950"},
    )
    page = client.get(url("seeker_detail", world, jobs.seeker.pk)).content.decode()
    assert "Autoempleo" in page and "Seguimiento a los 3 meses" in page and "800,00" in page


def test_edit_pages_show_the_record(world, jobs, client):
    client.force_login(world.field_a)
    assert 'value="Ayudante de cocina"' in client.get(url("vacancy_edit", world, jobs.vacancy.pk)).content.decode()
    assert 'value="Hotel Alfa Urcos"' in client.get(url("employer_edit", world, jobs.employer.pk)).content.decode()
    page = client.get(url("seeker_edit", world, jobs.seeker.pk)).content.decode()
    assert "Yanet Alfa Quispe" in page and "Urcos" in page


@pytest.mark.parametrize("name", ["vacancy_matches", "seeker_list", "vacancy_list", "employer_list", "home"])
def test_list_pages_ask_the_database_the_same_number_of_times_for_more_records(world, jobs, client, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.field_a)
    args = [jobs.vacancy.pk] if name == "vacancy_matches" else []

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(name, world, *args)).status_code == 200
        return len(captured)

    before = queries()
    for n in range(3):
        more = services.seeker_create(
            user=world.field_a,
            data={"organization": world.org_a, "program": world.program_a, "education_level": "secondary",
                  "availability": "full_time", "participant": person_enrolled(world, f"Extra{n} Alfa"),
                  "skills": [jobs.cooking], "preferred_districts": [jobs.employer.district]},
        )  # fmt: skip
        vacancy = services.vacancy_create(
            user=world.field_a,
            data={"employer": jobs.employer, "title": f"Puesto {n}", "sector": "tourism",
                  "district": jobs.employer.district, "wage": Decimal("1000"), "contract_type": "fixed_term",
                  "hours_per_week": 40, "opens_on": START, "required_skills": [jobs.cooking]},
        )  # fmt: skip
        services.vacancy_publish(user=world.field_a, vacancy=vacancy)
        services.shortlist_add(user=world.field_a, vacancy=jobs.vacancy, seeker=more, on_date=START)
    assert queries() == before


def test_the_person_for_a_new_profile_is_found_by_name_among_those_enrolled_without_one(world, jobs, client):
    client.force_login(world.field_a)
    person_enrolled(world, "Edith Alfa")
    Participant.objects.create(given_names="Edith", paternal_surname="Beta", sex="F", registered_by=world.org_b,
                               search_name="edith beta")  # fmt: skip
    page = client.get(url("seeker_create", world), {"q": "edith"}, HTTP_HX_REQUEST="true",
                      HTTP_HX_TARGET="person-results").content.decode()  # fmt: skip
    assert "Edith Alfa Quispe" in page and "Beta" not in page and "<html" not in page
    assert "Yanet" not in client.get(url("seeker_create", world), {"q": "yanet"}).content.decode()  # has one
