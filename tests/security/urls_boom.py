from django.urls import path

from ecoenforce.urls import handler403, handler404, handler500
from ecoenforce.urls import urlpatterns as base


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *base]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
