"""The Django admin shows the employment service to network admins, read-only, and never offers a CV."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minka.employment import services
from minka.employment.tests.records import days_ago, job_service_create

pytestmark = pytest.mark.django_db


def test_admin_pages_open_read_only(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    jobs = job_service_create(world)
    officer = world.field_a
    services.seeker_update(
        user=officer, seeker=jobs.rosa, data={"cv": SimpleUploadedFile("rosa.pdf", b"%PDF secreto"), "share_cv": True}
    )
    application = services.shortlist_add(user=officer, vacancy=jobs.vacancy, seeker=jobs.rosa, on_date=days_ago(9))
    application = services.application_move(user=officer, application=application, state="applied")
    placement = services.placement_create(user=officer, application=application, start_date=days_ago(0), wage=1000)
    own = services.self_employment_create(user=officer, seeker=jobs.juana, data={"started_on": days_ago(100)})
    records = {
        "skill": jobs.cooking.pk,
        "jobseeker": jobs.rosa.pk,
        "employer": jobs.employer.pk,
        "vacancy": jobs.vacancy.pk,
        "application": application.pk,
        "placement": placement.pk,
        "selfemployment": own.pk,
    }
    client = login(world.superuser)
    for model, pk in records.items():
        changelist = reverse(f"admin:employment_{model}_changelist")
        assert client.get(changelist).status_code == 200, model
        assert client.get(changelist, {"q": "rosa"}).status_code == 200, model
        page = client.get(reverse(f"admin:employment_{model}_change", args=[pk]))
        assert page.status_code == 200, model
        assert 'name="_save"' not in page.content.decode(), model
        assert "rosa.pdf" not in page.content.decode(), model
        assert client.get(reverse(f"admin:employment_{model}_add")).status_code == 403, model


def test_admin_is_closed_to_organization_users(world, login):
    response = login(world.admin_a).get(reverse("admin:employment_jobseeker_changelist"))
    assert response.status_code == 302
