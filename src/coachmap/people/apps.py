from django.apps import AppConfig


class PeopleConfig(AppConfig):
    verbose_name = "People and invitations"
    name = "coachmap.people"
    label = "people"
