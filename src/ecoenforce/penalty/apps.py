from django.apps import AppConfig


class PenaltyConfig(AppConfig):
    """罚款计算: the calculator, its pure engine (penalty.engine), decisions and legal parameters.

    Its models keep the app label "catalog" (see penalty/models.py), so this app owns no migrations."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ecoenforce.penalty"
    label = "penalty"
    verbose_name = "罚款计算"

    def ready(self) -> None:
        from ecoenforce.penalty import todo

        todo.register()  # the home page's to-do panel (org.todo)
