import datetime as dt

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ecoenforce.audit"
    label = "audit"
    verbose_name = "全过程记录"

    def ready(self) -> None:
        from ecoenforce.audit.tasks import checkpoint_task
        from ecoenforce.worker.periodic import register_periodic

        # Checked every minute; a checkpoint is written when AUDIT_CHECKPOINT_EVENTS events or
        # AUDIT_CHECKPOINT_MINUTES have passed since the last one (anchoring.checkpoint_due).
        register_periodic("audit.checkpoint", every=dt.timedelta(minutes=1), task=checkpoint_task)

        from ecoenforce.audit import todo

        todo.register()  # the home page's to-do panel (org.todo)
