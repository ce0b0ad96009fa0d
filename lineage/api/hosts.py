"""Which ``Host`` names the server answers to: loopback names unless told otherwise.

A server without tokens on 127.0.0.1 trusts whoever can reach it, and a web page can reach it through
DNS rebinding: its own name, re-pointed at 127.0.0.1, makes the browser send that name as the Host.
Answering only the names the server is really addressed by closes that door. Starlette's
``TrustedHostMiddleware`` decides; this wrapper only answers its refusal in JSON, like every other
error of the API.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lineage.errors import InvalidInput

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_ADDRESSES = frozenset({"0.0.0.0", "::", "[::]"})


def checked_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    """Host patterns as TrustedHostMiddleware takes them (``name``, ``*.domain``, ``*``, an IPv6
    address in brackets as a Host header holds it), or InvalidInput naming the bad one."""
    checked = []
    for host in hosts:
        pattern = host.strip().lower().removeprefix("[").removesuffix("]")
        if not pattern or (pattern != "*" and "*" in pattern.removeprefix("*.")):
            raise InvalidInput(f"allowed host {host!r}: a host name, '*.domain' or '*'")
        checked.append(f"[{pattern}]" if ":" in pattern else pattern)
    return tuple(dict.fromkeys(checked))


class TrustedHosts:
    """Refuses a request whose Host header is not an allowed host: 400 ``{"error": ...}``."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.check = TrustedHostMiddleware(_accepted, allowed_hosts=list(allowed_hosts), www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        await self.check(scope, receive, _discard)
        if scope.pop(_ACCEPTED, False):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        host = Headers(scope=scope).get("host", "")
        message = (
            f"this server does not answer to the host {host!r}: "
            "start it with --allowed-host NAME (or LINEAGE_ALLOWED_HOSTS) for each name it is reached by"
        )
        await JSONResponse({"error": message}, status_code=400)(scope, receive, send)


_ACCEPTED = "lineage.host_accepted"


async def _accepted(scope: Scope, receive: Receive, send: Send) -> None:
    scope[_ACCEPTED] = True


async def _discard(message: Message) -> None:
    """The middleware's own plain-text refusal is replaced by the JSON one."""
