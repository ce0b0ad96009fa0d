"""Bearer tokens: off unless configured; each token is read-only (``ro``) or read-write (``rw``).

Tokens come from ``LINEAGE_TOKENS`` (entries like ``rw:<token>``, separated by commas or whitespace)
and from a tokens file (one entry a line; lines starting with ``#`` are comments). Only SHA-256
digests of the tokens are kept, and a presented token is compared with every one of them with
``hmac.compare_digest``, so neither the comparison nor which entry matched shows in the timing. No
message or log line ever contains a token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.permission import BasePermission

from lineage.errors import InvalidInput

ACCESS_KEY = "lineage.access"
MIN_TOKEN_LENGTH = 16
PUBLIC_PATHS = frozenset({"/healthz", "/login"})
SESSION_COOKIE = "lineage_token"


class Access(StrEnum):
    READ = "ro"
    WRITE = "rw"


@dataclass(frozen=True)
class TokenSet:
    """The configured tokens, as digests with the access each grants."""

    entries: tuple[tuple[bytes, Access], ...]
    sessions: tuple[bytes, ...] = ()

    @classmethod
    def parse(cls, text: str, origin: str) -> TokenSet:
        """Entries ``ro:<token>`` or ``rw:<token>``; ``origin`` names where they came from in errors."""
        entries, sessions = [], []
        lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
        for number, entry in enumerate((e for line in lines for e in re.split(r"[\s,]+", line) if e), 1):
            access_text, colon, token = entry.partition(":")
            if not colon or access_text not in {a.value for a in Access}:
                raise InvalidInput(f"entry {number} of {origin} must look like 'ro:<token>' or 'rw:<token>'")
            if len(token) < MIN_TOKEN_LENGTH:
                raise InvalidInput(
                    f"entry {number} of {origin}: the token is shorter than {MIN_TOKEN_LENGTH} characters"
                )
            entries.append((_digest(token), Access(access_text)))
            sessions.append(_digest(session_value(token)))
        return cls(tuple(entries), tuple(sessions))

    @classmethod
    def configured(cls, env_text: str, file: Path | None) -> TokenSet | None:
        """The tokens of ``LINEAGE_TOKENS`` and of the tokens file together; ``None`` when there are none."""
        configured = cls.parse(env_text, "LINEAGE_TOKENS")
        if file is not None:
            try:
                text = file.read_text(encoding="utf-8")
            except OSError as exc:
                raise InvalidInput(f"cannot read the tokens file {file}: {exc.strerror}") from None
            from_file = cls.parse(text, f"tokens file {file}")
            configured = cls(configured.entries + from_file.entries, configured.sessions + from_file.sessions)
        return configured if configured.entries else None

    def access_for(self, authorization: str | None) -> Access | None:
        """The access an ``Authorization`` header grants, or ``None`` for a missing or unknown token."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        presented = _digest(token.strip())
        granted = None
        for digest, access in self.entries:  # no early exit: every entry costs the same
            if hmac.compare_digest(presented, digest):
                granted = access
        return granted

    def has_session(self, value: str) -> bool:
        """Whether a browser's session cookie was issued for one of these tokens."""
        presented = _digest(value)
        found = False
        for digest in self.sessions:  # no early exit, as above
            found |= hmac.compare_digest(presented, digest)
        return found


def session_value(token: str) -> str:
    """What a browser keeps instead of the token: derived from it, worth read access only, and no way
    back to the token should the cookie leak from the browser or a proxy's log."""
    return hashlib.sha256(b"lineage-session\0" + token.encode()).hexdigest()


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class BearerAuthMiddleware:
    """Sets the access of every connection; refuses one without a valid token when tokens are set.

    ``/healthz`` stays open so a load balancer can probe without a secret, and ``/login`` so a browser
    can sign in. A browser's session cookie (see ``lineage.api.login``) grants read access at most; a
    browser that has none is sent to ``/login`` instead of getting a 401 it cannot act on.
    """

    def __init__(self, app: ASGIApp, *, tokens: TokenSet | None) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if self.tokens is None:
            access: Access | None = Access.WRITE
        elif scope["path"] in PUBLIC_PATHS:
            access = Access.READ
        else:
            access = self._access(scope)
        if access is None:
            await _refuse(scope, receive, send, present="authorization" in Headers(scope=scope))
            return
        scope[ACCESS_KEY] = access
        await self.app(scope, receive, send)

    def _access(self, scope: Scope) -> Access | None:
        assert self.tokens is not None
        authorization = Headers(scope=scope).get("authorization", "")
        if authorization.lower().startswith("bearer "):
            return self.tokens.access_for(authorization)
        # Anything else (none, or a proxy's Basic credentials): a browser with a session reads.
        session = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
        return Access.READ if session and self.tokens.has_session(session) else None


async def _refuse(scope: Scope, receive: Receive, send: Send, *, present: bool) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    if not present and scope["method"] == "GET" and "text/html" in Headers(scope=scope).get("accept", ""):
        await _login_redirect(scope["path"], scope.get("query_string", b"").decode())(scope, receive, send)
        return
    message = (
        "the bearer token is not valid"
        if present
        else "this server needs a bearer token: send the header 'Authorization: Bearer <token>'"
    )
    response = JSONResponse(
        {"error": message}, status_code=401, headers={"WWW-Authenticate": 'Bearer realm="lineage"'}
    )
    await response(scope, receive, send)


def _login_redirect(path: str, query: str) -> RedirectResponse:
    """A browser without a session goes to sign in, and comes back to the page it asked for."""
    target = path + (f"?{query}" if query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def access_of(connection: HTTPConnection) -> Access:
    """The access the middleware granted; a missing one is a wiring bug, so it fails closed."""
    access: Access = connection.scope[ACCESS_KEY]
    return access


WRITE_REFUSED = "this access is read-only: recording lineage needs a read-write (rw) bearer token"


class CanWrite(BasePermission):
    """Mutations need read-write access."""

    message = WRITE_REFUSED
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 (strawberry reads it as a class attribute)

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return bool(info.context.access is Access.WRITE)
