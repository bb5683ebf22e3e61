from django.urls import path

from ecoenforce.statutes import views

app_name = "statutes"
urlpatterns = [
    path("", views.law_list, name="list"),
    path("search/", views.search, name="search"),
    path("<slug:code>/", views.law_detail, name="law"),
]
