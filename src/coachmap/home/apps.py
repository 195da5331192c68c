from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page and the template tags every page loads: they read from every app, so they sit
    above them all. An app only so that `{% load coachmap %}` is found. No models."""

    verbose_name = "Home page"
    name = "coachmap.home"
    label = "home"
