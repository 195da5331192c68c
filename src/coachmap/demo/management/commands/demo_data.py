"""`coachmap demo-data --profile demo|large --seed N`: generate the demo district into an empty database."""

from __future__ import annotations

import datetime
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from coachmap.demo.effects import DEMO_PLANTED, Planted
from coachmap.demo.generate import DEMO_LOGINS, DEMO_PASSWORD, Generator, existing_state
from coachmap.demo.profiles import PROFILES


class Command(BaseCommand):
    help = "Generate a deterministic demo district (refuses a database that holds other data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", choices=sorted(PROFILES), default="demo")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Reference date (YYYY-MM-DD) for the current school year; default today. Fix it for identical data.",
        )
        parser.add_argument(
            "--coaching-effect",
            type=float,
            default=DEMO_PLANTED.coaching_points,
            help="Scale-score points planted in last year's spring and state scores of students whose teacher "
            f"completed a coaching cycle (default {DEMO_PLANTED.coaching_points:g}; 0 for none). See docs/impact.md.",
        )
        parser.add_argument(
            "--tool-effect",
            type=float,
            default=DEMO_PLANTED.tool_points_per_10_minutes,
            help="Scale-score points planted per 10 minutes a week of a subject tool "
            f"(default {DEMO_PLANTED.tool_points_per_10_minutes:g}; 0 for none).",
        )

    def handle(
        self,
        *args: Any,
        profile: str,
        seed: int,
        today: datetime.date | None,
        coaching_effect: float = DEMO_PLANTED.coaching_points,
        tool_effect: float = DEMO_PLANTED.tool_points_per_10_minutes,
        **options: Any,
    ) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False)
        state = existing_state()
        if state == "other":
            raise CommandError(
                "This database holds data that is not a generated demo district, so demo-data will not touch it. "
                "Point DATABASE_URL at an empty database (or remove var/coachmap.sqlite3) and run it again."
            )
        if state == "demo":
            console.print("The demo district is already loaded; nothing to add.")
        else:
            chosen = PROFILES[profile]
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as progress:
                tasks: dict[str, Any] = {}

                def report(name: str, done: int, total: int) -> None:
                    if name not in tasks:
                        tasks[name] = progress.add_task(name, total=total)
                    progress.update(tasks[name], completed=done)

                planted = Planted(coaching_points=coaching_effect, tool_points_per_10_minutes=tool_effect)
                counts = Generator(chosen, seed, today or timezone.localdate(), report, planted).run()
            total = sum(counts.rows.values())
            console.print(f"Generated the {profile} district: {total:,} rows in {counts.seconds:.1f} s.")
            for table, n in sorted(counts.rows.items()):
                console.print(f"  {table:<34} {n:>12,}")
        console.print(
            f"\nSign in at http://127.0.0.1:8000/ as any of (password: [bold]{DEMO_PASSWORD}[/bold]):"
        )
        for username, role in DEMO_LOGINS.items():
            console.print(f"  {username:<10} {role.label}")
