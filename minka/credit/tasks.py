"""Background work of the credit app, for django-tasks' database backend (`minka db_worker` runs the queue).

The close of day is set-based and takes seconds, so the fund page's button runs it at once (`close_day.call`);
`minka serve` enqueues it every day (`minka.credit.nightly`).
"""

import datetime

from django_tasks import task

from minka.credit import arrears
from minka.credit.models import Fund


@task()
def close_day(as_of: str, fund_id: int | None = None) -> dict:
    """Brings every active loan (of one fund, or all) up to `as_of` (ISO date): penalties and days in arrears.
    Arguments and result are plain JSON, as the queue stores them."""
    fund = Fund.objects.get(pk=fund_id) if fund_id is not None else None
    closed = arrears.close_of_day(datetime.date.fromisoformat(as_of), fund=fund)
    return {
        "as_of": closed.as_of.isoformat(),
        "loans": closed.loans,
        "in_arrears": closed.in_arrears,
        "penalties": closed.penalties,
    }
