"""OpenLineage RunEvents -> store batches.

The mapping (docs/openlineage.md says it for users):

- A run is identified by its ``runId`` (a UUID, lower-cased canonical form); its name is the job's
  name. Every event of one runId merges into that run, in any order: START gives ``started_at``,
  COMPLETE/FAIL/ABORT give ``ended_at`` and the status (a terminal status is never replaced), RUNNING
  and OTHER only add what they carry.
- The code version comes from the job's ``sourceCodeLocation`` facet (``<type>:<version>``, e.g.
  ``git:1f3e...``), else from its ``sourceCode`` facet (``sha256:`` of the code). The job namespace,
  the source location and the processing engine go to the run's environment; the
  ``executionParameters`` run facet gives its parameters; the ``parent`` run facet its parent run.
- A dataset's node name is ``<namespace>/<name>`` (``postgres://db:5432`` + ``public.orders`` ->
  ``postgres://db:5432/public.orders``), its ``source`` the namespace. Its version is, first found:
  the ``lineageGraph`` facet's ``version``, the ``version`` facet's ``datasetVersion``; else, for an
  output, the runId (each run writes a new version, and every event of the run names the same one);
  for an input, the version this run already read, else the latest recorded version of that name,
  else ``unversioned``.
- The ``lineageGraph`` dataset facet (``{"kind": "model", "version": "3", "name": ..., "metadata":
  {...}}``) makes a dataset a feature, model or prediction.
- Every output of the run DERIVED_FROM every input, through the run, whichever events named them.

A version that is already recorded is referred to, not recorded again: events describe the same
dataset many times, and the first record of a version stands.

Validation happens before anything is read or written, and names the field at fault
(``run.runId``, ``inputs[2].facets.lineageGraph.kind``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from lineage.errors import InvalidInput
from lineage.facets import NameRecords
from lineage.ingest.batches import MAX_EDGES_PER_RUN, check_fan_out, merge
from lineage.ingest.ol_columns import (
    UNVERSIONED,
    DatasetColumns,
    FacetError,
    column_batch,
    dataset_columns,
    job_environment,
)
from lineage.model import Batch, Edge, Node, NodeKind, Run, RunStatus, name_problem, parse_time
from lineage.query import latest_versions
from lineage.store.base import LineageStore, Transaction

FACET = "lineageGraph"
EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER")


class EventError(InvalidInput):
    """A malformed event; ``field`` is the JSON path of what is wrong (``None``: the body itself)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DatasetRef:
    """A dataset as an event names it; ``version`` is ``None`` for an input still to be resolved."""

    kind: NodeKind
    name: str
    version: str | None
    source: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    columns: DatasetColumns = field(default_factory=DatasetColumns)
    checksum: str | None = None

    def node(self, version: str) -> Node:
        return Node(
            kind=self.kind,
            name=self.name,
            version=version,
            checksum=self.checksum,
            source=self.source,
            metadata=self.metadata,
            owner=self.columns.owner,
            description=self.columns.description,
        )


@dataclass(frozen=True)
class RunEvent:
    """A validated RunEvent: the run (without links), the datasets it names, and the parent run as its
    ``parent`` facet describes it."""

    run: Run
    inputs: tuple[DatasetRef, ...]
    outputs: tuple[DatasetRef, ...]
    parent: Run | None = None
    names: NameRecords = field(default_factory=NameRecords)
    """Its job, datasets and facets as OpenLineage names them (lineage/ingest/ol_names.py)."""


@dataclass(frozen=True)
class Recorded:
    """What one event changed, for the endpoint's answer."""

    run: Run
    created_nodes: int
    created_edges: int


# --- parsing ----------------------------------------------------------------------------------------


