"""The HTTP edge: body limits, JSON limits, Host names, sign-in throttling, and JSON for every error."""

from __future__ import annotations

import gzip
import json
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.api.hosts import checked_hosts
from lineage.api.server import ServeOptions
from lineage.api.settings import Settings
from lineage.api.throttle import FailureLimit
from lineage.errors import InvalidInput
from lineage.store import LineageStore
from tests.api_support import RO_TOKEN, RW_TOKEN, TOKENS, local_client, serving
from tests.test_openlineage_events import dataset, run_event

ENDPOINT = "/api/v1/lineage"
EMPTY = {"dataset": 0, "feature": 0, "model": 0, "prediction": 0, "runs": 0, "edges": 0}


@pytest.fixture
def client(store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(Settings(max_body_bytes=10_000), store=store)) as client:
        yield client


def nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


def post_json(client: TestClient, path: str, body: bytes, **headers: str) -> Any:
    return client.post(path, content=body, headers={"Content-Type": "application/json", **headers})


# --- body size ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login", "/graphql", ENDPOINT])
def test_every_post_has_one_body_limit_however_the_body_comes(
    client: TestClient, store: LineageStore, path: str
) -> None:
    big = b'{"query": "' + b"x" * 20_000 + b'"}'
    declared = post_json(client, path, big)
    chunked = post_json(client, path, iter([big[:5000], big[5000:]]))  # no Content-Length
    bomb = post_json(client, path, gzip.compress(big), **{"Content-Encoding": "gzip"})
    assert [r.status_code for r in (declared, chunked, bomb)] == [413, 413, 413]
    assert declared.json() == {"error": "the request body is larger than 10000 bytes"}
    assert chunked.json() == declared.json()
    assert bomb.json() == {"error": "the request body is larger than 10000 bytes once decompressed"}
    assert store.stats() == EMPTY


def test_a_gzip_graphql_request_is_read_like_a_plain_one(client: TestClient) -> None:
    body = json.dumps({"query": "{ nodes { totalCount } }"}).encode()
    answer = post_json(client, "/graphql", gzip.compress(body), **{"Content-Encoding": "gzip"})
    assert answer.json() == {"data": {"nodes": {"totalCount": 0}}}


def test_a_caller_without_a_token_is_refused_before_its_body_is_read(store: LineageStore) -> None:
    with local_client(create_app(Settings(tokens=TOKENS, max_body_bytes=1000), store=store)) as client:
        answer = post_json(client, "/graphql", iter([b"x" * 5000]))
        assert answer.status_code == 401  # not 413: nobody unknown gets a body read


def test_a_real_server_stops_reading_an_endless_chunked_body(store: LineageStore) -> None:
    """Over real HTTP: the server answers 413 while the client is still sending, and serves on."""
    with serving(create_app(Settings(max_body_bytes=100_000), store=store)) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(
                b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
            try:
                for _ in range(100):  # 6.5 MB offered; the server stops after 100 KB
                    sock.sendall(chunk)
            except OSError:
                pass  # the server answered and closed: what is being tested
            head = sock.recv(4096)
        assert head.startswith(b"HTTP/1.1 413 ")
        assert httpx.get(f"{url}/healthz").status_code == 200


# --- bodies a store cannot take --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (b'{"query": "\xff"}', None, "the body is not valid UTF-8: invalid start byte at byte 11"),
        (b"[" * 3000 + b"]" * 3000, None, "the body is nested deeper than 64 levels"),
        (b'{"query": "{ nodes { totalCount } }", "variables": {"x": NaN}}', None, "NaN is not a JSON number"),
        (
            json.dumps({"query": '{ node(uid: "dataset:\ud800@1") { uid } }'}).encode(),
            "query",
            "query holds a lone surrogate (0xd800): text must be valid Unicode",
        ),
    ],
)
def test_a_graphql_body_a_store_cannot_take_is_a_400_naming_the_problem(
    client: TestClient, body: bytes, field: str | None, message: str
) -> None:
    answer = post_json(client, "/graphql", body)
    assert answer.status_code == 400
    assert message in answer.json()["error"]


