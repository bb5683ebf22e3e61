from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ecoenforce.org"
    label = "org"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from ecoenforce.org import permissions, signals, todo_items  # noqa: F401  (rules and auth signals)

        todo_items.register()  # the home page's to-do panel (org.todo)
