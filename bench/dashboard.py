"""Times a 12-indicator dashboard on the generated network: Minka against the best hand-written SQL.

    uv run python bench/dashboard.py --database postgres://postgres@127.0.0.1:5432/bench [--repeat 5]

First it checks that Minka (`selectors.indicator_value(..., by=("sex", "age_band", "province"),
restricted=False)`) and the hand-written SQL (`bench/handsql.py`) give identical numbers, every total and every
cell, and stops with an error if they do not. Then, after one warm-up run, it times each side `--repeat` times
and prints the medians: per indicator, the dashboard as a whole, their ratio, the same without any split, and
the peak memory (Python allocations traced by tracemalloc over one dashboard; the process's maximum resident set
from getrusage). Nothing is cached between runs: every figure is computed from the records each time.
"""

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc


def _arguments(argv):
    parser = argparse.ArgumentParser(description="Mide el tablero de 12 indicadores: Minka frente a SQL a mano.")
    parser.add_argument("--database", required=True, help="URL de la base generada por bench/generate.py")
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args(argv)


def _setup(url: str) -> None:
    os.environ["MINKA_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    import django

    django.setup()


def _timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def differences(indicators, *, split: bool) -> list[str]:
    """Every way Minka's numbers and the hand-written SQL's differ, one line each (none when identical)."""
    from bench.handsql import hand_value
    from bench.indicators import minka_value, numbers_of

    found = []
    for indicator in indicators:
        minka, hand = numbers_of(minka_value(indicator, split=split)), hand_value(indicator, split=split)
        if minka.total != hand.total:
            found.append(f"{indicator.code} total: Minka {minka.total} ≠ SQL {hand.total}")
        for key in sorted(minka.cells.keys() | hand.cells.keys(), key=str):
            if minka.cells.get(key) != hand.cells.get(key):
                found.append(f"{indicator.code} {key}: Minka {minka.cells.get(key)} ≠ SQL {hand.cells.get(key)}")
    return found


def _dashboard_minka(program, split: bool) -> dict[str, float]:
    """One dashboard as a page computes it: the indicators loaded, then each value. Seconds per indicator."""
    from bench.indicators import indicators_load, minka_value

    load, indicators = _timed(indicators_load, program)
    times = {"(load)": load}
    for indicator in indicators:
        times[indicator.code], _value = _timed(minka_value, indicator, split=split)
    return times


def _dashboard_hand(indicators, split: bool) -> dict[str, float]:
    from bench.handsql import hand_value

    return {indicator.code: _timed(hand_value, indicator, split=split)[0] for indicator in indicators}


def _medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _measure(program, indicators, split: bool, repeat: int):
    _dashboard_minka(program, split)  # warm-up: caches of the database and of Python, as on a live server
    _dashboard_hand(indicators, split)
    minka, hand = [], []
    for _run in range(repeat):
        minka.append(_dashboard_minka(program, split))
        hand.append(_dashboard_hand(indicators, split))
    return (
        _medians(minka),
        _medians(hand),
        statistics.median(sum(run.values()) for run in minka),
        statistics.median(sum(run.values()) for run in hand),
    )


def main(argv=None) -> int:
    arguments = _arguments(argv)
    _setup(arguments.database)
    from django.db import connection

    from bench.indicators import framework_ensure, indicators_load, split_of
    from bench.network import PROGRAM_SLUG, USERNAME
    from minka.accounts.models import User
    from minka.programs.models import Program

    program = Program.objects.filter(slug=PROGRAM_SLUG).first()
    if program is None:
        print("La base no tiene la red del benchmark: genérela con bench/generate.py.", file=sys.stderr)
        return 1
    framework_ensure(program, User.objects.get(username=USERNAME))
    indicators = indicators_load(program)

    for split in (True, False):
        found = differences(indicators, split=split)
        if found:
            print("Minka y el SQL escrito a mano NO dan las mismas cifras:", file=sys.stderr)
            print("\n".join(found[:50]), file=sys.stderr)
            return 1
    print(f"Minka and the hand-written SQL give identical numbers: {len(indicators)} indicators, totals and cells.")

    tracemalloc.start()
    _dashboard_minka(program, True)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    print(f"{connection.vendor}: {server} · {os.cpu_count()} CPUs · median of {arguments.repeat} after a warm-up")
    print()
    split_minka, split_hand, minka_total, hand_total = _measure(program, indicators, True, arguments.repeat)
    print(f"{'indicator':<8} {'measure':<24} {'split':<26} {'Minka ms':>9} {'SQL ms':>8} {'ratio':>6}")
    for indicator in indicators:
        m, h = split_minka[indicator.code], split_hand[indicator.code]
        by = " × ".join(split_of(indicator.measure))
        print(f"{indicator.code:<8} {indicator.measure:<24} {by:<26} {m * 1000:>9.0f} {h * 1000:>8.0f} {m / h:>6.2f}")
    print(f"{'(load)':<8} {'indicators and related rows':<51} {split_minka['(load)'] * 1000:>9.0f}")
    print()
    _plain_minka, _plain_hand, plain_minka_total, plain_hand_total = _measure(
        program, indicators, False, arguments.repeat
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Dashboard by sex × age band × province: Minka {minka_total:.3f} s · hand SQL {hand_total:.3f} s · "
        f"ratio {minka_total / hand_total:.2f}"
    )
    print(
        f"Dashboard without split:                Minka {plain_minka_total:.3f} s · "
        f"hand SQL {plain_hand_total:.3f} s · ratio {plain_minka_total / plain_hand_total:.2f}"
    )
    print(
        f"Peak memory: Python allocations during one dashboard (tracemalloc) {traced_peak / 2**20:.1f} MiB · "
        f"process max RSS (getrusage) {rss:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
