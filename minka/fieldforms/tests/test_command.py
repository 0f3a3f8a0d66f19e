from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from minka.fieldforms.definitions import current


def test_export_writes_the_xlsform_and_the_xform(world, records, tmp_path):
    xlsx, xml = tmp_path / "asistencia.xlsx", tmp_path / "asistencia.xml"
    out = StringIO()
    call_command(
        "forms", "export", "--program", "alpha", "--form", "attendance", "--user", "field_a", "-o", xlsx, stdout=out
    )
    call_command("forms", "export", "--program", "alpha", "--form", "attendance", "--user", "field_a", "-o", xml)
    settings = load_workbook(BytesIO(xlsx.read_bytes()))["settings"]
    version = settings["C2"].value
    assert version.startswith(current("attendance").version + ".")
    assert version in out.getvalue()
    assert f'version="{version}"'.encode() in xml.read_bytes()
    assert b"Taller secreto de Alfa" in xml.read_bytes()


@pytest.mark.parametrize("user", ["funder_a", "admin_b", "nobody"])
def test_export_refuses_users_who_may_not_download_and_writes_nothing(world, tmp_path, user):
    output = tmp_path / "registro.xlsx"
    with pytest.raises(CommandError):
        call_command("forms", "export", "--program", "alpha", "--form", "registration", "--user", user, "-o", output)
    assert not output.exists()


def test_export_refuses_another_extension(world, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "forms",
            "export",
            "--program",
            "alpha",
            "--form",
            "attendance",
            "--user",
            "admin_a",
            "-o",
            tmp_path / "f.csv",
        )
