"""The one django-ninja API: every app adds its router here; the OpenAPI schema is at /api/openapi.json."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.security import SessionAuth

from ecoenforce.audit.services import record_refusal
from ecoenforce.org.tokens import TokenAuth

api = NinjaAPI(
    title="生态环境综合执法监管一体化平台 API",
    version="1",
    description=(
        "会话认证（页面）或令牌认证（机器客户端，`Authorization: Bearer <token>`）。所有数据按用户辖区限定。"
    ),
    # Token first: SessionAuth checks CSRF and raises (403) before a later method is tried, so with
    # it first a bearer-token POST never got through. Without the header TokenAuth passes to the session.
    auth=[TokenAuth(), SessionAuth()],
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


# pydantic error types → Chinese (the API's users read Chinese; the type code stays for machines).
_SCHEMA_MESSAGES = {
    "missing": "必填",
    "string_too_long": "长度不能超过{max_length}个字符",
    "string_too_short": "长度不能少于{min_length}个字符",
    "string_pattern_mismatch": "含有不允许的字符（如空字符）或格式不符",
    "string_type": "应为文本",
    "enum": "取值无效",
    "literal_error": "取值无效",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "decimal_parsing": "应为数字",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "greater_than_equal": "不能小于{ge}",
    "greater_than": "应大于{gt}",
    "less_than_equal": "不能大于{le}",
    "json_invalid": "请求体不是有效的 JSON",
    "extra_forbidden": "不允许的字段",
    "date_type": "日期格式应为 YYYY-MM-DD",
}


@api.exception_handler(SchemaError)
def _schema_invalid(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ())]  # ("body", "payload", "name") → "name"
        field = ".".join(loc[2:]) or ".".join(loc[1:]) or "__all__"
        template = _SCHEMA_MESSAGES.get(str(error.get("type", "")), "格式不正确")
        try:
            message = template.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError):
            message = template
        errors.setdefault(field, []).append(message)
    return api.create_response(request, {"detail": "数据校验未通过", "errors": errors}, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):  # ninja's own English message
        detail = "请求体无法解析，应为有效的 JSON"
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "未登录，或接口令牌无效"}, status=401)


def _register_routers() -> None:
    from ecoenforce.cases.api import router as cases_router
    from ecoenforce.catalog.api import router as catalog_router
    from ecoenforce.entities.api import router as entities_router
    from ecoenforce.inspections.api import router as inspections_router
    from ecoenforce.penalty.api import router as penalty_router

    api.add_router("/entities", entities_router, tags=["监管对象"])
    api.add_router("/catalog", catalog_router, tags=["执法事项清单"])
    api.add_router("/penalty", penalty_router, tags=["罚款计算"])
    from ecoenforce.documents.api import router as documents_router

    api.add_router("/documents", documents_router, tags=["执法文书"])
    from ecoenforce.statutes.api import router as statutes_router

    api.add_router("/statutes", statutes_router, tags=["法规库"])
    api.add_router("/cases", cases_router, tags=["案件办理"])
    api.add_router("/inspections", inspections_router, tags=["监督检查"])
    from ecoenforce.monitoring.api import router as monitoring_router
    api.add_router("/monitoring", monitoring_router, tags=["在线监控"])
    from ecoenforce.complaints.api import router as complaints_router
    api.add_router("/complaints", complaints_router, tags=["投诉举报"])


_register_routers()
