"""The ``lineage`` command: tables for people, ``--json`` for scripts, one clear line for every error."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from lineage.errors import LineageError
from lineage.model import Node, NodeKind, Run, Subgraph
from lineage.store import LineageStore, default_url, open_store
from lineage.store.base import MAX_DEPTH, MAX_LIMIT

if TYPE_CHECKING:
    from lineage.audit import PredictionAudit

F = TypeVar("F", bound=Callable[..., Any])
console = Console()
KIND = click.Choice([k.value for k in NodeKind], case_sensitive=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    envvar="LINEAGE_STORE",
    default=default_url,
    show_default="LINEAGE_STORE, else an embedded store in the user data directory",
    help="Store URL: ladybug:///dir, bolt://host:7687 or neo4j://host:7687.",
)
@click.pass_context
def main(ctx: click.Context, store: str) -> None:
    """Record and query the lineage of datasets, features, models and predictions."""
    ctx.obj = store


def _errors_as_messages(command: F) -> F:
    """A LineageError is a user's problem, not a crash: print one line and exit 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except LineageError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _store_command(name: str | None = None, **settings: Any) -> Callable[[F], F]:
    """A subcommand that receives the opened store as its first argument."""

    def decorate(function: F) -> F:
        @wraps(function)
        @click.pass_obj
        @_errors_as_messages
        def command(url: str, *args: Any, **kwargs: Any) -> Any:
            with open_store(url) as store:
                return function(store, *args, **kwargs)

        return main.command(name, **settings)(command)  # type: ignore[return-value]

    return decorate


JSON_OPTION = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table."
)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str))


def node_json(node: Node) -> dict[str, Any]:
    return {"uid": node.uid, **asdict(node), "kind": node.kind.value}


def subgraph_json(graph: Subgraph) -> dict[str, Any]:
    return {
        "root": graph.root.uid,
        "truncated": graph.truncated,
        "nodes": [{**node_json(n), "depth": graph.depths[n.uid]} for n in graph.nodes],
        "edges": [e.to_record() for e in graph.edges],
    }


def _print_subgraph(graph: Subgraph, direction: str) -> None:
    table = Table(title=f"{direction} of {graph.root.uid}")
    for column in ("depth", "kind", "name", "version", "recorded at"):
        table.add_column(column)
    for node in graph.nodes[1:]:
        table.add_row(str(graph.depths[node.uid]), node.kind.value, node.name, node.version, node.recorded_at)
    console.print(table)
    summary = f"{len(graph.nodes) - 1} nodes, {len(graph.edges)} edges"
    if graph.truncated:
        summary += "; cut off by the depth bound or --limit (raise them to see more)"
    click.echo(summary)


TRAVERSAL_HELP = {
    "upstream": "What UID was derived from: data, features, models, code.",
    "downstream": "What was derived from UID: everything a change to it affects.",
}


def _traversal(direction: str) -> None:
    @_store_command(direction, help=TRAVERSAL_HELP[direction])
    @click.argument("uid")
    @click.option("--depth", type=click.IntRange(1, MAX_DEPTH), default=10, show_default=True)
    @click.option("--kind", "kinds", type=KIND, multiple=True, help="Only nodes of this kind (repeatable).")
    @click.option("--as-of", help="Ignore what was recorded after this ISO 8601 time.")
    @click.option(
        "--limit",
        type=click.IntRange(1, MAX_LIMIT),
        help="Stop after this many nodes, nearest first (the search stops there too).",
    )
    @JSON_OPTION
    def command(
        store: LineageStore,
        uid: str,
        depth: int,
        kinds: tuple[str, ...],
        as_of: str | None,
        limit: int | None,
        as_json: bool,
    ) -> None:
        traverse = store.upstream if direction == "upstream" else store.downstream
        kinds_wanted = [NodeKind(k) for k in kinds] or None
        graph = traverse(uid, depth=depth, kinds=kinds_wanted, as_of=as_of, limit=limit)
        _print_json(subgraph_json(graph)) if as_json else _print_subgraph(graph, direction.capitalize())


_traversal("upstream")
_traversal("downstream")


@_store_command()
@click.argument("source")
@click.argument("target")
@JSON_OPTION
def path(store: LineageStore, source: str, target: str, as_json: bool) -> None:
    """The shortest lineage chain between SOURCE and TARGET."""
    nodes = store.path(source, target)
    if as_json:
        _print_json(None if nodes is None else [node_json(n) for n in nodes])
    elif nodes is None:
        click.echo(f"{source} and {target} are not connected")
    else:
        click.echo(" -> ".join(n.uid for n in nodes))


