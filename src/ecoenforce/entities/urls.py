from django.urls import path

from ecoenforce.entities import views

app_name = "entities"
urlpatterns = [
    path("", views.entity_list, name="list"),
    path("new/", views.entity_create_view, name="create"),
    path("<int:pk>/", views.entity_detail, name="detail"),
    path("<int:pk>/edit/", views.entity_edit_view, name="edit"),
    path("export.xlsx", views.entity_export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<uuid:pk>/", views.import_preview, name="import_preview"),
    path("import/<uuid:pk>/commit/", views.import_commit, name="import_commit"),
    path("import/<uuid:pk>/errors.xlsx", views.import_errors, name="import_errors"),
]
