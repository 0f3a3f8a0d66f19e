"""The donor report's figures, on a program built by hand whose expected numbers are counted here from the records,
apart from the report's code: the PDF's text (read back with pypdf) and the workbook's cells (openpyxl) in both
languages, small cells hidden whoever asks, an honest empty period, a program without targets, and no personal
name in the PDF but the storyteller's who consented."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from minka.activities.models import Attendance
from minka.people.models import Participant
from minka.programs.models import Disbursement
from minka.reports.donor.content import Hidden, content_build
from minka.reports.donor.pdf import pdf_render
from minka.reports.donor.xlsx import xlsx_render
from minka.reports.models import DonorReport
from minka.results import services as results_services
from minka.results.tests.conftest import Builder
from minka.stories.models import Story, StoryVisibility
from minka.stories.tests.conftest import photo_upload

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = (D(2024, 1, 1), D(2024, 12, 31))
# (district, sex, born, how many): ages are counted on the period's last day, 31 December 2024.
CROWD = [
    ("081201", "F", D(2004, 6, 1), 6),  # Urcos, Quispicanchi: 20 years old
    ("081201", "M", D(2004, 6, 1), 2),
    ("081201", "F", D(1989, 6, 1), 2),  # 35
    ("081201", "M", D(1989, 6, 1), 2),
    ("010401", "F", D(1989, 6, 1), 3),  # Nieva, Condorcanqui
    ("010401", "M", D(1974, 6, 1), 2),  # 50: a band of two, hidden
    ("010401", "M", D(2004, 6, 1), 1),
]


@pytest.fixture
def alpha(world):
    """Program alpha with 18 people at a session of March 2024, an indicator counting them with a 2024 target of
    40, a reported indicator without target, EUR 40,000.50 received in 2024 and 10,000 in 2025, and two stories:
    one consented and public, one internal."""
    build = Builder(world)
    from minka.activities.catalogue import activity_types_ensure

    activity_types_ensure(world.program_a)
    session = build.session(build.activity(start=D(2024, 3, 1), end=D(2024, 3, 31)), D(2024, 3, 4))
    for district, sex, born, count in CROWD:
        build.attend(session, *[build.person(sex=sex, birth_date=born, district=district) for _ in range(count)])
    reached = build.indicator(
        "P",
        name_en="People reached",
        name_es="Personas alcanzadas en Alfa",
        baseline_value=Decimal(0),
        disaggregations=["sex", "age_band", "province"],
    )
    results_services.target_save(user=world.coordinator_a, indicator=reached, period="2024", value=Decimal(40))
    build.indicator("R", measure=None, name_es="Planes aprobados", name_en="Approved plans")
    Disbursement.objects.create(commitment=world.commitment_a, amount=Decimal("40000.50"), disbursed_on=D(2024, 2, 1))
    Disbursement.objects.create(commitment=world.commitment_a, amount=Decimal("10000.00"), disbursed_on=D(2025, 3, 1))
    Story.objects.create(
        program=world.program_a,
        title="Rocío teje su futuro",
        text="Empecé con un crédito pequeño.",
        storyteller="Rocío",
        told_on=D(2024, 5, 2),
        consent_to_publish=True,
        consent_recorded_on=D(2024, 5, 2),
        consent_recorded_by=world.coordinator_a,
        visibility=StoryVisibility.PUBLIC,
    )
    Story.objects.create(
        program=world.program_a,
        title="Historia interna",
        text="No sale.",
        storyteller="Escondida",
        told_on=D(2024, 6, 1),
    )
    return world


def counted(**where) -> int:
    """People at program alpha's sessions in 2024, counted straight from the attendance."""
    rows = Attendance.objects.filter(session__activity__program__slug="alpha", session__date__year=2024)
    return rows.filter(**where).values("participant").distinct().count()


def report_of(world, *, language="es", file_format="pdf", start=YEAR[0], end=YEAR[1], project=None, phase=None):
    return DonorReport.objects.create(
        program=world.program_a,
        project=project,
        phase=phase,
        period_start=start,
        period_end=end,
        language=language,
        format=file_format,
        requested_by=world.coordinator_a,
    )


def build(report):
    with translation.override(report.language):
        content = content_build(report)
        return content, pdf_render(content), xlsx_render(content)


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\xa0", " ").replace("\u202f", " ")


def sheet_rows(data: bytes, title: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data))[title].iter_rows(values_only=True))


