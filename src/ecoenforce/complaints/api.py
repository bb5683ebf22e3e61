"""Transfers from the 12345 and 12369 hotlines (machine clients with a token), and their status.

A transfer already received (same hotline, same transfer number) answers 409 and is not registered
twice. The reporter's identity is sealed as on the portal; the answer never carries it back.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from ecoenforce.complaints import selectors
from ecoenforce.complaints.models import Category, Complaint
from ecoenforce.complaints.services import complaint_submit
from ecoenforce.org.permissions import authorize

router = Router()
NO_NUL = r"^[^\x00]*$"


class TransferIn(Schema):
    channel: Literal["12345", "12369"]
    external_ref: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    category: Literal[tuple(Category.values)]  # type: ignore[valid-type]
    description: str = Field(min_length=5, max_length=4000, pattern=NO_NUL)
    address: str = Field("", max_length=300, pattern=NO_NUL)
    division_code: str = Field("", pattern=r"^(\d{6}|\d{9}|\d{12})?$")
    latitude: Decimal | None = Field(None, ge=3, le=54)
    longitude: Decimal | None = Field(None, ge=73, le=136)
    reporter_name: str = Field("", max_length=50, pattern=NO_NUL)
    reporter_phone: str = Field("", max_length=20, pattern=r"^[0-9+\- ]*$")


class TransferOut(Schema):
    number: str
    tracking_code: str
    unit: str
    handle_due: str


class StatusOut(Schema):
    number: str
    status: str
    status_label: str
    unit: str
    handle_due: str
    reply: str
    replied_at: datetime | None


@router.post("/transfers", response={201: TransferOut}, summary="登记12345/12369转办的投诉举报")
def transfer(request: HttpRequest, payload: TransferIn) -> Status[TransferOut]:
    try:
        c, code = complaint_submit(
            channel=payload.channel,
            external_ref=payload.external_ref,
            category=payload.category,
            description=payload.description,
            address=payload.address,
            division_code=payload.division_code,
            latitude=payload.latitude,
            longitude=payload.longitude,
            identity={"name": payload.reporter_name, "phone": payload.reporter_phone},
            by=request.user,
        )
    except ValidationError as exc:
        if "external_ref" in getattr(exc, "message_dict", {}):
            raise HttpError(409, exc.message_dict["external_ref"][0]) from exc
        raise
    return Status(
        201, TransferOut(number=c.number, tracking_code=code, unit=str(c.unit), handle_due=str(c.handle_due))
    )


@router.get("/{number}", response=StatusOut, summary="查询投诉举报的办理状态和答复")
def status(request: HttpRequest, number: str) -> StatusOut:
    authorize(request.user, "complaints.view", action="complaints.view")
    c: Complaint | None = selectors.complaints_for(request.user).filter(number=number[:20]).first()
    if c is None:
        raise Http404
    primary = c.merged_into or c
    return StatusOut(
        number=c.number,
        status=primary.status,
        status_label=primary.get_status_display(),
        unit=str(primary.unit or ""),
        handle_due=str(primary.handle_due),
        reply=primary.reply,
        replied_at=primary.replied_at,
    )
