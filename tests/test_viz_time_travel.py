"""``asOf`` on the graph, impact and browse pages, in the real app, on every backend: the demo is
recorded in two writes, and as of the first the second generation does not exist yet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.store.base import LineageStore
from tests.api_support import local_client
from tests.test_viz_page import embedded_data
from tests.test_viz_routes import hrefs


@pytest.fixture
def client(demo_store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(store=demo_store)) as test_client:
        yield test_client


@pytest.fixture
def first_generation(demo_store: LineageStore) -> str:
    """A time when only the demo's first generation was recorded."""
    node = demo_store.get_node("model:credit_limit_model@1")
    assert node is not None and node.recorded_at is not None
    later = demo_store.get_node("model:credit_limit_model@2")
    assert later is not None and later.recorded_at is not None and later.recorded_at > node.recorded_at
    return node.recorded_at


def _drawn(page: str) -> set[str]:
    return {n["id"] for n in embedded_data(page)["nodes"]}


def test_the_graph_page_draws_what_was_recorded_by_then(client: TestClient, first_generation: str) -> None:
    uid = "dataset:historic_data@2025"
    now = client.get(f"/graph/{uid}", params={"direction": "downstream"}).text
    assert "feature:purchase_analysis@2" in _drawn(now)
    response = client.get(f"/graph/{uid}", params={"direction": "downstream", "asOf": first_generation})
    assert response.status_code == 200
    then = response.text
    assert _drawn(then) == {
        uid,
        "feature:purchase_analysis@1",
        "model:scoring_model@1",
        "model:credit_limit_model@1",
        "prediction:customer_score@c-1001-g1",
        "prediction:credit_offer@c-1001-g1",
    }
    assert f'value="{first_generation}"' in then  # the control shows the time
    # The GraphQL link asks for the same subgraph at the same time; node links stay at that time.
    graphql = next(h for h in hrefs(then) if h.startswith("/graphql?"))
    text = parse_qs(urlsplit(graphql).query)["query"][0]
    assert f'downstream(uid: "{uid}", depth: 10, asOf: "{first_generation}")' in text
    node_links = {n["id"]: n["href"] for n in embedded_data(then)["nodes"]}
    assert parse_qs(urlsplit(node_links["model:scoring_model@1"]).query) == {"asOf": [first_generation]}
    now_link = re.search(r'id="now-link" href="([^"]+)"', then)
    assert now_link is not None and "asOf" not in now_link.group(1)


def test_the_page_answers_what_graphql_answers_at_that_time(
    client: TestClient, first_generation: str
) -> None:
    uid = "model:scoring_model@1"
    query = f'{{ upstream(uid: "{uid}", asOf: "{first_generation}") {{ nodes {{ uid }} }} }}'
    answer = client.post("/graphql", json={"query": query}).json()
    from_graphql = {n["uid"] for n in answer["data"]["upstream"]["nodes"]}
    page = client.get(f"/graph/{uid}", params={"direction": "upstream", "asOf": first_generation}).text
    assert _drawn(page) == from_graphql


def test_the_impact_view_names_the_latest_versions_of_then(client: TestClient, first_generation: str) -> None:
    uid = "dataset:historic_data@2025"
    now = client.get(f"/graph/{uid}", params={"view": "impact"}).text
    then = client.get(f"/graph/{uid}", params={"view": "impact", "asOf": first_generation}).text
    row = r"<td>feature:purchase_analysis</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)"
    assert re.search(row, now).groups() == ("1, 2", "2")  # type: ignore[union-attr]
    assert re.search(row, then).groups() == ("1", "1")  # type: ignore[union-attr]
    assert re.search(r'data-kind="prediction">(\d+)<', then).group(1) == "2"  # type: ignore[union-attr]


def test_a_node_recorded_later_is_not_found_then(client: TestClient, first_generation: str) -> None:
    response = client.get("/graph/model:credit_limit_model@2", params={"asOf": first_generation})
    assert response.status_code == 404
    assert "was recorded at" in response.text


def test_a_bad_time_is_refused_naming_the_parameter(client: TestClient) -> None:
    for path in ("/graph/model:credit_limit_model@2", "/"):
        response = client.get(path, params={"asOf": "last tuesday"})
        assert response.status_code == 400
        assert "asOf: invalid time &#39;last tuesday&#39;" in response.text


def test_browse_lists_and_counts_what_was_recorded_by_then(client: TestClient, first_generation: str) -> None:
    now = client.get("/").text
    assert now.count('class="badge stale"') == 2  # both first-generation models
    page = client.get("/", params={"asOf": first_generation}).text
    counts = dict(re.findall(r'data-kind="(\w+)">.*?class="number">([\d,]+)<', page, re.S))
    assert counts == {"dataset": "4", "feature": "1", "model": "2", "prediction": "2"}
    listed = re.findall(r'<td><a href="/graph/([^"?]+)\?asOf=', page)
    assert "model:credit_limit_model@1" in listed and "model:credit_limit_model@2" not in listed
    assert "run-train-limit-1" in page and "run-train-limit-2" not in page
    assert 'class="badge stale"' not in page  # nothing had been superseded yet
    assert f"/?kind=model&asOf={first_generation.replace(':', '%3A')}" in hrefs(page)
