"""The same twelve numbers, by hand: the SQL an analyst who knows the schema would write, one statement per
number (two where the age reference day has to be found first), with nothing of Minka's results code.

The rules are Minka's published ones (README, "How indicators are counted"): people are counted once; ages are
taken on the phase's last day, else on the day of the last record counted (today for completions); a year of
birth alone counts as born on 1 July; sessions and enterprises are split by the province of their site or
district; income change is the last monthly net income minus the first. The SQL runs on PostgreSQL and SQLite.
Percentages and medians are rounded half up from the exact integers (cents) the SQL returns.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench.indicators import Numbers

UNKNOWN = "?"


# Ages ----------------------------------------------------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_band_sql(reference: datetime.date) -> tuple[str, list]:
    """A CASE giving each person's age band on `reference`: from the birth date, else from the year (as if born on
    1 July), else unknown. Bands are contiguous, so each boundary is tested once."""
    starts = sorted({0, *settings.AGE_BAND_STARTS})
    codes = [f"{low}-{high - 1}" for low, high in pairwise(starts)] + [f"{starts[-1]}+"]
    before_july = 1 if reference < datetime.date(reference.year, 7, 1) else 0
    by_date, by_year, params = [], [], []
    # Born after `reference − low years` means younger than `low`: the band below (unknown below 0).
    for low, below in zip(starts, [UNKNOWN, *codes], strict=False):
        by_date.append(f"WHEN p.birth_date > %s THEN '{below}'")
        params.append(_years_before(reference, low))
    for low, below in zip(starts, [UNKNOWN, *codes], strict=False):
        by_year.append(f"WHEN p.birth_year > %s THEN '{below}'")
        params.append(reference.year - low - before_july)
    sql = (
        f"CASE WHEN p.birth_date IS NOT NULL THEN CASE {' '.join(by_date)} ELSE '{codes[-1]}' END "
        f"WHEN p.birth_year IS NOT NULL THEN CASE {' '.join(by_year)} ELSE '{codes[-1]}' END "
        f"ELSE '{UNKNOWN}' END"
    )
    return sql, params


def _day(value) -> datetime.date | None:
    """A date from the database (SQLite gives text for aggregates)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


# People -------------------------------------------------------------------------------------------------------------


def _people_split(people_sql: str, params: list, reference: datetime.date, split: bool) -> Numbers:
    """Counts the participants whose ids `people_sql` selects, by sex × age band × province."""
    if not split:
        total = _one(f"SELECT COUNT(*) FROM people_participant p WHERE p.id IN ({people_sql})", params)
        return Numbers((total, total, None, None), {})
    band, band_params = age_band_sql(reference)
    rows = _all(
        f"SELECT p.sex, {band}, SUBSTR(p.district_id, 1, 4), COUNT(*) FROM people_participant p "
        f"WHERE p.id IN ({people_sql}) GROUP BY 1, 2, 3",
        band_params + params,
    )
    total = sum(row[3] for row in rows)
    return Numbers((total, total, None, None), {tuple(row[:3]): (row[3], row[3], None, None) for row in rows})


def _activity_scope(indicator) -> tuple[str, list]:
    """The activities an indicator counts (as `act`), as joins and conditions."""
    joins, where, params = "", ["act.program_id = %s"], [indicator.program_id]
    if indicator.phase_id:
        joins += " JOIN programs_project pr ON pr.id = act.project_id"
        where.append("pr.phase_id = %s")
        params.append(indicator.phase_id)
    if indicator.activity_categories:
        joins += " JOIN activities_activitytype ty ON ty.id = act.activity_type_id"
        where.append(f"ty.category IN ({', '.join(['%s'] * len(indicator.activity_categories))})")
        params.extend(indicator.activity_categories)
    return f"{joins} WHERE {' AND '.join(where)}", params


