"""`coachmap rebuild-summaries [--district SLUG]`: recreate the needs-assessment summary tables from raw data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coachmap.core.models import District
from coachmap.improvement.summaries import summaries_rebuild


class Command(BaseCommand):
    help = "Recreate the summary tables the needs-assessment pages read, from the raw results, roster, usage and gradebook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", help="The district's slug; every district when left out.")

    def handle(self, *args: Any, district: str | None, **options: Any) -> None:
        districts = District.objects.order_by("pk")
        if district:
            districts = districts.filter(slug=district)
            if not districts.exists():
                slugs = ", ".join(District.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(f"No district with the slug “{district}”. Districts here: {slugs}.")
        for d in districts:
            report = summaries_rebuild(district=d)
            self.stdout.write(
                f"{d.name}: {report.result_cells:,} result cells, {report.enrollment_cells:,} roster cells, "
                f"{report.usage_cells:,} usage cells, {report.turnaround_cells:,} gradebook cells, "
                f"{report.outcome_students:,} students across the impact outcomes in {report.seconds:.1f} s."
            )
