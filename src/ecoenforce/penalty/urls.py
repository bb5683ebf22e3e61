"""URLs of the penalty calculator, the consistency report (同案不同罚) and the legal parameters.

Included at /catalog/penalty/ with the namespace "penalty" (ecoenforce/urls.py)."""

from django.urls import path

from ecoenforce.penalty.views import calculator as penalty_views
from ecoenforce.penalty.views import consistency as consistency_views
from ecoenforce.penalty.views import daily as daily_views
from ecoenforce.penalty.views import parameters as penalty_params_views

app_name = "penalty"
urlpatterns = [
    path("", penalty_views.calculator, name="calculator"),
    path("items/", penalty_views.items, name="items"),
    path("daily/", daily_views.daily, name="daily"),
    path("consistency/", consistency_views.consistency, name="consistency"),
    path("consistency/export/", consistency_views.export, name="consistency-export"),
    path("parameters/", penalty_params_views.parameters, name="parameters"),
    path("parameters/<str:key>/confirm/", penalty_params_views.confirm, name="parameter-confirm"),
]
