from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "ecoenforce.inspections"
    label = "inspections"
    verbose_name = "监督检查"

    def ready(self) -> None:
        from ecoenforce.cases.registry import register_case_filed_hook
        from ecoenforce.inspections import handoff, positive

        handoff.register_lead_sources()
        register_case_filed_hook(positive.on_case_filed)
