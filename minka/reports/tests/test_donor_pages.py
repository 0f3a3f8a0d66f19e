"""The donor reports' pages: asking for one, following its build through the real queue to a download, bad input
as form errors, a failed build as a message, and who sees which report (a funder never another funder's)."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from minka.accounts.models import Membership, OrganizationRole
from minka.audit.models import AuditEvent
from minka.programs.models import FundingCommitment
from minka.reports.donor import services
from minka.reports.models import DonorReport, ReportStatus
from minka.testing import OrganizationFactory, UserFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def asked(world, user=None, **more) -> DonorReport:
    return services.donor_report_request(
        user=user or world.coordinator_a, program=world.program_a, language="es", file_format="pdf", **more
    )


def list_url(world):
    return reverse("donor_report_list", args=[world.program_a.slug])


def urls_of(report):
    args = [report.program.slug, report.pk]
    names = ("donor_report_detail", "donor_report_status", "donor_report_download")
    return [reverse(name, args=args) for name in names]


# The worker closes its database connection when its batch is done: only a test outside a transaction survives it.
@pytest.mark.django_db(transaction=True)
def test_a_coordinator_asks_for_a_report_and_downloads_it_once_the_queue_built_it(world, login):
    client = login(world.coordinator_a)
    data = {"project": "", "phase": "", "start": "2024-01-01", "end": "2024-12-31", "language": "en", "format": "pdf"}
    response = client.post(list_url(world), data)
    report = DonorReport.objects.get()
    detail, status, download = urls_of(report)
    assert response.status_code == 302 and response["Location"] == detail
    assert (report.status, report.requested_by, report.requested_as_funder) == ("queued", world.coordinator_a, False)
    assert AuditEvent.objects.filter(model="reports.donorreport", object_id=str(report.pk)).exists()

    waiting = client.get(detail).content.decode()
    assert "<progress" in waiting and 'hx-trigger="every 1s"' in waiting and f'hx-get="{status}"' in waiting
    assert 'http-equiv="refresh"' in waiting  # without JavaScript the page reloads itself
    assert client.get(download).status_code == 404  # not ready yet

    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())

    report.refresh_from_db()
    assert (report.status, report.progress) == (ReportStatus.DONE, 100) and report.finished_at
    done = client.get(status).content.decode()
    assert "hx-trigger" not in done and download in done
    assert "http-equiv" not in client.get(detail).content.decode()
    file = client.get(download)
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")
    disposition = file["Content-Disposition"]
    assert "attachment" in disposition and "alpha_20240101-20241231_en.pdf" in disposition
    # Kept with its parameters, to be downloaded again from the program's reports page.
    listing = client.get(list_url(world)).content.decode()
    assert download in listing and "Inglés" in listing  # the page speaks Spanish: the language is named in it


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2024-12-31", "end": "2024-01-01"}, "end"),
        ({"start": "2024-01-01", "end": ""}, "end"),
        ({"project": "no-existe"}, "project"),
        ({"language": "fr"}, "language"),
        ({"format": "docx"}, "format"),
        ({"phase": "9"}, "phase"),
    ],
)
def test_bad_input_is_a_form_error_and_asks_for_nothing(world, login, change, field):
    data = {"project": "", "phase": "", "start": "", "end": "", "language": "es", "format": "pdf", **change}
    response = login(world.coordinator_a).post(list_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not DonorReport.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_project_of_another_program(world):
    from minka.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        asked(world, project=world.project_b)
    assert "project" in refused.value.fields
    assert not DonorReport.objects.exists()


@pytest.mark.django_db
def test_a_failed_build_says_so_on_the_page(world, login, monkeypatch):
    report = asked(world)

    def broken(content):
        raise OSError("disk full")

    monkeypatch.setattr(services, "pdf_render", broken)
    services.donor_report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "No se pudo generar el informe" in report.error
    page = login(world.coordinator_a).get(urls_of(report)[0])
    assert page.status_code == 200 and "No se pudo generar el informe" in page.content.decode()
    assert login(world.coordinator_a).get(urls_of(report)[2]).status_code == 404


@pytest.fixture
def other_funder(world):
    """A second funder of program alpha, with its own login."""
    organization = OrganizationFactory(slug="delta-fund", name="Fundación Delta", kind="foundation")
    FundingCommitment.objects.create(
        project=world.project_a, funder=organization, amount=Decimal("5000"), committed_on=D(2024, 3, 1)
    )
    user = UserFactory(username="funder_delta")
    Membership.objects.create(user=user, organization=organization, role=OrganizationRole.FUNDER)
    return user


@pytest.mark.django_db
def test_a_funder_sees_staff_reports_and_its_own_but_never_another_funders(world, login, other_funder):
    staff_report = asked(world)
    gamma_report = asked(world, user=world.funder_a)
    assert gamma_report.requested_as_funder and gamma_report.funder == world.funder_org

    delta = login(other_funder)
    for url in urls_of(gamma_report):
        assert delta.get(url).status_code == 404
    assert delta.get(urls_of(staff_report)[0]).status_code == 200
    listing = delta.get(list_url(world)).content.decode()
    assert urls_of(staff_report)[0] in listing and urls_of(gamma_report)[0] not in listing

    gamma = login(world.funder_a)
    assert gamma.get(urls_of(gamma_report)[0]).status_code == 200
    # The program's staff see every report of their program.
    coordinator = login(world.coordinator_a).get(list_url(world)).content.decode()
    assert urls_of(gamma_report)[0] in coordinator and urls_of(staff_report)[0] in coordinator


@pytest.mark.django_db
def test_a_funder_asks_for_a_report_through_the_page(world, login):
    data = {"project": world.project_a.code, "phase": "", "start": "", "end": "", "language": "es", "format": "xlsx"}
    response = login(world.funder_a).post(list_url(world), data)
    report = DonorReport.objects.get()
    assert response.status_code == 302 and report.project == world.project_a and report.funder == world.funder_org


@pytest.mark.django_db
def test_a_funder_of_another_program_and_outsiders_get_404(world, login):
    report = asked(world)
    for user in (world.admin_b, world.nobody):
        client = login(user)
        assert client.get(list_url(world)).status_code == 404
        assert client.post(list_url(world), {"language": "es", "format": "pdf"}).status_code == 404
        for url in urls_of(report):
            assert client.get(url).status_code == 404
    assert login(world.funder_a).get(reverse("donor_report_list", args=[world.program_b.slug])).status_code == 404


@pytest.mark.django_db
def test_the_program_and_project_pages_link_to_the_reports(world, login):
    client = login(world.coordinator_a)
    program_page = client.get(reverse("program_detail", args=[world.program_a.slug])).content.decode()
    assert list_url(world) in program_page
    project_page = client.get(reverse("project_detail", args=[world.program_a.slug, world.project_a.code]))
    assert f"{list_url(world)}?proyecto={world.project_a.code}" in project_page.content.decode()
    project_list = client.get(f"{list_url(world)}?proyecto={world.project_a.code}")
    assert project_list.context["form"].initial["project"] == world.project_a.code


@pytest.mark.django_db
def test_a_build_that_stopped_moving_says_so(world, login):
    report = asked(world)
    DonorReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, progress=40, updated_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    page = login(world.coordinator_a).get(urls_of(report)[1]).content.decode()
    assert "no avanza desde hace más de diez minutos" in page and 'value="40"' in page
    DonorReport.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    assert "no avanza" not in login(world.coordinator_a).get(urls_of(report)[1]).content.decode()
