from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "ecoenforce.catalog"
    label = "catalog"
    verbose_name = "执法事项与裁量基准"

    def ready(self) -> None:
        from ecoenforce.catalog import todo

        todo.register()  # the home page's to-do panel (org.todo)
