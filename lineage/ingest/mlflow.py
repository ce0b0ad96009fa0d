"""MLflow tracking and model registry -> one store batch (``lineage import-mlflow``).

The mapping (docs/mlflow.md says it for users):

- An MLflow run becomes the run ``mlflow:<run_id>``, named after its experiment (the pipeline step; the
  run name is among its tags): its params are the run's parameters, its tags the run's environment
  (``mlflow.log-model.history`` left out: it grows with every model logged), ``mlflow.source.git.commit``
  its code version (``git:<sha>``), its start, end, status and user MLflow's, ``mlflow.parentRunId`` its
  parent run when that run is imported too.
- A dataset input (``mlflow.data``, MLflow 2.4+) becomes ``dataset:<name>@<digest>``: MLflow's digest is
  the version, and the checksum (``mlflow:<digest>``); the source is the dataset source's URI (its type
  when it has none); its source, schema and profile go to the metadata.
- A logged model (MLflow 3) becomes ``model:<name>@<model_id>``, and a registered model version
  ``model:<registered name>@<version>``; each is an output of its run and DERIVED_FROM the run's dataset
  inputs through it, and a registered version also DERIVED_FROM the logged model it registers. A version's
  registry aliases go to its metadata as ``aliases`` and its stage (other than ``None``) as ``stage``:
  ``lineage.impact.is_deployed`` reads both.

Identity and content come from MLflow alone (never the time of the import), so importing again changes
nothing, and picks up what is new. Versions are immutable here and mutable there (a tag edited, an alias
moved): what differs from its first import is kept as first recorded and listed in the report, so a
re-import never conflicts. Everything lands in one write transaction (through a server that holds the
store: read, then written by its import route, a transaction per request).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from lineage.errors import LineageError, NotFound
from lineage.ingest.batches import merge, run_batch
from lineage.model import Batch, Edge, Node, NodeKind, Run, RunStatus, WriteResult, format_time
from lineage.store.base import LineageStore

if TYPE_CHECKING:
    from mlflow import MlflowClient

INSTALL_HINT = "pip install 'lineage-graph[mlflow]' (or: pip install mlflow-skinny)"
RUN_PREFIX = "mlflow:"

_STATUS = {
    "SCHEDULED": RunStatus.START,
    "RUNNING": RunStatus.RUNNING,
    "FINISHED": RunStatus.COMPLETE,
    "FAILED": RunStatus.FAIL,
    "KILLED": RunStatus.ABORT,
}
_OMITTED_TAGS = frozenset({"mlflow.log-model.history"})
_PAGE = 1000


class MlflowUnavailable(LineageError):
    """The mlflow package is not installed, or the tracking store cannot be read."""


@dataclass(frozen=True)
class MlflowImport:
    """What an import recorded: counts of what MLflow holds, what the write changed, and what MLflow
    changed since its first import that the store keeps as first recorded."""

    tracking_uri: str
    runs: int
    datasets: int
    models: int
    written: WriteResult
    kept: tuple[str, ...] = ()


def import_mlflow(store: LineageStore, tracking_uri: str, *, experiments: Sequence[str] = ()) -> MlflowImport:
    """Record the runs, dataset inputs, logged models and registered model versions of the MLflow
    tracking store at ``tracking_uri`` (its model registry too), of the named experiments or of all."""
    client = _client(tracking_uri)
    from mlflow.exceptions import MlflowException

    try:
        with _http_patience():
            batch, kept = _read(client, tracking_uri, experiments)
    except MlflowException as exc:  # a tracking server that is down, a database MLflow cannot read
        raise MlflowUnavailable(f"cannot read MLflow at {tracking_uri}: {exc.message}") from None
    if isinstance(store, LineageStore):
        written, settled = store.transaction(lambda tx: _write(tx, batch))
    else:  # a store a server holds: read, then write through its import (one transaction per chunk)
        written, settled = _write(store, batch)
    kinds = Counter(n.kind for n in {n.uid: n for n in batch.nodes}.values())
    return MlflowImport(
        tracking_uri=tracking_uri,
        runs=len(batch.runs),
        datasets=kinds[NodeKind.DATASET],
        models=kinds[NodeKind.MODEL],
        written=written,
        kept=(*kept, *settled),
    )


def _client(tracking_uri: str) -> MlflowClient:
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise MlflowUnavailable(f"importing from MLflow needs the mlflow package: {INSTALL_HINT}") from None
    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


HTTP_PATIENCE = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}
"""How long a tracking server may keep an import waiting, where the environment does not say: MLflow's
own defaults (7 retries, growing waits, 120 s each) leave a command facing a server that is down
silent for over four minutes."""


@contextmanager
def _http_patience() -> Iterator[None]:
    unset = [name for name in HTTP_PATIENCE if name not in os.environ]
    os.environ.update({name: HTTP_PATIENCE[name] for name in unset})
    try:
        yield
    finally:
        for name in unset:
            os.environ.pop(name, None)


# --- reading MLflow ---------------------------------------------------------------------------------


def _read(client: MlflowClient, tracking_uri: str, names: Sequence[str]) -> tuple[Batch, list[str]]:
    experiments = _experiments(client, tracking_uri, names)
    mlflow_runs = {r.info.run_id: r for r in _runs(client, list(experiments))}
    nodes = _FirstRead()
    inputs = {
        run_id: [nodes.add(_dataset(i)) for i in _dataset_inputs(r)] for run_id, r in mlflow_runs.items()
    }
    outputs: dict[str, list[Node]] = {run_id: [] for run_id in mlflow_runs}
    logged = {}
    for model in _logged_models(client, list(experiments)):
        if model.source_run_id in mlflow_runs:
            logged[model.model_id] = nodes.add(_logged_model(model))
            outputs[model.source_run_id].append(logged[model.model_id])
    edges, unrun = [], []
    for version, aliases in _registered_versions(client):
        if version.run_id in mlflow_runs:
            node = nodes.add(_registered_version(version, aliases))
            outputs[version.run_id].append(node)
            registers = logged.get(_model_id(version))
            if registers is not None:
                edges.append(Edge(source=node.uid, target=registers.uid, run=RUN_PREFIX + version.run_id))
        elif not version.run_id and not names:
            # registered from a path, not a run: a version without lineage
            unrun.append(nodes.add(_registered_version(version, aliases)))
        # else trained in an experiment left out, or by a run since deleted: not this import's
    batches = [
        run_batch(_run(r, experiments, mlflow_runs), inputs[run_id], outputs[run_id])
        for run_id, r in mlflow_runs.items()
    ]
    return merge(*batches, Batch(nodes=tuple(unrun), edges=tuple(edges))), nodes.kept


class _FirstRead:
    """One node per uid, as first read: the same dataset named by two experiments with another source
    stays as first read, and the report says so."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.kept: list[str] = []

    def add(self, node: Node) -> Node:
        first = self.nodes.setdefault(node.uid, node)
        if first.content() != node.content():
            self.kept.append(f"{node.uid}: {_differing(first, node)} (read twice; the first kept)")
        return first