@_store_command("ol-lineage")
@click.argument("node_id")
@click.option(
    "--depth",
    type=click.IntRange(0, MAX_DEPTH),
    default=20,
    show_default=True,
    help="Jobs away, as in Marquez.",
)
@click.option(
    "--declared/--no-declared",
    default=True,
    show_default=True,
    help="Include the feeds only a JobEvent declared (no run has confirmed them yet).",
)
@JSON_OPTION
def ol_lineage(store: LineageStore, node_id: str, depth: int, declared: bool, as_json: bool) -> None:
    """The jobs and datasets OpenLineage events named around NODE_ID (dataset:<ns>:<name> or
    job:<ns>:<name>): GET /api/v1/lineage's answer, in Marquez's shape with --json."""
    from lineage.marquez import lineage

    graph = lineage(store, node_id, depth=depth, declared=declared)
    if as_json:
        _print_json(graph)
        return
    table = Table(title=f"OpenLineage lineage of {node_id}")
    for column in ("type", "id", "feeds", "declared only"):
        table.add_column(column)
    for node in graph["graph"]:
        feeds = ", ".join(e["destination"] for e in node["outEdges"])
        declared_only = ", ".join(node["data"].get("declaredOnly", []))
        table.add_row(node["type"], node["id"], feeds, declared_only)
    console.print(table)


@_store_command()
@JSON_OPTION
def stats(store: LineageStore, as_json: bool) -> None:
    """Counts of nodes per kind, runs and edges."""
    counts = store.stats()
    if as_json:
        _print_json(counts)
        return
    table = Table(title=store.url)
    table.add_column("what")
    table.add_column("count", justify="right")
    for what, count in counts.items():
        table.add_row(what, str(count))
    console.print(table)


@_store_command()
@click.argument("uid")
@JSON_OPTION
def audit(store: LineageStore, uid: str, as_json: bool) -> None:
    """Which model version made prediction UID, from what, and can it be trusted."""
    from lineage.audit import audit as audit_prediction

    report = audit_prediction(store, uid)
    if as_json:
        _print_json(_audit_json(report))
        return
    made_by = report.made_by.uid if report.made_by else "no model recorded"
    lines = [f"{report.prediction.uid}: made by {made_by}"]
    if report.run:
        lines.append(f"  logged by run {report.run.uid} ({report.run.name}, {report.run.code_version})")
    lines += [f"  read {n.uid}" for n in report.inputs]
    lines += [f"  chained from {n.uid}" for n in report.chained]
    for use in report.models:
        run = use.training_run
        trained = (
            f"run {run.uid} ({run.name}, {run.code_version}, {dict(run.parameters)})"
            if run
            else "unknown run"
        )
        lines.append(
            f"  model {use.model.uid}: trained by {trained} on {len(use.trained_on)} upstream versions"
        )
        lines += [f"    superseded: {s.node.uid} -> {s.latest.uid}" for s in use.superseded]
    lines += [
        f"  skew: read {s.read.uid}, {s.model.uid} was trained on {s.trained_on.uid}" for s in report.skew
    ]
    lines.append("  reproducible" if report.reproducible else "  not reproducible:")
    lines += [f"    {gap}" for gap in report.gaps]
    click.echo("\n".join(lines))


def _audit_json(report: PredictionAudit) -> dict[str, Any]:
    def run_json(run: Run | None) -> dict[str, Any] | None:
        return None if run is None else {**run.to_record(), "parameters": dict(run.parameters)}

    return {
        "prediction": node_json(report.prediction),
        "made_by": report.made_by.uid if report.made_by else None,
        "run": run_json(report.run),
        "inputs": [n.uid for n in report.inputs],
        "chained": [n.uid for n in report.chained],
        "models": [
            {
                "model": use.model.uid,
                "training_run": run_json(use.training_run),
                "trained_on": [n.uid for n in use.trained_on],
                "superseded": [{"node": s.node.uid, "latest": s.latest.uid} for s in use.superseded],
            }
            for use in report.models
        ],
        "skew": [
            {"prediction": s.prediction.uid, "read": s.read.uid, "trained_on": s.trained_on.uid}
            for s in report.skew
        ],
        "reproducible": report.reproducible,
        "gaps": list(report.gaps),
    }


