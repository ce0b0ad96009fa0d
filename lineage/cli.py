"""The ``lineage`` command: tables for people, ``--json`` for scripts, one clear line for every error."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from lineage.errors import InvalidInput, LineageError
from lineage.model import Edge, IndirectEdge, Node, NodeKind, Run, Subgraph, WriteResult
from lineage.query import DEFAULT_DEPTH, MAX_DEPTH, validate_depth
from lineage.store import LineageStore, default_url, open_store
from lineage.store.base import MAX_LIMIT

if TYPE_CHECKING:
    from lineage.audit import PredictionAudit

F = TypeVar("F", bound=Callable[..., Any])
console = Console()
errors = Console(stderr=True)
KIND = click.Choice([k.value for k in NodeKind], case_sensitive=False)


@dataclass(frozen=True)
class Target:
    """Where a command's store is: a store URL, or a lineage server that holds the store."""

    store: str
    server: str | None = None
    token: str | None = None
    quiet: bool = False

    def open(self) -> LineageStore:
        """The store itself, or, when a server holds it or ``--server`` names one, the store through
        that server (a ``RemoteStore``: the same methods, answered by the server's API)."""
        from lineage.held import holding_server
        from lineage.remote import Server
        from lineage.remote_store import RemoteStore

        if self.server:
            return RemoteStore(Server(self.server, self.token))  # type: ignore[return-value]
        held = holding_server(self.store)
        if held is None:
            return open_store(self.store)
        self.say(
            f"lineage: the store at {self.store} is held by the server at {held.url} (pid {held.pid}); "
            "going through it"
        )
        return RemoteStore(Server(held.url, self.token), url=self.store)  # type: ignore[return-value]

    def say(self, message: str) -> None:
        """A note on stderr, for people: never mixed into the output, silent with --quiet."""
        if not self.quiet:
            click.echo(message, err=True)

    def progress(self) -> Progress:
        """A progress bar on stderr, shown only to a person watching it (a terminal, no --quiet)."""
        return Progress(console=errors, transient=True, disable=self.quiet or not sys.stderr.isatty())


WHERE = ("store", "server", "token", "quiet")


def _where_options(*names: str) -> Callable[[F], F]:
    """``--store``, ``--server``, ``--token`` and ``--quiet`` (or those named): on the group and on each
    subcommand, so ``lineage stats --store X`` works as ``lineage --store X stats`` does."""
    options = {
        "store": click.option(
            "--store",
            help="Store URL: ladybug:///dir, bolt://host:7687 or neo4j://host:7687 "
            "[LINEAGE_STORE, else an embedded store in the user data directory].",
        ),
        "server": click.option(
            "--server",
            metavar="URL",
            help="Go through the lineage server at URL (http://host:8000) [LINEAGE_URL].",
        ),
        "token": click.option("--token", help="The server's bearer token [LINEAGE_TOKEN]."),
        "quiet": click.option("-q", "--quiet", is_flag=True, help="No progress bars or notes on stderr."),
    }

    def decorate(function: F) -> F:
        for name in reversed(names or WHERE):
            function = options[name](function)
        return function

    return decorate


class _Depth(click.ParamType[int]):
    """A traversal depth, refused in the same words as in GraphQL and on the pages."""

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        try:
            return validate_depth(int(text) if text.isascii() and text.isdigit() else text)
        except InvalidInput as exc:
            self.fail(str(exc), param, ctx)


