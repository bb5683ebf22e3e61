from django.urls import path

from ecoenforce.worker import views

app_name = "worker"
urlpatterns = [
    path("<uuid:pk>/", views.job_page, name="job"),
    path("<uuid:pk>/status.json", views.job_json, name="job_json"),
]
