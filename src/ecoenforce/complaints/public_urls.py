from django.urls import path

from ecoenforce.complaints import public_views

app_name = "complaints-public"
urlpatterns = [
    path("", public_views.complaint_new, name="new"),
    path("track/", public_views.complaint_track, name="track"),
    path("rate/", public_views.complaint_rate_view, name="rate"),
]
