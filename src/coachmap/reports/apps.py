from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "coachmap.reports"
    label = "reports"
