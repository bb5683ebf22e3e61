from django.urls import path

from ecoenforce.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.point_list, name="points"),
    path("map/divisions.geojson", views.division_layer, name="divisions"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/maintenance-windows/", views.maintenance_window_create, name="window_add"),
    path("entities/<int:entity_id>/power-import/", views.power_import_upload, name="power_import"),
    path(
        "entities/<int:entity_id>/power-import/template.xlsx",
        views.power_import_template,
        name="power_import_template",
    ),
    path("power-import/<uuid:pk>/", views.power_import_preview, name="power_import_preview"),
    path("power-import/<uuid:pk>/commit/", views.power_import_commit, name="power_import_commit"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/export.xlsx", views.alert_export, name="alerts_export"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/<slug:action>/", views.alert_action, name="alert_action"),
]
