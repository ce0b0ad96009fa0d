"""The HTML routes in the real app (``create_app``), on every backend."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.errors import StoreUnavailable
from lineage.model import Batch, Node, NodeKind
from lineage.store.base import LineageStore
from lineage.viz.links import Links
from tests.api_support import local_client
from tests.viz_graphs import fan_out_batch

LINKS = Links(base="")


@pytest.fixture
def client(demo_store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(store=demo_store)) as test_client:
        yield test_client


def hrefs(page: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', page)]


def test_browse_counts_kinds_lists_runs_and_links_nodes_to_graphs(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    counts = dict(re.findall(r'data-kind="(\w+)">.*?class="number">([\d,]+)<', page, re.S))
    assert counts == {"dataset": "6", "feature": "2", "model": "4", "prediction": "8"}
    assert "run-train-limit-2" in page and "train_credit_limit_model" in page
    assert "/graph/model:credit_limit_model@2" in hrefs(page)  # an output of a recent run
    assert "/?kind=model" in hrefs(page)


def test_browse_searches_by_name_within_a_kind(client: TestClient) -> None:
    page = client.get("/", params={"search": "Credit_Limit", "kind": "model"}).text
    assert re.findall(r'<td><a href="/graph/([^"]+)">', page) == [
        "model:credit_limit_model@1",
        "model:credit_limit_model@2",
    ]
    assert "2 matching" in page
    empty = client.get("/", params={"search": "nothing-like-this"}).text
    assert "No node matches “nothing-like-this”" in empty


def test_browse_pages_through_many_nodes(store: LineageStore) -> None:
    _, batch = fan_out_batch(120)
    store.write(batch)
    with local_client(create_app(store=store)) as client:
        first = client.get("/", params={"kind": "prediction"}).text
        assert "69 matching" in first
        listed = re.findall(r'<td><a href="/graph/([^"]+)">', first)
        assert len(listed) == 50
        [next_page] = [h for h in hrefs(first) if "after=" in h]
        second = client.get(next_page).text
        more = re.findall(r'<td><a href="/graph/([^"]+)">', second)
        assert len(more) == 19 and not set(more) & set(listed)
        assert 'id="next-page"' not in second


def test_graph_page_for_a_uid_with_slashes_and_reserved_characters(store: LineageStore) -> None:
    node = Node(kind=NodeKind.DATASET, name="s3://bucket/a b?x=1#y&z", version="2026/04")
    store.write(Batch(nodes=(node,)))
    with local_client(create_app(store=store)) as client:
        url = LINKS.graph(node.uid)
        assert url == "/graph/dataset:s3:%2F%2Fbucket%2Fa%20b%3Fx%3D1%23y%26z@2026%2F04"
        response = client.get(url)
        assert response.status_code == 200
        assert "s3://bucket/a b?x=1#y&amp;z" in response.text
        # the browse page links to the same URL
        assert url in hrefs(client.get("/").text)


def test_graph_page_headers_forbid_framing_and_sniffing(client: TestClient) -> None:
    response = client.get(LINKS.graph("model:credit_limit_model@2") or "")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_graphql_link_returns_the_subgraph_the_page_draws(client: TestClient) -> None:
    page = client.get(
        "/graph/model:credit_limit_model@2", params={"direction": "upstream", "depth": "2"}
    ).text
    [link] = [h for h in hrefs(page) if h.startswith("/graphql?")]
    answer = client.get(link, headers={"Accept": "application/json"}).json()
    assert "errors" not in answer
    drawn = set(re.findall(r'<td><a href="/graph/([^"]+)">', page))
    assert {n["uid"] for n in answer["data"]["upstream"]["nodes"]} == drawn
    assert len(drawn) == 5  # the model; the scoring model and two datasets; the feature at depth 2


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/graph/model:missing@1", 404, "no node model:missing@1"),
        ("/graph/not-a-uid", 400, "malformed uid"),
        ("/graph/model:credit_limit_model@2?depth=0", 400, "depth 0 out of range"),
        ("/graph/model:credit_limit_model@2?depth=%C2%B2", 400, "depth '²' out of range: a whole number"),
        ("/graph/model:credit_limit_model@2?kinds=table", 400, "kinds: unknown kind"),
        ("/?kind=table", 400, "kind: unknown kind"),
        ("/?after=%%%", 400, "invalid cursor"),
    ],
)
def test_bad_requests_get_an_html_page_naming_the_problem(
    client: TestClient, url: str, status: int, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert message in unescape(re.search(r'id="error-message">(.*?)</p>', response.text, re.S).group(1))


def test_the_servers_depth_limit_applies_to_graph_pages(demo_store: LineageStore) -> None:
    with local_client(create_app(Settings(max_depth=3), store=demo_store)) as client:
        assert client.get("/graph/model:credit_limit_model@2?depth=3").status_code == 200
        response = client.get("/graph/model:credit_limit_model@2?depth=4")
        assert response.status_code == 400
        assert "depth 4 out of range: a whole number from 1 to 3" in response.text
        # A link without a depth (the browse page's) opens at the server's cap, not at a refusal.
        assert client.get("/graph/model:credit_limit_model@2").status_code == 200


class UnreachableStore(LineageStore):
    """A Neo4j that cannot be reached: every query fails the way the driver's failures are reported."""

    backend = "neo4j"
    url = "bolt://db:7687"

    def _read(self, *args: object) -> list[dict[str, object]]:
        raise StoreUnavailable("cannot reach bolt://db:7687")

    _write = _raw_read = _profile = _create_predictions = _read  # type: ignore[assignment]

    def close(self) -> None:
        pass


def test_an_unavailable_store_is_a_503_page() -> None:
    with local_client(create_app(store=UnreachableStore())) as client:
        for url in ("/", "/graph/model:credit_limit_model@2"):
            response = client.get(url)
            assert response.status_code == 503
            assert "cannot reach bolt://db:7687" in response.text
