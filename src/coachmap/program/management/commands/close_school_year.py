"""`coachmap close-school-year --district SLUG --lead USERNAME [--year 2027] [--confirm]`: the
school-year rollover (program/rollover.py); without --confirm it only says what would happen."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coachmap.core.models import District, User
from coachmap.program.rollover import current_year, year_rollover


class Command(BaseCommand):
    help = "Close a school year: pause active cycles, keep the annual review, start the goals again (a check unless --confirm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="The district's slug.")
        parser.add_argument(
            "--lead", required=True, help="The program lead's username: the rollover is done as them."
        )
        parser.add_argument(
            "--year",
            type=int,
            help="The school year by the calendar year it ends in (default: the current one).",
        )
        parser.add_argument(
            "--confirm", action="store_true", help="do it; without it, only say what would happen"
        )

    def handle(
        self, *args: Any, district: str, lead: str, year: int | None, confirm: bool, **options: Any
    ) -> None:
        target = District.objects.filter(slug=district).first()
        if target is None:
            raise CommandError(f"No district with the slug “{district}”.")
        actor = User.objects.filter(username=lead).first()
        if actor is None:
            raise CommandError(f"No person with the username “{lead}”.")
        try:
            plan = year_rollover(
                actor=actor, district=target, school_year=year or current_year(), dry_run=not confirm
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        prefix = "Done. " if confirm else "Check only, nothing changed. "
        suffix = "" if confirm else " Run again with --confirm to do it."
        self.stdout.write(prefix + plan.words() + suffix)
