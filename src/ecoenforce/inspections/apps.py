from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "ecoenforce.inspections"
    label = "inspections"
    verbose_name = "监督检查"

    def ready(self) -> None:
        from ecoenforce.inspections import enterprise_rows, handoff

        handoff.register_lead_sources()
        enterprise_rows.register()  # what the enterprise service shows an entity, when installed

        from ecoenforce.inspections import todo

        todo.register()  # the home page's to-do panel (org.todo)
        from ecoenforce.cases.registry import register_case_filed_hook
        from ecoenforce.inspections import positive

        register_case_filed_hook(positive.on_case_filed)  # a filed case removes the entity from the list
