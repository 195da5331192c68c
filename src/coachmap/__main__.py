"""The `coachmap` command: Django's manage command for this project.

Command names may be written with hyphens (`coachmap demo-data`), as a person would type them.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachmap.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the environment, so a setting's mistake is said plainly
    except ImproperlyConfigured as exc:
        sys.exit(f"coachmap cannot start: {exc}")

    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