def test_graphql_variables_are_held_to_the_same_limits(client: TestClient, store: LineageStore) -> None:
    mutation = "mutation($input: RecordRunInput!) { recordRun(input: $input) { run { uid } } }"
    deep = nested(70)
    for variables, message in [
        ({"input": {"run": {"uid": "r", "name": "n", "parameters": deep}}}, "nested deeper than 64 levels"),
        ({"input": {"run": {"uid": "r", "name": "step\x00"}}}, "variables.input.run.name holds a NUL"),
        ({"input": {"run": {"uid": "r", "name": "\udfff"}}}, "variables.input.run.name holds a lone"),
    ]:
        body = json.dumps({"query": mutation, "variables": variables}).encode()  # \u escapes
        answer = post_json(client, "/graphql", body)
        assert answer.status_code == 400
        assert message in answer.json()["error"]
    too_long = {"input": {"run": {"uid": "r", "name": "n" * 1001}, "outputs": [{"uid": "dataset:x@1"}]}}
    [error] = client.post("/graphql", json={"query": mutation, "variables": too_long}).json()["errors"]
    assert error["message"] == "run r: name longer than 1000 characters"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert store.stats() == EMPTY


@pytest.mark.parametrize(
    ("event", "field", "message"),
    [
        (run_event(str(uuid.uuid4()), job_name="step\ud800"), "job.name", "holds a lone surrogate"),
        (run_event(str(uuid.uuid4()), outputs=[dataset("a\x00b")]), "outputs[0].name", "holds a NUL"),
        (run_event(str(uuid.uuid4()), job_name="j" * 1001), "job.name", "name longer than 1000 characters"),
        (
            run_event(str(uuid.uuid4()), outputs=[dataset("d", deep={"a": nested(30)})]),
            "outputs[0].facets.deep.a" + "[0]" * 19,  # the event, outputs, ... a: 5 levels above
            "nested deeper than 24 levels",
        ),
        (run_event(str(uuid.uuid4()), at="0001-01-01T00:00:00+01:00"), "eventTime", "not an ISO 8601"),
    ],
)
def test_an_event_a_store_cannot_take_is_a_400_naming_the_field(
    store: LineageStore, event: dict[str, Any], field: str, message: str
) -> None:
    with local_client(create_app(Settings(max_json_depth=24), store=store)) as client:
        answer = post_json(client, ENDPOINT, json.dumps(event).encode())
    assert answer.status_code == 400
    assert answer.json()["field"] == field
    assert message in answer.json()["error"]
    assert store.stats() == EMPTY


def test_an_event_nested_past_the_interpreter_stack_is_a_400(client: TestClient) -> None:
    body = json.dumps(run_event(str(uuid.uuid4()))).encode()
    body = body[:-1] + b', "x": ' + b"[" * 3000 + b"]" * 3000 + b"}"  # past the stack's 1,000 frames
    answer = post_json(client, ENDPOINT, body)
    assert (answer.status_code, answer.json()["error"]) == (400, "the body is nested deeper than 64 levels")


def test_an_event_before_year_1000_keeps_time_order(client: TestClient, store: LineageStore) -> None:
    run_id = str(uuid.uuid4())
    event = run_event(run_id, at="0999-12-31T23:00:00Z")
    assert post_json(client, ENDPOINT, json.dumps(event).encode()).status_code == 201
    run = store.get_run(run_id)
    assert run is not None and run.ended_at == "0999-12-31T23:00:00.000000Z"
    assert run.ended_at < "1000-01-01T00:00:00.000000Z"


# --- error answers --------------------------------------------------------------------------------------


def test_every_error_answer_is_json(client: TestClient) -> None:
    unknown = client.get("/api/v2/nothing")
    assert (unknown.status_code, unknown.json()) == (404, {"error": "Not Found"})
    wrong_method = client.put("/healthz")
    assert (wrong_method.status_code, wrong_method.json()) == (405, {"error": "Method Not Allowed"})
    assert set(wrong_method.headers["Allow"].split(", ")) == {"GET", "HEAD"}
    graphql_method = client.put("/graphql")
    assert graphql_method.status_code == 405
    assert graphql_method.json() == {"error": "GraphQL only supports GET and POST requests."}
    assert graphql_method.headers["Allow"] == "GET, POST"
    for body, message in [
        (b"{not json", "the body is not valid JSON"),
        (b"{}", "No GraphQL query found in the request"),
        (b'{"query": 5}', "The GraphQL operation's `query` must be a string or null, if provided."),
    ]:
        answer = post_json(client, "/graphql", body)
        assert answer.status_code == 400
        assert message in answer.json()["error"]
    unsupported = client.post("/graphql", content=b"{}", headers={"Content-Type": "text/plain"})
    assert (unsupported.status_code, unsupported.json()) == (400, {"error": "Unsupported content type"})


