from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "People and schools"
    name = "coachmap.core"
    label = "core"

    def ready(self) -> None:
        from django.urls import register_converter

        from coachmap.core.inputs import IdConverter

        # `<id:…>` in every URLconf: an id a database can hold, or no match (404).
        register_converter(IdConverter, "id")
