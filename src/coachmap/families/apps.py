from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "coachmap.families"
    label = "families"
