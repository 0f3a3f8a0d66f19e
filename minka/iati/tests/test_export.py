import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from lxml import etree

from minka.iati.export import XML_LANG, codes_check, program_activities, validate
from minka.network.models import Territory
from minka.people.models import Enrollment, Participant
from minka.programs.models import Disbursement, ProjectPartner
from minka.results.models import Indicator, ReportedValue, Result, Target
from minka.testing import OrganizationFactory

pytestmark = pytest.mark.django_db

YEAR_2024 = {
    "period_kind": "year",
    "period_label": "2024",
    "period_start": datetime.date(2024, 1, 1),
    "period_end": datetime.date(2024, 12, 31),
}


@pytest.fixture
def program(world):
    """Program A with dates, coordinates, a partner of each kind, a disbursement, and results: a percentage the
    project reports and a count of people enrolled, split by sex, over the whole program."""
    program = world.program_a
    program.start_date, program.end_date = datetime.date(2024, 1, 1), datetime.date(2026, 12, 31)
    program.description_es, program.description_en = "Empleo y emprendimiento", "Jobs and enterprise"
    program.save()
    Territory.objects.filter(code="0812").update(latitude=Decimal("-13.6847"), longitude=Decimal("-71.6244"))
    catalyst = OrganizationFactory(slug="delta", name="Red Delta", kind="ngo", iati_identifier="XM-DAC-41114")
    ProjectPartner.objects.create(project=world.project_a, organization=catalyst, role="catalyst")
    ally = OrganizationFactory(slug="epsilon", name="Asociación Épsilon", kind="community")
    ProjectPartner.objects.create(project=world.project_a, organization=ally, role="ally")
    Disbursement.objects.create(
        commitment=world.commitment_a, amount=Decimal("40000.00"), disbursed_on=datetime.date(2024, 2, 1)
    )
    outcome = Result.objects.create(
        program=program, level="impact", code="1", statement_es="Más ingresos", statement_en="Higher incomes"
    )
    share = Indicator.objects.create(
        result=outcome, code="1.1", name_es="% de emprendimientos rentables", name_en="% profitable enterprises",
        unit="percent", source="reported", baseline_value=Decimal("20"), baseline_date=datetime.date(2024, 1, 1),
    )  # fmt: skip
    share.projects.set([world.project_a])
    Target.objects.create(indicator=share, value=Decimal("50"), **YEAR_2024)
    ReportedValue.objects.create(
        indicator=share, organization=world.org_a, numerator=Decimal(9), denominator=Decimal(20), status="approved",
        created_by=world.field_a, **YEAR_2024,
    )  # fmt: skip
    enrolled = Indicator.objects.create(
        result=outcome, code="1.2", name_es="Personas inscritas", name_en="People enrolled", unit="people",
        source="computed", measure="people_enrolled", disaggregations=["sex"],
    )  # fmt: skip
    Target.objects.create(indicator=enrolled, value=Decimal("30"), **YEAR_2024)
    for n in range(12):
        person = Participant.objects.create(
            given_names=f"Persona {n}", paternal_surname="Prueba", sex="FM"[n % 2], registered_by=world.org_a,
            search_name=f"persona {n}",
        )  # fmt: skip
        Enrollment.objects.create(
            participant=person, program=program, organization=world.org_a, enrolled_on=datetime.date(2024, 3, 1)
        )
    return program


def test_the_export_validates_and_every_code_is_in_its_codelist(program):
    root = program_activities(program)
    assert validate(root) == []
    assert codes_check(root) == []
    assert root.get("version") == "2.03"
    assert len(root.findall("iati-activity")) == 1


def test_identifiers_roles_money_and_places(program, world):
    activity = program_activities(program).find("iati-activity")
    assert activity.findtext("iati-identifier") == "PE-RUC-20512333797-alfa-quispicanchi"
    assert activity.find("reporting-org").get("ref") == "PE-RUC-20512333797"
    assert activity.find("reporting-org").get("type") == "22"
    roles = {(o.findtext("narrative"), o.get("role"), o.get("type")) for o in activity.findall("participating-org")}
    assert roles == {
        ("Fundación Gamma", "1", "60"),
        ("Asociación Alfa", "2", "22"),
        ("Red Delta", "3", "22"),
        ("Asociación Alfa", "4", "22"),
        ("Asociación Épsilon", "4", "22"),
    }
    assert activity.find("recipient-country").get("code") == "PE"
    assert activity.find("location/name/narrative").text == "Quispicanchi"
    assert activity.findtext("location/point/pos") == "-13.6847000 -71.6244000"
    assert [s.get("code") for s in activity.findall("sector")] == ["25030"]
    transactions = [
        (t.find("transaction-type").get("code"), t.findtext("value"), t.find("value").get("currency"))
        for t in activity.findall("transaction")
    ]
    assert transactions == [("11", "100000.00", "EUR"), ("1", "40000.00", "EUR")]
    assert activity.find("budget/value").text == "100000.00"
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates == {"2": "2024-01-01", "3": "2026-12-31"}


def test_titles_and_descriptions_in_both_languages(program):
    for lang, other in (("es", "en"), ("en", "es")):
        activity = program_activities(program, lang=lang).find("iati-activity")
        assert activity.get(XML_LANG) == lang
        title = activity.findall("title/narrative")
        assert [n.get(XML_LANG) for n in title] == [None, other]
        texts = {n.get(XML_LANG) or lang: n.text for n in title}
        assert texts == {"es": "Emprendimientos en Quispicanchi", "en": "Enterprises in Quispicanchi"}
        description = {n.get(XML_LANG) or lang: n.text for n in activity.findall("description/narrative")}
        assert description == {"es": "Empleo y emprendimiento", "en": "Jobs and enterprise"}


