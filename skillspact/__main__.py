"""`python -m skillspact <command>`: the management entry point."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.executable} -m skillspact", *sys.argv[1:]])


if __name__ == "__main__":
    main()
