"""What the org pages share: the page decorator, the service-call wrapper, lookups and paging.

A page checks the role's permission (a refusal raises Refused → 403, recorded by the audit
middleware), looks objects up inside the jurisdiction (outside → 404), and writes only through
org.services. A refusal raised by a service on a form post is recorded and shown as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from ecoenforce.audit.services import record_refusal
from ecoenforce.org.forms import apply_errors
from ecoenforce.org.models import User
from ecoenforce.org.permissions import Refused, authorize

View = Callable[..., HttpResponse]
T = TypeVar("T")
PAGE_SIZE = 50


def page(perm: str | None, methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
    """Sign-in required (anonymous → login page), the HTTP methods, then the role's permission."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if perm is not None:
                authorize(request.user, perm, action=f"page.{perm}")
            return view(request, *args, **kwargs)

        return login_required(require_http_methods(list(methods))(wrapper))

    return decorate


def attempt(request: HttpRequest, write: Callable[[], T], form: Any = None) -> tuple[bool, T | None]:
    """Run a service call; a refusal is recorded and shown, a validation error goes on the form."""
    try:
        return True, write()
    except Refused as exc:
        record_refusal(request, exc)
        if form is not None:
            form.add_error(None, str(exc))
        else:
            messages.error(request, str(exc))
    except ValidationError as exc:
        if form is not None:
            apply_errors(form, exc)
        else:
            messages.error(request, "；".join(exc.messages))
    return False, None


def found(obj: T | None) -> T:
    if obj is None:
        raise Http404
    return obj


def signed_in(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def paginate(request: HttpRequest, items: Any) -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
