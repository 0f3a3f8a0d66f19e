"""The demo's results frameworks: the published figures, read through `minka indicators` as an operator would.

The demo is loaded once for the module, inside a transaction rolled back when the module ends; each test runs in a
savepoint of it.
"""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from minka.accounts.models import User
from minka.audit.models import AuditEvent
from minka.demo import results as demo_results
from minka.demo.loader import _demo_users, demo_load
from minka.network.models import Organization
from minka.programs.models import Program
from minka.results.models import Indicator, PeriodLock, ReportedValue, ReportStatus, Result, Target

FRAMEWORK_MODELS = [Result, Indicator, Target, ReportedValue, PeriodLock]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        assert demo_load(credit=False).created
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo, db):
    return demo


def indicators(*args) -> dict:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    report = json.loads(out.getvalue(), parse_float=Decimal)
    return {entry["code"]: entry for entry in report["indicators"]}


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in FRAMEWORK_MODELS}


# Work 4 Progress Peru


def test_w4p_phase_one_gives_the_published_figures(loaded):
    phase_one = indicators("--program", "w4p-peru", "--phase", "1")

    assert phase_one["1.1a"]["value"] == 9245  # people in phase 1
    assert phase_one["1.1.1a"]["value"] == 3685  # listening and co-creation
    assert phase_one["1.1.2a"]["value"] == 5560  # prototyping
    assert phase_one["1.1.3a"]["value"] == 2586  # business-skills training
    assert phase_one["1.1.3b"]["value"] == 434  # enterprises created
    assert "1.2a" not in phase_one  # a phase-2 indicator
    # The seeds give results, not targets, for phase 1.
    assert all(phase_one[code]["target"] is None for code in ("1.1a", "1.1.1a", "1.1.2a", "1.1.3a", "1.1.3b"))


def test_w4p_phase_one_by_sex_adds_up_to_its_total(loaded):
    reach = indicators("--program", "w4p-peru", "--phase", "1", "--by", "sex")["1.1a"]

    assert reach["additive"] is True
    assert {cell["key"]["sex"] for cell in reach["cells"]} == {"F", "M"}
    assert sum(cell["value"] for cell in reach["cells"]) == 9245
    women = next(cell for cell in reach["cells"] if cell["key"]["sex"] == "F")
    assert women["labels"]["sex"] == "Mujer" and 5000 < women["value"] < 7000  # about 63 %


def test_w4p_phase_two_aims_at_5500_people_and_has_begun(loaded):
    phase_two = indicators("--program", "w4p-peru", "--phase", "2")
    reach = phase_two["1.2a"]

    assert reach["target"] == 5500
    assert 0 < reach["value"] < 5500
    assert reach["progress"] == (Decimal(reach["value"]) * 100 / 5500).quantize(Decimal("0.1"))
    job_search = phase_two["1.2.1a"]
    assert 0 < job_search["value"] < reach["value"] and job_search["target"] == 600
    assert "1.1a" not in phase_two
    # Targets the seeds do not give say they are the demo's own.
    note = Target.objects.get(indicator__program__slug="w4p-peru", indicator__code="1.2.1a").note
    assert "propia de la demostración" in note
    assert "semilla 001" in Target.objects.get(indicator__program__slug="w4p-peru", indicator__code="1.2a").note


def test_w4p_enterprises_follow_up(loaded):
    whole = indicators("--program", "w4p-peru")

    operating, income_up, median = whole["1.2.3a"], whole["1a"], whole["1b"]
    assert 0 < operating["value"] < 434 and operating["target"] == 300
    assert 0 < income_up["numerator"] <= income_up["denominator"] <= 434
    assert income_up["value"] == (Decimal(income_up["numerator"]) * 100 / income_up["denominator"]).quantize(
        Decimal("0.1")
    )
    assert median["unit"] == "soles" and isinstance(median["value"], Decimal)


# The cooperation agents, the women's participation program, the solidarity fund


def test_agents_network_trained_68_agents_who_drew_up_15_initiatives(loaded):
    network = indicators("--program", "funiber-network", "--by", "department")

    assert network["1.1.1a"]["value"] == 68
    assert network["1.1a"]["value"] == 15
    # Three per city: Lima's group counts Callao and Barranca (Lima), Iquitos's the department of Loreto…
    by_department = {cell["labels"]["department"]: cell["value"] for cell in network["1.1a"]["cells"]}
    assert by_department == {"Arequipa": 3, "Callao": 2, "Cusco": 3, "Lima": 1, "Loreto": 3, "Piura": 3}


