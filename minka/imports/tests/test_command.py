"""`minka import`: exit codes, the row-level report, the summary, and the templates in Spanish and English."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from minka.imports.models import ImportBatch
from minka.people.models import Participant

GOOD = "Nombres;Sexo;Fecha de nacimiento;Consentimiento;Fecha del consentimiento\nAna;F;02/07/1985;sí;10/01/2025\n"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text(GOOD, encoding="cp1252")
    return path


@pytest.mark.django_db
def test_import_prints_a_summary_and_a_dry_run_writes_nothing(world, good_file):
    out, _err = run("people", str(good_file), "--organization", "alpha-ngo", "--user", "field_a", "--dry-run")
    assert "nuevas: 1" in out and Participant.objects.count() == 0
    out, err = run("people", str(good_file), "--organization", "alpha-ngo", "--user", "field_a")
    assert "nuevas: 1" in out and "100 %" in err
    assert Participant.objects.get().given_names == "Ana"
    out, _err = run("people", str(good_file), "--organization", "alpha-ngo", "--user", "field_a")
    assert "nuevas: 0 · ya estaban: 1" in out and Participant.objects.count() == 1


@pytest.mark.django_db
def test_errors_give_the_row_level_report_and_a_failing_exit(world, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text(GOOD + "Rosa;F;31/02/1990;sí;10/01/2025\nEva;X;;no;\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import",
            "people",
            str(path),
            "--organization",
            "alpha-ngo",
            "--user",
            "field_a",
            stdout=StringIO(),
            stderr=err,
        )
    report = err.getvalue()
    assert "Fila 3, «Fecha de nacimiento» [31/02/1990]" in report
    assert "Fila 4, «Sexo» [X]" in report
    assert Participant.objects.count() == 0
    assert ImportBatch.objects.get().status == "failed"


@pytest.mark.django_db
def test_mapping_option_names_a_header_for_a_column(world, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text("Nombre completo,Género,Acepta,Día del consentimiento\nAna,F,si,2025-01-10\n", encoding="utf-8")
    out, _err = run(
        "people",
        str(path),
        "--organization",
        "alpha-ngo",
        "--user",
        "field_a",
        "--mapping",
        "Nombre completo=given_names",
        "Género=Sexo",
        "Acepta=consent",
        "Día del consentimiento=Consent date",
    )
    assert "nuevas: 1" in out


@pytest.mark.django_db
def test_the_command_acts_with_the_named_users_rights(world, good_file):
    with pytest.raises(CommandError):
        run("people", str(good_file), "--organization", "alpha-ngo", "--user", "field_b")
    with pytest.raises(CommandError):
        run("people", str(good_file), "--organization", "alpha-ngo")
    with pytest.raises(CommandError):
        run("gatos", str(good_file), "--organization", "alpha-ngo", "--user", "field_a")
    assert Participant.objects.count() == 0


@pytest.mark.parametrize(("language", "first", "sheets"), [("es", "Actividad", 2), ("en", "Activity", 2)])
def test_xlsx_templates_have_headers_in_the_language_and_instructions(tmp_path, language, first, sheets):
    path = tmp_path / "asistencia.xlsx"
    run("attendance", "--template", str(path), "--lang", language)
    book = load_workbook(path)
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers[0] == first and len(book.sheetnames) == sheets
    assert book.worksheets[0].max_row == 1  # no example row to be imported by mistake
    instructions = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in instructions] == headers
    assert book.worksheets[0]["A1"].font.bold


def test_csv_template_uses_semicolons_in_spanish(tmp_path):
    path = tmp_path / "personas.csv"
    run("people", "--template", str(path))
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("DNI;Nombres;Apellido paterno;")
    run("people", "--template", str(path), "--lang", "en")
    assert path.read_text(encoding="utf-8-sig").startswith("DNI,Given names,Paternal surname,")
