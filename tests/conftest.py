"""One fixture factory: a fresh, empty store for every backend.

The ``store`` fixture is parametrised over the embedded LadybugDB backend and a real Neo4j 5 server, so
every test that takes it is a contract test. Neo4j comes from ``NEO4J_URI`` when set, otherwise the tests
start a Community server from Maven Central themselves (``tests/neo4j_server.py``) and stop it at the end.
Without Java or Maven those tests skip with the reason, unless ``LINEAGE_REQUIRE_NEO4J=1`` (CI), where a
missing Neo4j fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lineage.store import LineageStore, open_store
from tests.neo4j_server import Neo4jUnavailable, start_neo4j

BACKENDS = ["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def _neo4j_required() -> bool:
    return os.environ.get("LINEAGE_REQUIRE_NEO4J") == "1"


@pytest.fixture(scope="session")
def neo4j_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A bolt URL of a real Neo4j 5 server for the whole session."""
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    try:
        server = start_neo4j(tmp_path_factory.mktemp("neo4j"))
    except Neo4jUnavailable as exc:
        if _neo4j_required():
            pytest.fail(f"LINEAGE_REQUIRE_NEO4J=1 but Neo4j could not be started: {exc}")
        pytest.skip(f"no Neo4j server: {exc}")
    with server:
        yield server.uri


def _wipe_neo4j(url: str) -> None:
    """Neo4j Community has one database, so tests share it and each starts from empty."""
    import neo4j

    with neo4j.GraphDatabase.driver(url, auth=None) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store of each backend."""
    if request.param == "ladybug":
        return f"ladybug://{tmp_path / 'graph'}"
    url: str = request.getfixturevalue("neo4j_url")
    _wipe_neo4j(url)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[LineageStore]:
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture
def statements(store: LineageStore, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every statement the store's writes run from here on, in order."""
    ran: list[str] = []
    real_write = type(store)._write

    def counting_write(self: LineageStore, work):  # type: ignore[no-untyped-def]
        def counted(tx):  # type: ignore[no-untyped-def]
            def run(query, params):  # type: ignore[no-untyped-def]
                ran.append(query)
                return tx(query, params)

            return work(run)

        return real_write(self, counted)

    monkeypatch.setattr(type(store), "_write", counting_write)
    return ran


@pytest.fixture
def demo_store(store: LineageStore) -> LineageStore:
    from lineage.demo import load_demo

    load_demo(store)
    return store
