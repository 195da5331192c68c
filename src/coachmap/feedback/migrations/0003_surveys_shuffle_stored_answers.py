"""Stored answers no longer line up with receipts.

Before this, each answer was written the moment it was given, beside the receipt saying who had
answered: the order of rows (SQLite's rowid, PostgreSQL's physical order) paired the two. This
rewrites every stored pulse and survey answer in a random order, keeping their random ids and
their values, then compacts the tables so the old order does not linger in freed pages.

Pulse answers still waiting when this runs (no batch) were stored without anything telling who
gave them, so they can never join a batch of *different* teachers: they stay uncounted.

The reverse does nothing: the old order was the leak.
"""

import random

from django.db import migrations, transaction

TABLES = ("feedback_pulseresponse", "feedback_surveyresponse", "feedback_surveyanswer")


def shuffle(apps, schema_editor):
    rng = random.SystemRandom()
    connection = schema_editor.connection
    models = [
        apps.get_model("feedback", name) for name in ("PulseResponse", "SurveyResponse", "SurveyAnswer")
    ]
    with transaction.atomic(using=connection.alias):
        rows = [list(model.objects.using(connection.alias).all()) for model in models]
        if not any(rows):
            return
        for model in reversed(models):  # answers before the responses they belong to
            model.objects.using(connection.alias).all().delete()
        for model, stored in zip(models, rows, strict=True):
            rng.shuffle(stored)
            model.objects.using(connection.alias).bulk_create(stored, batch_size=2000)
    # Deleted rows keep their old order in freed pages until the tables are compacted.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM FULL " + ", ".join(TABLES))
        elif connection.vendor == "sqlite":
            cursor.execute("VACUUM")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("feedback", "0002_surveys_sealed_pool"),
    ]

    operations = [
        migrations.RunPython(shuffle, migrations.RunPython.noop, elidable=True),
    ]
