from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coachmap.notifications"
    label = "notifications"