def people_reached(indicator, split: bool) -> Numbers:
    scope, params = _activity_scope(indicator)
    attended = (
        "SELECT a.participant_id FROM activities_attendance a JOIN activities_session s ON s.id = a.session_id "
        f"JOIN activities_activity act ON act.id = s.activity_id{scope}"
    )
    reference = None
    if split:
        if indicator.phase_id:
            reference = indicator.phase.end_date
        if reference is None:
            # The last session anyone in scope attended.
            reference = _day(
                _one(
                    "SELECT MAX(s.date) FROM activities_session s"
                    " JOIN activities_activity act ON act.id = s.activity_id"
                    f"{scope} AND EXISTS (SELECT 1 FROM activities_attendance a WHERE a.session_id = s.id)",
                    params,
                )
            )
    return _people_split(attended, params, reference or timezone.localdate(), split)


def people_enrolled(indicator, split: bool) -> Numbers:
    enrolled = "SELECT e.participant_id FROM people_enrollment e WHERE e.program_id = %s"
    params = [indicator.program_id]
    if indicator.phase_id and (indicator.phase.start_date or indicator.phase.end_date):
        raise NotImplementedError("the dashboard's enrollment indicator counts the whole program")
    reference = None
    if split:
        reference = _day(_one("SELECT MAX(enrolled_on) FROM people_enrollment WHERE program_id = %s", params))
    return _people_split(enrolled, params, reference or timezone.localdate(), split)


def people_completed(indicator, split: bool) -> Numbers:
    """People present at no less than the activity's required share of its sessions, in some activity."""
    scope, params = _activity_scope(indicator)
    completed = (
        "SELECT c.participant_id FROM ("
        " SELECT s.activity_id, a.participant_id, COUNT(*) AS attended"
        " FROM activities_attendance a JOIN activities_session s ON s.id = a.session_id"
        f" JOIN activities_activity act ON act.id = s.activity_id{scope}"
        " GROUP BY s.activity_id, a.participant_id"
        ") c JOIN ("
        " SELECT s.activity_id, COUNT(*) AS held FROM activities_session s"
        f" JOIN activities_activity act ON act.id = s.activity_id{scope} GROUP BY s.activity_id"
        ") h ON h.activity_id = c.activity_id"
        " JOIN activities_activity done ON done.id = c.activity_id"
        " WHERE c.attended * 100 >= done.completion_percent * h.held"
    )
    reference = (indicator.phase.end_date if indicator.phase_id else None) or timezone.localdate()
    return _people_split(completed, params + params, reference, split)


# Sessions and enterprises, by province ------------------------------------------------------------------------------


def _by_province(sql: str, params: list, split: bool) -> Numbers:
    """`sql` selects a province and a count per group; the total is their sum."""
    rows = _all(sql, params)
    total = sum(row[1] for row in rows)
    cells = {(row[0],): (row[1], row[1], None, None) for row in rows} if split else {}
    return Numbers((total, total, None, None), cells)


def sessions_held(indicator, split: bool) -> Numbers:
    scope, params = _activity_scope(indicator)
    return _by_province(
        "SELECT SUBSTR(site.district_id, 1, 4), COUNT(*) FROM activities_session s "
        "JOIN activities_activity act ON act.id = s.activity_id "
        f"LEFT JOIN network_site site ON site.id = act.site_id{scope} GROUP BY 1",
        params,
        split,
    )


def _enterprise_scope(indicator) -> tuple[str, list]:
    where, params = "e.program_id = %s", [indicator.program_id]
    if indicator.phase_id:
        where += " AND e.project_id IN (SELECT id FROM programs_project WHERE phase_id = %s)"
        params.append(indicator.phase_id)
    return where, params


def enterprises_created(indicator, split: bool) -> Numbers:
    where, params = _enterprise_scope(indicator)
    sql = f"SELECT SUBSTR(e.district_id, 1, 4), COUNT(*) FROM enterprises_enterprise e WHERE {where} GROUP BY 1"
    return _by_province(sql, params, split)


