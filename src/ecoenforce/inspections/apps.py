from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "ecoenforce.inspections"
    label = "inspections"
    verbose_name = "监督检查"
