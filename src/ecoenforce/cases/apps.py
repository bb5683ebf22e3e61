from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "ecoenforce.cases"
    label = "cases"
    verbose_name = "案件办理"

    def ready(self) -> None:
        from ecoenforce.cases import registry

        registry.register_builtin_sources()
