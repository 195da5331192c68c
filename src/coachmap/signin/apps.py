from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "coachmap.signin"
    label = "signin"
    verbose_name = "Sign-in"
