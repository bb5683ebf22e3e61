from django.urls import include, path

from ecoenforce.api import api

handler403 = "ecoenforce.org.views.forbidden"
handler404 = "ecoenforce.org.views.not_found"

urlpatterns = [
    path("", include("ecoenforce.evaluation.urls")),
    path("accounts/", include("ecoenforce.org.urls")),
    path("audit/", include("ecoenforce.audit.urls")),
    path("entities/", include("ecoenforce.entities.urls")),
    path("catalog/penalty/", include("ecoenforce.penalty.urls")),
    path("catalog/", include("ecoenforce.catalog.urls")),
    path("org/", include("ecoenforce.org.manage_urls")),
    path("public/draws/", include("ecoenforce.inspections.public_urls")),
    path("public/laws/", include("ecoenforce.statutes.public_urls")),
    path("public/verify/", include("ecoenforce.documents.public_urls")),
    path("public/complaints/", include("ecoenforce.complaints.public_urls")),
    path("public/enterprise/", include("ecoenforce.enterprise.public_urls")),
    path("public/", include("ecoenforce.portal.urls")),
    path("jobs/", include("ecoenforce.worker.urls")),
    path("laws/", include("ecoenforce.statutes.urls")),
    path("documents/", include("ecoenforce.documents.urls")),
    path("cases/", include("ecoenforce.cases.urls")),
    path("inspections/", include("ecoenforce.inspections.urls")),
    path("complaints/", include("ecoenforce.complaints.urls")),
    path("enterprise/", include("ecoenforce.enterprise.urls")),
    path("api/", api.urls),
    path("monitoring/", include("ecoenforce.monitoring.urls")),
]
