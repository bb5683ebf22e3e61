from django.urls import path

from ecoenforce.enterprise import views

app_name = "enterprise-public"
urlpatterns = [path("apply/", views.apply, name="apply")]
