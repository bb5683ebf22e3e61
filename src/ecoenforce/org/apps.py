from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ecoenforce.org"
    label = "org"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from ecoenforce.org import permissions, signals  # noqa: F401  (rules and auth signals)

        from ecoenforce.org import todo_items

        todo_items.register()  # the home page's to-do panel (org.todo)
