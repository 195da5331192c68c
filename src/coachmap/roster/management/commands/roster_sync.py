"""`coachmap roster-sync`: sync a district's roster from its OneRoster service now, here (the
page's "Sync now" hands the same run to the task worker)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coachmap.core.models import District
from coachmap.roster.sync.services import sync_execute, sync_start


class Command(BaseCommand):
    help = "Sync a district's roster from its OneRoster REST service now (full the first time, then changes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--district", help="The district's short name (slug); needed when there are several."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        districts = District.objects.filter(roster_sync__isnull=False)
        if options["district"]:
            districts = districts.filter(slug=options["district"])
        found = list(districts[:2])
        if not found:
            raise CommandError(
                "No district with a connected OneRoster service matches; connect one on the Roster sync page."
            )
        if len(found) > 1:
            raise CommandError("Several districts have a OneRoster service: name one with --district.")
        try:
            run = sync_start(actor=None, district=found[0])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        run = sync_execute(run=run)
        self.stdout.write(f"{run.get_mode_display()}: {run.get_status_display()}. {run.reason}")
