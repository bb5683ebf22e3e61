from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ecoenforce.portal"
    label = "portal"
    verbose_name = "公众公示"
