"""Measures a list download (`minka.core.exports`) over a very long list: time and peak memory.

    uv run python bench/exports.py                                   # 1,000,000 people, SQLite file
    uv run python bench/exports.py --rows 100000 --xlsx --database postgresql://…/minka

It writes N people of one organization into a database of its own (refused if it already holds people), then
downloads the people list as its administrator would, through the page's own view and the test client, reading
the streamed body chunk by chunk. Peak memory is Python's own allocations (tracemalloc) while the file is produced,
and the process's resident peak (ru_maxrss) before and after; neither should grow with N.

Measured on SQLite (this sandbox, 2026-12-04), people list as CSV, under tracemalloc (which slows it about 2×):

    rows        seconds   MB out   Python peak   resident peak
    20,000          4.0      1.8        5.1 MB   155 → 161 MB
    1,000,000     211.6     93.3        5.2 MB   157 → 163 MB

The XLSX (openpyxl write-only, into a temporary file) also peaks at 5.1 MB for 20,000 rows, at ~1,150 rows/s.
"""

import argparse
import datetime
import gc
import os
import resource
import sys
import time
import tracemalloc


def _arguments(argv):
    parser = argparse.ArgumentParser(description="Mide la descarga de una lista muy larga en CSV y XLSX.")
    parser.add_argument("--rows", type=int, default=1_000_000, help="Personas que se generan.")
    parser.add_argument("--database", default="sqlite:///var/bench-exports.sqlite3", help="URL de la base.")
    parser.add_argument("--xlsx", action="store_true", help="Medir también la descarga XLSX.")
    arguments = parser.parse_args(argv)
    if arguments.rows < 1:
        parser.error("--rows debe ser mayor que cero.")
    return arguments


def people_generate(rows: int, organization) -> None:
    from minka.people.models import Participant

    batch = 20_000
    for start in range(0, rows, batch):
        Participant.objects.bulk_create(
            Participant(
                given_names=f"Persona {i}",
                paternal_surname="Grande",
                maternal_surname="Prueba",
                sex="F" if i % 2 else "M",
                birth_date=datetime.date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                phone=f"9{i:08d}",
                registered_by=organization,
                search_name=f"persona {i} grande prueba",
            )
            for i in range(start, min(start + batch, rows))
        )


def download(client, fmt: str) -> tuple[float, int, int, int]:
    """Seconds, bytes, newlines and the tracemalloc peak of one download of the people list."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/personas/", {"format": fmt})
    if response.status_code != 200:
        raise SystemExit(f"{fmt}: HTTP {response.status_code}")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, size, lines, peak


def main(argv=None) -> int:
    arguments = _arguments(argv)
    sys.path.insert(0, os.getcwd())
    from bench.generate import database_setup

    database_setup(arguments.database)
    from django.conf import settings
    from django.test import Client

    from minka.accounts.models import Membership, OrganizationRole
    from minka.people.models import Participant
    from minka.testing import OrganizationFactory, UserFactory

    if Participant.objects.exists():
        print("La base ya tiene personas; use otra base o bórrela primero.", file=sys.stderr)
        return 1
    settings.MINKA_EXPORT_ROW_LIMITS = {"staff": arguments.rows, "other": arguments.rows}
    # The pages are rendered from the source folders, without `collectstatic`'s manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    organization = OrganizationFactory(slug="bench-exports", name="Asociación de prueba")
    admin = UserFactory(username="bench_exports_admin")
    Membership.objects.create(user=admin, organization=organization, role=OrganizationRole.ADMIN)
    started = time.perf_counter()
    people_generate(arguments.rows, organization)
    print(f"{arguments.rows:,} people written in {time.perf_counter() - started:.1f} s")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    client.get("/personas/")  # loads the URLs, the views and the templates, so they are not counted below
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{'format':<6} {'seconds':>8} {'rows/s':>9} {'MB out':>8} {'peak MB (tracemalloc)':>22}")
    for fmt in ("csv", "xlsx") if arguments.xlsx else ("csv",):
        seconds, size, lines, peak = download(client, fmt)
        if fmt == "csv" and lines != arguments.rows + 1:
            print(f"CSV: {lines - 1:,} rows, not {arguments.rows:,}", file=sys.stderr)
            return 1
        print(f"{fmt:<6} {seconds:>8.1f} {arguments.rows / seconds:>9,.0f} {size / 1e6:>8.1f} {peak / 1e6:>22.1f}")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"resident peak: {rss_before / 1024:.0f} MB before the downloads, {rss_after / 1024:.0f} MB after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
