from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ecoenforce.audit"
    label = "audit"
    verbose_name = "全过程记录"
