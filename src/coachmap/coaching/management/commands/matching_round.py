"""`coachmap matching-round --district SLUG --lead USERNAME [--confirm]`: run a matching round from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coachmap.coaching.bestfit import rounds as matching_rounds
from coachmap.coaching.bestfit.matching.explain import points
from coachmap.core.models import District, User


class Command(BaseCommand):
    help = "Match every waiting coaching request of a district at once, as its program lead."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="The district's slug.")
        parser.add_argument("--lead", required=True, help="Username of the program lead running the round.")
        parser.add_argument(
            "--confirm", action="store_true", help="Confirm the round: teachers see their proposals."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["district"]).first()
        if district is None:
            raise CommandError(f"No district with slug “{options['district']}”.")
        lead = User.objects.filter(username=options["lead"]).first()
        if lead is None:
            raise CommandError(f"No user “{options['lead']}”.")
        try:
            matching_round = matching_rounds.round_run(actor=lead, district=district)
        except PermissionError as exc:
            raise CommandError(str(exc)) from exc
        f = matching_round.figures
        self.stdout.write(
            f"Round {matching_round.pk}: {f['matched']} of {f['requests']} requests matched with a coach, "
            f"{f['offered']} offered lighter support, {f['nothing']} waiting; total fit {points(f['total_fit'])} "
            f"points in {f['seconds_total']} s."
        )
        if options["confirm"]:
            matching_rounds.round_confirm(actor=lead, matching_round=matching_round)
            self.stdout.write("Confirmed: teachers now see their proposals and decide.")
