from datetime import timedelta

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ecoenforce.monitoring"
    label = "monitoring"
    verbose_name = "非现场监管"

    def ready(self) -> None:
        from ecoenforce.monitoring import handoff, tasks
        from ecoenforce.worker.periodic import register_periodic

        register_periodic("monitoring.rules", every=timedelta(minutes=5), task=tasks.run_rules)
        register_periodic("monitoring.partitions", every=timedelta(days=1), task=tasks.maintain_partitions)
        handoff.register()  # the lead source "online_monitoring" in the cases app, when installed

        from ecoenforce.monitoring import todo

        todo.register()  # the home page's to-do panel (org.todo)
