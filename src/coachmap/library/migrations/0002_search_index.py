"""Full-text search on SQLite: an FTS5 index over resources, kept in step by triggers.

PostgreSQL needs nothing stored: `library/search.py` builds its search vector at query time.
"""

from django.db import migrations

CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS library_resource_fts USING fts5(
        title, search_text, content='library_resource', content_rowid='id', tokenize='porter unicode61'
    )""",
    """CREATE TRIGGER IF NOT EXISTS library_resource_fts_ai AFTER INSERT ON library_resource BEGIN
        INSERT INTO library_resource_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS library_resource_fts_ad AFTER DELETE ON library_resource BEGIN
        INSERT INTO library_resource_fts(library_resource_fts, rowid, title, search_text) VALUES ('delete', old.id, old.title, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS library_resource_fts_au AFTER UPDATE ON library_resource BEGIN
        INSERT INTO library_resource_fts(library_resource_fts, rowid, title, search_text) VALUES ('delete', old.id, old.title, old.search_text);
        INSERT INTO library_resource_fts(rowid, title, search_text) VALUES (new.id, new.title, new.search_text);
    END""",
    "INSERT INTO library_resource_fts(library_resource_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS library_resource_fts_ai",
    "DROP TRIGGER IF EXISTS library_resource_fts_ad",
    "DROP TRIGGER IF EXISTS library_resource_fts_au",
    "DROP TABLE IF EXISTS library_resource_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