def enterprises_operating(indicator, split: bool) -> Numbers:
    where, params = _enterprise_scope(indicator)
    sql = (
        "SELECT SUBSTR(e.district_id, 1, 4), COUNT(*) FROM enterprises_enterprise e "
        f"WHERE {where} AND e.stage = 'operating' GROUP BY 1"
    )
    return _by_province(sql, params, split)


def _income_changes(indicator) -> tuple[str, list]:
    """Each enterprise with records in two months or more: its province and the change, in cents, of its monthly
    net income from the first record to the last."""
    where, params = _enterprise_scope(indicator)
    sql = (
        "SELECT SUBSTR(e.district_id, 1, 4) AS province,"
        " CAST(ROUND(((l.sales - l.costs) - (f.sales - f.costs)) * 100) AS INTEGER) AS change"
        " FROM (SELECT r.enterprise_id, MIN(r.month) AS first_month, MAX(r.month) AS last_month"
        "       FROM enterprises_enterpriserecord r"
        f"      WHERE r.enterprise_id IN (SELECT e.id FROM enterprises_enterprise e WHERE {where})"
        "       GROUP BY r.enterprise_id HAVING MAX(r.month) > MIN(r.month)) span"
        " JOIN enterprises_enterprise e ON e.id = span.enterprise_id"
        " JOIN enterprises_enterpriserecord f ON f.enterprise_id = span.enterprise_id AND f.month = span.first_month"
        " JOIN enterprises_enterpriserecord l ON l.enterprise_id = span.enterprise_id AND l.month = span.last_month"
    )
    return sql, params


def _percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def enterprises_income_up(indicator, split: bool) -> Numbers:
    changes, params = _income_changes(indicator)
    group = "province" if split else "NULL"
    rows = _all(
        f"SELECT {group}, SUM(CASE WHEN change > 0 THEN 1 ELSE 0 END), COUNT(*) FROM ({changes}) c GROUP BY 1",
        params,
    )
    up, of = sum(row[1] for row in rows), sum(row[2] for row in rows)

    def numbers(n, d):
        return (_percent(n, d) if d else None, d, n, d)

    cells = {(row[0],): numbers(row[1], row[2]) for row in rows} if split else {}
    return Numbers(numbers(up, of), cells)


def income_change_median(indicator, split: bool) -> Numbers:
    """The middle change (the mean of the two middle ones), per province and overall, from ranked changes."""
    changes, params = _income_changes(indicator)

    def middles(by_province: bool) -> list[tuple]:
        partition, group = ("PARTITION BY province", "province") if by_province else ("", "NULL")
        return _all(
            f"WITH c AS ({changes}), ranked AS ("
            f" SELECT province, change, ROW_NUMBER() OVER ({partition} ORDER BY change) AS position,"
            f" COUNT(*) OVER ({partition}) AS size FROM c)"
            f" SELECT {group}, MIN(size), SUM(change), COUNT(*) FROM ranked"
            " WHERE position IN ((size + 1) / 2, (size + 2) / 2) GROUP BY 1",
            params,
        )

    def numbers(row):
        _group, size, middle_sum, middle_count = row
        cents = Decimal(middle_sum) / middle_count
        return ((cents / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), size, None, None)

    cells = {(row[0],): numbers(row) for row in middles(True)} if split else {}
    overall = middles(False)
    return Numbers(numbers(overall[0]) if overall else (None, 0, None, None), cells)


HAND = {
    "people_reached": people_reached,
    "people_enrolled": people_enrolled,
    "people_completed": people_completed,
    "sessions_held": sessions_held,
    "enterprises_created": enterprises_created,
    "enterprises_operating": enterprises_operating,
    "enterprises_income_up": enterprises_income_up,
    "income_change_median": income_change_median,
}


def hand_value(indicator, *, split: bool = True) -> Numbers:
    return HAND[indicator.measure](indicator, split)


# Plumbing -----------------------------------------------------------------------------------------------------------


def _all(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _one(sql: str, params):
    rows = _all(sql, params)
    return rows[0][0] if rows else None
