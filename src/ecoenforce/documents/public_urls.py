from django.urls import path

from ecoenforce.documents import public_views

app_name = "verify"
urlpatterns = [
    path("", public_views.verify, name="verify"),
    path("<str:code>/", public_views.verify_code, name="code"),
]