@_store_command()
def demo(store: LineageStore) -> None:
    """Load the credit-scoring demo graph (loading it twice changes nothing)."""
    from lineage.demo import load_demo

    load_demo(store)
    counts = store.stats()
    click.echo(f"demo graph loaded into {store.url}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@_store_command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(store: LineageStore, file: Path) -> None:
    """Write the whole graph to FILE as JSON Lines."""
    from lineage.jsonl import export_graph

    count = export_graph(store, file)
    click.echo(f"exported {count} records to {file}")


@_store_command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(store: LineageStore, file: Path) -> None:
    """Read a JSON Lines export into the store, in one transaction."""
    from lineage.jsonl import import_graph

    with Progress(console=console, transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        result = import_graph(
            store, file, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    click.echo(
        f"imported {file}: {result.created_nodes} new nodes, {result.created_edges} new edges, "
        f"{result.runs_written} runs, {result.unchanged} already present"
    )


@_store_command("cypher")
@click.argument("query")
@click.option("--param", "params", multiple=True, metavar="NAME=JSON", help="A query parameter (repeatable).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True, help="Row limit.")
@click.option(
    "--timeout", type=click.FloatRange(0.001, 600), default=10.0, show_default=True, help="Seconds."
)
@JSON_OPTION
def cypher_command(
    store: LineageStore, query: str, params: tuple[str, ...], limit: int, timeout: float, as_json: bool
) -> None:
    """Run one Cypher QUERY that only reads the store (the engine refuses anything more)."""
    result = store.cypher(query, _parse_params(params), limit=limit, timeout=timeout)
    if as_json:
        _print_json({"columns": result.columns, "rows": result.rows, "truncated": result.truncated})
        return
    table = Table()
    for column in result.columns:
        table.add_column(column)
    for row in result.rows:
        table.add_row(*(json.dumps(row[c], default=str, ensure_ascii=False) for c in result.columns))
    console.print(table)
    if result.truncated:
        click.echo(f"stopped at {limit} rows (raise --limit to see more)")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    params = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=JSON", param_hint="--param")
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    return params


def _seconds_option(name: str, default: float, help: str) -> Callable[[F], F]:
    """``--NAME-timeout``, read from ``LINEAGE_NAME_TIMEOUT`` too."""
    return click.option(
        f"--{name}-timeout",
        type=click.FloatRange(0.1, 3600),
        default=default,
        show_default=True,
        envvar=f"LINEAGE_{name.upper()}_TIMEOUT",
        help=help,
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--store", "store_url", help="Store URL (default: the store of `lineage --store`).")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes; more than one needs Neo4j (one process owns an embedded store).",
)
@click.option("--demo", is_flag=True, help="Load the demo graph first, if the store is empty.")
@click.option(
    "--max-depth",
    type=click.IntRange(1, MAX_DEPTH),
    default=MAX_DEPTH,
    show_default=True,
    help="The deepest traversal a request may ask for.",
)
@_seconds_option(
    "connect", 5.0, "Seconds to open the store or reach its server; past that, requests get 503."
)
@_seconds_option("query", 30.0, "Seconds one store transaction may run; past that, the request gets 503.")
@click.option(
    "--tokens-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="LINEAGE_TOKENS_FILE",
    help="Bearer tokens, one 'ro:<token>' or 'rw:<token>' a line (adds to LINEAGE_TOKENS); the file "
    "must be private to its owner (chmod 600).",
)
@click.option(
    "--no-auth",
    is_flag=True,
    envvar="LINEAGE_NO_AUTH",
    help="Serve without tokens on a non-loopback address (anyone who reaches it can write).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    envvar="LINEAGE_ALLOWED_HOSTS",
    metavar="NAME",
    help="A Host name to answer besides localhost, the loopback addresses and --host "
    "('*.example.com' for a domain, '*' for any; repeatable). Others get 400.",
)
@click.option(
    "--openlineage-validate",
    type=click.Choice(["strict", "lenient"]),
    default="lenient",
    show_default=True,
    envvar="LINEAGE_OPENLINEAGE_VALIDATE",
    help="strict: refuse OpenLineage events that fail the spec's JSON Schemas (400 naming each path); "
    "lenient: record them, and count them in a response header and /metrics.",
)
@click.pass_obj
@_errors_as_messages
def serve(url: str, store_url: str | None, **options: Any) -> None:
    """Serve the GraphQL API (/graphql), the OpenLineage endpoint and the HTML graphs."""
    from lineage.api.server import ServeOptions, check, load_demo_if_empty
    from lineage.api.server import serve as run_server

    settings = ServeOptions(store_url=store_url or url, **options)
    check(settings)
    if settings.demo:
        console.print(load_demo_if_empty(settings.store_url))
    run_server(settings)


@_store_command("graph")
@click.argument("uid")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The HTML file to write.",
)
@click.option(
    "--direction", type=click.Choice(["both", "upstream", "downstream"]), default="both", show_default=True
)
@click.option("--depth", type=click.IntRange(1, MAX_DEPTH), default=10, show_default=True)
@click.option("--kind", "kinds", type=KIND, multiple=True, help="Only nodes of this kind (repeatable).")
@click.option(
    "--view",
    type=click.Choice(["lineage", "impact"]),
    default="lineage",
    show_default=True,
    help="impact: everything downstream, with counts per kind and the deployed models.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(1),
    help="Draw at most this many nodes [LINEAGE_GRAPH_MAX_NODES; 2000].",
)
@click.option("--server", help="Link nodes to their pages on this lineage server (http://host:port).")
def graph_command(
    store: LineageStore,
    uid: str,
    output: Path,
    direction: str,
    depth: int,
    kinds: tuple[str, ...],
    view: str,
    max_nodes: int | None,
    server: str | None,
) -> None:
    """Write UID's interactive lineage graph as one HTML file that works offline."""
    from lineage.viz.links import Links
    from lineage.viz.page import render_graph_page
    from lineage.viz.query import GraphQuery

    kind_filter = tuple(NodeKind(k) for k in kinds)
    query = GraphQuery(uid=uid, direction=direction, depth=depth, kinds=kind_filter, view=view)
    links = Links.to_server(server) if server else Links(base=None)
    output.write_text(render_graph_page(store, query, links=links, max_nodes=max_nodes), encoding="utf-8")
    click.echo(f"wrote the {view} graph of {uid} to {output}")
