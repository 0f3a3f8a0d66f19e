"""Background work of the reports app, for django-tasks' database backend (`minka db_worker` runs the queue).

A donor report takes seconds to a minute (every indicator with its splits, charts, a map, then WeasyPrint), too
long for a request: the page queues it and polls its progress.
"""

from django_tasks import task

from minka.reports.donor import services


@task()
def donor_report_build(report_id: int) -> dict:
    """Builds one donor report. Arguments and result are plain JSON, as the queue stores them."""
    report = services.donor_report_build(report_id=report_id)
    return {"report": report.pk, "status": report.status}