def _experiments(client: MlflowClient, tracking_uri: str, names: Sequence[str]) -> dict[str, str]:
    """Experiment names by id: the named ones (each must exist), else every active one."""
    if not names:
        return {e.experiment_id: e.name for e in _pages(client.search_experiments)}
    found = {}
    for name in dict.fromkeys(names):
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            raise NotFound(f"no MLflow experiment named {name!r} at {tracking_uri}")
        found[experiment.experiment_id] = experiment.name
    return found


def _runs(client: MlflowClient, experiment_ids: list[str]) -> Iterator[Any]:
    if not experiment_ids:
        return iter(())
    return _pages(client.search_runs, experiment_ids=experiment_ids, order_by=["attributes.start_time ASC"])


def _logged_models(client: MlflowClient, experiment_ids: list[str]) -> Iterator[Any]:
    """Logged models, on MLflow 3 (MLflow 2 has none: its models are artifacts of their runs)."""
    if not experiment_ids or not hasattr(client, "search_logged_models"):
        return iter(())
    return _pages(client.search_logged_models, experiment_ids=experiment_ids)


def _registered_versions(client: MlflowClient) -> Iterator[tuple[Any, list[str]]]:
    """Every registered model version with its aliases, which the registered model holds
    (``search_model_versions`` leaves a version's own ``aliases`` empty)."""
    aliases: dict[tuple[str, str], list[str]] = {}
    for registered in _pages(client.search_registered_models):
        for alias, version in (registered.aliases or {}).items():
            aliases.setdefault((registered.name, str(version)), []).append(alias)
    for version in _pages(client.search_model_versions):
        yield version, sorted(aliases.get((version.name, str(version.version)), ()))


def _pages(search: Any, **arguments: Any) -> Iterator[Any]:
    token = None
    while True:
        page = search(max_results=_PAGE, page_token=token, **arguments)
        yield from page
        token = page.token
        if not token:
            return


def _run(run: Any, experiments: Mapping[str, str], all_runs: Mapping[str, Any]) -> Run:
    info, tags = run.info, dict(run.data.tags)
    commit = tags.get("mlflow.source.git.commit")
    parent = tags.get("mlflow.parentRunId")
    return Run(
        uid=RUN_PREFIX + info.run_id,
        name=experiments[info.experiment_id],
        code_version=f"git:{commit}" if commit else None,
        parameters=dict(run.data.params),
        environment={k: v for k, v in tags.items() if k not in _OMITTED_TAGS},
        started_at=_time(info.start_time),
        ended_at=_time(info.end_time),
        status=_STATUS.get(info.status),
        user=info.user_id or None,
        parent=f"{RUN_PREFIX}{parent}" if parent in all_runs else None,
    )


