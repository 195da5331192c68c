"""The notification model now lives in the notifications app (its migration 0001 takes over the
table as it is); here the coaching app only forgets it. No data moves."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0002_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