def test_results_with_baseline_targets_actuals_and_dimensions(program):
    result = program_activities(program).find("iati-activity/result")
    assert result.get("type") == "3"
    assert result.get("aggregation-status") == "0"  # a program-wide indicator is in it
    share, enrolled = result.findall("indicator")
    assert share.get("measure") == "2"
    assert share.find("baseline").get("value") == "20"
    assert share.find("period/target").get("value") == "50"
    assert share.find("period/actual").get("value") == "45"
    assert enrolled.get("measure") == "1"
    actuals = enrolled.findall("period/actual")
    assert actuals[0].get("value") == "12" and actuals[0].find("dimension") is None
    split = {a.find("dimension").get("value"): a.get("value") for a in actuals[1:]}
    assert all(a.find("dimension").get("name") == "sex" for a in actuals[1:])
    assert sorted(split.values()) == ["6", "6"]


def test_small_cells_are_not_published(program):
    Enrollment.objects.filter(participant__given_names__in=["Persona 0", "Persona 2", "Persona 4"]).delete()
    enrolled = program_activities(program).find("iati-activity/result").findall("indicator")[1]
    values = [a.get("value") for a in enrolled.findall("period/actual")]
    assert "3" not in values  # three women: hidden, and the men's cell with them, or the total would tell
    assert values == ["9"]


def test_a_broken_file_fails_both_checks(program):
    root = program_activities(program)
    activity = root.find("iati-activity")
    activity.remove(activity.find("reporting-org"))
    activity.find("activity-status").set("code", "9")
    activity.find("sector").set("code", "99999")
    activity.find("participating-org").set("role", "7")
    errors = validate(root)
    assert errors and any("reporting-org" in e for e in errors)
    problems = codes_check(root)
    assert "activity-status@code = '9' not in ActivityStatus" in problems
    assert "sector@code = '99999' not in Sector" in problems
    assert "participating-org@role = '7' not in OrganisationRole" in problems


def test_a_hand_written_sample_passes_both_checks():
    sample = etree.parse(str(Path(__file__).parent / "sample-activity-peru.xml"))
    assert validate(sample) == []
    assert codes_check(sample) == []


def test_the_command_writes_a_valid_file(program, tmp_path):
    out = tmp_path / "alpha.xml"
    call_command("iati", "export", "--program", program.slug, "-o", str(out))
    root = etree.parse(str(out)).getroot()
    assert validate(root) == [] and codes_check(root) == []
    assert root.findtext("iati-activity/iati-identifier") == "PE-RUC-20512333797-alfa-quispicanchi"


def test_the_command_refuses_an_unknown_program(world, tmp_path):
    out = tmp_path / "none.xml"
    with pytest.raises(CommandError, match="no-such"):
        call_command("iati", "export", "--program", "no-such", "-o", str(out))
    assert not out.exists()


def test_the_command_writes_nothing_when_an_identifier_is_missing(world, tmp_path):
    out = tmp_path / "beta.xml"
    with pytest.raises(CommandError, match="IATI"):
        call_command("iati", "export", "--program", world.program_b.slug, "-o", str(out))
    assert not out.exists()


def test_the_download_for_a_member_and_404_for_outsiders(program, world, login):
    url = reverse("program_iati", kwargs={"slug": program.slug})
    response = login(world.coordinator_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert validate(root) == [] and codes_check(root) == []
    detail = login(world.coordinator_a).get(reverse("program_detail", kwargs={"slug": program.slug}))
    assert url in detail.content.decode()
    for outsider in (world.admin_b, world.nobody):
        assert login(outsider).get(url).status_code == 404


def test_a_missing_identifier_is_a_message_that_says_where_to_register_it(world, login):
    url = reverse("program_iati", kwargs={"slug": world.program_b.slug})
    edit = reverse("organization_edit", kwargs={"slug": world.org_b.slug})
    page = login(world.admin_b).get(url, follow=True).content.decode()
    assert "identificador IATI" in page and f'<a href="{edit}">' in page  # she may edit the catalyst
    page = login(world.coordinator_b).get(url, follow=True).content.decode()
    assert edit not in page and f"Pídalo a un administrador de {world.org_b.name} o de la red" in page


@pytest.fixture
def demo(db):
    from minka.demo.loader import demo_load

    demo_load(credit=False)


def test_the_demo_programs_export_valid_files_once_an_identifier_is_registered(demo):
    from minka.core.errors import ApplicationError
    from minka.network.models import Organization
    from minka.programs.models import Program

    programs = list(Program.objects.all())
    assert programs
    # The demo's organizations carry no RUC nor IATI identifier: the export says so rather than invent one.
    with pytest.raises(ApplicationError):
        program_activities(programs[0])
    # A coordinator registers the catalysts' identifiers (fictitious here).
    for n, organization in enumerate(Organization.objects.filter(catalyzed_programs__isnull=False).distinct()):
        organization.iati_identifier = f"XM-DAC-{90000 + n}"
        organization.save(update_fields=["iati_identifier"])
    periods = 0
    for program in programs:
        root = program_activities(program)
        assert validate(root) == [], program.slug
        assert codes_check(root) == [], program.slug
        assert len(root.findall("iati-activity")) == program.projects.count()
        periods += len(root.xpath("//indicator/period[target and actual]"))
    # Undated programs: periods where the records give the days (the credit records are not loaded here).
    assert periods