def test_the_spanish_report_carries_the_records_figures(alpha):
    content, pdf, workbook = build(report_of(alpha))
    total = counted()
    assert total == 18
    row = next(r for r in content.indicators if r.code == "P")
    assert (row.actual, row.target, row.target_label) == (total, Decimal(40), "2024")
    assert row.progress == Decimal("45.0")  # 18 of 40
    splits = {s.dimension: dict(s.rows) for s in row.splits}
    assert splits["sex"] == {"Mujer": counted(participant__sex="F"), "Hombre": counted(participant__sex="M")}
    assert sorted(splits["province"].values()) == sorted(
        [
            counted(participant__district__code__startswith="0812"),
            counted(participant__district__code__startswith="0104"),
        ]
    )
    # Two people of 45 to 64: hidden, and the next smallest band with them so it cannot be worked out.
    assert sorted((v for v in splits["age_band"].values()), key=str) == [9, Hidden(small=False), Hidden(small=True)]

    text = pdf_text(pdf)
    assert "Programa Alfa" in text and "Personas alcanzadas en Alfa" in text
    assert "Minka · Informe para financiadores" in text and "Página 1 / " in text  # the running footer
    assert "45,0 %" in text  # progress, written the Spanish way
    assert "€ 40 000,50" in text  # received in 2024, not the 2025 disbursement
    assert "€ 100 000,00" in text  # committed
    assert "€ 10 000,00" not in text
    assert "Meta" in text and "sin meta" in text  # indicator R has none
    assert "< 5" in text and "oculto" in text
    assert "Rocío teje su futuro" in text and "Escondida" not in text
    assert "Sin gastos registrados" in text

    results = sheet_rows(workbook, "Resultados")
    p_row = next(r for r in results if r[0] == "P")
    assert p_row[6] == 40 and p_row[8] == total and p_row[9] == pytest.approx(0.45)
    assert p_row[7] == "2024"
    funding = sheet_rows(workbook, "Financiamiento")
    gamma = next(r for r in funding if r[0] == "Fundación Gamma")
    assert gamma[1:] == ("EUR", 100000, 100000, pytest.approx(40000.5), pytest.approx(40000.5))


def test_the_workbook_keeps_numbers_and_dates_typed(alpha):
    _content, _pdf, workbook = build(report_of(alpha, file_format="xlsx"))
    book = load_workbook(io.BytesIO(workbook))
    assert book.sheetnames == [
        "Resumen",
        "Resultados",
        "Desagregación",
        "Gráficos",
        "Mapa",
        "Crédito",
        "Historias",
        "Financiamiento",
        "Notas",
    ]
    funding = book["Financiamiento"]
    receipt = next(row for row in funding.iter_rows() if isinstance(row[0].value, datetime.datetime))
    assert receipt[0].value.date() == D(2024, 2, 1) and receipt[0].number_format == "yyyy-mm-dd"
    assert receipt[4].value == pytest.approx(40000.5) and receipt[4].number_format == "#,##0.00"
    results = next(row for row in book["Resultados"].iter_rows() if row[0].value == "P")
    assert results[8].data_type == "n" and results[9].number_format == "0.0%"
    splits = [row for row in book["Desagregación"].iter_rows(values_only=True) if row[0] == "P"]
    assert ("P", "Personas alcanzadas en Alfa", "Sexo", "Mujer", counted(participant__sex="F")) in splits
    assert {row[4] for row in splits if row[2] == "Grupo de edad"} == {9, "< 5", "oculto"}
    summary = {row[0]: row[1] for row in book["Resumen"].iter_rows(values_only=True) if row[0]}
    assert summary["Desde"].date() == YEAR[0]


def test_the_english_report_speaks_english_with_english_numbers(alpha):
    _content, pdf, workbook = build(report_of(alpha, language="en"))
    text = pdf_text(pdf)
    assert "Alpha Program" in text and "People reached" in text
    assert "Target" in text and "Baseline" in text
    assert "45.0 %" in text
    assert "€ 40,000.50" in text
    results = sheet_rows(workbook, "Results")
    assert next(r for r in results if r[0] == "P")[8] == 18


def test_a_period_without_records_gives_an_honest_empty_report(alpha):
    content, pdf, workbook = build(report_of(alpha, start=D(2019, 1, 1), end=D(2019, 12, 31)))
    assert not content.has_results and content.funding == [] and content.stories == []
    text = pdf_text(pdf)
    assert "Sin datos en este periodo." in text
    assert "Sin historias publicables en este periodo." in text
    assert "Sin financiamiento registrado." in text
    assert sheet_rows(workbook, "Resultados")[1][:1] == ("Sin datos en este periodo.",)


