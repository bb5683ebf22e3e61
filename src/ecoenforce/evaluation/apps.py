from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "ecoenforce.evaluation"
    label = "evaluation"
    verbose_name = "效能评估与统计"
