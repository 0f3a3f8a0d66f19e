"""The `minka` command: Django's management commands, with Minka's own (demo, serve, …) among them."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "minka"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
