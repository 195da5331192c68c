"""`coachmap setup`: first run. Creates the district and its first district admin, prints the
admin's invitation link, and refuses to run a second time.

Interactive by default (it asks for each value and asks again when one is wrong); with
`--no-input` every value comes from the flags, for scripts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coachmap.core import group_size
from coachmap.core.links import SiteAddress, invitation_lifetime_words
from coachmap.people import setup

FLAGS = {field: "--" + field.replace("_", "-") for field in setup.FIELDS}
HINTS = {
    "time_zone": "Region/City, e.g. America/Indiana/Indianapolis",
    "state": "two-letter postal code, e.g. IN; Enter to skip",
    "state_code": "how the state's results files name the district, e.g. Indiana's corporation id; Enter to skip",
    "min_group_size": f"{group_size.FLOOR} or more; figures about fewer people are hidden",
    "oneroster_org_id": "sourcedId of the district in your roster's orgs.csv; Enter to skip",
}


def _default_site() -> str:
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    return f"http://{host}:8000" if host in ("localhost", "127.0.0.1") else f"https://{host}"


class Command(BaseCommand):
    help = "First run: create the district and its first district admin, and print their invitation link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district-name", help="The district's name, as people know it.")
        parser.add_argument("--time-zone", help="Region/City, e.g. America/Chicago (default: TIME_ZONE).")
        parser.add_argument("--state", help="The state's two-letter postal code, e.g. IN.")
        parser.add_argument("--state-code", help="How the state's published results files name the district.")
        parser.add_argument(
            "--min-group-size",
            help=f"Hide figures about fewer people ({group_size.FLOOR} or more; default {group_size.DEFAULT}).",
        )
        parser.add_argument("--oneroster-org-id", help="The district's sourcedId in the roster's orgs.csv.")
        parser.add_argument("--admin-name", help="The first district admin's full name.")
        parser.add_argument("--admin-email", help="The first district admin's email address.")
        parser.add_argument(
            "--site-url",
            default=None,
            help="The address people open coachmap at, for the link (default from ALLOWED_HOSTS).",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Ask nothing; use the flags.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        existing = setup.already_set_up()
        if existing is not None:
            raise CommandError(setup.refusal(existing))
        site = self._site(options["site_url"] or _default_site())
        defaults = {"time_zone": settings.TIME_ZONE, "min_group_size": str(group_size.DEFAULT)}
        values = {f: options.get(f) for f in setup.FIELDS}
        if options["interactive"]:
            self.stdout.write(
                "Setting up coachmap for your district. Ctrl-C stops without changing anything."
            )
            for field in setup.FIELDS:
                values[field] = self._ask(field, values[field], defaults.get(field, ""))
        else:
            values = {f: v if v is not None else defaults.get(f, "") for f, v in values.items()}
        try:
            done = setup.district_setup(values={f: str(v or "") for f, v in values.items()}, site=site)
        except setup.AlreadySetUp as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            lines = [
                f"{FLAGS[field]}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            raise CommandError("Nothing was set up:\n  " + "\n  ".join(lines)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Set up {done.district}, with {done.admin} ({done.admin.email}) as district admin."
            )
        )
        self.stdout.write(
            f"Give {done.admin.first_name or done.admin} this invitation link. It works once, for {invitation_lifetime_words()}; "
            "with it they choose their own password (nobody else ever sees it):\n\n"
            f"    {done.link}\n\n"
            f"They sign in as {done.admin.username}. Next: import the roster (coachmap import oneroster "
            "<folder or zip>, or Import data in the menu), then invite the teachers from the People page."
        )

    def _site(self, url: str) -> SiteAddress:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise CommandError(f"--site-url: “{url}” is not an address like https://coachmap.example.org.")
        return SiteAddress(domain=parts.netloc, protocol=parts.scheme)

    def _ask(self, field: str, given: str | None, default: str) -> str:
        """Ask for one value until it is valid (a flag's value is checked, not asked again)."""
        label = setup.FIELDS[field]
        hint = HINTS.get(field, "")
        while True:
            if given is not None:
                answer, given = given, None
            else:
                suffix = f" [{default}]" if default else ""
                note = f" ({hint})" if hint else ""
                try:
                    answer = input(f"{label[0].upper()}{label[1:]}{note}{suffix}: ").strip() or default
                except EOFError:
                    raise CommandError(
                        f"No answer for the {label}, and nothing was set up. Without a terminal, "
                        f"run `coachmap setup --no-input` with the flags ({FLAGS[field]} …)."
                    ) from None
            try:
                setup.clean_value(field, answer)
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            return answer