def parse_event(payload: Any) -> RunEvent:
    """Validate a decoded RunEvent; raise EventError naming the field at fault."""
    event = _object(payload, None, "the event")
    if "run" not in event:
        raise EventError(
            "run", "run is required: this endpoint takes OpenLineage RunEvents (not DatasetEvent or JobEvent)"
        )
    time = _time(event)
    _text(event, "producer", "producer")
    if "schemaURL" in event:
        _text(event, "schemaURL", "schemaURL")
    event_type = _event_type(event)
    run_json = _object(event["run"], "run")
    job = _object(event.get("job"), "job")
    run_id = _uuid(run_json.get("runId"), "run.runId")
    run_facets = _facets(run_json, "run")
    job_facets = _facets(job, "job")
    status = None if event_type in (None, "OTHER") else RunStatus(event_type)
    parent = _parent(run_facets)
    code_version = _code_version(job_facets)
    parameters = _parameters(run_facets)
    environment = _environment(_text(job, "namespace", "job.namespace"), job_facets, run_facets)
    run = Run(
        uid=run_id,
        name=_job_name(job),
        code_version=code_version,
        parameters=parameters,
        environment=environment,
        facet_times=_facet_times(time, code_version, parameters, environment),
        started_at=time if status is RunStatus.START else None,
        ended_at=time if status is not None and status.is_terminal else None,
        status=status,
        parent=parent.uid if parent else None,
    )
    inputs = _datasets(event, "inputs", None)
    outputs = _datasets(event, "outputs", run_id)
    if len(inputs) * len(outputs) > MAX_EDGES_PER_RUN:
        raise EventError(
            "outputs",
            f"{len(inputs)} inputs x {len(outputs)} outputs make more than {MAX_EDGES_PER_RUN} edges",
        )
    return RunEvent(run=run, inputs=inputs, outputs=outputs, parent=parent)


def _facet_times(
    time: str, code_version: str | None, parameters: Mapping[str, Any], environment: Mapping[str, Any]
) -> dict[str, str]:
    """The event's time for every value its facets give the run: a later event's facet replaces an
    earlier one's, whatever order they arrive in (Run.merged_with)."""
    keys = [*(["code_version"] if code_version else []), *(f"parameters.{k}" for k in parameters)]
    return dict.fromkeys([*keys, *(f"environment.{k}" for k in environment)], time)


def dataset_name(namespace: str, name: str) -> str:
    """The node name of an OpenLineage dataset: namespace and name joined by one ``/``."""
    return f"{namespace.rstrip('/')}/{name.lstrip('/')}"


