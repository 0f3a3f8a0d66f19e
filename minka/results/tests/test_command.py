"""`minka indicators`: a program's indicators as JSON or a table, full figures, one clear line on bad input."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from minka import cli
from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, ActivityCategory, Attendance, Session
from minka.people.models import Participant
from minka.programs.models import Phase
from minka.results import services
from minka.results.tests.test_pages import enterprise_make
from minka.testing import ProjectFactory

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, dict | None]:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    text = out.getvalue()
    return text, (json.loads(text, parse_float=Decimal) if "--format" not in args else None)


def by_code(report) -> dict:
    return {entry["code"]: entry for entry in report["indicators"]}


def _people(world, sex, count):
    return [
        Participant.objects.create(
            given_names=f"{sex}{n}", paternal_surname="Prueba", sex=sex, registered_by=world.org_a, search_name=f"p{n}"
        )
        for n in range(count)
    ]


def _activity(world, project, category, day, people):
    activity = Activity.objects.create(
        program=world.program_a,
        project=project,
        organization=world.org_a,
        activity_type=world.program_a.activity_types.filter(category=category).first(),
        title=f"Actividad {category}",
        start_date=day,
        end_date=day,
    )
    session = Session.objects.create(activity=activity, date=day)
    for person in people:
        Attendance.objects.create(session=session, participant=person, recorded_by=world.field_a)


@pytest.fixture
def alpha(world):
    """Program alpha: 10 people (7 women, 3 men) in a phase-1 listening session in March 2024, 3 of them in a
    business course in May, 4 in phase 2; three enterprises, two with a higher income; a framework over them."""
    phase_2 = Phase.objects.create(program=world.program_a, number=2, name_es="Fase 2", name_en="Phase 2")
    project_2 = ProjectFactory(program=world.program_a, phase=phase_2, lead_organization=world.org_a)
    activity_types_ensure(world.program_a)
    women, men = _people(world, "F", 7), _people(world, "M", 3)
    everyone = women + men
    _activity(world, world.project_a, ActivityCategory.LISTENING, datetime.date(2024, 3, 4), everyone)
    _activity(world, world.project_a, ActivityCategory.BUSINESS_TRAINING, datetime.date(2024, 5, 6), everyone[:3])
    _activity(world, project_2, ActivityCategory.JOB_SEARCH, datetime.date(2025, 2, 10), everyone[5:9])
    enterprise_make(world, "Tejidos A", baseline=Decimal("100.00"), latest=Decimal("200.50"))
    enterprise_make(world, "Tejidos B", baseline=Decimal("100.00"), latest=Decimal("300.50"))
    enterprise_make(world, "Tejidos C", baseline=Decimal("100.00"), latest=Decimal("50.00"))

    editor, program = world.coordinator_a, world.program_a

    def result(code, level, parent=None):
        data = {"code": code, "level": level, "parent": parent, "statement_es": f"Resultado {code}"}
        return services.result_save(user=editor, program=program, data=data)

    def indicator(result, code, unit, measure="", **data):
        data = {"result": result, "code": code, "name_es": f"Indicador {code}", "name_en": f"Indicator {code}",
                "unit": unit, "source": "computed" if measure else "reported", "measure": measure, **data}  # fmt: skip
        return services.indicator_save(user=editor, program=program, data=data)

    impact = result("1", "impact")
    outcome = result("1.1", "outcome", impact)
    reach = indicator(outcome, "P1", "people", "people_reached", phase=world.phase_a)
    services.target_save(user=editor, indicator=reach, period="fase-1", value=Decimal(20))
    indicator(
        outcome, "P1B", "people", "people_reached", phase=world.phase_a, activity_categories=["business_training"]
    )
    indicator(outcome, "P2", "people", "people_reached", phase=phase_2)
    indicator(impact, "E1", "percent", "enterprises_income_up")
    indicator(impact, "E2", "soles", "income_change_median")
    reported = indicator(impact, "R1", "people")
    report = services.report_save(
        user=world.field_a,
        indicator=reported,
        period="2024",
        data={"organization": world.org_a, "value": Decimal(50), "narrative": "Acta de la asamblea."},
    )
    report = services.report_submit(user=world.field_a, report=report)
    services.report_approve(user=world.coordinator_a, report=report)
    return world


def test_json_gives_every_indicator_with_its_figures(alpha):
    text, report = run("--program", "alpha")

    assert (report["program"], report["phase"], report["period"], report["by"]) == ("alpha", None, None, [])
    indicators = by_code(report)
    assert list(indicators) == ["E1", "E2", "R1", "P1", "P1B", "P2"]  # by result, then position and code
    reach = indicators["P1"]
    assert (reach["value"], reach["target"], reach["progress"]) == (10, 20, Decimal("50.0"))
    assert (reach["unit"], reach["source"], reach["additive"]) == ("people", "computed", True)
    assert reach["cumulative"] is True and reach["name"] == "Indicador P1" and "cells" not in reach
    assert indicators["P1B"]["value"] == 3 and indicators["P2"]["value"] == 4
    # A percentage keeps its parts; a median its cents; a reported count is a count.
    income_up = indicators["E1"]
    assert (income_up["value"], income_up["numerator"], income_up["denominator"]) == (Decimal("66.7"), 2, 3)
    assert indicators["E2"]["value"] == Decimal("100.50")
    assert indicators["R1"]["value"] == 50 and indicators["R1"]["source"] == "reported"
    # Written exactly, as numbers: no float rounding, no quoted strings.
    assert '"value": 66.7,' in text and '"value": 100.50,' in text and '"value": 50,' in text
    assert '"target": 20,' in text and '"progress": 50.0,' in text


def test_phase_keeps_the_indicators_of_that_phase_and_of_none(alpha):
    _text, report = run("--program", "alpha", "--phase", "1")

    assert report["phase"] == 1
    assert set(by_code(report)) == {"E1", "E2", "R1", "P1", "P1B"}

    _text, report = run("--program", "alpha", "--phase", "2")
    assert set(by_code(report)) == {"E1", "E2", "R1", "P2"}
    assert by_code(report)["P2"]["value"] == 4


def test_period_counts_up_to_its_end_for_cumulative_indicators(alpha):
    _text, march = run("--program", "alpha", "--period", "2024-03")
    indicators = by_code(march)
    assert march["period"] == "2024-03"
    assert indicators["P1"]["value"] == 10
    assert indicators["P1B"]["value"] == 0  # the course was in May
    assert indicators["R1"]["value"] is None  # reported for the whole of 2024, not within March

    _text, early = run("--program", "alpha", "--period", "2024-01..2024-02")
    assert early["period"] == "2024-01..2024-02" and by_code(early)["P1"]["value"] == 0

    _text, year = run("--program", "alpha", "--period", "2024")
    assert by_code(year)["R1"]["value"] == 50 and by_code(year)["P1B"]["value"] == 3


def test_by_splits_what_can_be_split_and_says_what_cannot(alpha):
    _text, report = run("--program", "alpha", "--by", "sex")
    indicators = by_code(report)

    assert report["by"] == ["sex"]
    cells = indicators["P1"]["cells"]
    assert {cell["key"]["sex"]: cell["value"] for cell in cells} == {"F": 7, "M": 3}
    assert sum(cell["value"] for cell in cells) == indicators["P1"]["value"]
    assert {cell["labels"]["sex"] for cell in cells} == {"Mujer", "Hombre"}
    # The operator sees full figures: a cell of three people is not hidden as it is from funders.
    assert all(cell["value"] is not None for cell in cells)
    for code in ("R1", "E1"):  # a reported value cannot be split; enterprises have no sex
        assert indicators[code]["cells"] is None and indicators[code]["not_split_by"] == ["sex"]
        assert indicators[code]["value"] == (50 if code == "R1" else Decimal("66.7"))


def test_by_two_dimensions_names_only_the_missing_ones(alpha):
    _text, report = run("--program", "alpha", "--phase", "1", "--by", "sex,organization")
    indicators = by_code(report)

    assert indicators["P1"]["cells"][0]["key"].keys() == {"sex", "organization"}
    assert indicators["P1"]["cells"][0]["labels"]["organization"] == "Alfa"
    assert indicators["E1"]["not_split_by"] == ["sex"]
    assert indicators["R1"]["not_split_by"] == ["sex", "organization"]


def test_lang_en_gives_english_names_and_labels(alpha):
    _text, report = run("--program", "alpha", "--by", "sex", "--lang", "en")
    reach = by_code(report)["P1"]

    assert reach["name"] == "Indicator P1"
    assert {cell["labels"]["sex"] for cell in reach["cells"]} == {"Woman", "Man"}


def test_table_is_aligned_and_readable(alpha):
    text, _report = run("--program", "alpha", "--phase", "1", "--by", "sex", "--format", "table")
    lines = text.splitlines()

    assert lines[0] == "Programa Alfa · fase 1 · por sexo"
    header = next(line for line in lines if line.startswith("Código"))
    assert header.split() == ["Código", "Indicador", "Valor", "Meta", "Avance", "Línea", "de", "base"]
    reach = next(line for line in lines if line.startswith("P1 "))
    assert reach.split()[1:] == ["Indicador", "P1", "10", "20", "50,0", "%", "—"]
    women = next(line for line in lines if line.split() == ["Mujer", "7"])
    assert any("(no se desagrega por: sexo)" in line for line in lines)
    assert next(line for line in lines if line.startswith("E1 ")).split()[-5:] == ["66,7", "%", "—", "—", "—"]
    # Aligned: each value ends where the "Valor" heading ends.
    value_end = header.index("Valor") + len("Valor")
    assert reach[:value_end].endswith(" 10") and women[:value_end].endswith(" 7")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--program", "nada"], "No existe un programa con el identificador «nada»."),
        (["--program", "alpha", "--period", "2024-13"], "No se entiende el periodo «2024-13»"),
        (["--program", "alpha", "--period", "2024-06..2024-01"], "termina antes de empezar"),
        (["--program", "alpha", "--by", "colour"], "Desagregación desconocida: colour."),
        (["--program", "alpha", "--by", "sex,sex"], "Cada desagregación una sola vez."),
        (["--program", "alpha", "--phase", "9"], "El programa no tiene la fase «9»."),
        (["--program", "alpha", "--phase", "uno"], "El programa no tiene la fase «uno»."),
        (["--program", "alpha", "--format", "xml"], "invalid choice: 'xml'"),
        (["--program", "alpha", "--lang", "fr"], "invalid choice: 'fr'"),
    ],
)
def test_bad_input_is_one_clear_error(alpha, args, message):
    with pytest.raises(CommandError) as error:
        call_command("indicators", *args, stdout=StringIO())
    assert message in str(error.value)


def test_from_the_command_line_bad_input_exits_non_zero_with_one_line_and_no_trace(alpha, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["minka", "indicators", "--program", "alpha", "--period", "ayer"])

    assert exit_.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        "CommandError: No se entiende el periodo «ayer». Use 2019, 2019-Q3, 2019-07 o 2019-01..2019-12."
    ]


def test_from_the_command_line_the_json_parses(alpha, capsys):
    cli.main(["minka", "indicators", "--program", "alpha", "--phase", "1"])

    report = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert by_code(report)["P1"]["value"] == 10


def test_a_program_without_indicators_gives_an_empty_list(world):
    _text, report = run("--program", "beta", "--by", "sex")

    assert report["indicators"] == [] and report["by"] == ["sex"]


def test_help_lists_the_options_in_spanish(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["minka", "indicators", "--help"])

    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "Muestra los indicadores de un programa" in out and "--by DIM,DIM" in out
