from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coachmap.coaching"
    label = "coaching"
