"""A coordinator's first minutes, in Chromium at phone width: log in, switch to English and back,
create a project in a program, and find it in the list."""

import pytest

from minka.programs.models import Project
from minka.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_in_switch_language_create_a_project_and_find_it(world, page):
    page.goto("/")
    assert page.url.endswith("/ingresar/?next=/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_label("Usuario").fill("coord_a")
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Ingresar").click()
    page.get_by_role("heading", name="Sus programas").wait_for()

    page.get_by_role("button", name="EN").click()
    page.get_by_role("heading", name="Your programs").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    world.coordinator_a.refresh_from_db()
    assert world.coordinator_a.language == "en"  # remembered on the account, not only in this browser
    page.get_by_role("button", name="ES").click()
    page.get_by_role("heading", name="Sus programas").wait_for()
    assert page.locator("html").get_attribute("lang") == "es"

    page.get_by_role("link", name="Programa Alfa").click()
    page.get_by_role("link", name="Nuevo proyecto").click()
    page.get_by_label("Código", exact=True).fill("alfa-urcos-jovenes")
    page.get_by_label("Título (español)").fill("Empleo juvenil en Urcos")
    page.get_by_label("Título (inglés)").fill("Youth employment in Urcos")
    page.get_by_label("Organización responsable").select_option(label="Alfa")
    page.get_by_label("Ámbito: distritos (códigos de ubigeo)").fill("081201")
    page.get_by_role("button", name="Guardar").click()
    page.get_by_role("heading", name="Empleo juvenil en Urcos").wait_for()

    project = Project.objects.get(program=world.program_a, code="alfa-urcos-jovenes")
    assert list(project.territories.values_list("code", flat=True)) == ["081201"]

    page.goto("/proyectos/")
    page.get_by_label("Buscar").fill("juvenil")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**q=juvenil**")
    table = page.locator("#project-table")
    table.get_by_role("link", name="Empleo juvenil en Urcos").wait_for()
    assert table.get_by_role("link", name="Emprendimientos en Quispicanchi").count() == 0
