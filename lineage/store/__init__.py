"""Storage backends behind one contract (``lineage.store.base.LineageStore``), opened by URL."""

from __future__ import annotations

from lineage.store.base import LineageStore
from lineage.store.registry import default_url, open_store

__all__ = ["LineageStore", "default_url", "open_store"]
