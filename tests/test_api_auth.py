"""Bearer tokens: off by default; when set, every route but /healthz needs one, and writes need rw."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from openlineage.client.event_v2 import RunState
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.api.auth import Access, TokenSet
from lineage.api.settings import Settings
from lineage.errors import InvalidInput
from lineage.store import LineageStore
from tests.api_support import (
    RO_TOKEN,
    RW_TOKEN,
    TOKENS,
    gql_client,
    graphql,
    local_client,
    openlineage_client,
    serving,
)
from tests.test_openlineage_client import ORDERS, event
from tests.test_openlineage_events import dataset, run_event

RECORD = """mutation { recordRun(input: {run: {uid: "r1", name: "step"}, outputs: [{uid: "dataset:x@1"}]}) {
    run { uid }
} }"""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(Settings(tokens=TOKENS), store=store)) as client:
        yield client


# --- configuration ----------------------------------------------------------------------------------


def test_tokens_parse_from_text_and_file(tmp_path: Path) -> None:
    file = tmp_path / "tokens"
    file.touch(mode=0o600)
    file.write_text(f"# the scrapers\nro:{'s' * 20}\n\nrw:{'w' * 20}  # not a comment: part of no token\n")
    with pytest.raises(InvalidInput, match="entry 3 of tokens file"):
        TokenSet.configured("", file)
    file.write_text(f"# the scrapers\nro:{'s' * 20}\n\nrw:{'w' * 20}\n")
    tokens = TokenSet.configured(f"rw:{'e' * 16},ro:{'f' * 16}", file)
    assert tokens is not None
    assert [
        tokens.access_for(f"Bearer {c * n}") for c, n in (("e", 16), ("f", 16), ("s", 20), ("w", 20))
    ] == [
        Access.WRITE,
        Access.READ,
        Access.READ,
        Access.WRITE,
    ]
    assert tokens.access_for(f"Basic {'e' * 16}") is None
    assert tokens.access_for(None) is None
    assert TokenSet.configured("", None) is None


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620])
def test_a_tokens_file_open_to_other_users_is_refused(tmp_path: Path, mode: int) -> None:
    file = tmp_path / "tokens"
    file.write_text(f"rw:{RW_TOKEN}\n")
    file.chmod(mode)
    with pytest.raises(InvalidInput) as caught:
        TokenSet.configured("", file)
    assert str(caught.value) == (
        f"the tokens file {file} is open to other users (mode {mode:o}): "
        f"make it private with 'chmod 600 {file}'"
    )
    assert RW_TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("admin:0123456789abcdef", "entry 1 of LINEAGE_TOKENS must look like 'ro:<token>' or 'rw:<token>'"),
        ("rw:0123456789abcdef ro:short-secret", "entry 2 of LINEAGE_TOKENS: the token is shorter than 16"),
    ],
)
def test_bad_token_entries_are_refused_without_echoing_them(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        TokenSet.parse(text, "LINEAGE_TOKENS")
    assert str(caught.value).startswith(message)
    assert "short-secret" not in str(caught.value) and "0123456789abcdef" not in str(caught.value)


def test_settings_read_tokens_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINEAGE_TOKENS", f"ro:{RO_TOKEN}")
    monkeypatch.setenv("LINEAGE_MAX_DEPTH", "7")
    settings = Settings.from_env()
    assert settings.max_depth == 7
    assert settings.tokens is not None and settings.tokens.access_for(f"Bearer {RO_TOKEN}") is Access.READ


# --- requests ---------------------------------------------------------------------------------------


def test_without_tokens_configured_everything_is_open(store: LineageStore) -> None:
    with local_client(create_app(store=store)) as client:
        assert "errors" not in graphql(client, RECORD)
        assert client.get("/metrics").status_code == 200


@pytest.mark.parametrize("path", ["/graphql", "/metrics", "/", "/static/graphiql/graphiql.min.js"])
def test_every_route_but_healthz_needs_a_token(client: TestClient, path: str) -> None:
    missing = client.get(path)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="lineage"'
    assert "needs a bearer token" in missing.json()["error"]
    wrong = client.get(path, headers=bearer("rw-token-0123456789abcdeX"))
    assert (wrong.status_code, wrong.json()) == (401, {"error": "the bearer token is not valid"})
    assert client.get("/healthz").status_code == 200


def test_a_read_only_token_reads_but_cannot_write(client: TestClient, store: LineageStore) -> None:
    query = graphql(client, "{ nodes { totalCount } }", headers=bearer(RO_TOKEN))
    assert query == {"data": {"nodes": {"totalCount": 0}}}
    response = client.post("/graphql", json={"query": RECORD}, headers=bearer(RO_TOKEN))
    assert response.status_code == 403
    [problem] = response.json()["errors"]
    assert problem["extensions"]["code"] == "FORBIDDEN"
    assert "read-only" in problem["message"]
    posted = client.post("/api/v1/lineage", json=run_event(str(uuid.uuid4())), headers=bearer(RO_TOKEN))
    assert posted.status_code == 403
    assert store.stats()["runs"] == 0


def test_a_read_write_token_writes(client: TestClient, store: LineageStore) -> None:
    assert "errors" not in graphql(client, RECORD, headers=bearer(RW_TOKEN))
    posted = client.post(
        "/api/v1/lineage", json=run_event(str(uuid.uuid4()), outputs=[dataset("x")]), headers=bearer(RW_TOKEN)
    )
    assert posted.status_code == 201
    assert store.stats()["runs"] == 2


def test_real_clients_send_their_tokens(store: LineageStore) -> None:
    run_id = str(uuid.uuid4())
    with serving(create_app(Settings(tokens=TOKENS), store=store)) as url:
        openlineage_client(url, RW_TOKEN).emit(
            event(RunState.START, run_id, "job", "2026-05-01T08:00:00Z", inputs=[ORDERS])
        )
        with pytest.raises(requests.HTTPError, match="403"):
            openlineage_client(url, RO_TOKEN, retries=False).emit(
                event(RunState.START, str(uuid.uuid4()), "job", "2026-05-01T08:00:00Z")
            )
        with pytest.raises(requests.HTTPError, match="401"):
            openlineage_client(url, retries=False).emit(
                event(RunState.START, str(uuid.uuid4()), "job", "2026-05-01T08:00:00Z")
            )
        with gql_client(url, RO_TOKEN) as session:
            runs = session.execute(GraphQLRequest("{ recentRuns { uid } }"))["recentRuns"]
            assert runs == [{"uid": run_id}]
            with pytest.raises(TransportQueryError, match="read-only"):
                session.execute(GraphQLRequest(RECORD))


# --- browsers -----------------------------------------------------------------------------------------


def test_a_browser_is_sent_to_sign_in_and_comes_back_with_read_access(demo_store: LineageStore) -> None:
    page = "/graph/model:credit_limit_model@2?depth=2"
    with local_client(create_app(Settings(tokens=TOKENS), store=demo_store)) as browser:
        asked = browser.get(page, headers={"Accept": "text/html"}, follow_redirects=False)
        assert asked.status_code == 303
        assert (
            asked.headers["location"] == "/login?next=%2Fgraph%2Fmodel%3Acredit_limit_model%402%3Fdepth%3D2"
        )
        assert (
            'value="/graph/model:credit_limit_model@2?depth=2"' in browser.get(asked.headers["location"]).text
        )

        wrong = browser.post("/login", data={"token": "x" * 20, "next": page}, follow_redirects=False)
        assert wrong.status_code == 401 and "not valid" in wrong.text
        assert "lineage_token" not in browser.cookies

        signed_in = browser.post("/login", data={"token": RW_TOKEN, "next": page}, follow_redirects=False)
        assert (signed_in.status_code, signed_in.headers["location"]) == (303, page)
        cookie = signed_in.headers["set-cookie"]
        assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        assert RW_TOKEN not in cookie, "the browser keeps a read-only stand-in, never the token"
        assert browser.get(page).status_code == 200
        assert "errors" not in graphql(browser, '{ node(uid: "model:scoring_model@1") { uid } }')

        # Even an rw token typed into the form gives the browser read access only.
        refused = graphql(browser, RECORD)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert browser.post("/api/v1/lineage", json={}).status_code == 403
        assert demo_store.get_node("dataset:x@1") is None

        # Behind a proxy that adds its own Basic credentials, the session still counts.
        assert browser.get(page, headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 200
        # A cookie holding the token itself (or anything else) is no session.
        browser.cookies.clear()
        browser.cookies.set("lineage_token", RW_TOKEN)
        assert browser.get(page, headers={"Accept": "application/json"}).status_code == 401


def test_graphiql_and_its_files_need_a_signed_in_browser(store: LineageStore) -> None:
    with local_client(create_app(Settings(tokens=TOKENS), store=store)) as browser:
        asked = browser.get("/graphql", headers={"Accept": "text/html"}, follow_redirects=False)
        assert (asked.status_code, asked.headers["location"]) == (303, "/login?next=%2Fgraphql")
        assert browser.get("/static/graphiql/graphiql.min.js").status_code == 401
        page = browser.post("/login", data={"token": RO_TOKEN, "next": "/graphql"})
        assert page.url.path == "/graphql" and "graphiql-examples" in page.text
        assert browser.get("/static/graphiql/graphiql.min.js").status_code == 200


def test_sign_in_never_redirects_off_the_server(demo_store: LineageStore) -> None:
    with local_client(create_app(Settings(tokens=TOKENS), store=demo_store)) as browser:
        for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
            answer = browser.post("/login", data={"token": RO_TOKEN, "next": target}, follow_redirects=False)
            assert answer.headers["location"] == "/"


def test_an_api_client_without_a_token_still_gets_401_not_a_redirect(client: TestClient) -> None:
    answer = client.get("/graph/model:credit_limit_model@2", follow_redirects=False)
    assert answer.status_code == 401
