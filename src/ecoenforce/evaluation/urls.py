from django.urls import path

from ecoenforce.evaluation import views

urlpatterns = [
    path("", views.home, name="home"),
]
