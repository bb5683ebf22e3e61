from django.urls import path

from ecoenforce.catalog import views

app_name = "catalog"
# "calculator" is left free for the penalty calculator's page.
urlpatterns = [
    path("", views.browse, name="browse"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("export/", views.export_effective, name="export"),
    path("versions/", views.versions, name="versions"),
    path("versions/diff/", views.diff_view, name="diff"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/export/", views.export_version, name="version-export"),
    path("versions/<int:pk>/meta/", views.version_meta, name="version-meta"),
    path("versions/<int:pk>/entries/new/", views.entry_new, name="entry-new"),
    path("versions/<int:pk>/entries/refine/", views.entry_refine, name="entry-refine"),
    path("versions/<int:pk>/entries/<int:entry_pk>/", views.entry_edit, name="entry-edit"),
    path("versions/<int:pk>/entries/<int:entry_pk>/remove/", views.entry_remove, name="entry-remove"),
    path("versions/<int:pk>/import/", views.import_view, name="import"),
    path("versions/<int:pk>/submit/", views.submit, name="submit"),
    path("versions/<int:pk>/review/", views.review, name="review"),
    path("versions/<int:pk>/approve/", views.approve, name="approve"),
    path("versions/<int:pk>/publish/", views.publish, name="publish"),
    path("versions/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/new/", views.draft_create, name="draft-create"),
]
