from django.urls import path

from ecoenforce.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("stats/", views.complaint_stats, name="stats"),
    path("new/", views.complaint_register, name="register"),
    path("import/", views.transfer_import, name="import"),
    path("export/", views.complaint_export, name="export"),
    path("n/<str:number>/", views.complaint_by_number, name="by-number"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/identity/", views.complaint_identity, name="identity"),
    path("<int:pk>/files/<int:att>/", views.attachment, name="attachment"),
    path("<int:pk>/<str:action>/", views.complaint_action, name="action"),
]