DEPTH_OPTION = click.option("--depth", type=_Depth(), default=DEFAULT_DEPTH, show_default=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lineage-graph", prog_name="lineage")
@_where_options()
@click.pass_context
def main(ctx: click.Context, store: str | None, server: str | None, token: str | None, quiet: bool) -> None:
    """Record and query the lineage of datasets, features, models and predictions."""
    # A --store given on the command line wins over a LINEAGE_URL left in the environment.
    from_environment = None if store else os.environ.get("LINEAGE_URL")
    ctx.obj = Target(
        store=store or default_url(),
        server=server or from_environment or None,
        token=token or os.environ.get("LINEAGE_TOKEN") or None,
        quiet=quiet,
    )


def _target(ctx: click.Context, options: dict[str, Any], where: tuple[str, ...] = WHERE) -> Target:
    """The group's target, with what the subcommand's own options (``where``, taken out of
    ``options``) change."""
    target: Target = ctx.find_object(Target) or Target(store=default_url())
    given = {name: options.pop(name) for name in where}
    store, server, token, quiet = (given.get(name) for name in WHERE)
    if store:
        target = replace(target, store=store, server=server)
    if server:
        target = replace(target, server=server)
    if token:
        target = replace(target, token=token)
    if quiet:
        target = replace(target, quiet=True)
    return target


def _errors_as_messages(command: F) -> F:
    """A LineageError is a user's problem, not a crash: print one line and exit 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except LineageError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _store_command(
    name: str | None = None, *, with_target: bool = False, where: tuple[str, ...] = WHERE, **settings: Any
) -> Callable[[F], F]:
    """A subcommand that receives the opened store as its first argument (and, with ``with_target``,
    where it is as its second): the store itself, or the store through the server that holds it."""

    def decorate(function: F) -> F:
        @_where_options(*where)  # after wraps, which copies the function's own options over
        @wraps(function)
        @click.pass_context
        @_errors_as_messages
        def command(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
            target = _target(ctx, kwargs, where)
            with target.open() as store:
                if with_target:
                    return function(store, target, *args, **kwargs)
                return function(store, *args, **kwargs)

        return main.command(name, **settings)(command)  # type: ignore[return-value]

    return decorate


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


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
        "edges": [edge_json(e) for e in graph.links],
    }


def edge_json(edge: Edge | IndirectEdge) -> dict[str, Any]:
    """A recorded edge, or a link through nodes of the kinds left out (``indirect``, through ``via``)."""
    return {
        "source": edge.source,
        "target": edge.target,
        "run": edge.run,
        "recorded_at": edge.recorded_at,
        "indirect": edge.indirect,
        "via": list(edge.via),
    }


def _print_subgraph(graph: Subgraph, direction: str) -> None:
    table = Table(title=f"{direction} of {graph.root.uid}")
    for column in ("depth", "kind", "name", "version", "recorded at"):
        table.add_column(column)
    for node in graph.nodes[1:]:
        table.add_row(str(graph.depths[node.uid]), node.kind.value, node.name, node.version, node.recorded_at)
    console.print(table)
    summary = f"{_plural(len(graph.nodes) - 1, 'node')}, {_plural(len(graph.links), 'edge')}"
    if graph.indirect:
        summary += f" ({len(graph.indirect)} through nodes of the kinds left out)"
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
    @DEPTH_OPTION
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
@click.argument("uid")
@click.argument("field")
@click.option(
    "--direction",
    type=click.Choice(["up", "down"]),
    default="up",
    show_default=True,
    help="up: the columns FIELD was derived from; down: the columns derived from it.",
)
@click.option("--depth", type=click.IntRange(1, MAX_DEPTH), default=10, show_default=True)
@JSON_OPTION
def columns(store: LineageStore, uid: str, field: str, direction: str, depth: int, as_json: bool) -> None:
    """Column lineage: which columns column FIELD of UID came from, or which came from it."""
    from lineage.columns_text import column_graph_json, column_graph_lines

    graph = store.column_lineage(
        uid, field, direction="upstream" if direction == "up" else "downstream", depth=depth
    )
    if as_json:
        _print_json(column_graph_json(graph))
    else:
        click.echo("\n".join(column_graph_lines(graph)))


@_store_command()
@JSON_OPTION
def stats(store: LineageStore, as_json: bool) -> None:
    """Counts of nodes per kind, runs and edges."""
    counts = store.stats()
    if as_json:
        _print_json(counts)
        return
    click.echo(f"store {store.url}")  # above the table, not its title: a long URL would wrap there
    table = Table()
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
@click.argument("uid")
@JSON_OPTION
def reproduce(store: LineageStore, uid: str, as_json: bool) -> None:
    """The runs that rebuild UID, in order, with code, parameters, environment and input versions."""
    from lineage import reports
    from lineage.reproduce import reproduce as recipe_of

    recipe = recipe_of(store, uid)
    _print_json(reports.recipe_json(recipe)) if as_json else click.echo(reports.recipe_text(recipe))


@_store_command()
@click.argument("uid")
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="The directory the recorded paths are relative to.",
)
@JSON_OPTION
def verify(store: LineageStore, uid: str, root: Path, as_json: bool) -> None:
    """Recompute the checksums of UID's inputs and outputs found under --root; exit 1 if any differs."""
    from lineage import reports
    from lineage.reproduce import reproduce as recipe_of
    from lineage.verify import Outcome
    from lineage.verify import verify as check

    checks = check(recipe_of(store, uid).artifacts, root)
    _print_json(reports.checks_json(checks)) if as_json else click.echo(reports.checks_text(checks))
    if any(c.outcome is Outcome.DIFFERS for c in checks):
        sys.exit(1)


@_store_command("stale")
@click.option(
    "--kind", type=KIND, default="model", show_default=True, help="prediction: made by superseded models."
)
@click.option(
    "--first", type=click.IntRange(1, 1000), default=50, show_default=True, help="Versions examined."
)
@click.option("--after", help="Continue after this cursor (printed when there is more).")
@click.option(
    "--per-model", type=click.IntRange(1, 1000), default=100, show_default=True, help="Predictions per model."
)
@click.option("--as-of", help="As the store stood at this ISO 8601 time.")
@JSON_OPTION
def stale_command(
    store: LineageStore,
    kind: str,
    first: int,
    after: str | None,
    per_model: int,
    as_of: str | None,
    as_json: bool,
) -> None:
    """Versions whose history a newer version has overtaken, and what superseded what, when."""
    from lineage import reports
    from lineage.stale import stale

    page = stale(
        store, NodeKind(kind), first=first, after=after, predictions_per_model=per_model, as_of=as_of
    )
    _print_json(reports.stale_json(page)) if as_json else click.echo(reports.stale_text(page, kind))


@_store_command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--as-of", help="Ignore what was recorded after this ISO 8601 time.")
@JSON_OPTION
def diff_command(store: LineageStore, a: str, b: str, as_of: str | None, as_json: bool) -> None:
    """What changed between the histories of A and B: versions, code, parameters, environment."""
    from lineage import reports
    from lineage.diff import diff

    found = diff(store, a, b, as_of=as_of)
    _print_json(reports.diff_json(found)) if as_json else click.echo(reports.diff_text(found))


@_store_command(with_target=True)
def demo(store: LineageStore, target: Target) -> None:
    """Load the credit-scoring demo graph (loading it twice changes nothing)."""
    from lineage.demo import load_demo

    with target.progress() as bar:
        bar.add_task("loading the demo graph", total=None)
        added = load_demo(store)
    if added.created_nodes or added.created_edges:
        click.echo(f"demo graph loaded into {store.url}: {_written(added)}")
    else:
        click.echo(f"the demo graph is already in {store.url}: nothing added")


def _written(result: WriteResult) -> str:
    return ", ".join(
        (
            _plural(result.created_nodes, "new node"),
            _plural(result.created_edges, "new edge"),
            _plural(result.runs_written, "run"),
        )
    )


@_store_command("export", with_target=True)
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(store: LineageStore, target: Target, file: Path) -> None:
    """Write the whole graph to FILE as JSON Lines."""
    from lineage.jsonl import export_graph

    with target.progress() as bar:
        total = sum(store.stats().values()) if not bar.disable else None
        task = bar.add_task(f"exporting to {file.name}", total=total)
        count = export_graph(store, file, progress=lambda done: bar.update(task, completed=done))
    click.echo(f"exported {_plural(count, 'record')} to {file}")


@_store_command("import", with_target=True)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(store: LineageStore, target: Target, file: Path) -> None:
    """Read a JSON Lines export into the store, in one transaction (through a server: one per chunk)."""
    from lineage.jsonl import import_graph

    with target.progress() as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        result = import_graph(
            store, file, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    click.echo(f"imported {file}: {_written(result)}, {result.unchanged} already present")


@_store_command("import-mlflow")
@click.option(
    "--tracking-uri", required=True, help="The MLflow tracking URI (http://..., sqlite:///..., a path)."
)
@click.option(
    "--experiment", "experiments", multiple=True, metavar="NAME", help="Only this experiment (repeatable)."
)
@JSON_OPTION
def import_mlflow_command(
    store: LineageStore, tracking_uri: str, experiments: tuple[str, ...], as_json: bool
) -> None:
    """Record MLflow's runs, dataset inputs and models (importing again adds only what is new)."""
    from lineage.ingest.mlflow import import_mlflow

    done = import_mlflow(store, tracking_uri, experiments=experiments)
    if as_json:
        _print_json({**asdict(done), "kept": list(done.kept)})
        return
    result = done.written
    click.echo(
        f"imported {done.runs} runs, {done.datasets} datasets, {done.models} model versions from "
        f"{tracking_uri}: {result.created_nodes} new nodes, {result.created_edges} new edges, "
        f"{result.unchanged} already present"
    )
    if done.kept:
        click.echo("changed in MLflow since first imported, kept as first recorded:", err=True)
        click.echo("\n".join(f"  {line}" for line in done.kept), err=True)


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
@_where_options("store")
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
@click.pass_context
@_errors_as_messages
def serve(ctx: click.Context, /, **options: Any) -> None:
    """Serve the GraphQL API (/graphql), the OpenLineage endpoint and the HTML graphs."""
    from lineage.api.server import ServeOptions, check, load_demo_if_empty
    from lineage.api.server import serve as run_server

    target = _target(ctx, options, ("store",))
    settings = ServeOptions(store_url=target.store, **options)
    check(settings)
    if settings.demo:
        console.print(load_demo_if_empty(settings.store_url))
    run_server(settings)


@_store_command("graph", with_target=True, where=("store", "token", "quiet"))
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
@DEPTH_OPTION
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
@click.option(
    "--server",
    metavar="URL",
    help="Link nodes to their pages on this lineage server (the store is still read from --store; "
    "`lineage --server URL graph` reads through it too).",
)
def graph_command(
    store: LineageStore,
    target: Target,
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
    # Nodes link to their pages on the server named here, or on the one the command goes through.
    base = server or target.server
    links = Links.to_server(base) if base else Links(base=None)
    with target.progress() as bar:  # a large graph takes seconds to lay out
        bar.add_task(f"drawing the {view} graph of {uid}", total=None)
        page = render_graph_page(store, query, links=links, max_nodes=max_nodes)
    output.write_text(page, encoding="utf-8")
    click.echo(f"wrote the {view} graph of {uid} to {output}")


@main.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the completion script for SHELL: eval "$(lineage completion bash)" in ~/.bashrc."""
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None  # click ships all three
    click.echo(completer(main, {}, "lineage", "_LINEAGE_COMPLETE").source())
