"""The one django-ninja API: every app adds its router here; the OpenAPI schema is at /api/openapi.json."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import SessionAuth

from ecoenforce.audit.services import record_refusal
from ecoenforce.org.tokens import TokenAuth

api = NinjaAPI(
    title="生态环境综合执法监管一体化平台 API",
    version="1",
    description="会话认证（页面）或令牌认证（机器客户端，`Authorization: Bearer <token>`）。所有数据按用户辖区限定。",
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    record_refusal(request, exc)
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到，或不在您的辖区内"}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "数据校验未通过", "errors": errors}, status=422)


def _register_routers() -> None:
    from ecoenforce.entities.api import router as entities_router

    api.add_router("/entities", entities_router, tags=["监管对象"])


_register_routers()
