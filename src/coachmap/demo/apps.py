from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district generator: an app only so that `coachmap demo-data` is found. No models."""

    verbose_name = "Demo district"
    name = "coachmap.demo"
    label = "demo"
