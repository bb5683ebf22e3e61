"""The public's pages (no login): file a complaint, read its progress and reply with the tracking
code, evaluate the result. The code is posted, never put in a URL (it would reach logs)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ecoenforce.complaints import deadlines, throttle
from ecoenforce.complaints.forms import LookupForm, PublicComplaintForm, RateForm
from ecoenforce.complaints.models import Channel, Complaint, Status
from ecoenforce.complaints.selectors import complaint_by_code
from ecoenforce.complaints.services import Upload, complaint_rate, complaint_submit

log = logging.getLogger(__name__)


def _intake_page(request: HttpRequest, form: PublicComplaintForm, status: int = 200) -> HttpResponse:
    question, token = throttle.new_challenge()
    data = form.data.copy() if form.is_bound else None  # type: ignore[attr-defined]
    if data is not None:
        data["token"], data["answer"] = token, ""
        form.data = data
    else:
        form.initial["token"] = token
    context = {
        "form": form,
        "question": question,
        "handle_rule": deadlines.rule_for("handle", _today()),
        "ack_rule": deadlines.rule_for("acknowledge", _today()),
    }
    response = render(request, "complaints/public_new.html", context, status=status)
    throttle.ensure_device(request, response)
    return response


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def _uploads(form: PublicComplaintForm) -> list[Upload]:
    return [Upload(f.name, f.read()) for f in form.cleaned_data.get("attachments") or []]


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _intake_page(request, PublicComplaintForm())
    form = PublicComplaintForm(request.POST, request.FILES)
    if throttle.limited(request, "submit"):
        log.warning("complaint intake rate-limited")
        form.is_valid()
        form.add_error(None, "提交过于频繁，请稍后再试。如情况紧急，请拨打12369环保举报热线。")
        return _intake_page(request, form, status=429)
    throttle.record(request, "submit")
    if not form.is_valid():
        return _intake_page(request, form, status=400)
    if reason := throttle.check_challenge(form.cleaned_data["token"], form.cleaned_data["answer"]):
        form.add_error("answer", reason)
        return _intake_page(request, form, status=400)
    d = form.cleaned_data
    identity = {} if d["anonymous"] else {"name": d["name"], "phone": d["phone"]}
    try:
        complaint, code = complaint_submit(
            channel=Channel.PORTAL,
            category=d["category"],
            description=d["description"],
            address=d["address"],
            division_code=d["division_code"],
            latitude=d["latitude"],
            longitude=d["longitude"],
            identity=identity,
            attachments=_uploads(form),
        )
    except ValidationError as exc:
        for field, messages in (
            exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
        ):
            for m in messages:
                form.add_error(field if field in form.fields else None, m)
        return _intake_page(request, form, status=400)
    return render(request, "complaints/public_done.html", {"complaint": complaint, "code": code})


def _track(
    request: HttpRequest, complaint: Complaint, rate_form: RateForm | None = None, status: int = 200
) -> HttpResponse:
    primary = complaint.merged_into or complaint
    code = request.POST.get("code", "")
    context = {
        "complaint": complaint,
        "primary": primary,
        "events": complaint.events.filter(public=True),
        "rate_form": rate_form
        or (RateForm(initial={"code": code}) if complaint.status == Status.REPLIED else None),
        "reward": getattr(complaint, "reward", None),
    }
    return render(request, "complaints/public_track.html", context, status=status)


@require_http_methods(["GET", "POST"])
def complaint_track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "complaints/public_lookup.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    if throttle.limited(request, "lookup"):
        form.add_error(None, "查询过于频繁，请稍后再试")
        return render(request, "complaints/public_lookup.html", {"form": form}, status=429)
    throttle.record(request, "lookup")
    complaint = complaint_by_code(form.data.get("code", "")) if form.is_valid() else None
    if complaint is None:
        if form.is_valid():
            form.add_error("code", "未找到与该查询码对应的投诉举报，请核对后重新输入")
        return render(request, "complaints/public_lookup.html", {"form": form}, status=404)
    return _track(request, complaint)


@require_http_methods(["GET", "POST"])
def complaint_rate_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":  # the evaluation form lives on the tracking page
        return redirect("complaints-public:track")
    if throttle.limited(request, "lookup"):
        return render(
            request,
            "complaints/public_lookup.html",
            {"form": LookupForm(), "error": "操作过于频繁，请稍后再试"},
            status=429,
        )
    throttle.record(request, "lookup")
    complaint = complaint_by_code(request.POST.get("code", ""))
    if complaint is None:
        return render(request, "complaints/public_lookup.html", {"form": LookupForm()}, status=404)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _track(request, complaint, form, status=400)
    try:
        complaint_rate(
            complaint=complaint,
            satisfaction=form.cleaned_data["satisfaction"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return _track(request, complaint, form, status=400)
    complaint.refresh_from_db()
    return _track(request, complaint)
