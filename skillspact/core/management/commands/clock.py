"""Enqueue the periodic tasks (settings.PERIODIC_TASKS) every interval; `make run` starts it."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Enqueue the periodic tasks (e.g. reporting reminders) every --interval seconds."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=int, default=3600, help="seconds between rounds")
        parser.add_argument("--once", action="store_true", help="enqueue once and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for path in settings.PERIODIC_TASKS:
                # Each task is idempotent (reminders remember which ones went out), so a
                # restarted clock or a second one does no harm.
                import_string(path).enqueue()
                self.stdout.write(f"enqueued {path}")
            if options["once"]:
                return
            time.sleep(max(60, options["interval"]))
