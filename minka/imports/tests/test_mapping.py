"""Headers matched to columns in Spanish, English, misspelt, or as Minka's own export writes them."""

import pytest

from minka.core.errors import ApplicationError
from minka.imports.kinds import kind_get
from minka.imports.mapping import mapping_apply, mapping_guess

PEOPLE = kind_get("people")


def test_spanish_and_english_headers_regardless_of_case_and_accents():
    mapping = mapping_guess(PEOPLE, ["NOMBRES", "apellido PATERNO", "Sex", "Date of birth", "Consent", "area"])
    assert mapping.as_headers() == {
        "given_names": "NOMBRES",
        "paternal_surname": "apellido PATERNO",
        "sex": "Sex",
        "birth_date": "Date of birth",
        "area": "area",
        "consent": "Consent",
    }
    assert mapping.missing == [] and mapping.extra == []


def test_a_misspelt_header_is_matched_and_an_unrelated_one_is_left_over():
    mapping = mapping_guess(PEOPLE, ["Nombres", "Apelido paterno", "Sexo", "Consentimento", "Comunidad"])
    assert mapping.as_headers()["paternal_surname"] == "Apelido paterno"
    assert mapping.as_headers()["consent"] == "Consentimento"
    assert mapping.extra == ["Comunidad"]


def test_the_exports_last_dni_digits_are_not_taken_for_a_dni():
    mapping = mapping_guess(PEOPLE, ["Código", "Nombres", "DNI (últimos dígitos)", "Sexo", "Ubigeo", "Distrito"])
    assert "dni" not in mapping.columns
    assert mapping.as_headers()["district"] == "Ubigeo"
    assert mapping.missing == ["consent"]


def test_the_users_choices_override_the_guess():
    headers = ["Nombre completo", "Género", "Acepta"]
    mapping = mapping_apply(PEOPLE, headers, {"given_names": "Nombre completo", "sex": "género", "consent": "Acepta"})
    assert mapping.as_headers() == {"given_names": "Nombre completo", "sex": "Género", "consent": "Acepta"}
    assert mapping.missing == []
    unmapped = mapping_apply(PEOPLE, ["Nombres", "Sexo"], {"sex": ""})
    assert "sex" in unmapped.missing
    with pytest.raises(ApplicationError):
        mapping_apply(PEOPLE, headers, {"given_names": "No existe"})
    with pytest.raises(ApplicationError):
        mapping_apply(PEOPLE, headers, {"nickname": "Acepta"})


def test_a_partners_own_headers_are_matched_without_help():
    headers = ["N°", "N° DNI", "Apellido Paterno ", "Nombres", "Género", "Fecha de Nac.", "Celular", "Comunidad",
               "¿Firmó consentimiento?", "Fecha de consentimiento"]  # fmt: skip
    mapping = mapping_guess(PEOPLE, headers)
    assert mapping.as_headers() == {
        "dni": "N° DNI",
        "given_names": "Nombres",
        "paternal_surname": "Apellido Paterno ",
        "sex": "Género",
        "birth_date": "Fecha de Nac.",
        "phone": "Celular",
        "consent": "¿Firmó consentimiento?",
        "consent_date": "Fecha de consentimiento",
    }
    assert mapping.missing == [] and mapping.extra == ["N°", "Comunidad"]
