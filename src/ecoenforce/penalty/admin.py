"""Read-only admin views of the penalty records: every write goes through penalty.services / params."""

from __future__ import annotations

from django.contrib import admin

from ecoenforce.catalog.admin import ReadOnlyAdmin
from ecoenforce.penalty.models import DecidedPenalty, LegalParameterConfirmation


@admin.register(DecidedPenalty)
class DecidedPenaltyAdmin(ReadOnlyAdmin):
    list_display = ("item_code", "unit", "officer", "decided_on", "decided_amount", "engine_amount")
    search_fields = ("item_code",)


@admin.register(LegalParameterConfirmation)
class LegalParameterConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("key", "value", "previous_value", "changed", "confirmed_by", "confirmed_at")
