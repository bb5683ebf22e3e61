"""The catalog reads and checks sanctions with the penalty engine's parser: its errors live there
(ecoenforce.penalty.engine.errors). Re-exported so catalog code keeps one import path."""

from ecoenforce.penalty.engine.errors import CatalogError, PenaltyInputError, ValidationError

__all__ = ["CatalogError", "PenaltyInputError", "ValidationError"]
