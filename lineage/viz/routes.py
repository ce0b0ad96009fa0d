"""The HTML routes (``/`` and ``/graph/{uid}``) that ``lineage.api.app.create_app`` mounts.

Endpoints read the store from ``request.app.state.store``. The pages themselves are filled in by the
HTML-graph work; until then the list is empty and the API serves without them.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
