from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ecoenforce.org"
    label = "org"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from ecoenforce.org import permissions, signals, todo_items  # noqa: F401  (rules and auth signals)

        todo_items.register()  # the home page's to-do panel (org.todo)

        from datetime import timedelta

        from ecoenforce.org.tasks import sweep_upload_spool
        from ecoenforce.worker.periodic import register_periodic

        register_periodic("org.sweep_upload_spool", every=timedelta(hours=1), task=sweep_upload_spool)
