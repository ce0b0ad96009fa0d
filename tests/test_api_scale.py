"""A 5,000-node subgraph costs the store the same handful of queries as a 50-node one, on both
backends: traversals are one store call, and nested fields are fetched in bulk, never per node."""

from __future__ import annotations

from typing import Any

import pytest

from lineage.api.app import create_app
from lineage.store import LineageStore
from tests.api_support import CountingStore, graphql, local_client, wide_lineage

# Through a fragment and an alias, as real clients write them.
SUBGRAPH = """
query Subgraph($uid: ID!) {
  lineage: upstream(uid: $uid, depth: 3) {
    nodes { ...Provenance }
    edges { source target run }
  }
}
fragment Provenance on LineageNode {
  uid kind name version checksum recordedAt metadata
  producedBy { uid name codeVersion parameters inputs { uid } }
  versions { version }
}
"""

PAGE = """query Page($first: Int!) { nodes(first: $first) { edges { node {
  uid producedBy { uid outputs { uid } } versions { uid }
} } } }"""


@pytest.fixture
def graphs(store: LineageStore) -> dict[str, str]:
    """Two graphs of the same shape: 51 and 5,001 nodes upstream of their models."""
    uids = {}
    for name, features, per_feature in (("small", 5, 9), ("big", 100, 49)):
        batch, uids[name] = wide_lineage(features, per_feature, name=name)
        store.write(batch)
    return uids


def reads_for(store: LineageStore, query: str, **variables: Any) -> tuple[int, dict[str, Any]]:
    counting = CountingStore(store)
    with local_client(create_app(store=counting)) as client:
        answer = graphql(client, query, variables)
    assert "errors" not in answer, answer["errors"]
    return counting.reads, answer["data"]


def test_a_5000_node_subgraph_with_nested_fields_costs_what_a_small_one_does(
    store: LineageStore, graphs: dict[str, str]
) -> None:
    small_reads, small = reads_for(store, SUBGRAPH, uid=graphs["small"])
    big_reads, big = reads_for(store, SUBGRAPH, uid=graphs["big"])
    assert len(small["lineage"]["nodes"]) == 51 and len(big["lineage"]["nodes"]) == 5001
    # The store sends uids in chunks of 5,000, so 5,001 nodes cost a second chunk in each bulk query,
    # and nothing more: per-node queries would add thousands.
    assert big_reads <= small_reads + 5
    assert big_reads <= 20
    nodes = {n["uid"]: n for n in big["lineage"]["nodes"]}
    assert nodes["model:big@1"]["producedBy"]["uid"] == "big-train"
    assert len(nodes["model:big@1"]["producedBy"]["inputs"]) == 100
    feature = nodes["feature:big_feature_42@1"]
    assert feature["producedBy"] == {
        "uid": "big-extract-42",
        "name": "extract",
        "codeVersion": "git:abc",
        "parameters": {},
        "inputs": sorted(({"uid": f"dataset:big_table_42_{d}@1"} for d in range(49)), key=lambda n: n["uid"]),
    }
    assert feature["versions"] == [{"version": "1"}]
    assert nodes["dataset:big_table_42_7@1"]["producedBy"] is None
    assert len(big["lineage"]["edges"]) == 5000


def test_a_page_of_nodes_batches_its_nested_fields(store: LineageStore, graphs: dict[str, str]) -> None:
    few_reads, few = reads_for(store, PAGE, first=10)
    many_reads, many = reads_for(store, PAGE, first=1000)
    assert (len(few["nodes"]["edges"]), len(many["nodes"]["edges"])) == (10, 1000)
    assert many_reads == few_reads
