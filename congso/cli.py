"""The `congso` console entry point: every manage.py command, with dashed names accepted.

`congso calendar add-working-days 2019-02-01 5`, `congso verify-audit`, `congso runserver`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "hub":
        # The interchange hub is its own deployment: its settings, database and URLs (adr 0016).
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.hub")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "congso"
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