def test_a_program_without_indicators_nor_period_is_still_a_report(world):
    content, pdf, _workbook = build(report_of(world, start=None, end=None))
    assert content.indicators == [] and content.period_text == "toda la vida del programa"
    assert "El programa aún no tiene indicadores." in pdf_text(pdf)


def test_no_personal_name_reaches_the_pdf_but_the_consented_storyteller(alpha):
    _content, pdf, _workbook = build(report_of(alpha))
    text = pdf_text(pdf)
    assert "Rocío" in text
    for person in Participant.objects.all():
        assert person.given_names not in text and person.paternal_surname not in text
    users = [alpha.coordinator_a, alpha.funder_a]
    assert not any(user.username in text or user.first_name in text for user in users)


def test_a_project_report_counts_the_project_alone(alpha):
    other = alpha.program_a.projects.create(code="otro", title_es="Otro proyecto", lead_organization=alpha.org_a)
    content, _pdf, _workbook = build(report_of(alpha, project=other))
    row = next(r for r in content.indicators if r.code == "P")
    assert row.actual == 0 and row.target is None  # the program's target is not a project's
    content, _pdf, _workbook = build(report_of(alpha, project=alpha.project_a))
    assert next(r for r in content.indicators if r.code == "P").actual == counted()
    assert [f.funder for f in content.funding] == ["Fundación Gamma"]


def test_a_published_story_s_photo_is_in_the_pdf(alpha, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    story = Story.objects.publishable().get()
    story.photo = photo_upload("rocio.jpg")
    story.photo_description = "Rocío con sus tejidos"
    story.save()
    _content, pdf, _workbook = build(report_of(alpha))
    # WeasyPrint shares one image among its pages' resources: one picture, whichever page lists it.
    assert len({image.name for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images}) == 1
    _content, pdf, _workbook = build(report_of(alpha, start=D(2025, 1, 1), end=D(2025, 12, 31)))
    assert not any(page.images for page in PdfReader(io.BytesIO(pdf)).pages)  # the story was told in 2024


def test_a_program_with_a_fund_reports_its_portfolio_capital_and_costs(world):
    from minka.credit import services as credit_services
    from minka.credit.tests.conftest import credit_create

    credit = credit_create(world)
    for name in ("Ana", "Berta", "Carla", "Dora", "Elsa"):
        credit.borrower(name)
    for borrower, amount in zip(credit.borrowers, ("300", "300", "250", "200", "300", "150"), strict=True):
        credit.loan(borrower, amount=amount)  # disbursed on 10 January 2025, first installment due in February
    credit_services.add_expense(
        user=world.admin_a,
        fund=credit.fund,
        data={"amount": Decimal("120.00"), "spent_on": D(2025, 1, 15), "description": "Movilidad de la asesora"},
    )
    content, pdf, workbook = build(report_of(world, start=D(2025, 1, 1), end=D(2025, 1, 31)))
    [fund] = content.portfolio
    assert (fund.active_loans, fund.active_borrowers, fund.gross_loan_portfolio) == (6, 6, Decimal("1500.00"))
    assert (fund.par30, fund.written_off) == (Decimal("0.0000"), Decimal("0.00"))
    text = pdf_text(pdf)
    assert "S/ 1 500,00" in text  # the gross portfolio: the six loans' amounts, nothing due yet
    assert "S/ 10 000,00" in text and "S/ 120,00" in text and "Movilidad de la asesora" in text
    assert "Sin gastos registrados." not in text
    for borrower in credit.borrowers:
        assert borrower.given_names not in text
    credit_rows = sheet_rows(workbook, "Crédito")
    assert credit_rows[1][:6] == ("Fondo Alfa", "PEN", datetime.datetime(2025, 1, 31), 6, 6, 1500)

    content, pdf, _workbook = build(report_of(world, start=D(2025, 1, 1), end=D(2025, 1, 31), project=world.project_a))
    assert content.portfolio == [] and content.expenses == []
    assert "La cartera de crédito se informa para todo el programa" in pdf_text(pdf)


def test_the_build_tells_its_progress_step_by_step(alpha):
    heard = []
    with translation.override("es"):
        content_build(report_of(alpha), progress_to=lambda percent, step: heard.append((percent, step)))
    percents = [percent for percent, _step in heard]
    assert percents == sorted(percents) and percents[0] > 0 and percents[-1] == 80
    steps = [step for _percent, step in heard]
    assert "Indicador P" in steps and "Indicador R" in steps and "Historias" in steps
