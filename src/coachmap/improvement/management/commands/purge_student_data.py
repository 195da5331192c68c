"""`coachmap purge-student-data --district SLUG [--confirm]`: delete students' results, usage and
gradebook scores older than the district keeps (District → Settings); without --confirm it only
says what would go (improvement/retention.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coachmap.core.models import District
from coachmap.improvement.retention import student_data_purge


class Command(BaseCommand):
    help = "Delete student-level data older than the district's retention setting (a check unless --confirm)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="The district's slug.")
        parser.add_argument(
            "--confirm", action="store_true", help="delete; without it, only say what would go"
        )

    def handle(self, *args: Any, district: str, confirm: bool, **options: Any) -> None:
        target = District.objects.filter(slug=district).first()
        if target is None:
            slugs = ", ".join(District.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No district with the slug “{district}”. Districts here: {slugs}.")
        try:
            plan = student_data_purge(actor=None, district=target, dry_run=not confirm)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if confirm or not plan.rows:
            self.stdout.write(("Done. " if plan.rows else "") + plan.words())
        else:
            self.stdout.write(
                f"Check only, nothing deleted. {plan.words()} Run again with --confirm to delete."
            )
