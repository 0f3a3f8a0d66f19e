"""The donor reports of the demo programs carry the demo's figures: Work 4 Progress Peru's published phase-1 results
(9,245 people, 3,685 in listening, 5,560 in prototyping, 2,586 trained, 434 enterprises) and its phase-2 target,
its funding as the records add it up, and the solidarity fund's portfolio.

The whole demo is loaded once for the module, inside a transaction rolled back when the module ends.
"""

import io
import time

import pytest
from django.db import transaction
from django.db.models import Sum
from openpyxl import load_workbook
from pypdf import PdfReader

from minka.credit.models import Loan
from minka.credit.portfolio import quality_on
from minka.demo import credit as demo_credit
from minka.demo.loader import _demo_users, demo_load
from minka.people.models import Participant
from minka.programs.models import Disbursement, FundingCommitment, Program
from minka.reports.donor import services
from minka.reports.models import DonorReport, ReportStatus
from minka.stories.models import Story


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        assert demo_load().created
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo


def built(slug, *, language="es", file_format="pdf", phase=None) -> DonorReport:
    program = Program.objects.get(slug=slug)
    report = DonorReport.objects.create(
        program=program,
        phase=program.phases.get(number=phase) if phase else None,
        language=language,
        format=file_format,
        requested_by=_demo_users()["coordinadora"],
    )
    report = services.donor_report_build(report_id=report.pk)
    assert report.status == ReportStatus.DONE, report.error
    return report


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return "\n".join(page.extract_text() for page in pages).replace("\xa0", " ").replace("\u202f", " ")


def workbook(report):
    with report.file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def spanish_euros(amount) -> str:
    """1234567.5 as Spanish writes it in the report: € 1 234 567,50."""
    return "€ " + f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def test_w4p_phase_one_in_spanish_gives_the_published_figures(loaded):
    text = pdf_text(built("w4p-peru", phase=1))
    assert "Work 4 Progress Perú" in text
    for figure in ("9 245", "3 685", "5 560", "2 586", "434"):
        assert figure in text
    # Phase 1 was paid by "la Caixa" for its five projects: what the records add up to, in euros, Spanish style.
    phase_one = FundingCommitment.objects.filter(project__program__slug="w4p-peru", project__phase__number=1)
    committed = phase_one.aggregate(total=Sum("amount"))["total"]
    received = Disbursement.objects.filter(commitment__in=phase_one).aggregate(total=Sum("amount"))["total"]
    assert spanish_euros(committed) in text and spanish_euros(received) in text
    # Luz Usaccahi consented: her story and name are in; nobody else from the registry is.
    assert "Luz Usaccahi" in text
    storytellers = set(Story.objects.publishable().values_list("storyteller", flat=True))
    for given, surname in Participant.objects.values_list("given_names", "paternal_surname").iterator():
        name = f"{given} {surname}"
        assert name in storytellers or name not in text


def test_w4p_phase_two_in_english_workbook_has_its_target(loaded):
    book = workbook(built("w4p-peru", language="en", file_format="xlsx", phase=2))
    rows = {row[0]: row for row in book["Results"].iter_rows(values_only=True)}
    reach = rows["1.2a"]
    assert reach[6] == 5500 and 0 < reach[8] < 5500
    assert reach[9] == pytest.approx(reach[8] / 5500, abs=0.0005)
    assert "1.1a" not in rows  # a phase-1 indicator


def test_the_whole_w4p_report_and_its_build_time(loaded):
    started = time.perf_counter()
    report = built("w4p-peru")
    elapsed = time.perf_counter() - started
    print(f"\nW4P donor report (whole program, PDF): {elapsed:.1f} s")
    with report.file.open("rb") as handle:
        assert len(PdfReader(io.BytesIO(handle.read())).pages) <= 20


def test_the_solidarity_fund_report_carries_its_portfolio(loaded):
    report = built("ama-solidarity-fund", file_format="xlsx", language="es")
    book = workbook(report)
    rows = list(book["Crédito"].iter_rows(values_only=True))[1:]
    program = Program.objects.get(slug="ama-solidarity-fund")
    assert len(rows) == program.funds.count() >= 1
    for row in rows:
        quality = quality_on(loans=Loan.objects.filter(fund__name=row[0]), on=row[2].date())
        assert row[5] == pytest.approx(float(quality.gross_loan_portfolio))
        assert row[6] == pytest.approx(float(quality.par30))
        assert row[4] == (quality.active_borrowers if quality.active_borrowers >= 5 else "< 5")
    # The map counts the women with a current loan of the prison fund, all in the province of Trujillo.
    prison = Loan.objects.filter(fund__slug=demo_credit.PRISON_FUND)
    on = rows[0][2].date()
    assert list(book["Mapa"].iter_rows(values_only=True))[1:] == [
        ("1301", "Trujillo", quality_on(loans=prison, on=on).active_borrowers)
    ]
