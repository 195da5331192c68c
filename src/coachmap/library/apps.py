from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "coachmap.library"
    label = "library"
