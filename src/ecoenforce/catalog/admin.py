"""Read-only admin views of the catalog: every write goes through catalog.services (permission, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecoenforce.catalog.models import CatalogEntry, CatalogVersion
from ecoenforce.catalog.models_params import LegalParameterConfirmation
from ecoenforce.catalog.models_penalty import DecidedPenalty


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CatalogVersion)
class CatalogVersionAdmin(ReadOnlyAdmin):
    list_display = ("unit", "number", "label", "status", "effective_from", "filing_number")
    list_filter = ("status",)
    search_fields = ("unit__name", "label", "change_reason")


@admin.register(CatalogEntry)
class CatalogEntryAdmin(ReadOnlyAdmin):
    list_display = ("version", "code", "name", "action", "power_type", "first_level")
    list_filter = ("action", "power_type", "first_level")
    search_fields = ("code", "name")


@admin.register(DecidedPenalty)
class DecidedPenaltyAdmin(ReadOnlyAdmin):
    list_display = ("item_code", "unit", "officer", "decided_on", "decided_amount", "engine_amount")
    search_fields = ("item_code",)


@admin.register(LegalParameterConfirmation)
class LegalParameterConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("key", "value", "previous_value", "changed", "confirmed_by", "confirmed_at")
