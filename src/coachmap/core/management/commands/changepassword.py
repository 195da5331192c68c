"""`coachmap changepassword` refuses: nobody sets another person's password, operators included."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

REFUSAL = (
    "coachmap does not let anyone set another person's password, from the command line either. "
    "The person can reset their own from the sign-in page (“Forgot your password?”), or a district "
    "admin can send them a set-your-password link from the admin's People page."
)


class Command(BaseCommand):
    help = "Refuses: passwords are set only by their owners, through an emailed link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(REFUSAL)
