from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coachmap.coaching"
    label = "coaching"

    def ready(self) -> None:
        from coachmap.coaching.cycles.reminders import meeting_reminders
        from coachmap.coaching.requests.reminders import waiting_requests
        from coachmap.notifications import schedule

        schedule.register("meeting reminders", meeting_reminders)
        schedule.register("waiting requests", waiting_requests)
