from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ecoenforce.documents"
    label = "documents"
    verbose_name = "执法文书"

    def ready(self) -> None:
        from ecoenforce.documents import enterprise_rows

        enterprise_rows.register()  # the party's own documents in the enterprise service, when installed
