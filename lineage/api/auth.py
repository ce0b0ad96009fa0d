"""Bearer tokens: off unless configured; each token is read-only (``ro``) or read-write (``rw``).

Tokens come from ``LINEAGE_TOKENS`` (entries like ``rw:<token>``, separated by commas or whitespace)
and from a tokens file (one entry a line; lines starting with ``#`` are comments). Only SHA-256
digests of the tokens are kept, and a presented token is compared with every one of them with
``hmac.compare_digest``, so neither the comparison nor which entry matched shows in the timing. No
message or log line ever contains a token. A tokens file that other users could read (any group or
other permission bit) is refused: it holds the secrets in clear.

Starlette's ``AuthenticationMiddleware`` turns a token into scopes (``TokenBackend``): ``read`` for
an ``ro`` token, ``read`` and ``write`` for an ``rw`` one. ``RequireRead`` closes every route but the
public ones to a connection without ``read``; writes check for ``write`` where they happen (the
``CanWrite`` permission of the mutations, the OpenLineage endpoint).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    BaseUser,
    SimpleUser,
    has_required_scope,
)
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.permission import BasePermission

from lineage.errors import InvalidInput

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
                mode = file.stat().st_mode
                text = file.read_text(encoding="utf-8")
            except OSError as exc:
                raise InvalidInput(f"cannot read the tokens file {file}: {exc.strerror}") from None
            if mode & 0o077:
                raise InvalidInput(
                    f"the tokens file {file} is open to other users (mode {mode & 0o777:o}): "
                    f"make it private with 'chmod 600 {file}'"
                )
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


READ = "read"
WRITE = "write"
SCOPES = {Access.READ: (READ,), Access.WRITE: (READ, WRITE)}


class TokenBackend(AuthenticationBackend):
    """The scopes of a connection, for Starlette's ``AuthenticationMiddleware``: ``read`` and
    ``write`` for everyone when no token is configured; otherwise those of the bearer token, or
    ``read`` for a browser's session cookie (see ``lineage.api.login``), or none.

    ``/healthz`` and ``/login`` need nothing, so a load balancer can probe without a secret and a
    browser can sign in: their credentials are not even looked at."""

    def __init__(self, tokens: TokenSet | None) -> None:
        self.tokens = tokens

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        if self.tokens is None:
            return AuthCredentials([READ, WRITE]), SimpleUser("anyone")
        if conn.url.path in PUBLIC_PATHS:
            return None
        authorization = conn.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            access = self.tokens.access_for(authorization)
            if access is None:
                raise AuthenticationError("the bearer token is not valid")
            return AuthCredentials(SCOPES[access]), SimpleUser(f"{access.value} token")
        # Anything else (none, or a proxy's Basic credentials): a browser with a session reads.
        session = conn.cookies.get(SESSION_COOKIE)
        if session and self.tokens.has_session(session):
            return AuthCredentials([READ]), SimpleUser("browser session")
        return None


def refuse_token(conn: HTTPConnection, exc: AuthenticationError) -> Response:
    """``AuthenticationMiddleware``'s answer to a token it refused."""
    return _unauthorized(str(exc))


class RequireRead:
    """Lets through only connections with the ``read`` scope, but for the public paths. One gate for
    every route, so a route added later is closed until it is listed as public."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        if scope["path"] in PUBLIC_PATHS or has_required_scope(connection, [READ]):
            await self.app(scope, receive, send)
            return
        await _refuse(scope, receive, send, present="authorization" in connection.headers)


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
    await _unauthorized(message)(scope, receive, send)


def _unauthorized(message: str) -> JSONResponse:
    return JSONResponse(
        {"error": message}, status_code=401, headers={"WWW-Authenticate": 'Bearer realm="lineage"'}
    )


def _login_redirect(path: str, query: str) -> RedirectResponse:
    """A browser without a session goes to sign in, and comes back to the page it asked for."""
    target = path + (f"?{query}" if query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


WRITE_REFUSED = "this access is read-only: recording lineage needs a read-write (rw) bearer token"
JSON_TYPES = frozenset({"application/json"})


class CanWrite(BasePermission):
    """Mutations need read-write access."""

    message = WRITE_REFUSED
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 (strawberry reads it as a class attribute)

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return WRITE in info.context.scopes


def refuse_write(request: Request, media_types: Collection[str], wanted: str) -> JSONResponse | None:
    """The answer a JSON write route gives before reading its body, or None to go on: 403 without
    write access, 415 unless the body's media type is one of ``media_types`` (which also keeps a
    cross-site form post, whose type is never JSON, from writing to a server without tokens)."""
    if not has_required_scope(request, [WRITE]):
        return JSONResponse({"error": WRITE_REFUSED, "field": None}, status_code=403)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in media_types:
        message = f"the body must be {wanted}, not {media_type or 'untyped'}"
        return JSONResponse({"error": message, "field": None}, status_code=415)
    return None
