"""Where a page's links point: at the server that serves it, at a server named on the command line, or
nowhere, for a standalone file that has no server to link to."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from lineage.errors import InvalidInput


@dataclass(frozen=True)
class Links:
    """``base`` is the URL prefix of the app ("" when served at the root of its host, or the app's
    ``root_path``), or None when the page is a file with no server behind it."""

    base: str | None

    @classmethod
    def to_server(cls, url: str) -> Links:
        """Links to a lineage server at ``url`` (http or https), for standalone files."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidInput(f"server URL {url!r}: expected http://host[:port][/prefix]")
        return cls(base=url.rstrip("/"))

    def home(self, **params: str) -> str | None:
        if self.base is None:
            return None
        query = urlencode({k: v for k, v in params.items() if v})
        return f"{self.base}/" + (f"?{query}" if query else "")

    def graph(self, uid: str, query_string: str = "") -> str | None:
        if self.base is None:
            return None
        # "/" is encoded too: a name holding "/../" must stay one path segment, or the browser would
        # resolve the dots and open another page. The server decodes it back into the uid.
        path = f"{self.base}/graph/{quote(uid, safe=':@')}"
        return f"{path}?{query_string}" if query_string else path

    def graphql(self, text: str) -> str | None:
        if self.base is None:
            return None
        return f"{self.base}/graphql?{urlencode({'query': text})}"

    def diff(self, a: str, b: str, as_of: str | None = None) -> str | None:
        """The diff page of two nodes' histories."""
        if self.base is None:
            return None
        params = {"a": a, "b": b} | ({"asOf": as_of} if as_of else {})
        return f"{self.base}/diff?{urlencode(params)}"
