"""Every request body, read once at the edge: bounded in size, and inflated when it is gzip.

The limit holds however the body arrives: a ``Content-Length`` above it is refused before a byte is
read, a chunked or understated body is counted as it streams in, and a gzip body is counted again as
it inflates, so a small bomb cannot expand into gigabytes. The app behind sees the plain body, whole,
with ``Content-Encoding`` gone and ``Content-Length`` set to what it now is. It runs behind the
authentication middleware, so a caller without a valid token never gets a body read at all.
"""

from __future__ import annotations

import zlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyError(Exception):
    """A body that cannot be read; ``status`` is the answer it gets."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class BodyLimitMiddleware:
    """Reads each request body up to ``max_bytes`` (after decompression), or answers 413 or 400."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            self._check_declared(headers.get("content-length"))
            body = _inflated(await self._read(receive), headers.get("content-encoding", ""), self.max_bytes)
        except BodyError as exc:
            await JSONResponse({"error": str(exc)}, status_code=exc.status)(scope, receive, send)
            return
        if "content-encoding" in headers:
            plain = MutableHeaders(scope=scope)  # rewrites scope["headers"] in place
            del plain["content-encoding"]
            plain["content-length"] = str(len(body))
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> BodyError:
        return BodyError(413, f"the request body is larger than {self.max_bytes} bytes")

    def _check_declared(self, declared: str | None) -> None:
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large()

    async def _read(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise BodyError(400, "the client went away before sending the whole body")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _inflated(body: bytes, encoding: str, limit: int) -> bytes:
    coding = encoding.strip().lower()
    if coding in ("", "identity"):
        return body
    if coding != "gzip":
        raise BodyError(400, f"unsupported Content-Encoding {encoding!r}: gzip or none")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        plain = inflater.decompress(body, limit + 1)  # bounded: at most one byte past the limit
    except zlib.error as exc:
        raise BodyError(400, f"the body is not valid gzip: {exc}") from None
    if len(plain) > limit:
        raise BodyError(413, f"the request body is larger than {limit} bytes once decompressed")
    if not inflater.eof or inflater.unused_data:
        raise BodyError(400, "the body is not valid gzip: truncated, or followed by other data")
    return plain


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body as one message, then whatever the server says next (a disconnect)."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
