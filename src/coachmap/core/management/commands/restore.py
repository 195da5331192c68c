"""`coachmap restore FILE`: a backup into an empty database, checked table by table (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coachmap.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `coachmap backup` into an empty database, then compare every table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="restore even though the database already holds a district (everything in it is replaced)",
        )

    def handle(self, *args: Any, file: str, replace: bool, **options: Any) -> None:
        try:
            restored = backup_restore(Path(file), replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if restored.differences:
            lines = [
                f"  {table}: {expected:,} rows in the backup, {found:,} restored"
                for table, (expected, found) in sorted(restored.differences.items())
            ]
            raise CommandError("The restore does not match the backup:\n" + "\n".join(lines))
        self.stdout.write(
            f"Restored {restored.tables} tables ({restored.rows:,} rows, each table's count as backed up) "
            f"and {restored.media_files} uploaded files."
        )
