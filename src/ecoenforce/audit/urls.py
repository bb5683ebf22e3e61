from django.urls import path

from ecoenforce.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("events/<int:seq>/", views.event_detail, name="event"),
    path("export/", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
    path("verify/<uuid:job_id>/", views.verify_result, name="verify-result"),
]
