"""`coachmap send-digests`: for cron (every hour, say). Makes the scheduled notifications (a
coaching meeting tomorrow, requests waiting too long, pulse invitations), then emails what is due:
single emails whose earlier try failed, and one digest per person."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coachmap.notifications import delivery
from coachmap.notifications.tasks import deliveries


class Command(BaseCommand):
    help = "Make the scheduled notifications and email the ones that are due, digests included."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Hand the run to the task worker instead of running it here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            deliveries.enqueue()
            self.stdout.write("Queued for the task worker.")
            return
        self.stdout.write(delivery.deliveries_run().summary())
