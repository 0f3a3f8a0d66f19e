"""The import benchmark at a tiny size: the file it writes imports completely, and a second time changes nothing."""

import pytest

from bench.imports import attendance_csv, bench_url, import_timed, setting_generate
from minka.activities.models import Attendance, Session


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_the_file_it_times_imports_whole_then_is_a_no_op():
    setting = setting_generate(people=40, activities=3, seed=2)
    data = attendance_csv(setting, 250, seed=2)
    assert data.decode("utf-8-sig").count("\n") == 251
    seconds, batch, first = import_timed(setting, data)
    assert seconds > 0 and first.created == 250 == Attendance.objects.count()
    assert batch.records.count() == 250 + Session.objects.count()
    _seconds, _batch, second = import_timed(setting, data)
    assert (second.created, second.unchanged) == (0, 250)


def test_postgres_gets_a_database_of_its_own():
    assert bench_url("postgres://u@h:5432/minka") == "postgres://u@h:5432/minka_imports"
    assert bench_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"
