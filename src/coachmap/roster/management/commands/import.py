"""`coachmap import oneroster|results|published|usage|flags PATH [--dry-run] [--allow-removals] [--mapping NAME]`.

An import that would remove or change more than the district's share (Settings, 5 % unless
changed), or remove every student, teacher, class or enrollment, changes nothing and exits
non-zero with what it would remove, unless `--allow-removals` confirms it."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from coachmap.core.models import District
from coachmap.roster.importers.report import Report
from coachmap.roster.models import ImportKind, ImportStatus
from coachmap.roster.services import import_run_create, import_run_execute


class Command(BaseCommand):
    help = "Import a OneRoster bundle, assessment results, published state results, technology usage or program flags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("path", help="A zip, a folder (OneRoster) or a CSV file.")
        parser.add_argument("--district", help="Slug of the district to import into (default: the only one).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only; change nothing.")
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="Confirm an import that removes or changes more than the district's share of what it holds.",
        )
        parser.add_argument(
            "--mapping",
            default="",
            help="Name of the saved column mapping for this source (results); created from the file's headers on first use.",
        )

    def handle(
        self,
        *args: Any,
        kind: str,
        path: str,
        district: str | None,
        dry_run: bool,
        allow_removals: bool,
        mapping: str,
        **options: Any,
    ) -> None:
        console = Console(file=cast(IO[str], self.stdout), highlight=False, width=120)
        target = self._district(district, kind)
        run = import_run_create(
            actor=None,
            district=target,
            kind=kind,
            filename=path,
            mapping=mapping,
            dry_run=dry_run,
            allow_removals=allow_removals,
        )
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            tasks: dict[str, Any] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=total)
                bar.update(tasks[phase], completed=done, total=total)

            report = import_run_execute(run=run, path=path, progress=progress)
        run.refresh_from_db()
        self._print(console, report)
        if run.status == ImportStatus.HELD:
            raise CommandError(report.summary())
        if run.status in (ImportStatus.REJECTED, ImportStatus.FAILED):
            raise CommandError(f"{report.summary()} ({run.get_status_display()})")

    def _district(self, slug: str | None, kind: str) -> District | None:
        if slug:
            found = District.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No district has the slug “{slug}”.")
            return found
        districts = list(District.objects.all()[:2])
        if len(districts) == 1:
            return districts[0]
        if not districts and kind == ImportKind.ONEROSTER:
            return None  # the bundle's district org becomes the district
        raise CommandError(
            "Say which district to import into with --district SLUG."
            if districts
            else "There is no district yet: import a OneRoster bundle first, or create the district."
        )

    def _print(self, console: Console, report: Report) -> None:
        table = Table(title="Import summary", title_justify="left")
        for column in ("", "added", "changed", "removed", "unchanged", "skipped"):
            table.add_column(column, justify="left" if not column else "right")
        for entity, c in report.counts.items():
            table.add_row(
                entity, *(f"{n:,}" for n in (c.added, c.changed, c.removed, c.unchanged, c.skipped))
            )
        if report.counts:
            console.print(table)
        if report.effect():
            console.print(report.effect(), markup=False)
        for what, n in report.dropped.items():
            console.print(f"Dropped, never stored: {what}: {n:,} rows")
        for note in report.notes:
            console.print(f"Note: {note}")
        if report.warning_count:
            console.print(f"[yellow]{report.warning_count:,} warning(s):[/yellow]")
            for warning in report.warnings[:50]:
                console.print(f"  {warning}", markup=False)
        if report.problem_count:
            console.print(f"[red]{report.problem_count:,} problem(s); nothing was changed:[/red]")
            for problem in report.problems:
                console.print(f"  {problem}", markup=False)
            if report.problem_count > len(report.problems):
                console.print(f"  … and {report.problem_count - len(report.problems):,} more")
        verdict = report.summary()
        if report.dry_run and report.ok:
            verdict = "Checked, nothing changed: " + verdict
        console.print(verdict)
