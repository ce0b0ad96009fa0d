"""GraphiQL, the page a browser gets at ``GET /graphql``, from files this package ships: it works offline.

React, ReactDOM and GraphiQL are the prebuilt browser builds of their npm packages, copied unchanged into
``static/graphiql/`` by scripts/build_graphiql.py (``SOURCES.txt`` and ``LICENSES.txt`` beside them say
from which versions, under which licences). ``static/graphiql-start.js`` starts GraphiQL with the
example queries of graphql/examples/ as its first tabs; the page carries them in a JSON data block,
which browsers never run. With no inline script or style, the page's policy lets it load scripts and
styles from this server only, and send requests to it alone.

The files are served under ``/static/``, behind the same authentication as every other route: a browser
signed in at ``/login`` sends its session cookie with them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from lineage.shipped import shipped_folder
from lineage.viz.routes import HEADERS
from lineage.viz.templating import script_json

STATIC = Path(__file__).parent / "static"
# GraphiQL's stylesheet embeds its fonts and icons as data: URLs.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; font-src data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Relative links: the page is /graphql, so they resolve under the same root wherever the app is mounted.
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>GraphiQL · lineage-graph</title>
<link rel="stylesheet" href="static/graphiql/graphiql.min.css">
<link rel="stylesheet" href="static/graphiql-page.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script type="application/json" id="graphiql-examples">{examples}</script>
<script src="static/graphiql/react.production.min.js"></script>
<script src="static/graphiql/react-dom.production.min.js"></script>
<script src="static/graphiql/graphiql.min.js"></script>
<script src="static/graphiql-start.js"></script>
</body>
</html>
"""

routes = [Mount("/static", StaticFiles(directory=STATIC), name="static")]


@cache
def examples() -> list[str]:
    """The example queries, in the order of their file names (a tab takes its title from the query)."""
    folder = shipped_folder("_graphql_examples", "graphql/examples")
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.graphql"))]


@cache
def _page() -> str:
    return PAGE.format(examples=script_json(examples()))


def graphiql_page() -> HTMLResponse:
    return HTMLResponse(_page(), headers={**HEADERS, "Content-Security-Policy": POLICY})
