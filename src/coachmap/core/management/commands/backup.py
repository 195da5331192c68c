"""`coachmap backup [FILE]`: the database and the uploads in one file (docs/deploy.md, "Backups")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coachmap.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Back up the database (pg_dump on PostgreSQL, the online backup on SQLite) and the uploads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="where to write the backup (default: backups/coachmap-YYYYMMDD-HHMMSS.tar in the var folder)",
        )

    def handle(self, *args: Any, file: str | None, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        destination = Path(file) if file else Path(settings.VAR_DIR) / "backups" / f"coachmap-{stamp}.tar"
        try:
            manifest = backup_write(destination)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows:,} rows) and the uploads to {destination}. "
            f"Restore it with: coachmap restore {destination}"
        )