def test_womens_participation_counts_400_leaders_and_reports_50_20_20_approved(loaded):
    women = indicators("--program", "women-participation")

    assert women["1.1.1a"]["value"] == 400 and women["1.1.1a"]["source"] == "computed"
    assert (women["1.1a"]["value"], women["1.1b"]["value"], women["1a"]["value"]) == (50, 20, 20)
    reports = ReportedValue.objects.filter(indicator__program__slug="women-participation")
    assert reports.count() == 3
    accion = Organization.objects.get(slug="accion-desarrollo")
    for report in reports:
        assert report.status == ReportStatus.APPROVED and report.organization == accion
        assert report.narrative and "San Juan de Lurigancho" in report.narrative
        assert report.submitted_by and report.reviewed_by and report.submitted_by != report.reviewed_by
        assert PeriodLock.objects.filter(indicator=report.indicator, period_label=report.period_label).exists()


def test_solidarity_fund_has_targets_and_baselines_and_no_invented_values(loaded):
    fund = indicators("--program", "ama-solidarity-fund")

    assert (fund["1a"]["baseline"], fund["1a"]["target"], fund["1a"]["value"]) == (17, 27, None)
    assert (fund["1.1a"]["baseline"], fund["1.1a"]["target"], fund["1.1a"]["value"]) == (47, 71, None)
    assert not ReportedValue.objects.filter(indicator__program__slug="ama-solidarity-fund").exists()


# Every framework


def test_every_framework_is_complete_in_both_languages(loaded):
    for program in Program.objects.all():
        results = list(program.results.all())
        assert {r.level for r in results} >= {"impact", "outcome"}, program.slug
        for result in results:
            assert result.statement_es and result.statement_en, result
            result.full_clean()
        for indicator in Indicator.objects.filter(program=program):
            assert indicator.name_es and indicator.name_en, indicator
            indicator.full_clean()
    english = indicators("--program", "w4p-peru", "--phase", "1", "--lang", "en")
    assert english["1.1a"]["name"] == "People who took part in phase 1"


def test_the_frameworks_went_through_the_services_by_the_demo_logins(loaded):
    made_by = dict(
        AuditEvent.objects.filter(model="results.result", action="create")
        .values_list("program__slug", "actor__username")
        .distinct()
    )
    assert made_by == {
        "w4p-peru": "coordinadora",
        "funiber-network": "admin",
        "women-participation": "admin",
        "ama-solidarity-fund": "admin-ama",
    }


def test_loading_again_duplicates_nothing(loaded):
    before = counts()

    assert demo_load(credit=False).created is False
    programs = {program.slug: program for program in Program.objects.all()}
    organizations = {org.slug: org for org in Organization.objects.all()}
    demo_results.results_load(programs=programs, organizations=organizations, users=_demo_users())

    assert counts() == before


# The results pages, as a coordinator reads them in each language

PAGE_FIGURES = {
    # program, phase: {indicator code: (Spanish, English)}
    ("w4p-peru", 1): {"1.1a": ("9245", "9,245"), "1.1.1a": ("3685", "3,685"), "1.1.2a": ("5560", "5,560"),
                      "1.1.3a": ("2586", "2,586"), "1.1.3b": ("434", "434")},
    ("funiber-network", None): {"1.1.1a": ("68", "68"), "1.1a": ("15", "15")},
    ("women-participation", None): {"1.1.1a": ("400", "400"), "1.1a": ("50", "50"), "1.1b": ("20", "20"),
                                    "1a": ("20", "20")},
}  # fmt: skip


def page_value(html: str, code: str) -> str:
    row = re.search(rf'<tr id="indicator-{re.escape(code)}">(.*?)</tr>', html, re.S)[1]
    cell = re.search(r'<td class="num value"[^>]*>(.*?)</td>', row, re.S)[1]
    return re.sub(r"<[^>]+>|\s", "", cell)


@pytest.mark.parametrize(("language", "column"), [("es", 0), ("en", 1)])
def test_the_results_pages_show_the_seed_figures_in_both_languages(loaded, client, language, column):
    admin = User.objects.get(username="admin")
    admin.language = language
    admin.save()
    client.force_login(admin)
    client.cookies["django_language"] = language
    for (slug, phase), figures in PAGE_FIGURES.items():
        query = f"?phase={phase}" if phase else ""
        response = client.get(reverse("results_framework", args=[slug]) + query)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        for code, shown in figures.items():
            assert page_value(html, code) == shown[column], (slug, code)
