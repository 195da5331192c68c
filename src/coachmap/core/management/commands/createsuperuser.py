"""`coachmap createsuperuser` is first-run setup only: it runs while the database has no users.

Once people exist, a new account is added by a district admin (who never sets its password) and
nobody creates an all-powerful account beside them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management.commands import createsuperuser
from django.core.management.base import CommandError

from coachmap.core.models import User

REFUSAL = (
    "createsuperuser is only for first-run setup, and this database already has people in it. "
    "Ask a district admin to add the person in the admin (they will be emailed a link to set "
    "their own password)."
)


class Command(createsuperuser.Command):
    help = "First-run setup only: create the first account while the database has no users."

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.using(options.get("database") or "default").exists():
            raise CommandError(REFUSAL)
        super().handle(*args, **options)
