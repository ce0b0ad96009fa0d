"""The HTTP client of a running server: answers, the server's errors as this package's, tokens."""

from __future__ import annotations

import pytest

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.errors import InvalidInput, NotFound, StoreUnavailable
from lineage.remote import Server, ServerError
from lineage.store import LineageStore
from tests.api_support import RO_TOKEN, RW_TOKEN, TOKENS, free_port, serving


def test_a_query_answers_its_data_and_an_unknown_uid_is_not_found(demo_store: LineageStore) -> None:
    with serving(create_app(store=demo_store)) as url, Server(url) as server:
        data = server.graphql("query($u: ID!) { node(uid: $u) { name } }", {"u": "model:scoring_model@2"})
        assert data == {"node": {"name": "scoring_model"}}
        with pytest.raises(NotFound, match="nope@1"):
            server.graphql('{ upstream(uid: "dataset:nope@1") { truncated } }')
        with pytest.raises(InvalidInput, match="depth"):
            server.graphql('{ upstream(uid: "model:scoring_model@2", depth: -1) { truncated } }')


def test_tokens_are_sent_and_a_refusal_names_the_server(store: LineageStore) -> None:
    event = {"eventType": "COMPLETE", "eventTime": "2026-01-01T00:00:00Z",
             "run": {"runId": "0190f0e6-6d3c-7c6a-9c1e-7d6f3f9b2a11"}, "job": {"namespace": "n", "name": "j"},
             "producer": "https://example.com/tests", "inputs": [], "outputs": []}
    with serving(create_app(Settings(tokens=TOKENS), store=store)) as url:
        with Server(url) as anonymous, pytest.raises(ServerError, match=url):
            anonymous.graphql("{ __typename }")
        with Server(url, RO_TOKEN) as reader, pytest.raises(ServerError, match="refused"):
            reader.post_json("/api/v1/lineage", event)
        with Server(url, RW_TOKEN) as writer:
            assert writer.post_json("/api/v1/lineage", event)["status"] == "COMPLETE"
            with pytest.raises(InvalidInput, match="eventTime"):
                writer.post_json("/api/v1/lineage", {**event, "eventTime": "yesterday"})


def test_a_server_that_is_not_there_is_unavailable_with_its_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with Server(url, timeout=2) as server, pytest.raises(StoreUnavailable, match=url):
        server.graphql("{ __typename }")
