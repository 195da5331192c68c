"""`coachmap audit-tables [--district SLUG]`: run the disclosure audit on every school's needs tables now."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coachmap.core.models import District
from coachmap.improvement.queries.needs import tables_audit


class Command(BaseCommand):
    help = (
        "Run the disclosure audit on every school's needs tables as a principal reads them, and keep "
        "the answers, so no page waits for one. Tables already audited are read back, not audited again."
    )

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
            started = time.perf_counter()
            tables = tables_audit(district=d)
            self.stdout.write(
                f"{d.name}: {tables:,} tables audited in {time.perf_counter() - started:.1f} s."
            )
