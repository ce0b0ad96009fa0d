"""lineage-graph: a versioned lineage graph for ML systems.

``lineage.connect()`` is the SDK's entry point (docs/sdk.md); ``lineage.current_run()`` is the run open
around the caller. Both are imported on first use, so ``import lineage.model`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lineage.sdk.client import connect
    from lineage.sdk.run import current_run

__all__ = ["connect", "current_run"]


def __getattr__(name: str) -> Any:
    if name == "connect":
        from lineage.sdk.client import connect

        return connect
    if name == "current_run":
        from lineage.sdk.run import current_run

        return current_run
    raise AttributeError(f"module 'lineage' has no attribute {name!r}")
