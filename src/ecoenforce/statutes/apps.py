from django.apps import AppConfig


class StatutesConfig(AppConfig):
    name = "ecoenforce.statutes"
    label = "statutes"
    verbose_name = "法规库"
