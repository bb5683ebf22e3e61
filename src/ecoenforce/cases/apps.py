from typing import Any

from django.apps import AppConfig


def _ensure_fts(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from ecoenforce.cases.search import ensure_sqlite_fts

    ensure_sqlite_fts(connections[using])


class CasesConfig(AppConfig):
    name = "ecoenforce.cases"
    label = "cases"
    verbose_name = "案件办理"

    def ready(self) -> None:
        from ecoenforce.cases import registry

        registry.register_builtin_sources()

        from ecoenforce.cases import enterprise_rows

        enterprise_rows.register()  # what the enterprise service shows the party, when installed

        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_fts, sender=self, dispatch_uid="cases.ensure_sqlite_fts")

        from datetime import timedelta

        from ecoenforce.cases.tasks import remind_deadlines
        from ecoenforce.worker.periodic import register_periodic

        register_periodic("cases.remind_deadlines", every=timedelta(hours=1), task=remind_deadlines)

        from ecoenforce.cases import todo

        todo.register()  # the home page's to-do panel (org.todo)
