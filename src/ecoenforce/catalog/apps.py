from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "ecoenforce.catalog"
    label = "catalog"
    verbose_name = "执法事项与裁量基准"
