from django.urls import path

from ecoenforce.inspections import views, views_manage

app_name = "inspections"
urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("all/", views.inspection_list, name="list"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/submit/", views.inspection_submit, name="submit"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
    path("draws/", views_manage.draw_list, name="draws"),
    path("draws/<int:pk>/", views_manage.draw_detail, name="draw"),
    path("positive/", views_manage.positive_list, name="positive"),
    path("plans/", views_manage.plan_list, name="plans"),
    path("plans/<int:pk>/", views_manage.plan_detail, name="plan"),
    path("campaigns/", views_manage.campaign_list, name="campaigns"),
    path("settings/", views_manage.settings_page, name="settings"),
]
