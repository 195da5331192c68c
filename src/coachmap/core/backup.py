"""Backup and restore: the whole database and the uploads folder in one file (docs/deploy.md).

A backup is a tar file holding `manifest.json` (what was backed up, when, from which database
engine, each table's row count), the database (`database.dump` from PostgreSQL's `pg_dump` in its
custom format, or `database.sqlite3` from SQLite's online backup API, taken while the site runs),
and the uploads under `media/`. A restore goes into an empty database only (it refuses one that
holds a district, unless told to replace it), then checks every table's row count against the
manifest and says which differ.

The database's own tools do the copying; nothing here reads rows one by one.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Restored:
    tables: int = 0
    rows: int = 0
    differences: dict[str, tuple[int, int]] = field(default_factory=dict)
    media_files: int = 0


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


def table_counts() -> dict[str, int]:
    """Every table of the database (Django's and the apps') and its row count."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 - names from the catalog
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the configured database, so no password is put on a command line."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, variable in (
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _run(command: list[str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} was not found: install PostgreSQL's client programs (Debian: postgresql-client) "
            f"in the same major version as the server, then {what} again."
        )
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)  # noqa: S603 - fixed program, no shell
    if result.returncode != 0:
        raise BackupError(f"{command[0]} stopped: {result.stderr.strip()[:500]}")


def backup_write(destination: Path) -> dict[str, Any]:
    """Write a backup to `destination` (a .tar file); returns its manifest."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(
            f"{destination} already exists: choose a new file name, so no backup is overwritten."
        )
    destination.parent.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "engine": engine(),
        "created": timezone.now().isoformat(),
        "tables": table_counts(),
    }
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        if manifest["engine"] == "postgresql":
            database = work / PG_DUMP
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={database}"],
                "back up",
            )
        elif manifest["engine"] == "sqlite":
            database = work / SQLITE_FILE
            connection.ensure_connection()
            target = sqlite3.connect(database)
            try:
                connection.connection.backup(target)  # SQLite's online backup: a consistent copy while in use
            finally:
                target.close()
        else:
            raise BackupError(f"Backups know PostgreSQL and SQLite, not {manifest['engine']}.")
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname=MEDIA)
        partial.rename(destination)  # a backup is there whole or not at all
    return manifest


def _read_manifest(archive: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError(f"{source} is not a coachmap backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(member.read())
    except ValueError as exc:
        raise BackupError(f"{source}: its {MANIFEST} cannot be read ({exc}).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{source} was written by another version of coachmap (format {manifest.get('format')})."
        )
    return manifest


def holds_a_district() -> bool:
    """Whether the configured database already has coachmap's data in it."""
    with connection.cursor() as cursor:
        if "core_district" not in connection.introspection.table_names(cursor):
            return False
        cursor.execute("SELECT 1 FROM core_district LIMIT 1")
        return cursor.fetchone() is not None


def backup_restore(source: Path, *, replace: bool = False) -> Restored:
    """Restore a backup into the configured database and the uploads folder."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    try:
        archive = tarfile.open(source, "r")  # noqa: SIM115 - closed by the `with` below
    except tarfile.TarError as exc:
        raise BackupError(f"{source} is not a coachmap backup: {exc}.") from exc
    with archive, tempfile.TemporaryDirectory() as scratch:
        manifest = _read_manifest(archive, source)
        if manifest.get("engine") != engine():
            raise BackupError(
                f"{source} is a {manifest.get('engine')} backup and this database is {engine()}: "
                "restore it into the same kind of database."
            )
        if holds_a_district() and not replace:
            raise BackupError(
                "This database already holds a district. Restore into an empty database, or pass "
                "--replace to overwrite everything in it."
            )
        work = Path(scratch)
        archive.extractall(work, filter="data")
        if engine() == "postgresql":
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    f"--dbname={connection.settings_dict['NAME']}",
                    str(work / PG_DUMP),
                ],
                "restore",
            )
        else:
            _sqlite_restore(work / SQLITE_FILE)
        media_files = _media_restore(work / MEDIA)
    restored = Restored(media_files=media_files)
    now = table_counts()
    for table, expected in manifest["tables"].items():
        found = now.get(table, -1)
        restored.tables += 1
        restored.rows += max(found, 0)
        if found != expected:
            restored.differences[table] = (expected, found)
    return restored


def _sqlite_restore(copy: Path) -> None:
    if not copy.exists():
        raise BackupError(f"The backup has no {SQLITE_FILE}.")
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)  # replaces every page of the open database
    finally:
        source.close()
    connection.close()  # the next query opens the restored file afresh


def _media_restore(extracted: Path) -> int:
    if not extracted.is_dir():
        return 0
    media = Path(settings.MEDIA_ROOT)
    count = 0
    for path in extracted.rglob("*"):
        if path.is_file():
            target = media / path.relative_to(extracted)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count
