"""Times the import of a large attendance file through the import engine (`minka.imports.engine`).

    uv run python bench/imports.py --database sqlite:///var/bench-imports.sqlite3      # 100,000 rows
    uv run python bench/imports.py --database postgres://postgres@127.0.0.1:5432/minka --rows 100000

It writes one organization with a field officer, a program with `--activities` activities and `--people` people
enrolled in it (half of them with a DNI), then a CSV as a partner's Excel in Spanish would save it (`;`, dates as
31/12/2025, half the people named by DNI and half by their Minka code), with `--rows` attendance rows over weekly
sessions that do not exist yet. It imports the file as the field officer (checked, then written all or nothing:
sessions created, attendance in bulk, every record listed in the batch) and imports it a second time, which must
create nothing, then undoes the first import (every attendance and session it made). On PostgreSQL the database
is a new one beside the one the URL names (`<name>_imports`), dropped at the end unless `--keep`; a SQLite file
must be new or hold no attendance.
"""

import argparse
import datetime
import io
import os
import random
import sys
import time
from dataclasses import dataclass

FIRST_WEEK = datetime.date(2025, 1, 6)


def _arguments(argv):
    parser = argparse.ArgumentParser(description="Mide la importación de un archivo grande de asistencia.")
    parser.add_argument("--rows", type=int, default=100_000, help="Filas de asistencia del archivo.")
    parser.add_argument("--people", type=int, default=5_000, help="Personas inscritas en el programa.")
    parser.add_argument("--activities", type=int, default=20, help="Actividades del programa.")
    parser.add_argument(
        "--database",
        default=os.environ.get("MINKA_DATABASE_URL"),
        help="URL de PostgreSQL (se crea una base aparte) o de un archivo SQLite; por defecto MINKA_DATABASE_URL.",
    )
    parser.add_argument("--keep", action="store_true", help="No borrar la base de PostgreSQL al terminar.")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args(argv)
    if min(arguments.rows, arguments.people, arguments.activities) < 1:
        parser.error("--rows, --people y --activities deben ser mayores que cero.")
    if not arguments.database:
        parser.error("Indique --database o MINKA_DATABASE_URL.")
    return arguments


def bench_url(url: str) -> str:
    """On PostgreSQL, a database of the benchmark's own beside the one named; other URLs as they are."""
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    base, _slash, name = url.rpartition("/")
    name, _question, query = name.partition("?")
    return f"{base}/{name or 'minka'}_imports" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Setting:
    organization: object
    program: object
    user: object
    activities: list
    people: list  # (pk, dni or "")


