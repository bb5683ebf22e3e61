from django.urls import path

from ecoenforce.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/pdf/", views.document_pdf, name="pdf"),
    path("<int:pk>/docx/", views.document_docx, name="docx"),
    path("<int:pk>/revoke/", views.document_revoke_view, name="revoke"),
    path("subject/<str:subject_type>/<str:subject_id>/", views.subject_documents, name="subject"),
    path("casefiles/<int:pk>/", views.case_file_detail, name="casefile"),
    path("casefiles/<int:pk>/pdf/", views.case_file_pdf, name="casefile-pdf"),
    path("casefiles/<int:pk>/manifest.json", views.case_file_manifest, name="casefile-manifest"),
]
