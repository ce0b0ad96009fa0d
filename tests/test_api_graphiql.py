"""The GraphiQL page at GET /graphql: served from this package's files, under a policy that lets it reach
nothing but this server, with the example queries. The browser side is tests/test_graphiql_browser.py."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.store import open_store
from tests.api_support import local_client
from tests.test_schema_examples import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
VENDORED = ROOT / "lineage" / "api" / "static" / "graphiql"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The page reads nothing from the store: one embedded store serves every test here."""
    with (
        open_store(f"ladybug://{tmp_path_factory.mktemp('graphiql') / 'graph'}") as store,
        local_client(create_app(store=store)) as client,
    ):
        yield client


def test_the_page_allows_nothing_from_outside(client: TestClient) -> None:
    page = client.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == policy["style-src"] == policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert not re.search(r"https?:|\*|unsafe", page.headers["content-security-policy"])
    # no inline script or style for the policy to allow, and no absolute link anywhere
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert [attrs for attrs, body in scripts if body and "application/json" not in attrs] == []
    assert "<style" not in page.text and " style=" not in page.text
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)


def test_every_file_the_page_names_is_served(client: TestClient) -> None:
    page = client.get("/graphql", headers=BROWSER).text
    names = re.findall(r'(?:src|href)="(static/[^"]+)"', page)
    assert len(names) == 6  # GraphiQL's and the page's stylesheets, React, ReactDOM, GraphiQL, the start
    for name in names:
        served = client.get(f"/{name}")  # the page is /graphql: its links resolve from /
        assert served.status_code == 200, name
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        assert served.headers["content-type"].startswith(kind), name


def test_the_examples_are_the_pages_tabs(client: TestClient) -> None:
    page = client.get("/graphql", headers=BROWSER).text
    block = re.search(r'<script type="application/json" id="graphiql-examples">(.*?)</script>', page, re.S)
    assert block is not None
    files = sorted(EXAMPLES.glob("*.graphql"))
    assert json.loads(block.group(1)) == [f.read_text(encoding="utf-8") for f in files]


def test_a_query_in_the_url_is_answered_not_shown(client: TestClient) -> None:
    """The graph pages link to /graphql?query=...: a browser following the link gets the answer."""
    answer = client.get("/graphql", params={"query": "{ nodes { totalCount } }"}, headers=BROWSER)
    assert answer.json() == {"data": {"nodes": {"totalCount": 0}}}


def test_the_shipped_files_are_the_npm_packages_files_at_the_pinned_versions() -> None:
    """SOURCES.txt (written by scripts/build_graphiql.py) names each file's package and digest; the files
    still match, and the versions are those pinned in scripts/graphiql/package.json."""
    pinned = json.loads((ROOT / "scripts" / "graphiql" / "package.json").read_text())["dependencies"]
    sources = re.findall(
        r"^(\S+)  <-  (@?[^@\s]+)@(\S+?)/\S+  sha256:([0-9a-f]{64})$",
        (VENDORED / "SOURCES.txt").read_text(encoding="utf-8"),
        re.M,
    )
    assert {served for served, *_ in sources} == {
        p.name for p in VENDORED.iterdir() if p.suffix in (".js", ".css")
    }
    for served, package, version, digest in sources:
        assert pinned[package] == version
        assert hashlib.sha256((VENDORED / served).read_bytes()).hexdigest() == digest, served
    licences = (VENDORED / "LICENSES.txt").read_text(encoding="utf-8")
    for package in ("graphiql", "react", "react-dom", "graphql", "codemirror"):
        assert re.search(rf"^{package}@\S+  \(MIT\)$", licences, re.M), package
