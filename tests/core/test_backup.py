"""`coachmap backup` and `coachmap restore`: a backup restored into an empty database holds every
row of every table and the uploads, on PostgreSQL (pg_dump/pg_restore) and on SQLite (its online
backup); a restore never lands on a database that already holds a district."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from coachmap.core.backup import BackupError, backup_restore
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def _digests_pg(conn: Any) -> dict[str, tuple[int, str]]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        found = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608
            )
            count, digest = cursor.fetchone()
            found[table] = (int(count), digest)
    return found


def _digests_sqlite(conn: Any) -> dict[str, tuple[int, str]]:
    """Each table's rows as SQLite itself writes them out (`iterdump`), free of Django's converters."""
    rows: dict[str, list[str]] = {}
    for line in conn.iterdump():
        if line.startswith('INSERT INTO "'):
            table = line.split('"', 2)[1]
            if not table.startswith("sqlite_"):
                rows.setdefault(table, []).append(line)
    cursor = conn.cursor()
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return {
        table: (
            len(rows.get(table, [])),
            hashlib.sha256("\n".join(sorted(rows.get(table, []))).encode()).hexdigest(),
        )
        for (table,) in cursor.fetchall()
    }


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A new, empty database of the suite's kind: its URL and a function that reads its digests."""
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        name = f"cm_restore_{uuid.uuid4().hex[:10]}"
        server = f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:

            def read() -> dict[str, tuple[int, str]]:
                with psycopg.connect(f"{server}/{name}") as conn:
                    return _digests_pg(conn)

            yield f"{server}/{name}", read
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        target = tmp_path / "restored.sqlite3"

        def read() -> dict[str, tuple[int, str]]:
            with sqlite3.connect(target) as conn:
                return _digests_sqlite(conn)

        yield f"sqlite:///{target}", read


def _source_digests() -> dict[str, tuple[int, str]]:
    connection.ensure_connection()
    return (
        _digests_pg(connection.connection)
        if connection.vendor == "postgresql"
        else _digests_sqlite(connection.connection)
    )


def _coachmap(*arguments: str, url: str, var: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "COACHMAP_VAR_DIR": str(var), "DEBUG": "true"}
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "coachmap", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_backup_restores_into_an_empty_database_with_every_row_and_upload(
    world: World, tmp_path: Path, settings: Any, empty_database: tuple[str, Any]
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = settings.MEDIA_ROOT / "library" / "lesson-plan.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 a teacher's lesson plan")
    backup = tmp_path / "nightly.tar"

    call_command("backup", str(backup))

    assert backup.exists() and not backup.with_name("nightly.tar.partial").exists()
    with tarfile.open(backup) as archive:
        names = archive.getnames()
    assert "manifest.json" in names and "media/library/lesson-plan.pdf" in names
    url, restored_digests = empty_database
    result = _coachmap("restore", str(backup), url=url, var=tmp_path / "restored-var")

    assert result.returncode == 0, result.stderr
    assert "each table's count as backed up" in result.stdout
    source, restored = _source_digests(), restored_digests()
    assert (
        source["core_district"][0] == 1 and source["coaching_coachingsession"][0] >= 2
    )  # the world is there
    assert restored == source, "every table, row for row"
    assert (
        tmp_path / "restored-var" / "media" / "library" / "lesson-plan.pdf"
    ).read_bytes() == upload.read_bytes()


def test_a_restore_refuses_a_database_that_holds_a_district(world: World, tmp_path: Path) -> None:
    backup = tmp_path / "b.tar"
    call_command("backup", str(backup))
    with pytest.raises(BackupError, match="already holds a district"):
        backup_restore(backup)


def test_a_backup_never_overwrites_a_file_and_a_restore_names_what_is_wrong(
    world: World, tmp_path: Path
) -> None:
    existing = tmp_path / "kept.tar"
    existing.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="already exists: choose a new file name"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"yesterday's backup"

    with pytest.raises(CommandError, match="is not a coachmap backup"):
        call_command("restore", str(existing))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar"))
