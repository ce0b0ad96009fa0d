"""Reads and writes of OpenLineage names, facet records and feeds (lineage/facets.py), inside the
transactions of ``LineageStore``.

A write reads what is stored by key and creates only what is missing, so an event sent again adds
nothing; nothing stored is changed. On LadybugDB writes take turns; on Neo4j the create queries MERGE
on keys with uniqueness constraints (and lock the ends of a feed), so two writers store a thing once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from lineage.facets import Facet, Feed, NameRecords, Subject
from lineage.store._rows import Tx, by_key, chunks

if TYPE_CHECKING:
    from lineage.store.base import LineageStore

Queries = Callable[[str], str]


def write_names(tx: Tx, store: LineageStore, records: NameRecords, at: str) -> int:
    """Record the subjects, facets and feeds of ``records`` not stored yet; returns how many were new.
    The subjects are held first (``LineageStore._hold``), so a concurrent writer of the same names
    waits, then finds them."""
    q, create = store._q, store._create
    subjects = list({s.key: s for s in records.subjects}.values())
    store._hold(tx, subjects=[s.key for s in subjects])
    stored = load_subjects(tx, q, [s.key for s in subjects])
    # Imports keep the times they carry; an event's records are stamped now.
    new_subjects = [
        {**s.to_record(), "recorded_at": s.recorded_at or at} for s in subjects if s.key not in stored
    ]
    if new_subjects:
        create(tx, "create_subjects", new_subjects)
    # Nothing is stored yet of a subject new here: its facets and feeds are new without a look-up.
    unseen = {s["key"] for s in new_subjects}
    facets = list({f.uid: f for f in records.facets}.values())
    maybe = [f.uid for f in facets if f.subject not in unseen]
    have = {r["uid"] for c in chunks(maybe) for r in tx(q("facets_by_uid"), {"uids": c})}
    new_facets = [{**f.to_record(), "recorded_at": f.recorded_at or at} for f in facets if f.uid not in have]
    if new_facets:
        create(tx, "create_facets", new_facets)
    feeds = list(dict.fromkeys(records.feeds))
    maybe_feeds = [f for f in feeds if f.origin not in unseen and f.destination not in unseen]
    known = stored_feeds(tx, q, maybe_feeds, one_by_one=store.lookups_one_by_one)
    new_feeds = [{**f.to_record(), "recorded_at": f.recorded_at or at} for f in feeds if f not in known]
    if new_feeds:
        create(tx, "create_feeds", new_feeds)
    return len(new_subjects) + len(new_facets) + len(new_feeds)


def load_subjects(read: Tx, q: Queries, keys: Iterable[str]) -> dict[str, Subject]:
    found = {}
    for chunk in chunks(list(dict.fromkeys(keys))):
        for row in read(q("subjects_by_key"), {"keys": chunk}):
            found[row["key"]] = Subject(**row)
    return found


def load_facets(read: Tx, q: Queries, keys: Iterable[str]) -> dict[str, list[Facet]]:
    """The facet records of each subject among ``keys`` that has any."""
    found: dict[str, list[Facet]] = {}
    for chunk in chunks(list(dict.fromkeys(keys))):
        for row in read(q("facets_of"), {"keys": chunk}):
            found.setdefault(row["subject"], []).append(Facet.stored(row))
    return found


def stored_feeds(read: Tx, q: Queries, feeds: Iterable[Feed], *, one_by_one: int) -> set[Feed]:
    """Those of ``feeds`` that are stored, looked up by their two ends (feeds_between.cypher); up to
    ``one_by_one`` pairs a statement each (LineageStore.lookups_one_by_one)."""
    pairs = dict.fromkeys((feed.origin, feed.destination) for feed in feeds)
    params = [{"origin": origin, "destination": destination} for origin, destination in pairs]
    rows = by_key(read, q("feed_pair"), q("feeds_between"), params, one_by_one)
    return {Feed.from_record(row) for row in rows}


def load_feeds(read: Tx, q: Queries, keys: Iterable[str], *, out: bool, one_by_one: int) -> list[Feed]:
    """The feeds out of (``out``) or into the subjects ``keys``; up to ``one_by_one`` subjects are looked
    up a statement each (LineageStore.lookups_one_by_one)."""
    side = "out" if out else "in"
    params = [{"key": key} for key in dict.fromkeys(keys)]
    rows = by_key(read, q(f"subject_feeds_{side}"), q(f"feeds_{side}"), params, one_by_one)
    return [Feed.from_record(row) for row in rows]
