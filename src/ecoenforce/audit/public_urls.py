from django.urls import path

from ecoenforce.audit import public_views

app_name = "audit_public"
urlpatterns = [path("", public_views.checkpoints, name="checkpoints")]