def test_a_bug_is_a_json_500_without_its_message(store: LineageStore) -> None:
    app = create_app(store=store)

    async def broken(request: Any) -> Any:
        raise RuntimeError("password=hunter2")

    app.add_route("/broken", broken)
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as client:
        answer = client.get("/broken")
    assert answer.status_code == 500
    assert answer.json() == {"error": "internal error: the server log has the details"}


# --- Host names -----------------------------------------------------------------------------------------


def test_only_loopback_names_are_served_by_default(store: LineageStore) -> None:
    with TestClient(create_app(store=store)) as client:  # TestClient's own host: testserver
        for host in ("localhost", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
            assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
        for host in ("testserver", "attacker.example", "localhost.attacker.example", ""):
            refused = client.get("/graphql?query={nodes{totalCount}}", headers={"Host": host})
            assert refused.status_code == 400, host
            assert "this server does not answer to the host" in refused.json()["error"]
            assert "--allowed-host" in refused.json()["error"]


def test_more_host_names_are_served_when_configured(
    store: LineageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(allowed_hosts=("lineage.example.com", "*.internal.example"))
    with TestClient(create_app(settings, store=store)) as client:
        for host, status in [("lineage.example.com", 200), ("api.internal.example", 200), ("localhost", 400)]:
            assert client.get("/healthz", headers={"Host": host}).status_code == status, host
    monkeypatch.setenv("LINEAGE_ALLOWED_HOSTS", "lineage.example.com, [fd00::1]")
    assert Settings.from_env().allowed_hosts == (
        *("localhost", "127.0.0.1", "[::1]"),
        *("lineage.example.com", "[fd00::1]"),
    )


def test_serve_answers_its_own_address_and_the_names_given() -> None:
    options = ServeOptions(store_url="x", host="10.0.0.5", allowed_hosts=("lineage.example.com",))
    assert options.served_hosts() == ("10.0.0.5", "lineage.example.com")
    assert ServeOptions(store_url="x", host="0.0.0.0").served_hosts() == ()
    with pytest.raises(InvalidInput) as caught:
        checked_hosts(["lineage.*.com"])
    assert str(caught.value) == "allowed host 'lineage.*.com': a host name, '*.domain' or '*'"


# --- sign-in --------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failed_sign_ins_are_limited_per_address(demo_store: LineageStore) -> None:
    app = create_app(Settings(tokens=TOKENS), store=demo_store)
    clock = Clock()
    with local_client(app) as browser:
        app.state.login_failures = FailureLimit(limit=10, clock=clock)
        for _ in range(10):
            clock.now += 1
            assert browser.post("/login", data={"token": "x" * 20}).status_code == 401
        limited = browser.post("/login", data={"token": RO_TOKEN}, follow_redirects=False)
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "51"  # the first failure leaves the minute in 51 s
        assert "Too many failed sign-ins from this address: try again in 51 seconds." in limited.text
        assert "lineage_token" not in browser.cookies
        assert browser.get("/healthz").status_code == 200  # only signing in waits
        assert (
            browser.post(
                "/graphql",
                json={"query": "{ nodes { totalCount } }"},
                headers={"Authorization": f"Bearer {RW_TOKEN}"},
            ).status_code
            == 200
        )
        clock.now += 51
        signed_in = browser.post("/login", data={"token": RO_TOKEN}, follow_redirects=False)
        assert signed_in.status_code == 303


def test_the_failure_limit_forgets_quiet_clients() -> None:
    clock = Clock()
    limit = FailureLimit(limit=2, window=60, max_clients=3, clock=clock)
    for client in ("a", "a", "b", "c", "d"):
        limit.failed(client)
    assert limit.retry_after("a") is None  # dropped: the longest-quiet of four clients, three kept
    limit.failed("d")
    assert limit.retry_after("d") == 60
    clock.now += 60
    assert limit.retry_after("d") is None
