from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "ecoenforce.enterprise"
    label = "enterprise"
    verbose_name = "企业服务"

    def ready(self) -> None:
        from ecoenforce.enterprise import todo

        todo.register()  # the home page's to-do panel (org.todo)
