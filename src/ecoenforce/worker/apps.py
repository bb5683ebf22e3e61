from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "ecoenforce.worker"
    label = "worker"
    verbose_name = "后台任务"