def _dataset_inputs(run: Any) -> list[Any]:
    inputs = getattr(run, "inputs", None)
    return [i.dataset for i in getattr(inputs, "dataset_inputs", None) or ()]


def _dataset(dataset: Any) -> Node:
    source = _json(dataset.source)
    uri = source.get("uri") or source.get("url") or source.get("path") if isinstance(source, dict) else None
    details = _present(
        source_type=dataset.source_type,
        source=source,
        schema=_json(dataset.schema),
        profile=_json(dataset.profile),
    )
    return Node(
        kind=NodeKind.DATASET,
        name=dataset.name,
        version=dataset.digest,
        checksum=f"mlflow:{dataset.digest}",
        source=str(uri) if uri else dataset.source_type,
        metadata={"mlflow": details},
    )


def _logged_model(model: Any) -> Node:
    return Node(
        kind=NodeKind.MODEL,
        name=model.name,
        version=model.model_id,
        created_at=_time(model.creation_timestamp),
        source=model.model_uri,
        metadata={
            "mlflow": _present(
                model_id=model.model_id,
                run_id=model.source_run_id,
                experiment_id=model.experiment_id,
                model_type=model.model_type,
                artifact_location=model.artifact_location,
            )
        },
    )


def _registered_version(version: Any, aliases: list[str]) -> Node:
    stage = version.current_stage if version.current_stage not in (None, "", "None") else None
    return Node(
        kind=NodeKind.MODEL,
        name=version.name,
        version=str(version.version),
        created_at=_time(version.creation_timestamp),
        owner=version.user_id or None,
        source=version.source,
        metadata=_present(
            aliases=aliases or None,
            stage=stage,
            mlflow=_present(
                registered_model=version.name,
                version=str(version.version),
                run_id=version.run_id,
                model_id=_model_id(version),
            ),
        ),
    )


def _model_id(version: Any) -> str | None:
    """The logged model a registered version registers: its ``model_id`` on MLflow 3, which the SQL
    store leaves unset, so also from a ``models:/<model_id>`` source."""
    model_id = getattr(version, "model_id", None)
    source = version.source or ""
    if not model_id and source.startswith("models:/m-"):
        model_id = source.removeprefix("models:/").split("/")[0]
    return model_id or None


def _time(milliseconds: int | None) -> str | None:
    if milliseconds is None:
        return None
    return format_time(datetime.fromtimestamp(milliseconds / 1000, UTC))


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


# --- writing ----------------------------------------------------------------------------------------


class _Writer(Protocol):
    """What the import reads and writes through: a store's transaction, or a store a server holds."""

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]: ...

    def get_run(self, uid: str) -> Run | None: ...

    def write(self, batch: Batch) -> WriteResult: ...


def _write(tx: _Writer, batch: Batch) -> tuple[WriteResult, list[str]]:
    """Write the batch in one transaction, keeping what MLflow has changed since its first import as
    first recorded: the store's versions are immutable, and a re-import must not conflict."""
    kept: list[str] = []
    stored = tx.get_nodes(n.uid for n in batch.nodes)
    nodes = []
    for node in batch.nodes:
        old = stored.get(node.uid)
        if old is None:
            nodes.append(node)
        elif old.content() != node.content():
            kept.append(f"{node.uid}: {_differing(old, node)}")
    runs = [_settled(run, tx.get_run(run.uid), kept) for run in batch.runs]
    return tx.write(Batch(nodes=tuple(nodes), runs=tuple(runs), edges=batch.edges)), kept


def _settled(run: Run, stored: Run | None, kept: list[str]) -> Run:
    """``run`` with the values MLflow changed since ``stored`` was recorded put back as stored (a run
    fills in over time; a value it already has is not replaced)."""
    if stored is None:
        return run
    changes: dict[str, Any] = {}
    for name in ("name", "code_version", "user", "parent"):
        old, new = getattr(stored, name), getattr(run, name)
        if old is not None and new is not None and old != new:
            changes[name] = old
            kept.append(f"run {run.uid}: {name}")
    for name in ("parameters", "environment"):
        old, new = getattr(stored, name), getattr(run, name)
        clash = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
        if clash:
            changes[name] = {**new, **{k: old[k] for k in clash}}
            kept += [f"run {run.uid}: {name}.{k}" for k in clash]
    return replace(run, **changes) if changes else run


def _differing(a: Node, b: Node) -> str:
    old, new = a.content(), b.content()
    return ", ".join(k for k in old if old[k] != new[k])
