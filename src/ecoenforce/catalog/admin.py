"""Read-only admin views of the catalog: every write goes through catalog.services (permission, audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ecoenforce.catalog.models import CatalogEntry, CatalogVersion


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
