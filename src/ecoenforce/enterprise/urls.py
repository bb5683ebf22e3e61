from django.urls import path

from ecoenforce.enterprise import views

app_name = "enterprise"
urlpatterns = [
    path("", views.home, name="home"),
    path("queries/<int:pk>/", views.query_detail, name="query"),
    path("evidence/", views.evidence_upload, name="evidence"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence-file"),
    path("files/<slug:key>/<str:ref>/", views.provider_file, name="file"),
    path("positive-list/", views.positive_list, name="positive-list"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/decide/", views.account_decide, name="decide"),
    path("staff/queries/", views.staff_queries, name="staff-queries"),
    path("staff/queries/new/", views.staff_query_new, name="staff-query-new"),
    path("staff/queries/<int:pk>/", views.staff_query, name="staff-query"),
    path("staff/evidence/<int:pk>/", views.staff_evidence_file, name="staff-evidence"),
]
