from django.urls import include, path

from ecoenforce.cases import public_views as case_public
from ecoenforce.portal import views
from ecoenforce.portal import views_site as site

app_name = "portal"
urlpatterns = [
    path("", site.home, name="home"),
    path("units/", site.units, name="units"),
    path("guide/", site.guide, name="guide"),
    path("stats/", site.stats, name="stats"),
    path("search/", site.search, name="search"),
    path("catalog/", views.catalog_units, name="catalog"),
    path("catalog/<int:unit_id>/", views.catalog_unit, name="catalog-unit"),
    path("catalog/<int:unit_id>/history/", views.catalog_history, name="catalog-history"),
    path("catalog/<int:unit_id>/versions/<int:pk>/", views.catalog_version, name="catalog-version"),
    path("catalog/<int:unit_id>/items/<str:code>/", views.catalog_item, name="catalog-item"),
    path("decisions/", case_public.decisions, name="decisions"),
    path("decisions/<int:pk>/", case_public.decision, name="decision"),
    path("audit/checkpoints/", include("ecoenforce.audit.public_urls")),
]
