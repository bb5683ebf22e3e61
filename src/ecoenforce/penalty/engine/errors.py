"""Errors of the pure catalog core (sanctions, discretion benchmarks, exemptions, daily penalties).

Every message is Simplified Chinese because it reaches the officer unchanged; ``path`` names the
offending place (``文件 guangdong.yaml › tables › AIR-99-2 › factors › area``, ``sanction.min``,
``facts.levels.area`` …) so a form or a loader can point at it.  No Django import here.
"""

from __future__ import annotations


class CatalogError(ValueError):
    """Base class: a Chinese message plus the path of the offending field."""

    def __init__(self, message: str, path: str = "") -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}：{message}" if path else message)


class ValidationError(CatalogError):
    """A data file or a catalog entry (sanction block, benchmark table, exemption list) is invalid."""


class PenaltyInputError(CatalogError):
    """The facts given to a calculator are incomplete or inconsistent (missing factor, bad amount …)."""
