"""The browse page (``/``): what the store holds per kind, search by name, owner or description with
a kind filter, and the most recent runs (with a search: the runs whose job, SQL, job type or owners
match), every node linking to its graph."""

from __future__ import annotations

from urllib.parse import urlencode

from lineage.ingest.ol_columns import job_facts
from lineage.model import NodeKind
from lineage.stale import stale_among
from lineage.store.base import LineageStore
from lineage.viz.links import Links
from lineage.viz.style import KIND_STYLES
from lineage.viz.templating import render

PAGE_SIZE = 50
RECENT_RUNS = 15
MAX_OUTPUTS = 5  # per run in the runs table; a batch-scoring run can produce thousands


def render_browse_page(
    store: LineageStore,
    *,
    links: Links,
    search: str = "",
    kind: NodeKind | None = None,
    after: str | None = None,
    as_of: str | None = None,
) -> str:
    """``as_of`` (stored time form) shows the store as it stood then: the nodes and runs recorded by
    that time, counted per kind (runs and edges are counted only for now)."""
    page = store.list_nodes(kind=kind, search=search or None, first=PAGE_SIZE, after=after, as_of=as_of)
    runs = (
        store.search_runs(search, limit=RECENT_RUNS, as_of=as_of)
        if search
        else store.recent_runs(limit=RECENT_RUNS, as_of=as_of)
    )
    kind_value = kind.value if kind else ""
    at = as_of or ""
    uids = [n.uid for n in page.nodes] + [u for r in runs for u in r.outputs[:MAX_OUTPUTS]]
    at_time = urlencode({"asOf": as_of}) if as_of else ""
    return render(
        "browse.html",
        home=links.home(),
        as_of=as_of,
        now_href=links.home(search=search, kind=kind_value) if as_of else None,
        counts=store.counts_by_kind(as_of) if as_of else store.stats(),
        stale=stale_among(store, [n for n in page.nodes if n.kind is NodeKind.MODEL], as_of=as_of),
        page=page,
        runs=runs,
        search=search,
        kind_filter=kind,
        all_kinds=list(NodeKind),
        styles=KIND_STYLES,
        kind_links={k: links.home(kind=k.value, asOf=at) for k in NodeKind},
        graph_links={uid: links.graph(uid, at_time) for uid in uids},
        next_page=links.home(search=search, kind=kind_value, after=page.end_cursor or "", asOf=at)
        if page.has_next
        else None,
        first_page=links.home(search=search, kind=kind_value, asOf=at) if after else None,
        max_outputs=MAX_OUTPUTS,
        job_facts={run.uid: job_facts(run.environment) for run in runs},
    )


def render_error_page(heading: str, message: str, *, links: Links) -> str:
    return render("error.html", heading=heading, message=message, home=links.home())
