"""A running lineage server, reached over HTTP: GraphQL operations and JSON posts, with its token.

The CLI (on a store a server holds, or with ``--server``) and the SDK talk to a server through this one
class, so they share its connection pool, its timeouts and one translation of the server's answers back
into this package's errors: a ``NOT_FOUND`` from the server is a :class:`NotFound` here, with the
server's message, and a client sees the same error whether the store is local or remote.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from lineage.errors import ERRORS, InvalidInput, LineageError, StoreUnavailable

# The table every surface labels errors by, read backwards: what the server labelled an error becomes
# that error here. graphql-core's own refusals and the edge's (body too large, unprocessable) are the
# caller's bad input too.
_ERRORS: dict[str, type[LineageError]] = {e.code: e.error for e in ERRORS} | {
    "GRAPHQL_VALIDATION_FAILED": InvalidInput
}
_STATUS_ERRORS: dict[int, type[LineageError]] = {e.status: e.error for e in ERRORS} | {
    413: InvalidInput,
    422: InvalidInput,
}


class ServerError(LineageError):
    """The server refused a request for a reason of its own: no or a wrong token, an internal error."""


class Server:
    """One lineage server: ``graphql()`` runs an operation, ``post_json()`` posts to a route."""

    def __init__(self, url: str, token: str | None = None, *, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def graphql(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of the operation; the first error, if any, raised as this package's error."""
        answer = self._send("/graphql", {"query": query, "variables": dict(variables or {})})
        errors = answer.get("errors") or []
        if errors:
            first = errors[0]
            code = (first.get("extensions") or {}).get("code", "")
            raise _ERRORS.get(code, ServerError)(first.get("message", "the server gave no reason"))
        data: dict[str, Any] = answer.get("data") or {}
        return data

    def post_json(self, path: str, body: Any) -> Any:
        """Posts ``body`` as JSON to ``path`` and returns the decoded answer (None when it is empty)."""
        return self._send(path, body)

    def post_text(self, path: str, text: str, content_type: str) -> Any:
        """Posts ``text`` as a body of ``content_type`` (JSON Lines, say); returns the decoded answer."""
        return self._answer(
            path, self._request("POST", path, content=text.encode(), headers={"Content-Type": content_type})
        )

    def get_lines(self, path: str) -> Iterator[str]:
        """GETs ``path`` and yields the lines of its answer as they arrive, however long it is."""
        try:
            with self._http.stream("GET", path) as response:
                if response.status_code >= 400:
                    response.read()
                    self._answer(path, response)
                yield from response.iter_lines()
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc

    def _send(self, path: str, body: Any) -> Any:
        return self._answer(path, self._request("POST", path, json=body))

    def _request(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **options)
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc

    def _unreachable(self, exc: httpx.HTTPError) -> StoreUnavailable:
        return StoreUnavailable(f"cannot reach the lineage server at {self.url}: {exc}")

    def _answer(self, path: str, response: httpx.Response) -> Any:
        """The decoded answer, or the server's refusal raised as this package's error."""
        payload = _decoded(response)
        graphql_errors = path == "/graphql" and isinstance(payload, dict) and "errors" in payload
        if response.status_code < 400 or graphql_errors:
            return payload
        reason = _reason(payload) or response.reason_phrase
        if response.status_code in (401, 403):
            raise ServerError(f"the lineage server at {self.url} refused the request: {reason}")
        error = _STATUS_ERRORS.get(response.status_code, ServerError)
        raise error(f"{reason} (HTTP {response.status_code} from {self.url}{path})")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def from_environment() -> Server | None:
    """The server ``LINEAGE_URL`` names, with ``LINEAGE_TOKEN``; None when no URL is set."""
    url = os.environ.get("LINEAGE_URL")
    return Server(url, os.environ.get("LINEAGE_TOKEN") or None) if url else None


def _decoded(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _reason(payload: Any) -> str:
    if isinstance(payload, dict):
        for key in ("error", "message", "detail"):
            if isinstance(payload.get(key), str):
                return str(payload[key])
        errors = payload.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))
    return payload if isinstance(payload, str) else ""
