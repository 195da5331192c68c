from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "coachmap.roster"
    label = "roster"

    def ready(self) -> None:
        from coachmap.notifications import schedule
        from coachmap.roster.sync.services import syncs_due

        # The nightly roster sync runs from the same schedule as the digests (`coachmap send-digests`).
        schedule.register("roster sync", syncs_due)
