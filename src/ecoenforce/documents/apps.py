from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ecoenforce.documents"
    label = "documents"
    verbose_name = "执法文书"
