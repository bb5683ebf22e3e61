from django.urls import path

from ecoenforce.statutes import views

app_name = "statutes_public"
urlpatterns = [
    path("", views.public_law_list, name="list"),
    path("search/", views.public_search, name="search"),
    path("<slug:code>/", views.public_law_detail, name="law"),
]
