from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "coachmap.feedback"
    label = "feedback"

    def ready(self) -> None:
        from coachmap.feedback.reminders import pulse_invitations
        from coachmap.notifications import schedule

        schedule.register("pulse invitations", pulse_invitations)
