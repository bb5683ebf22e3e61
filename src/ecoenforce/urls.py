from django.urls import include, path

from ecoenforce.api import api

handler403 = "ecoenforce.org.views.forbidden"
handler404 = "ecoenforce.org.views.not_found"
handler500 = "ecoenforce.org.views.server_error"

urlpatterns = [
    path("", include("ecoenforce.evaluation.urls")),
    path("accounts/", include("ecoenforce.org.urls")),
    path("audit/", include("ecoenforce.audit.urls")),
    path("entities/", include("ecoenforce.entities.urls")),
    path("catalog/penalty/", include("ecoenforce.catalog.penalty_urls")),
    path("catalog/", include("ecoenforce.catalog.urls")),
    path("org/", include("ecoenforce.org.manage_urls")),
    path("public/", include("ecoenforce.portal.urls")),
    path("jobs/", include("ecoenforce.worker.urls")),
    path("api/", api.urls),
]
