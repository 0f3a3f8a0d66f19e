import dataclasses
import re
import shutil
from io import BytesIO

import pytest
from lxml import etree
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from minka.accounts.models import Membership, OrganizationRole
from minka.core.errors import ApplicationError
from minka.credit.tests.conftest import credit_create
from minka.fieldforms import selectors
from minka.fieldforms.definitions import FORM_IDS, NONE_CHOICE, Question, current
from minka.fieldforms.xlsform import form_build
from minka.network.models import Site
from minka.testing import OrganizationFactory, ProgramFactory, UserFactory

XF = {"xf": "http://www.w3.org/2002/xforms", "h": "http://www.w3.org/1999/xhtml"}
# An XML NCName as ODK needs for choice names: a letter or underscore, then letters, digits, - _ .
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def build(user, program, form_id, organization=None):
    form = current(form_id)
    lists = selectors.record_lists(user=user, program=program, names=form.record_lists)
    return form_build(form=form, program=program, lists=lists, organization=organization)


def choices_sheet(built) -> list[dict]:
    sheet = load_workbook(BytesIO(built.xlsx))["choices"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def choice_names(built, list_name) -> list[str]:
    return [row["name"] for row in choices_sheet(built) if row["list_name"] == list_name]


def binds(built) -> dict[str, dict]:
    tree = etree.fromstring(built.xform.encode())
    return {bind.get("nodeset"): dict(bind.attrib) for bind in tree.iterfind(".//xf:bind", XF)}


@pytest.fixture
def credit(world):
    return credit_create(world)


def test_every_form_converts_and_carries_the_programs_lists(world, records, credit):
    loan = credit.loan()
    for form_id in FORM_IDS:
        built = build(world.admin_a, world.program_a, form_id, world.org_a)
        form = current(form_id)
        root = etree.fromstring(built.xform.encode())
        instance = root.find(".//xf:instance/*", XF)
        assert instance.get("id") == f"minka_{form_id}_alpha"
        assert instance.get("version") == built.version
        assert built.version.startswith(f"{form.version}.")
        calculations = {bind["nodeset"]: bind.get("calculate") for bind in binds(built).values()}
        assert calculations["/data/minka_version"] == f"'{form.version}'"
        assert calculations["/data/minka_form"] == f"'{form_id}'"
        assert calculations["/data/minka_program"] == "'alpha'"
        # A form converted again from the file handed out gives the same XForm: what Kobo and ODK will read.
        assert convert(xlsform=BytesIO(built.xlsx), file_type=".xlsx").xform == built.xform

    registration = build(world.admin_a, world.program_a, "registration", world.org_a)
    assert choice_names(registration, "sites") == [f"s{world.site_a.pk}"]
    assert "CDE Urcos (Alfa)" in registration.xform
    # Program A covers Quispicanchi: its two districts, not Trujillo's.
    assert choice_names(registration, "districts") == ["d081202", "d081201"]
    assert "'alpha-ngo'" in registration.xform

    attendance = build(world.admin_a, world.program_a, "attendance")
    assert choice_names(attendance, "activities") == [f"a{records.activity.pk}"]
    assert "Taller secreto de Alfa" in attendance.xform
    types = world.program_a.activity_types.all()
    assert sorted(choice_names(attendance, "activity_types")) == sorted(f"t{kind.pk}" for kind in types)
    activity_row = next(row for row in choices_sheet(attendance) if row["list_name"] == "activities")
    assert activity_row["activity_type"] == f"t{records.activity.activity_type_id}"
    assert choice_names(attendance, "people") == [f"p{records.person.pk}"]  # enrolled; the merged one is not

    followup = build(world.admin_a, world.program_a, "enterprise_followup")
    assert choice_names(followup, "enterprises") == [f"e{records.enterprise.pk}"]

    visit = build(world.admin_a, world.program_a, "credit_visit")
    assert choice_names(visit, "loans") == [f"l{loan.pk}"]
    assert f"{loan.number} · Rocío Prueba · Insumos y materia prima (lana, hilos, telas)" in visit.xform


def test_choice_names_are_xml_names_unique_in_their_list(world, records, credit):
    credit.loan()
    for form_id in FORM_IDS:
        rows = choices_sheet(build(world.admin_a, world.program_a, form_id, world.org_a))
        assert rows
        for row in rows:
            assert XML_NAME.match(row["name"]), (form_id, row)
        pairs = [(row["list_name"], row["name"]) for row in rows]
        assert len(pairs) == len(set(pairs)), form_id


def test_no_dni_travels_in_a_choice_list(world, records):
    from minka.people.services import participant_register

    person = participant_register(
        user=world.admin_a,
        organization=world.org_a,
        data={"given_names": "Delia", "paternal_surname": "Huamán", "maternal_surname": "Ccori", "sex": "F"},
        dni="45678912",
        program=world.program_a,
    )
    attendance = build(world.admin_a, world.program_a, "attendance")
    assert f"p{person.pk}" in choice_names(attendance, "people")
    assert "Delia Huamán C." in attendance.xform
    assert "912" not in "".join(str(row) for row in choices_sheet(attendance))


def test_registration_asks_for_consent_first_and_the_rest_only_with_it(world):
    built = build(world.admin_a, world.program_a, "registration", world.org_a)
    survey = [q for q in current("registration").questions if q.type != "calculate"]
    assert survey[0].name == "consent"
    rules = binds(built)
    assert rules["/data/consent"]["required"] == "true()"
    for name in ("given_names", "dni", "sex", "birth_date", "district", "site", "consent_method"):
        assert rules[f"/data/{name}"]["relevant"].startswith(" /data/consent  = 'yes'"), name
    for name in ("ethnic_group", "disability", "deprived_of_liberty"):
        relevant = rules[f"/data/{name}"]["relevant"]
        # Sensitive data only under a written consent that covers it (Ley 29733), as participant_register checks.
        assert "/data/consent_sensitive  = 'yes'" in relevant
        assert "'signed_paper'" in relevant and "'digital'" in relevant
        assert "'verbal'" not in relevant
    assert "'verbal'" not in rules["/data/consent_sensitive"]["relevant"]


def test_a_program_without_sites_or_records_still_gives_valid_forms(world):
    organization = OrganizationFactory(slug="nueva-ong", name="ONG Nueva")
    program = ProgramFactory(slug="nuevo", name_es="Programa Nuevo")
    program.catalysts.add(organization)
    user = UserFactory(username="field_new")
    Membership.objects.create(user=user, organization=organization, role=OrganizationRole.FIELD_OFFICER)
    for form_id in ("registration", "attendance", "enterprise_followup"):
        built = build(user, program, form_id, organization)
        for list_name in current(form_id).record_lists:
            assert choice_names(built, list_name) == [NONE_CHOICE]
        # The placeholder can never be answered: a constraint refuses it.
        for question in current(form_id).questions:
            if question.list_name in current(form_id).record_lists:
                assert f"!= '{NONE_CHOICE}'" in binds(built)[_path(form_id, question.name)]["constraint"]


def _path(form_id, name):
    holder = current(form_id).repeats.get(name)
    return f"/data/{holder}/{name}" if holder else f"/data/{name}"


def test_the_settings_version_changes_with_the_lists_and_the_form_version_does_not(world, records):
    before = build(world.admin_a, world.program_a, "registration", world.org_a)
    Site.objects.create(
        organization=world.org_a, name="CDE Andahuaylillas", kind="business_centre", district_id="081202"
    )
    after = build(world.admin_a, world.program_a, "registration", world.org_a)
    assert before.version != after.version
    assert before.version.split(".")[0] == after.version.split(".")[0] == current("registration").version


def test_a_form_pyxform_refuses_is_never_built(world):
    form = current("enterprise_followup")
    broken = dataclasses.replace(
        form, questions=(*form.questions, Question("integer", "extra", "Extra", "Extra", relevant="${nowhere} > 0"))
    )
    with pytest.raises(ApplicationError) as refused:
        form_build(form=broken, program=world.program_a, lists={})
    assert refused.value.code == "form_invalid"
    assert "nowhere" in refused.value.message


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate (bundled with pyxform) runs on Java")
def test_odk_validate_accepts_every_form_with_records_and_without(world, records, credit):
    """JavaRosa, the engine of ODK Collect, loads each form: its XPath (relevance, constraints, the activities'
    filter by type) is checked as a phone would check it, beyond pyxform's own conversion."""
    credit.loan()
    organization = OrganizationFactory(slug="vacia", name="ONG Vacía")
    empty = ProgramFactory(slug="vacio", name_es="Programa Vacío")
    empty.catalysts.add(organization)
    for program, org in ((world.program_a, world.org_a), (empty, None)):
        for form_id in FORM_IDS:
            if form_id == "credit_visit" and program == empty:
                continue
            built = build(world.superuser, program, form_id, org)
            warnings = []
            convert(xlsform=BytesIO(built.xlsx), file_type=".xlsx", validate=True, warnings=warnings)
            assert not [w for w in warnings if "error" in w.lower()], (form_id, warnings)
