import dataclasses
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minka.credit.tests.conftest import credit_create
from minka.fieldforms import views
from minka.fieldforms.definitions import Question, current


def forms_url(world):
    return reverse("fieldform_list", args=[world.program_a.slug])


def xlsx_url(world, form_id):
    return reverse("fieldform_xlsx", args=[world.program_a.slug, form_id])


def test_field_staff_list_and_download_the_forms(world, records, login):
    client = login(world.field_a)
    page = client.get(forms_url(world))
    assert page.status_code == 200
    body = page.content.decode()
    for form_id in ("registration", "attendance", "enterprise_followup"):
        assert current(form_id).version in body
        assert xlsx_url(world, form_id) in body
    assert "credit_visit" not in body  # a field officer operates no fund

    response = client.get(xlsx_url(world, "attendance"))
    assert response.status_code == 200
    settings = load_workbook(BytesIO(response.content))["settings"]
    form_id, version = (cell.value for cell in settings[2][1:3])
    assert form_id == "minka_attendance_alpha"
    assert version.startswith(current("attendance").version + ".")
    assert response["Content-Disposition"] == f'attachment; filename="minka_attendance_alpha-{version}.xlsx"'

    xform = client.get(reverse("fieldform_xform", args=[world.program_a.slug, "attendance"]))
    assert xform.status_code == 200
    assert b'id="minka_attendance_alpha"' in xform.content
    assert b"Taller secreto de Alfa" in xform.content


def test_registration_is_downloaded_for_one_of_the_users_organizations(world, login):
    client = login(world.admin_a)
    response = client.get(xlsx_url(world, "registration") + "?organizacion=alpha-ngo")
    assert response.status_code == 200
    survey = load_workbook(BytesIO(response.content))["survey"]
    calculations = {row[1]: row[12] for row in survey.iter_rows(min_row=2, values_only=True)}
    assert calculations["minka_organization"] == "'alpha-ngo'"
    assert client.get(xlsx_url(world, "registration") + "?organizacion=beta-ngo").status_code == 404


def test_credit_visit_form_only_for_those_who_operate_a_fund(world, login):
    credit = credit_create(world)
    credit.loan()
    assert login(world.credit_a).get(xlsx_url(world, "credit_visit")).status_code == 200
    assert login(world.field_a).get(xlsx_url(world, "credit_visit")).status_code == 404


@pytest.mark.parametrize("who", ["funder_a", "program_auditor_a", "auditor_a", "admin_b", "nobody"])
def test_funders_auditors_and_outsiders_get_404(world, records, login, who):
    client = login(getattr(world, who))
    assert client.get(forms_url(world)).status_code == 404
    assert client.get(xlsx_url(world, "attendance")).status_code == 404
    assert client.get(reverse("fieldform_xform", args=[world.program_a.slug, "attendance"])).status_code == 404


def test_an_unknown_form_is_404(world, login):
    assert login(world.admin_a).get(xlsx_url(world, "census")).status_code == 404


def test_a_form_that_fails_conversion_is_refused_with_a_message(world, login, monkeypatch):
    form = current("attendance")
    broken = dataclasses.replace(
        form, questions=(*form.questions, Question("integer", "extra", "Extra", "Extra", relevant="${nowhere} > 0"))
    )
    monkeypatch.setattr(views, "current", lambda form_id: broken)
    client = login(world.admin_a)
    response = client.get(xlsx_url(world, "attendance"), follow=True)
    assert response.redirect_chain[-1][0] == forms_url(world)
    assert "no se descarga" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_program_page_links_to_the_forms_for_field_staff_only(world, login):
    detail = reverse("program_detail", args=[world.program_a.slug])
    assert forms_url(world) in login(world.field_a).get(detail).content.decode()
    assert forms_url(world) not in login(world.funder_a).get(detail).content.decode()
