"""Generates the national-scale network of the benchmark into a database, and says what it wrote and how fast.

    uv run python bench/generate.py --database postgres://postgres@127.0.0.1:5432/bench
    uv run python bench/generate.py --database ... --people 10000 --attendance 50000 --enterprises 1000 --seed 7

The database is created when missing (PostgreSQL) and migrated; Peru's territories are loaded; then the network
is written in one transaction (see `bench/network.py`) and the big tables are vacuumed and analysed, as a
database that has lived a while would be. A database that already holds the benchmark program is refused.
"""

import argparse
import os
import sys
import time


def _arguments(argv):
    parser = argparse.ArgumentParser(description="Genera la red nacional del benchmark en una base de datos.")
    parser.add_argument("--database", required=True, help="URL de la base, p. ej. postgres://postgres@127.0.0.1/bench")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--attendance", type=int, default=5_000_000)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args(argv)
    if min(arguments.people, arguments.attendance) < 1 or arguments.enterprises < 0:
        parser.error("--people y --attendance deben ser mayores que cero; --enterprises no puede ser negativo.")
    return arguments


def database_setup(url: str) -> None:
    """Points Django at `url` (creating the PostgreSQL database if missing) and migrates it."""
    os.environ["MINKA_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    _database_create(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _database_create(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    server = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None}
    with psycopg.connect(dbname="postgres", password=config["PASSWORD"] or None, autocommit=True, **server) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def main(argv=None) -> int:
    arguments = _arguments(argv)
    started = time.monotonic()
    database_setup(arguments.database)
    migrated = time.monotonic()

    from django.db import connection

    from bench.network import AlreadyGenerated, Sizes, network_generate

    sizes = Sizes(people=arguments.people, attendance=arguments.attendance, enterprises=arguments.enterprises)
    try:
        _network, counts = network_generate(sizes, seed=arguments.seed)
    except AlreadyGenerated:
        print("La base ya tiene la red del benchmark; use otra base o bórrela primero.", file=sys.stderr)
        return 1
    written = time.monotonic()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in counts.rows:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
    analysed = time.monotonic()
    width = max(len(table) for table in counts.rows)
    for table, rows in counts.rows.items():
        print(f"{table:<{width}}  {rows:>10,}")
    print(f"{'total':<{width}}  {sum(counts.rows.values()):>10,}")
    print(
        f"migrate {migrated - started:.1f} s · rows {written - migrated:.1f} s · "
        f"vacuum analyze {analysed - written:.1f} s · total {analysed - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
