from django.urls import path

from ecoenforce.inspections import public_views

app_name = "public_draws"
urlpatterns = [
    path("", public_views.draws, name="draws"),
    path("<int:pk>/", public_views.draw_detail, name="draw"),
    path("verify/", public_views.verify, name="verify"),
    path("inspections/", public_views.results, name="results"),
    path("inspections/<int:pk>/", public_views.result_detail, name="result"),
]
