from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "coachmap.program"
    label = "program"
    verbose_name = "Coaching program"
