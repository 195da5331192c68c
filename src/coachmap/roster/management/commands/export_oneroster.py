"""`coachmap export-oneroster OUT [--district SLUG]`: the district as a OneRoster 1.1 bundle
(a folder, or a zip when OUT ends in .zip), with program flags and assessment results beside it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coachmap.core.audit import audit_record
from coachmap.core.models import AuditAction, District
from coachmap.roster.exporters import oneroster_export


class Command(BaseCommand):
    help = "Write a district's roster, program flags and assessment results as a OneRoster bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="A folder, or a file name ending in .zip")
        parser.add_argument("--district", help="Slug of the district (default: the only one).")

    def handle(self, *args: Any, out: str, district: str | None, **options: Any) -> None:
        found = District.objects.filter(slug=district) if district else District.objects.all()
        districts = list(found[:2])
        if len(districts) != 1:
            raise CommandError("Say which district to export with --district SLUG.")
        counts = oneroster_export(district=districts[0], path=out)
        audit_record(
            actor=None, action=AuditAction.EXPORT, district=districts[0], what="oneroster", rows=counts
        )
        for name, n in counts.items():
            self.stdout.write(f"{name:<24} {n:>10,}")
        self.stdout.write(f"Wrote {out}.")
