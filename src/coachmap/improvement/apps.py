from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "coachmap.improvement"
    label = "improvement"
