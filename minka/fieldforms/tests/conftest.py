import pytest

from minka.testing import field_records_create


@pytest.fixture
def records(world):
    return field_records_create(world)
