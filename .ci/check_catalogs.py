"""Fails when a compiled catalog (.mo) is older in content than its .po: every string shown must be translated.

Compiles each .po with msgfmt into a temporary file and compares it with the committed .mo, and reports
untranslated or fuzzy entries in the English catalog.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

failed = False
for po in sorted(Path("minka/locale").glob("*/LC_MESSAGES/*.po")):
    mo = po.with_suffix(".mo")
    with tempfile.NamedTemporaryFile(suffix=".mo") as fresh:
        subprocess.run(["msgfmt", "--check", "-o", fresh.name, str(po)], check=True)  # noqa: S603, S607
        if not mo.exists() or Path(fresh.name).read_bytes() != mo.read_bytes():
            print(f"{mo} is not compiled from {po}: run `uv run minka compilemessages`")
            failed = True
    if "/en/" in str(po):
        stats = subprocess.run(  # noqa: S603
            ["msgfmt", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        if "untranslated" in stats or "fuzzy" in stats:
            print(f"{po}: {stats.strip()}")
            failed = True
sys.exit(1 if failed else 0)
