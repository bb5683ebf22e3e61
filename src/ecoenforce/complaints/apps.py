from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "ecoenforce.complaints"
    label = "complaints"
    verbose_name = "投诉举报"

    def ready(self) -> None:
        from ecoenforce.complaints import handoff

        handoff.register()

        from ecoenforce.complaints import todo

        todo.register()  # the home page's to-do panel (org.todo)
