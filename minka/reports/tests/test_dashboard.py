"""The program dashboard: its figures are the results engine's for the same filters, filters narrow them, funders
see small cells hidden, outsiders see nothing, and bad or empty filters give a page with a message."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import html

from minka.credit.tests.conftest import credit_create
from minka.reports.dashboard import Filters, program_dashboard
from minka.reports.tests.dashboard_data import dashboard_network
from minka.results.periods import period_parse
from minka.results.selectors import indicator_value

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def network(world):
    return dashboard_network(world)


def url(slug="alpha", **query):
    path = reverse("program_dashboard", args=[slug])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page(client, user, slug="alpha", **query):
    client.force_login(user)
    response = client.get(url(slug, **query))
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def said(tree, xpath: str) -> str:
    """The text of the first element at `xpath`, spaces (the non-breaking ones of Spanish numbers too) squeezed."""
    return " ".join(tree.xpath(xpath)[0].text_content().replace("\xa0", " ").split())


def headline(tree, code: str, part: str) -> str:
    return said(tree, f"//li[@id='headline-{code}']//dd[@class='{part}']")


def table_rows(tree, figure_id: str) -> list[list[str]]:
    rows = tree.xpath(f"//figure[@id='{figure_id}']//tbody/tr")
    return [[" ".join(cell.text_content().split()) for cell in row] for row in rows]


def test_the_headline_numbers_are_the_engines(client, world, network):
    tree = page(client, world.coordinator_a)
    engine = indicator_value(network.reach, user=world.coordinator_a)
    assert engine.value == 10
    assert headline(tree, "P1", "value") == "10"
    assert headline(tree, "P1", "goal") == "20"
    assert headline(tree, "P1", "share") == "50,0 %"
    assert headline(tree, "R1", "goal") == "sin meta"
    # The progress chart draws the same figures, and its table gives them to screen readers.
    assert table_rows(tree, "headline-chart")[0][:3] == ["P1 · Indicador P1", "10", "20"]


def test_the_splits_and_the_map_count_what_the_engine_counts(client, world, network):
    tree = page(client, world.coordinator_a)
    engine = indicator_value(network.reach, by="sex", user=world.coordinator_a)
    by_sex = {cell.labels["sex"]: cell.value for cell in engine.cells}
    assert by_sex == {"Mujer": 8, "Hombre": 2}
    assert sorted(table_rows(tree, "split-sex")) == [["Hombre", "2"], ["Mujer", "8"]]
    assert table_rows(tree, "split-province") == [["Quispicanchi", "10"]]
    shapes = {s.get("data-code"): s for s in tree.xpath("//figure[@id='map']//*[@data-code]")}
    assert shapes["0812"].get("data-class") == "4" and shapes["0801"].get("data-class") == ""
    assert [row[0] for row in table_rows(tree, "trend")] == ["2025-03", "2025-04", "2025-05", "2025-06"]
    assert [row[1] for row in table_rows(tree, "trend")] == ["5", "5", "5", "10"]  # cumulative


def test_the_territory_filter_narrows_every_figure(client, world, network):
    tree = page(client, world.coordinator_a, territory="081201")
    assert indicator_value(network.reach, territory_codes=("081201",), user=world.coordinator_a).value == 7
    assert headline(tree, "P1", "value") == "7"
    assert sorted(table_rows(tree, "split-sex")) == [["Hombre", "2"], ["Mujer", "5"]]
    assert "Urcos" in said(tree, "//p[@class='shown-for']")

    province = page(client, world.coordinator_a, territory="0812")
    assert headline(province, "P1", "value") == "10"
    # Within a province the map and the territory split go down to its districts: Urcos has its own outline,
    # Andahuaylillas (none yet) is a dot at its capital.
    assert sorted(table_rows(province, "split-district")) == [["Andahuaylillas", "3"], ["Urcos", "7"]]
    shapes = {s.get("data-code"): s for s in province.xpath("//figure[@id='map']//*[@data-code]")}
    assert shapes["081201"].tag.endswith("path") and shapes["081201"].get("data-class") == "4"
    assert shapes["081202"].tag.endswith("circle") and shapes["081202"].get("data-class") == "0"


def test_a_funder_sees_small_cells_hidden(client, world, network):
    tree = page(client, world.funder_a)
    assert headline(tree, "P1", "value") == "10"
    # 2 men would single people out; the women are hidden too, or 10 − 8 would give the men away.
    assert sorted(table_rows(tree, "split-sex")) == [["Hombre", "—"], ["Mujer", "—"]]
    sex_chart = tree.xpath("//figure[@id='split-sex']")[0]
    assert not [rect for rect in sex_chart.iter(f"{SVG}rect", "rect") if rect.get("data-value")]
    small = page(client, world.funder_a, territory="081202")
    assert headline(small, "P1", "value") == "< 5"
    assert headline(page(client, world.coordinator_a, territory="081202"), "P1", "value") == "3"


def test_the_page_agrees_with_the_dashboard_data_for_a_funder(world, network):
    funder = program_dashboard(user=world.funder_a, program=world.program_a, filters=Filters())
    staff = program_dashboard(user=world.coordinator_a, program=world.program_a, filters=Filters())
    assert funder.restricted and not staff.restricted
    assert funder.splits["sex"].rows == [["Hombre", None], ["Mujer", None]]
    assert staff.splits["sex"].rows == [["Hombre", 2], ["Mujer", 8]]


def test_a_period_without_records_says_so(client, world, network):
    tree = page(client, world.coordinator_a, period="2019")
    assert "2019" in said(tree, "//p[@id='no-data']")
    assert headline(tree, "P1", "value") == "0"
    assert not tree.xpath("//figure[@id='trend']")
    with_data = page(client, world.coordinator_a, period="2025-Q1")
    assert not with_data.xpath("//p[@id='no-data']")
    assert headline(with_data, "P1", "value") == "5"
    assert [row[0] for row in table_rows(with_data, "trend")] == ["2025-03"]


def test_a_program_without_indicators_says_so(client, world):
    tree = page(client, world.coordinator_b, slug="beta")
    assert "aún no tiene indicadores" in said(tree, "//section[@id='headlines']")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"territory": "1301"}, "Territorio"),  # a real place, but not the program's
        ({"territory": "99"}, "Territorio"),
        ({"period": "2025-13"}, "Periodo"),
        ({"partner": "999999"}, "Socio"),
        ({"phase": "x"}, "Fase"),
        ({"indicator": "NOPE"}, "Indicador principal"),
    ],
)
def test_a_bad_filter_is_an_error_on_its_box(client, world, network, query, field):
    tree = page(client, world.coordinator_a, **query)
    errors = [" ".join(e.text_content().split()) for e in tree.xpath("//p[@class='errors']")]
    assert errors and errors[0].startswith(field)
    assert headline(tree, "P1", "value") == "10"  # the rest of the dashboard, unfiltered


def test_outsiders_and_strangers_get_404(client, world, network):
    for user in (world.admin_b, world.coordinator_b, world.nobody):
        client.force_login(user)
        assert client.get(url()).status_code == 404


def test_htmx_gets_the_body_only(client, world, network):
    client.force_login(world.coordinator_a)
    response = client.get(url(territory="081201"), headers={"HX-Request": "true", "HX-Target": "dashboard-body"})
    content = response.content.decode()
    assert "<html" not in content and 'id="headline-P1"' in content
    assert "<form" not in content


def test_the_partner_filter_narrows_the_figures(client, world, network):
    funder = world.funder_org.pk  # a partner of the program that ran none of its activities
    assert indicator_value(network.reach, organization_ids=(funder,), user=world.coordinator_a).value == 0
    assert headline(page(client, world.coordinator_a, partner=funder), "P1", "value") == "0"
    assert headline(page(client, world.coordinator_a, partner=world.org_a.pk), "P1", "value") == "10"


def test_the_credit_panel_shows_the_programs_funds(client, world, network):
    credit = credit_create(world)
    credit.loan(amount="300", disbursed_on=datetime.date(2025, 1, 10))
    tree = page(client, world.coordinator_a, period="2025-01")
    assert said(tree, "//tr[@id='fund-fondo-alfa']/td[contains(@class, 'borrowers')]") == "1"
    assert said(tree, "//tr[@id='fund-fondo-alfa']/td[contains(@class, 'glp')]") == "S/ 300.00"
    # A funder sees the fund's aggregates only: with one borrower, not even those.
    funder = page(client, world.funder_a, period="2025-01")
    assert "Menos de 5" in said(funder, "//tr[@id='fund-fondo-alfa']")
    assert not funder.xpath("//tr[@id='fund-fondo-alfa']//a")
    # Before the loan was given, nothing is lent.
    before = page(client, world.coordinator_a, period="2024")
    assert said(before, "//tr[@id='fund-fondo-alfa']/td[contains(@class, 'glp')]") == "S/ 0.00"


def test_a_user_who_sees_no_fund_gets_no_panel(client, world, network):
    credit_create(world)
    assert page(client, world.coordinator_a).xpath("//section[@id='portfolio']")
    assert not page(client, world.field_a).xpath("//section[@id='portfolio']")


def test_the_program_and_framework_pages_link_to_the_dashboard(client, world, network):
    client.force_login(world.coordinator_a)
    dashboard = reverse("program_dashboard", args=["alpha"])
    for page_url in (reverse("program_detail", args=["alpha"]), reverse("results_framework", args=["alpha"])):
        assert f'href="{dashboard}"' in client.get(page_url).content.decode()


def test_the_period_filter_reaches_the_engine(world, network):
    filters = Filters(period=period_parse("2025-Q2"))
    board = program_dashboard(user=world.coordinator_a, program=world.program_a, filters=filters)
    expected = indicator_value(network.reach, period=filters.period, user=world.coordinator_a)
    assert board.headlines[0].value.value == expected.value == Decimal(10)


def test_a_reported_main_indicator_has_a_trend_but_no_splits_or_map(client, world, network):
    tree = page(client, world.coordinator_a, indicator="R1")
    assert said(tree, "//h2[@id='main-title']").startswith("R1")
    assert not tree.xpath("//figure[starts-with(@id, 'split-')]") and not tree.xpath("//figure[@id='map']")
    assert "no tiene mapa" in said(tree, "//section[@id='main-indicator']")


def test_the_body_alone_and_the_whole_page_are_cached_apart(client, world, network):
    client.force_login(world.coordinator_a)
    assert {"HX-Request", "HX-Target"} <= {h.strip() for h in client.get(url())["Vary"].split(",")}
