from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "coachmap.impact"
    label = "impact"
    verbose_name = "Impact estimates"
