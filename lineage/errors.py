"""The errors a user of the store can meet. Each message names what is wrong."""

from __future__ import annotations

from typing import NamedTuple


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


class ErrorClass(NamedTuple):
    """How every surface labels one error: its GraphQL ``extensions.code`` and its HTTP status."""

    error: type[LineageError]
    code: str
    status: int


ERRORS: tuple[ErrorClass, ...] = (
    ErrorClass(StoreUnavailable, "STORE_UNAVAILABLE", 503),
    ErrorClass(InvalidInput, "BAD_USER_INPUT", 400),
    ErrorClass(NotFound, "NOT_FOUND", 404),
    ErrorClass(Conflict, "CONFLICT", 409),
    ErrorClass(ReadOnlyViolation, "FORBIDDEN", 403),
)
"""The one table of error labels: the GraphQL codes, the JSON routes' and the pages' statuses, and
(read backwards) the errors ``lineage.remote`` raises for a server's answers all come from it."""


def classify(error: BaseException) -> ErrorClass | None:
    """The table's entry for ``error``; None for anything that is not a user's error (a bug)."""
    return next((entry for entry in ERRORS if isinstance(error, entry.error)), None)
