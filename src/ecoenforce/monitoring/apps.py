from datetime import timedelta

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ecoenforce.monitoring"
    label = "monitoring"
    verbose_name = "非现场监管"

    def ready(self) -> None:
        from ecoenforce.monitoring import tasks
        from ecoenforce.worker.periodic import register_periodic

        register_periodic("monitoring.rules", every=timedelta(minutes=5), task=tasks.run_rules)
        register_periodic("monitoring.partitions", every=timedelta(days=1), task=tasks.maintain_partitions)
