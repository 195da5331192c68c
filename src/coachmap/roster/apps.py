from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "coachmap.roster"
    label = "roster"
