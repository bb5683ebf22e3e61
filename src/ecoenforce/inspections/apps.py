from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "ecoenforce.inspections"
    label = "inspections"
    verbose_name = "监督检查"

    def ready(self) -> None:
        from ecoenforce.inspections import handoff

        handoff.register_lead_sources()

        from ecoenforce.inspections import todo

        todo.register()  # the home page's to-do panel (org.todo)
