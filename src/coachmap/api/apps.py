from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coachmap.api"
    label = "api"