def setting_generate(*, people: int, activities: int, seed: int = 1) -> Setting:
    """The organization, its field officer, the program, its activities and its enrolled people."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from minka.accounts.models import Membership, OrganizationRole
    from minka.activities.catalogue import activity_types_ensure
    from minka.activities.models import Activity
    from minka.network.models import Organization
    from minka.people.identity import dni_hash, dni_last_digits
    from minka.people.models import Enrollment, Participant
    from minka.programs.models import Program

    chance = random.Random(seed)
    weeks = 52
    with transaction.atomic():
        organization = Organization.objects.create(slug="bench-imports", name="Asociación del benchmark de importación")
        program = Program.objects.create(slug="bench-imports", name_es="Programa de importación", name_en="Import")
        program.catalysts.set([organization])
        user = get_user_model().objects.create_user(username="bench-imports-field", password=None)
        Membership.objects.create(user=user, organization=organization, role=OrganizationRole.FIELD_OFFICER)
        activity_type = activity_types_ensure(program)[0]
        Activity.objects.bulk_create(
            Activity(
                program=program,
                organization=organization,
                activity_type=activity_type,
                title=f"Taller {number + 1:03d}",
                start_date=FIRST_WEEK,
                end_date=FIRST_WEEK + datetime.timedelta(weeks=weeks),
            )
            for number in range(activities)
        )
        rows, taken = [], set()
        for number in range(people):
            dni = ""
            while number % 2 == 0 and (not dni or dni in taken):
                dni = f"{chance.randrange(1, 10**8):08d}"
            taken.add(dni)
            rows.append(
                (
                    Participant(
                        given_names=f"Persona {number}",
                        paternal_surname="Quispe",
                        sex="F" if number % 3 else "M",
                        search_name=f"persona {number} quispe",
                        registered_by=organization,
                        dni_hash=dni_hash(dni) if dni else "",
                        dni_last_digits=dni_last_digits(dni) if dni else "",
                    ),
                    dni,
                )
            )
        Participant.objects.bulk_create([person for person, _dni in rows], batch_size=2000)
        Enrollment.objects.bulk_create(
            [
                Enrollment(participant=person, program=program, organization=organization, enrolled_on=FIRST_WEEK)
                for person, _dni in rows
            ],
            batch_size=2000,
        )
    made = list(Activity.objects.filter(program=program).order_by("title"))
    return Setting(organization, program, user, made, [(person.pk, dni) for person, dni in rows])


def attendance_csv(setting: Setting, rows: int, *, seed: int = 1) -> bytes:
    """`rows` distinct attendance rows, as Excel in Spanish saves a CSV: `;`, day-first dates, UTF-8 with a BOM."""
    chance = random.Random(seed)
    per_session = min(len(setting.people), 100)
    sessions = -(-rows // per_session)
    text = io.StringIO()
    text.write("Actividad;Fecha de la sesión;Código de la persona;DNI;Asistió\n")
    written = 0
    for number in range(sessions):
        activity = setting.activities[number % len(setting.activities)]
        day = FIRST_WEEK + datetime.timedelta(weeks=(number // len(setting.activities)) % 52, days=number % 5)
        for pk, dni in chance.sample(setting.people, per_session):
            if written == rows:
                break
            code = "" if dni else str(pk)
            text.write(f"{activity.title};{day:%d/%m/%Y};{code};{dni};sí\n")
            written += 1
    return text.getvalue().encode("utf-8-sig")


def import_timed(setting: Setting, data: bytes):
    from minka.imports import engine

    started = time.perf_counter()
    batch, result = engine.import_file(
        user=setting.user,
        organization=setting.organization,
        program=setting.program,
        kind="attendance",
        file=data,
        file_name="asistencia.csv",
    )
    return time.perf_counter() - started, batch, result


def main(argv=None) -> int:
    arguments = _arguments(argv)
    url = bench_url(arguments.database)
    postgres = url != arguments.database
    from bench.generate import database_setup

    started = time.perf_counter()
    database_setup(url)
    try:
        from django.conf import settings
        from django.db import connection

        from minka.activities.models import Attendance, Session

        if Attendance.objects.exists():
            print("La base ya tiene asistencia; use otra base o bórrela primero.", file=sys.stderr)
            return 1
        settings.MEDIA_ROOT = settings.DATA_DIR / "bench-media"
        migrated = time.perf_counter()
        setting = setting_generate(people=arguments.people, activities=arguments.activities, seed=arguments.seed)
        data = attendance_csv(setting, arguments.rows, seed=arguments.seed)
        written = time.perf_counter()
        first_seconds, batch, first = import_timed(setting, data)
        second_seconds, _again, second = import_timed(setting, data)
        print(f"database: {connection.vendor} · migrate {migrated - started:.1f} s · setup {written - migrated:.1f} s")
        print(
            f"file: {arguments.rows:,} rows · {len(data) / 1024 / 1024:.1f} MB · {arguments.people:,} people · "
            f"{arguments.activities} activities"
        )
        print(f"{'import':<24} {'seconds':>8} {'rows/s':>10} {'created':>9} {'unchanged':>10}")
        for name, seconds, result in (
            ("first (writes)", first_seconds, first),
            ("second (no-op)", second_seconds, second),
        ):
            rate = result.rows / seconds
            print(f"{name:<24} {seconds:>8.2f} {rate:>10,.0f} {result.created:>9,} {result.unchanged:>10,}")
        sessions = Session.objects.filter(activity__program=setting.program).count()
        agrees = (
            Attendance.objects.count() == arguments.rows == first.created
            and second.created == 0
            and second.unchanged == arguments.rows
            and batch.records.count() == arguments.rows + sessions
        )
        from minka.imports import engine

        undo_started = time.perf_counter()
        engine.undo(batch, user=setting.user)
        print(f"{'undo (whole batch)':<24} {time.perf_counter() - undo_started:>8.2f}")
        agrees = agrees and not Attendance.objects.exists() and not Session.objects.exists()
        if not agrees:
            print("The import disagrees with the file written.", file=sys.stderr)
            return 1
        return 0
    finally:
        if postgres and not arguments.keep:
            from django.db import connections

            from bench.close_of_day import database_drop

            connections.close_all()
            database_drop(url)


if __name__ == "__main__":
    sys.exit(main())
