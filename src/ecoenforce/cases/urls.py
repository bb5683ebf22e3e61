from django.urls import path

from ecoenforce.cases import lead_views, measure_views, views

app_name = "cases"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("list/", views.case_list, name="list"),
    path("deadlines/", views.deadline_board, name="deadlines"),
    path("leads/", lead_views.lead_list, name="leads"),
    path("leads/new/", lead_views.lead_new, name="lead-new"),
    path("leads/<int:pk>/", lead_views.lead_detail, name="lead"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/step/<slug:action>/", views.case_step, name="step"),
    path("<int:pk>/evidence/", views.case_evidence, name="evidence"),
    path("<int:pk>/payment/", views.case_payment, name="payment"),
    path("<int:pk>/publish/", views.case_publish, name="publish"),
    path("<int:pk>/measures/", measure_views.case_measures, name="measures"),
    path("<int:pk>/referral/", measure_views.case_referral, name="referral"),
    path("<int:pk>/payment-plan/", measure_views.case_payment_plan, name="payment-plan"),
    path("<int:pk>/criminal/", measure_views.case_criminal, name="criminal"),
]
