"""Test-only URLs: a view that writes, then is refused (the write must roll back, the refusal stay)."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from ecoenforce.audit.services import audit_record
from ecoenforce.org.models import Unit, UnitLevel
from ecoenforce.org.permissions import Refused


def write_then_refuse(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        unit = Unit.objects.create(name="不应存在的单位", level=UnitLevel.COUNTY, division_code="131022")
        audit_record(action="unit.create", target=unit)
        raise Refused(
            "您的角色无权执行此操作", action="unit.create", target=("org.unit", "", "不应存在的单位")
        )


urlpatterns = [
    path("refuse/", write_then_refuse),
    path("", include("ecoenforce.urls")),
]