def _object(value: Any, path: str | None, what: str | None = None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        label = what or path
        if value is None and path is not None:
            raise EventError(path, f"{label} is required")
        raise EventError(path, f"{label} must be a JSON object")
    return value


def _text(obj: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if value is None:
        raise EventError(path, f"{path} is required")
    if not isinstance(value, str) or not value.strip():
        raise EventError(path, f"{path} must be a non-empty string")
    return value


def _job_name(job: Mapping[str, Any]) -> str:
    """The run's name: held to the rules of every name (length, no control characters)."""
    name = _text(job, "name", "job.name")
    problem = name_problem("name", name)
    if problem:
        raise EventError("job.name", f"job.name: {problem}")
    return name


def _time(event: Mapping[str, Any]) -> str:
    text = _text(event, "eventTime", "eventTime")
    try:
        return parse_time(text)
    except InvalidInput:
        raise EventError("eventTime", f"eventTime {text!r} is not an ISO 8601 date-time") from None


def _event_type(event: Mapping[str, Any]) -> str | None:
    value = event.get("eventType")
    if value is None:
        return None
    if value not in EVENT_TYPES:
        raise EventError("eventType", f"eventType {value!r} is not one of {', '.join(EVENT_TYPES)}")
    return str(value)


def _uuid(value: Any, path: str) -> str:
    if value is None:
        raise EventError(path, f"{path} is required")
    try:
        if isinstance(value, str):
            return str(uuid.UUID(value))
    except ValueError:
        pass
    raise EventError(path, f"{path} must be a UUID, got {value!r}")


def _facets(owner: Mapping[str, Any], path: str) -> Mapping[str, Mapping[str, Any]]:
    facets = owner.get("facets")
    if facets is None:
        return {}
    facets = _object(facets, f"{path}.facets")
    for name, facet in facets.items():
        _object(facet, f"{path}.facets.{name}")
    return facets


def _code_version(job_facets: Mapping[str, Mapping[str, Any]]) -> str | None:
    location = job_facets.get("sourceCodeLocation", {})
    if location.get("version"):
        return f"{location.get('type') or 'vcs'}:{location['version']}"
    code = job_facets.get("sourceCode", {}).get("sourceCode")
    if isinstance(code, str) and code:
        return f"sha256:{hashlib.sha256(code.encode()).hexdigest()}"
    return None


def _environment(
    namespace: str, job_facets: Mapping[str, Mapping[str, Any]], run_facets: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    # Flat keys, so that an event without a facet merges with one that has it.
    environment: dict[str, Any] = {"job_namespace": namespace}
    for key, facet in (
        ("source_code_location", job_facets.get("sourceCodeLocation")),
        ("processing_engine", run_facets.get("processing_engine")),
    ):
        if facet:
            environment[key] = {k: v for k, v in facet.items() if not k.startswith("_")}
    try:
        return environment | job_environment(job_facets)
    except FacetError as exc:
        raise EventError(exc.field, str(exc)) from None


def _parameters(run_facets: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    given = run_facets.get("executionParameters", {}).get("parameters") or []
    if not isinstance(given, list):
        raise EventError("run.facets.executionParameters.parameters", "parameters must be a list")
    parameters = {}
    for index, item in enumerate(given):
        path = f"run.facets.executionParameters.parameters[{index}]"
        parameters[_text(_object(item, path), "key", f"{path}.key")] = item.get("value")
    return parameters


def _parent(run_facets: Mapping[str, Mapping[str, Any]]) -> Run | None:
    """The parent run the ``parent`` facet names: its runId, and its job's name as the run's name.
    Nothing else: the parent's own events fill in the rest, and must not meet a guess to conflict with."""
    parent = run_facets.get("parent")
    if parent is None:
        return None
    path = "run.facets.parent"
    uid = _uuid(_object(parent.get("run"), f"{path}.run").get("runId"), f"{path}.run.runId")
    job = _object(parent.get("job"), f"{path}.job")
    return Run(uid=uid, name=_text(job, "name", f"{path}.job.name"))


def _datasets(event: Mapping[str, Any], side: str, run_id: str | None) -> tuple[DatasetRef, ...]:
    items = event.get(side)
    if items is None:
        return ()
    if not isinstance(items, list):
        raise EventError(side, f"{side} must be a list of datasets")
    return tuple(
        _dataset(_object(item, f"{side}[{i}]"), f"{side}[{i}]", run_id) for i, item in enumerate(items)
    )


def _dataset(item: Mapping[str, Any], path: str, default_version: str | None) -> DatasetRef:
    namespace = _text(item, "namespace", f"{path}.namespace")
    name = dataset_name(namespace, _text(item, "name", f"{path}.name"))
    facets = _facets(item, path)
    marker = facets.get(FACET, {})
    marker_path = f"{path}.facets.{FACET}"
    kind = _kind(marker, marker_path)
    if marker.get("name") is not None:
        name = _text(marker, "name", f"{marker_path}.name")
    version = _version(marker, facets.get("version", {}), path) or default_version
    metadata = marker.get("metadata", {})
    if not isinstance(metadata, Mapping):
        raise EventError(f"{marker_path}.metadata", f"{marker_path}.metadata must be a JSON object")
    _check_uid_part(kind, name, "x", f"{marker_path}.name" if marker.get("name") else f"{path}.name")
    try:
        columns = dataset_columns(facets, path, dataset_name)
    except FacetError as exc:
        raise EventError(exc.field, str(exc)) from None
    checksum = _text(marker, "checksum", f"{marker_path}.checksum") if "checksum" in marker else None
    return DatasetRef(
        kind=kind,
        name=name,
        version=version,
        source=namespace,
        metadata=metadata,
        columns=columns,
        checksum=checksum,
    )


def _check_uid_part(kind: NodeKind, name: str, version: str, path: str) -> None:
    try:
        Node(kind=kind, name=name, version=version)
    except InvalidInput as exc:
        raise EventError(path, f"{path}: {exc}") from None


def _kind(marker: Mapping[str, Any], path: str) -> NodeKind:
    if not marker:
        return NodeKind.DATASET
    value = marker.get("kind")
    try:
        return NodeKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in NodeKind)
        raise EventError(f"{path}.kind", f"{path}.kind must be one of {kinds}, got {value!r}") from None


def _version(marker: Mapping[str, Any], version_facet: Mapping[str, Any], path: str) -> str | None:
    for source, key, where in (
        (marker, "version", f"{path}.facets.{FACET}.version"),
        (version_facet, "datasetVersion", f"{path}.facets.version.datasetVersion"),
    ):
        if source.get(key) is not None:
            # A uid ends at its last '@', so a version cannot hold one: it is written %40 instead.
            version = _text(source, key, where).replace("@", "%40")
            _check_uid_part(NodeKind.DATASET, "x", version, where)
            return version
    return None


# --- recording --------------------------------------------------------------------------------------


def record_event(store: LineageStore, event: RunEvent) -> Recorded:
    """Merge one event into the store, in one write transaction: what the event's batch is made of (the
    run as stored, the versions its inputs resolve to) is read in the transaction that writes it."""
    return store.transaction(lambda tx: _record(tx, event))


def _record(tx: Transaction, event: RunEvent) -> Recorded:
    # The run is held from this read to the commit (Transaction.get_run): two events of one run posted
    # at once take turns, and the second sees the datasets the first added.
    before = tx.get_run(event.run.uid)
    result = tx.write(event_batch(tx, event, before))
    tx.write_names(event.names)
    run = tx.get_run(event.run.uid)
    assert run is not None  # just written
    return Recorded(run=run, created_nodes=result.created_nodes, created_edges=result.created_edges)


def event_batch(store: Transaction, event: RunEvent, stored_run: Run | None) -> Batch:
    """The batch for one event, given the run as stored before it (``None``: a new run)."""
    outputs = [ref.node(ref.version or event.run.uid) for ref in event.outputs]
    own = {n.uid for n in outputs} | set(stored_run.outputs if stored_run else ())
    inputs = _resolved_inputs(store, event.inputs, stored_run, own)
    existing = store.get_nodes(n.uid for n in (*inputs, *outputs))
    run = replace(event.run, inputs=tuple(n.uid for n in inputs), outputs=tuple(n.uid for n in outputs))
    refs = (*event.inputs, *event.outputs)
    described = [(n, ref.columns) for n, ref in zip((*inputs, *outputs), refs, strict=True)]
    read = {*run.inputs, *(stored_run.inputs if stored_run else ())}
    return merge(
        Batch(
            nodes=tuple({n.uid: n for n in (*inputs, *outputs) if n.uid not in existing}.values()),
            runs=(run, *_unknown_parent(store, event)),
            edges=_cross_edges(run, stored_run or run, new=run),
        ),
        column_batch(store, run.uid, described, read),
    )


def _unknown_parent(store: Transaction, event: RunEvent) -> tuple[Run, ...]:
    """The parent run as the ``parent`` facet names it, when the store does not hold it yet: an
    orchestrator's run (an Airflow DAG run) may report after its tasks, or never to this store."""
    parent = event.parent
    if parent is None or store.stored_runs([parent.uid]):
        return ()
    return (parent,)


def _resolved_inputs(
    store: Transaction, refs: Sequence[DatasetRef], stored_run: Run | None, own: set[str]
) -> list[Node]:
    pending = [r for r in refs if r.version is None]
    read_before = _by_name(stored_run.inputs if stored_run else ())
    names = {(r.kind, r.name) for r in pending if (r.kind, r.name) not in read_before}
    latest = latest_versions(store, names, excluding=own)
    nodes = []
    for ref in refs:
        version = ref.version or read_before.get((ref.kind, ref.name))
        if version is None:
            found = latest.get((ref.kind, ref.name))
            version = found.version if found else UNVERSIONED
        nodes.append(ref.node(version))
    return nodes


def _by_name(uids: Iterable[str]) -> dict[tuple[NodeKind, str], str]:
    found = {}
    for uid in sorted(uids):
        node = Node.from_uid(uid)
        found[(node.kind, node.name)] = node.version
    return found


def _cross_edges(run: Run, stored: Run, new: Run | None = None) -> tuple[Edge, ...]:
    """Every output of either run DERIVED_FROM every input of either; with ``new``, only the pairs
    that involve something ``new`` names (the others are recorded already)."""
    outputs = dict.fromkeys((*stored.outputs, *run.outputs))
    inputs = dict.fromkeys((*stored.inputs, *run.inputs))
    check_fan_out(run.uid, len(inputs), len(outputs))  # the run's events together, not each alone
    if both := sorted(inputs.keys() & outputs.keys()):
        raise EventError(
            "outputs",
            f"{both[0]} is both an input and an output of run {run.uid}: every output derives from every "
            "input, and a version cannot derive from itself (give the output a new datasetVersion)",
        )
    fresh = set(new.inputs) | set(new.outputs) if new else None
    return tuple(
        Edge(source=o, target=i, run=run.uid)
        for o in outputs
        for i in inputs
        if fresh is None or o in fresh or i in fresh
    )
