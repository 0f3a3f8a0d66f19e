import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from minka.network.identifiers import RUC_PREFIXES, ruc_check_digit, ruc_is_valid
from minka.network.models import Organization


@pytest.mark.parametrize("ruc", ["20512333797", "20100047218", "10467793549"])
def test_known_valid_rucs(ruc):
    assert ruc_is_valid(ruc)


@pytest.mark.parametrize(
    "ruc",
    [
        "20512333798",  # wrong check digit
        "2051233379",  # ten digits
        "205123337970",  # twelve digits
        "30512333797",  # no such prefix
        "2051233379A",
        "２0512333797",  # a full-width digit is not ASCII
        "",
    ],
)
def test_invalid_rucs(ruc):
    assert not ruc_is_valid(ruc)


@given(prefix=st.sampled_from(RUC_PREFIXES), body=st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_exactly_one_check_digit_completes_every_ruc(prefix, body):
    first_ten = prefix + body
    valid = [digit for digit in "0123456789" if ruc_is_valid(first_ten + digit)]
    assert valid == [str(ruc_check_digit(first_ten))]


def test_sunat_weights_by_hand():
    # 2·5 + 0·4 + 5·3 + 1·2 + 2·7 + 3·6 + 3·5 + 3·4 + 7·3 + 9·2 = 125; 125 mod 11 = 4; 11 − 4 = 7.
    assert ruc_check_digit("2051233379") == 7


def organization(**fields):
    return Organization(slug="x", name="X", kind="ngo", **fields)


@pytest.mark.django_db
def test_a_peruvian_organization_gets_its_iati_identifier_from_its_ruc():
    org = organization(ruc="20512333797")
    org.full_clean()
    assert org.iati_identifier == "PE-RUC-20512333797"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ruc": "20512333798"}, "ruc"),
        ({"ruc": "20512333797", "country": "ES"}, "ruc"),
        ({"iati_identifier": "not an identifier"}, "iati_identifier"),
        ({"ruc": "20512333797", "iati_identifier": "PE-RUC-20100047218"}, "iati_identifier"),
    ],
)
def test_organization_identifiers_are_checked(fields, field):
    with pytest.raises(ValidationError) as error:
        organization(**fields).full_clean()
    assert field in error.value.error_dict


@pytest.mark.django_db
def test_foreign_organizations_keep_their_own_registers():
    org = organization(country="ES", iati_identifier="XM-DAC-41114")
    org.full_clean()
    assert org.iati_identifier == "XM-DAC-41114"
