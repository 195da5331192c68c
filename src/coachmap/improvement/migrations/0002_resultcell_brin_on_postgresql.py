"""On PostgreSQL, a BRIN index on ResultCell.assessment_id.

The rebuild writes the cells in assessment order, so one testing window's cells lie together on
disk; a BRIN index (a few kilobytes) lets the district comparison read just those blocks instead
of the whole table. SQLite has no BRIN and does not need it: it uses the B-tree index.
"""

from django.db import migrations

NAME = "improvement_resultcell_assessment_brin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON improvement_resultcell USING brin (assessment_id) "
            "WITH (pages_per_range = 16)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
