from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "People and schools"
    name = "coachmap.core"
    label = "core"
