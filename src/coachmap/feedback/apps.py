from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "coachmap.feedback"
    label = "feedback"
