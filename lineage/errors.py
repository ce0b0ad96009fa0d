"""The errors a user of the store can meet. Each message names what is wrong."""

from __future__ import annotations


class LineageError(Exception):
    """Base of every error this package raises on purpose."""


class InvalidInput(LineageError, ValueError):
    """Input that can never be accepted: a malformed uid, an unknown kind, a depth out of range."""


class NotFound(LineageError, LookupError):
    """A uid (node or run) that the store does not hold."""


class Conflict(LineageError):
    """A write that would change something already recorded. Versions are immutable."""


class ReadOnlyViolation(LineageError):
    """A raw query tried to write through the read-only query interface."""


class StoreUnavailable(LineageError):
    """The store cannot be opened or reached: a wrong URL, a server that is down, a locked directory."""
