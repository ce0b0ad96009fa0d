"""Picks the backend from the URL scheme, the way mlflow picks a tracking store.

- ``ladybug:///abs/dir`` or ``ladybug://rel/dir``: embedded LadybugDB (the default, under the user's
  data directory);
- ``bolt://host:7687`` or ``neo4j://host:7687`` (cluster routing), with ``+s``/``+ssc`` variants: Neo4j.
  Credentials come from the URL (``bolt://user:pass@host``) or ``NEO4J_USER``/``NEO4J_PASSWORD``; the
  database from ``?database=name`` or ``NEO4J_DATABASE``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import platformdirs

from lineage.errors import StoreUnavailable
from lineage.store.base import LineageStore
from lineage.store.timeouts import Timeouts

NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def default_url() -> str:
    """``LINEAGE_STORE`` when set, else an embedded store in the user's data directory."""
    configured = os.environ.get("LINEAGE_STORE", "").strip()
    if configured:
        return configured
    return f"ladybug://{Path(platformdirs.user_data_dir('lineage-graph')) / 'graph'}"


def open_store(url: str | None = None, *, timeouts: Timeouts | None = None) -> LineageStore:
    """Open the store a URL names, its connections and queries bounded by ``timeouts`` (by default a 5 s
    connect timeout and no query timeout). Raises StoreUnavailable, in one line, for a bad URL or an
    unreachable server."""
    timeouts = timeouts or Timeouts()
    url = url or default_url()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise StoreUnavailable(f"malformed store URL {redacted(url)!r}: {exc}") from None
    if parts.scheme == "ladybug":
        from lineage.store.ladybug import LadybugStore

        path = embedded_path(url)
        if path is None:
            raise StoreUnavailable(
                f"store URL {redacted(url)!r} names no directory: use ladybug:///path/to/dir"
            )
        return LadybugStore(path=path, query_timeout=timeouts.query)
    if parts.scheme in NEO4J_SCHEMES:
        from lineage.store.neo4j import Neo4jStore

        query = parse_qs(parts.query)
        database = query.get("database", [os.environ.get("NEO4J_DATABASE", "neo4j")])[0]
        user = unquote(parts.username) if parts.username else os.environ.get("NEO4J_USER", "neo4j")
        password = unquote(parts.password) if parts.password else os.environ.get("NEO4J_PASSWORD", "")
        address = f"{parts.scheme}://{parts.hostname or 'localhost'}:{port or 7687}"
        return Neo4jStore(uri=address, user=user, password=password, database=database, timeouts=timeouts)
    schemes = ", ".join(("ladybug", *NEO4J_SCHEMES))
    raise StoreUnavailable(f"unknown store URL {redacted(url)!r}: the scheme must be one of {schemes}")


def embedded_path(url: str) -> Path | None:
    """The directory of an embedded store's URL; None for another backend's URL or one without a path."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    location = unquote(parts.netloc + parts.path)
    return Path(location).expanduser() if parts.scheme == "ladybug" and location else None


def redacted(url: str) -> str:
    """The URL with any password replaced, fit for messages, logs and /healthz."""
    scheme, separator, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    if not separator or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}{slash}{path}"
