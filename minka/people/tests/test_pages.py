"""The registry's pages: what each shows and to whom, the create form's rules and duplicate warning, and the
number of queries the list takes."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from minka.audit.models import AuditEvent
from minka.people.models import Consent, Enrollment, Participant
from minka.people.tests.conftest import VALID_DNI, register, written_consent

pytestmark = pytest.mark.django_db


def body(response):
    html = response.content.decode()
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return html


def create_form(world, **extra):
    data = {
        "organization": world.org_a.pk,
        "dni": "",
        "given_names": "Rosa",
        "paternal_surname": "Mamani",
        "maternal_surname": "Ccori",
        "sex": "F",
        "birth_date": "",
        "birth_year": "1998",
        "phone": "",
        "mother_tongue": "quz",
        "area": "rural",
        "district": "081201",
        "ethnic_group": "",
        "give_consent": "on",
        "purpose": "Participación en el programa y seguimiento de resultados",
        "text_version": "v1",
        "method": "signed_paper",
        "given_on": "2024-02-01",
        "program": "",
    }
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def maria(world):
    return register(world, dni=VALID_DNI, consent=written_consent(), program=world.program_a, ethnic_group="Quechua")


class TestList:
    def test_shows_name_masked_dni_age_district_and_organization(self, world, login, maria):
        page = body(login(world.field_a).get(reverse("person_list")))
        assert "María Quispe Huamán" in page and "•••••567" in page and VALID_DNI not in page
        assert f">{maria.age} " in page and "joven" in page
        assert "Urcos" in page and "Alfa" in page

    def test_search_by_name_and_by_dni_and_htmx_reload(self, world, login, maria):
        register(world, given_names="Juana", paternal_surname="Condori", maternal_surname="")
        client = login(world.field_a)
        page = body(client.get(reverse("person_list"), {"q": "Quispe Humán"}))
        assert "María Quispe Huamán" in page and "Juana Condori" not in page
        response = client.post(
            reverse("person_list"), {"q": VALID_DNI}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="person-table"
        )
        html = response.content.decode()
        assert "<main" not in html and "María Quispe Huamán" in html and VALID_DNI not in html
        assert "HX-Push-Url" not in response  # a DNI never goes into an address
        response = client.post(
            reverse("person_list"), {"q": "quispe"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="person-table"
        )
        assert response["HX-Push-Url"] == reverse("person_list") + "?q=quispe"

    def test_a_dni_never_travels_in_an_address(self, world, login, maria):
        client = login(world.field_a)
        response = client.get(reverse("person_list"), {"q": VALID_DNI, "sex": "F"})
        assert response.status_code == 302 and response["Location"] == reverse("person_list") + "?sex=F"
        response = client.post(reverse("person_list"), {"q": f"{VALID_DNI}-9", "sex": "F"})
        page = response.content.decode()  # the whole page, its language switch included
        assert response.status_code == 200 and "María Quispe Huamán" in page and VALID_DNI not in page
        response = client.post(reverse("person_list"), {"q": "Quispe", "sex": "F"})
        assert response.status_code == 302 and response["Location"] == reverse("person_list") + "?q=Quispe&sex=F"
        assert "Nadie coincide" in body(client.get(reverse("person_list"), {"q": "zzzz"}))

    def test_filters_by_program_and_sex(self, world, login, maria):
        register(world, given_names="Juana", paternal_surname="Condori", sex="M")
        client = login(world.field_a)
        page = body(client.get(reverse("person_list"), {"program": "alpha"}))
        assert "María Quispe" in page and "Juana Condori" not in page
        page = body(client.get(reverse("person_list"), {"sex": "M"}))
        assert "María Quispe" not in page and "Juana Condori" in page

    def test_other_organizations_see_none_of_them_and_funders_get_404(self, world, login, maria):
        assert "María Quispe" not in body(login(world.field_b).get(reverse("person_list")))
        for user in (world.funder_a, world.nobody):
            assert login(user).get(reverse("person_list")).status_code == 404

    @pytest.mark.parametrize("query", [{}, {"q": "nombre"}])
    def test_constant_queries(self, world, login, django_assert_max_num_queries, query):
        """The same number of queries for 3 people as for 30 (a page of 25), and a bounded number."""
        client = login(world.field_a)

        def add(count):
            for n in range(count):
                person = register(world, given_names=f"Nombre{n}", district_id="081202" if n % 2 else "081201")
                Enrollment.objects.create(
                    participant=person, program=world.program_a, organization=world.org_a, enrolled_on="2024-02-01"
                )

        add(3)
        with django_assert_max_num_queries(30) as few:
            client.get(reverse("person_list"), query)
        Participant.objects.all().delete()
        add(30)
        with django_assert_max_num_queries(len(few)) as many:
            response = client.get(reverse("person_list"), query)
        assert len(many) == len(few)
        if "q" not in query or query["q"] == "nombre":
            assert body(response).count('href="/personas/') >= 25


class TestCreate:
    def test_registers_with_consent_and_enrollment_without_echoing_the_dni(self, world, login):
        client = login(world.field_a)
        assert "Participación en el programa" in body(client.get(reverse("person_create")))
        response = client.post(
            reverse("person_create"),
            create_form(
                world,
                dni=f"{VALID_DNI}-9",
                program=world.program_a.pk,
                ethnic_group="Quechua",
                covers_sensitive_data="on",
            ),
        )
        person = Participant.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("person_detail", args=[person.pk])
        assert person.ethnic_group == "Quechua" and person.dni_last_digits == "567"
        assert person.consents.get().covers_sensitive_data
        assert person.enrollments.get().program == world.program_a
        page = client.get(response["Location"]).content.decode()
        assert "Rosa Mamani Ccori" in page and "•••••567" in page and VALID_DNI not in page

    @pytest.mark.parametrize("dni", ["4123456", "4123456X", "ABCDEFGH", f"{VALID_DNI}-1"])
    def test_bad_dni(self, world, login, dni):
        response = login(world.field_a).post(reverse("person_create"), create_form(world, dni=dni))
        assert response.status_code == 200 and "El DNI debe tener 8 dígitos" in body(response)
        assert not Participant.objects.exists()

    def test_birth_date_in_the_future(self, world, login):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = login(world.field_a).post(
            reverse("person_create"), create_form(world, birth_date=tomorrow.isoformat(), birth_year="")
        )
        assert "no puede estar en el futuro" in body(response)
        assert not Participant.objects.exists()

    @pytest.mark.parametrize(
        "sensitive", [{"ethnic_group": "Awajún"}, {"disability": "on"}, {"deprived_of_liberty": "on"}]
    )
    def test_sensitive_data_needs_a_written_consent_covering_it(self, world, login, sensitive):
        client = login(world.field_a)
        for consent in (
            {"give_consent": None},
            {"method": "signed_paper"},
            {"method": "verbal", "covers_sensitive_data": "on"},
        ):
            response = client.post(reverse("person_create"), create_form(world, **sensitive, **consent))
            assert response.status_code == 200
            assert "consentimiento" in body(response).lower() and 'class="error"' in body(response)
        assert not Participant.objects.exists() and not Consent.objects.exists()

    def test_likely_duplicate_is_shown_before_saving_and_can_be_overridden(self, world, login, maria):
        client = login(world.field_a)
        form = create_form(
            world, given_names="Maria", paternal_surname="Quispe", maternal_surname="Huaman", birth_year="2000"
        )
        response = client.post(reverse("person_create"), form)
        page = body(response)
        assert "Puede que ya esté registrada" in page and "María Quispe Huamán" in page
        assert "registrarla de todos modos" in page
        assert Participant.objects.count() == 1
        response = client.post(reverse("person_create"), {**form, "confirm": "on"})
        assert response.status_code == 302 and Participant.objects.count() == 2

    def test_same_dni_as_another_organizations_person(self, world, login, maria):
        response = login(world.field_b).post(
            reverse("person_create"), create_form(world, organization=world.org_b.pk, dni=VALID_DNI)
        )
        page = body(response)
        assert "Ya hay una persona registrada con ese DNI" in page
        assert "María" not in page and "Quispe" not in page and "Alfa" not in page
        assert Participant.objects.count() == 1

    def test_htmx_check_while_typing(self, world, login, maria):
        client = login(world.field_a)
        form = create_form(
            world, given_names="María", paternal_surname="Quispe", maternal_surname="Huamán", birth_year="2000"
        )
        html = client.post(reverse("person_check_duplicates"), form, HTTP_HX_REQUEST="true").content.decode()
        assert "María Quispe Huamán" in html and "<main" not in html
        html = client.post(
            reverse("person_check_duplicates"), create_form(world), HTTP_HX_REQUEST="true"
        ).content.decode()
        assert html.strip() == ""
        assert login(world.funder_a).post(reverse("person_check_duplicates"), form).status_code == 404

    def test_users_without_an_organization_cannot_register(self, world, login):
        assert login(world.funder_a).get(reverse("person_create")).status_code == 403
        assert login(world.nobody).get(reverse("person_create")).status_code == 403


class TestDetail:
    def test_profile_shows_data_consents_enrollments(self, world, login, maria):
        page = body(login(world.field_a).get(reverse("person_detail", args=[maria.pk])))
        assert "María Quispe Huamán" in page and "•••••567" in page and "Quechua" in page
        assert "Programa Alfa" in page and "Activa" in page and "Retirar" in page
        assert reverse("person_export", args=[maria.pk]) in page

    def test_auditors_see_her_but_not_her_sensitive_data_nor_the_buttons(self, world, login, maria):
        page = body(login(world.auditor_a).get(reverse("person_detail", args=[maria.pk])))
        assert "María Quispe Huamán" in page and "Quechua" not in page and "Reservados" in page
        assert "Retirar" not in page and reverse("person_edit", args=[maria.pk]) not in page
        assert login(world.auditor_a).get(reverse("person_edit", args=[maria.pk])).status_code == 403

    def test_outsiders_get_404_on_every_page_about_her(self, world, login, maria):
        consent, enrollment = maria.consents.get(), maria.enrollments.get()
        urls = [
            reverse(name, args=[maria.pk])
            for name in (
                "person_detail",
                "person_edit",
                "consent_create",
                "enrollment_create",
                "person_export",
                "person_anonymize",
            )
        ] + [reverse("consent_withdraw", args=[consent.pk]), reverse("enrollment_edit", args=[enrollment.pk])]
        events = AuditEvent.objects.count()
        for user in (world.field_b, world.admin_b, world.coordinator_b, world.funder_a, world.nobody):
            client = login(user)
            for url in urls:
                if "retirar" not in url:
                    assert client.get(url).status_code == 404, (user, url)
                assert client.post(url, {"status": "dropped"}).status_code == 404, (user, url)
        assert AuditEvent.objects.count() == events
        maria.refresh_from_db()
        assert maria.given_names == "María" and maria.consents.get().withdrawn_on is None


class TestWrites:
    def test_edit_keeps_the_dni_when_left_blank(self, world, login, maria):
        client = login(world.field_a)
        page = body(client.get(reverse("person_edit", args=[maria.pk])))
        assert "•••••567" in page and VALID_DNI not in page
        form = create_form(
            world,
            given_names="María Elena",
            paternal_surname="Quispe",
            maternal_surname="Huamán",
            birth_year="2000",
            ethnic_group="Quechua",
        )
        response = client.post(reverse("person_edit", args=[maria.pk]), form)
        assert response.status_code == 302
        maria.refresh_from_db()
        assert maria.given_names == "María Elena" and maria.dni_last_digits == "567"

    def test_withdraw_a_consent_from_the_profile(self, world, login, maria):
        client = login(world.field_a)
        consent = maria.consents.get()
        assert client.get(reverse("consent_withdraw", args=[consent.pk])).status_code == 405
        response = client.post(reverse("consent_withdraw", args=[consent.pk]))
        assert response.status_code == 302
        maria.refresh_from_db()
        assert maria.ethnic_group == "" and Consent.objects.get().withdrawn_on is not None
        assert "Quechua" not in body(client.get(reverse("person_detail", args=[maria.pk])))

    def test_record_a_consent(self, world, login, maria):
        client = login(world.field_a)
        assert "v1" in body(client.get(reverse("consent_create", args=[maria.pk])))
        response = client.post(
            reverse("consent_create", args=[maria.pk]),
            {"purpose": "Fotos", "text_version": "v2", "method": "digital", "given_on": "2024-03-01"},
        )
        assert response.status_code == 302 and maria.consents.filter(text_version="v2").exists()
        future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
        response = client.post(
            reverse("consent_create", args=[maria.pk]),
            {"purpose": "Fotos", "text_version": "v3", "method": "digital", "given_on": future},
        )
        assert "no puede estar en el futuro" in body(response) and not maria.consents.filter(text_version="v3").exists()

    def test_enroll_and_change_status(self, world, login):
        person = register(world)
        client = login(world.field_a)
        response = client.post(
            reverse("enrollment_create", args=[person.pk]),
            {"program": world.program_a.pk, "organization": world.org_a.pk, "enrolled_on": "2024-02-01"},
        )
        assert response.status_code == 302
        enrollment = Enrollment.objects.get()
        response = client.post(
            reverse("enrollment_create", args=[person.pk]),
            {"program": world.program_a.pk, "organization": world.org_a.pk, "enrolled_on": "2024-02-01"},
        )
        assert response.status_code == 200 and Enrollment.objects.count() == 1  # not twice
        response = client.post(
            reverse("enrollment_edit", args=[enrollment.pk]), {"status": "completed", "enrolled_on": "2024-02-01"}
        )
        assert response.status_code == 302
        enrollment.refresh_from_db()
        assert enrollment.status == "completed" and enrollment.ended_on == timezone.localdate()
        assert "Concluida" in body(client.get(reverse("person_detail", args=[person.pk])))

    def test_export_is_a_json_download_without_the_dni(self, world, login, maria):
        response = login(world.field_a).get(reverse("person_export", args=[maria.pk]))
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
        assert "attachment" in response["Content-Disposition"]
        data = json.loads(response.content)
        assert data["nombres"] == "María" and data["grupo_etnico"] == "Quechua"
        assert VALID_DNI not in response.content.decode()
        assert (
            AuditEvent.objects.filter(model="people.participant", object_id=str(maria.pk), actor=world.field_a).count()
            >= 2
        )

    def test_anonymize_asks_then_does(self, world, login, maria):
        client = login(world.field_a)
        page = body(client.get(reverse("person_anonymize", args=[maria.pk])))
        assert "No se puede deshacer" in page
        maria.refresh_from_db()
        assert maria.given_names == "María"
        response = client.post(reverse("person_anonymize", args=[maria.pk]))
        assert response.status_code == 302
        page = body(client.get(reverse("person_detail", args=[maria.pk])))
        assert "Persona anonimizada" in page and "Quispe" not in page and "Programa Alfa" in page
        assert client.get(reverse("person_edit", args=[maria.pk])).status_code == 302


def test_the_dni_appears_in_no_page(world, login, maria):
    client = login(world.superuser)
    urls = [
        reverse("person_list"),
        reverse("person_detail", args=[maria.pk]),
        reverse("person_edit", args=[maria.pk]),
        reverse("person_anonymize", args=[maria.pk]),
        reverse("person_export", args=[maria.pk]),
        reverse("audit_list"),
        reverse("admin:people_participant_changelist"),
        reverse("admin:people_participant_change", args=[maria.pk]),
    ]
    responses = [(url, client.get(url)) for url in urls]
    responses.append(("search", client.post(reverse("person_list"), {"q": VALID_DNI})))
    for url, response in responses:
        assert response.status_code == 200, url
        assert VALID_DNI not in response.content.decode(), url
        assert maria.dni_hash not in response.content.decode(), url


def test_admin_pages_open_read_only(world, login, maria):
    client = login(world.superuser)
    records = {
        "participant": maria.pk,
        "consent": maria.consents.get().pk,
        "enrollment": maria.enrollments.get().pk,
    }
    for model, pk in records.items():
        assert client.get(reverse(f"admin:people_{model}_changelist"), {"q": "quispe"}).status_code == 200
        assert client.get(reverse(f"admin:people_{model}_change", args=[pk])).status_code == 200
    assert client.get(reverse("admin:people_household_changelist")).status_code == 200
    assert client.get(reverse("admin:people_participant_add")).status_code == 403
