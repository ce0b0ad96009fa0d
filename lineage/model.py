"""The domain: node versions, runs, DERIVED_FROM edges and the batches that carry them to a store.

Everything here is a frozen dataclass: a recorded version never changes, and a value that cannot change
is one less thing to reason about when it is shared between the API, the store and the CLI.
"""

from __future__ import annotations

import _json
import functools
import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import orjson

from lineage.errors import Conflict, InvalidInput

if TYPE_CHECKING:  # lineage.columns builds on this module
    from lineage.columns import Alias, ColumnEdge, Field


class NodeKind(StrEnum):
    DATASET = "dataset"
    FEATURE = "feature"
    MODEL = "model"
    PREDICTION = "prediction"


_KINDS = {kind.value: kind for kind in NodeKind}


class RunStatus(StrEnum):
    START = "START"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    FAIL = "FAIL"
    ABORT = "ABORT"

    @property
    def is_terminal(self) -> bool:
        return self in (RunStatus.COMPLETE, RunStatus.FAIL, RunStatus.ABORT)


MAX_NAME_LENGTH = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def make_uid(kind: NodeKind | str, name: str, version: str) -> str:
    """The uid of a node version: ``kind:name@version``. The name may itself hold ``:`` and ``@``. A
    StrEnum member formats as its value, without the cost of the ``value`` property."""
    return f"{_KINDS.get(kind) or NodeKind(kind)}:{name}@{version}"


@functools.lru_cache(maxsize=1 << 16)
def parse_uid(uid: str) -> tuple[NodeKind, str, str]:
    """Split a uid into kind, name and version, or raise InvalidInput saying what is wrong with it.

    Cached: a batch names the same uids again and again (every prediction of a batch derives from the
    same model version), and an exception is never cached."""
    kind_text, colon, rest = uid.partition(":")
    name, at, version = rest.rpartition("@")
    if not colon or not at:
        raise InvalidInput(f"malformed uid {uid!r}: expected 'kind:name@version'")
    kind = _KINDS.get(kind_text)
    if kind is None:
        kinds = ", ".join(k.value for k in NodeKind)
        raise InvalidInput(f"malformed uid {uid!r}: unknown kind {kind_text!r} (one of {kinds})")
    _check_text("name", name, uid)
    _check_text("version", version, uid)
    return kind, name, version


def _check_text(what: str, value: str, uid: str) -> None:
    problem = name_problem(what, value)
    if problem:
        raise InvalidInput(f"malformed uid {uid!r}: {problem}")


def name_problem(what: str, value: str) -> str | None:
    """What makes ``value`` unfit as the ``what`` of a node or run (its name, version), or ``None``."""
    if not value.strip():
        return f"empty {what}"
    if len(value) > MAX_NAME_LENGTH:
        return f"{what} longer than {MAX_NAME_LENGTH} characters"
    if _CONTROL.search(value):
        return f"{what} contains control characters"
    return None


# Timestamps are stored as fixed-width ISO 8601 UTC text (``%Y-%m-%dT%H:%M:%S.%fZ`` with a four-digit
# year). Fixed width makes text order equal time order, so "as of" is a plain comparison, and the text is
# identical on every backend and in every export. ``isoformat`` pads the year (0999, where strftime's %Y
# writes 999 and breaks the width), so years 1 to 9999 all keep that order.


def format_time(value: datetime) -> str:
    """Normalise an aware datetime (naive ones are taken as UTC) to the stored text form."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_time(text: str) -> str:
    """Accept any ISO 8601 time a user might write and return the stored text form."""
    try:
        # RFC 3339 allows a lower-case t and z, which fromisoformat does not take.
        return format_time(datetime.fromisoformat(text.strip().upper().replace("Z", "+00:00")))
    except ValueError:
        raise InvalidInput(f"invalid time {text!r}: expected ISO 8601, e.g. 2026-01-31T12:00:00Z") from None
    except OverflowError:  # 0001-01-01T00:00+01:00 is before year 1 in UTC
        raise InvalidInput(f"invalid time {text!r}: outside the years 1 to 9999 in UTC") from None


_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def stored_time(value: str | None, name: str) -> str | None:
    """A time field (``name``, for the message) in the stored form. Values read back from a store are
    in that form already, and the check for it is cheap next to parsing."""
    if value is None or _STORED_TIME.fullmatch(value):
        return value
    try:
        return parse_time(value)
    except InvalidInput as exc:
        raise InvalidInput(f"{name}: {exc}") from None


def _normalised_times(record: object, *names: str) -> None:
    """Bring the named time fields of a frozen dataclass to the stored form. A field already in it (an
    import's every time) is left as it is: setting a frozen field is most of the cost here."""
    for name in names:
        value = getattr(record, name)
        if value is not None and not _STORED_TIME.fullmatch(value):
            object.__setattr__(record, name, stored_time(value, name))


def now() -> str:
    """The current time in the stored form. The logger stamps every prediction with it, so the text up
    to the second is made once a second, not once a call (a fifth of the cost)."""
    micros = time.time_ns() // 1000
    return f"{_second_text(micros // 1_000_000)}.{micros % 1_000_000:06d}Z"


@functools.lru_cache(maxsize=4)
def _second_text(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None).isoformat()


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
# The C encoder behind _CANONICAL, made once: the json module makes one per call, which was half of
# encoding a prediction's small output (measured). It keeps no circular-reference markers, so a value
# that contains itself ends in RecursionError instead (canonical_json words both alike).
_ENCODE = _json.make_encoder(
    None,
    _CANONICAL.default,
    _json.encode_basestring,  # ensure_ascii=False
    None,
    _CANONICAL.key_separator,
    _CANONICAL.item_separator,
    _CANONICAL.sort_keys,
    _CANONICAL.skipkeys,
    _CANONICAL.allow_nan,
)


def parse_json(text: str | bytes) -> Any:
    """JSON text's value by orjson, two to three times as fast as the json module on the short texts of
    exports and stored records; a text orjson refuses goes to the json module, which takes what it takes
    besides (NaN, integers past 64 bits, lone surrogates) and words the error as before."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def canonical_object(value: Mapping[str, Any]) -> str:
    """A JSON object's canonical text (``canonical_json``); the empty object, most nodes' metadata,
    without a pass through the encoder."""
    return canonical_json(dict(value)) if value else "{}"


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal values give equal text, so content compares as text.
    One encoder for every call: ``json.dumps`` with options builds a new one each time."""
    try:
        return "".join(_ENCODE(value, 0))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"value is not JSON-serialisable: {exc}") from None
    except RecursionError:
        raise InvalidInput("value is not JSON-serialisable: it contains itself, or nests too deep") from None


@dataclass(frozen=True, kw_only=True)
class Node:
    """One immutable version of a dataset, feature, model or prediction.

    Args:
        kind, name, version: the identity; ``uid`` is derived from them.
        checksum: content digest (see ``lineage.checksum``), when known.
        created_at: when the thing came to be, if known; ``recorded_at``: when the store learned of it
            (set by the store on first write).
        owner, source, description: who owns it, where it was collected, what it is.
        metadata: free-form JSON object.
        input_digest, output: for predictions, the digest of the inputs and the output value.
    """

    kind: NodeKind
    name: str
    version: str
    checksum: str | None = None
    created_at: str | None = None
    recorded_at: str | None = None
    owner: str | None = None
    source: str | None = None
    description: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    input_digest: str | None = None
    output: Any = None
    # Derived from kind, name and version once: traversals read it many times per node.
    uid: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind.__class__ is not NodeKind:
            object.__setattr__(self, "kind", NodeKind(self.kind))
        object.__setattr__(self, "uid", make_uid(self.kind, self.name, self.version))
        parse_uid(self.uid)  # validates name and version
        _normalised_times(self, "created_at", "recorded_at")
        if not isinstance(self.metadata, Mapping):
            raise InvalidInput(f"{self.uid}: metadata must be a JSON object")

    def content(self) -> dict[str, Any]:
        """The fields that make a version what it is; ``recorded_at`` is bookkeeping, not content."""
        return {
            "kind": self.kind.value,
            "name": self.name,
            "version": self.version,
            "checksum": self.checksum,
            "created_at": self.created_at,
            "owner": self.owner,
            "source": self.source,
            "description": self.description,
            "metadata": canonical_object(self.metadata),
            "input_digest": self.input_digest,
            "output": None if self.output is None else canonical_json(self.output),
        }

    def to_record(self) -> dict[str, Any]:
        """The flat form stored in the graph and written to exports."""
        return {"uid": self.uid, **self.content(), "recorded_at": self.recorded_at}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Node:
        """A node from its flat form, validated as a new one (an import, say)."""
        return _built(cls, _node_fields(record))

    @classmethod
    def stored(cls, record: Mapping[str, Any]) -> Node:
        """A node read back from a store, where it was validated on the way in. Traversals build
        thousands of these, and validating each again cost more than reading it."""
        node = object.__new__(cls)
        node.__dict__.update(_node_fields(record), uid=record["uid"])
        return node

    @classmethod
    def from_uid(cls, uid: str, **values: Any) -> Node:
        kind, name, version = parse_uid(uid)
        return cls(kind=kind, name=name, version=version, **values)


_Built = TypeVar("_Built")


def _built(cls: type[_Built], fields: dict[str, Any]) -> _Built:
    """``cls(**fields)`` for a frozen dataclass given every field, checked by its ``__post_init__`` as
    the constructor would: without the generated ``__init__``, which sets each field through
    ``object.__setattr__``, a third of building an edge and more of a node, of which an import builds
    millions."""
    built = object.__new__(cls)
    built.__dict__.update(fields)
    built.__post_init__()  # type: ignore[attr-defined]
    return built


def _node_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """A node's fields from its flat form: JSON text parsed, the kind made a NodeKind (an unknown kind
    refused by NodeKind, naming it)."""
    metadata, output, kind = record.get("metadata"), record.get("output"), record["kind"]
    return {
        "kind": _KINDS.get(kind) or NodeKind(kind),
        "name": record["name"],
        "version": record["version"],
        "checksum": record.get("checksum"),
        "created_at": record.get("created_at"),
        "recorded_at": record.get("recorded_at"),
        "owner": record.get("owner"),
        "source": record.get("source"),
        "description": record.get("description"),
        "metadata": {} if metadata in (None, "{}") else parse_json(metadata),
        "input_digest": record.get("input_digest"),
        "output": None if output is None else parse_json(output),
    }


@dataclass(frozen=True, kw_only=True)
class Run:
    """An activity that read some node versions and produced others: a pipeline step, a training job.

    Runs are the one thing that fills in over time (an OpenLineage START, then a COMPLETE), so a run
    merges with what is stored: unset fields are filled, the status and times follow the reports' own
    times whatever order they arrive in (``merged_with``), and a different value for another field
    already set is a conflict.
    """

    uid: str
    name: str
    code_version: str | None = None
    code_dirty: bool | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)
    environment: Mapping[str, Any] = field(default_factory=dict)
    started_at: str | None = None
    ended_at: str | None = None
    status: RunStatus | None = None
    user: str | None = None
    parent: str | None = None
    recorded_at: str | None = None
    facet_times: Mapping[str, str] = field(default_factory=dict)
    """When each report that carries its own time (an OpenLineage event) set the code version or a key
    of the parameters or environment: ``{"parameters.lr": "2026-...Z"}``. See ``merged_with``."""
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (
            not self.uid
            or not self.uid.strip()
            or len(self.uid) > MAX_NAME_LENGTH
            or _CONTROL.search(self.uid)
        ):
            raise InvalidInput(f"invalid run uid {self.uid!r}")
        problem = name_problem("name", self.name or "")
        if problem:
            raise InvalidInput(f"run {self.uid}: {problem}")
        if self.status is not None:
            try:
                object.__setattr__(self, "status", RunStatus(self.status))
            except ValueError:
                statuses = ", ".join(s.value for s in RunStatus)
                raise InvalidInput(
                    f"run {self.uid}: unknown status {self.status!r} (one of {statuses})"
                ) from None
        for uid in (*self.inputs, *self.outputs):
            parse_uid(uid)
        _normalised_times(self, "started_at", "ended_at", "recorded_at")
        object.__setattr__(self, "inputs", tuple(dict.fromkeys(self.inputs)))
        object.__setattr__(self, "outputs", tuple(dict.fromkeys(self.outputs)))

    def to_record(self) -> dict[str, Any]:
        """The flat stored form, without the input and output links (those are edges in the graph)."""
        return {
            "uid": self.uid,
            "name": self.name,
            "code_version": self.code_version,
            "code_dirty": self.code_dirty,
            "parameters": canonical_object(self.parameters),
            "environment": canonical_object(self.environment),
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "status": None if self.status is None else self.status.value,
            "user": self.user,
            "parent": self.parent,
            "recorded_at": self.recorded_at,
            "facet_times": canonical_object(self.facet_times) if self.facet_times else None,
        }

    @classmethod
    def from_record(
        cls, record: Mapping[str, Any], inputs: Iterable[str] = (), outputs: Iterable[str] = ()
    ) -> Run:
        return _built(
            cls,
            {
                "uid": record["uid"],
                "name": record["name"],
                "code_version": record.get("code_version"),
                "code_dirty": record.get("code_dirty"),
                "parameters": parse_json(record.get("parameters") or "{}"),
                "environment": parse_json(record.get("environment") or "{}"),
                "started_at": record.get("started_at"),
                "ended_at": record.get("ended_at"),
                "status": record.get("status"),
                "user": record.get("user"),
                "parent": record.get("parent"),
                "recorded_at": record.get("recorded_at"),
                "facet_times": parse_json(record.get("facet_times") or "{}"),
                "inputs": tuple(sorted(inputs)),
                "outputs": tuple(sorted(outputs)),
            },
        )

    def merged_with(self, incoming: Run) -> Run:
        """This stored run with what another report of it adds. Raises Conflict where the two disagree.

        The same reports give the same run in any order of arrival: it started at the earliest start,
        and its status and end come together from the report that ends it last (a terminal status over
        a progress one; at the same end time, FAIL over ABORT over COMPLETE). Where two reports that
        carry their own times (``facet_times``) give the code version or a parameter or environment key
        different values, the later report's stands (at the same time, the greater value, so the order
        of arrival never decides); without times on both sides, a different value is a conflict."""
        stored, new = self.to_record(), incoming.to_record()
        times = _Times(self.facet_times, incoming.facet_times)
        merged: dict[str, Any] = {"started_at": _earliest(stored["started_at"], new["started_at"])}
        merged.update(_outcome(stored, new))
        merged["facet_times"] = canonical_json(times.merged()) if times.merged() else None
        differing = []
        for key, old in stored.items():
            value = new[key]
            if key in merged:
                continue
            if key == "recorded_at" or value is None or value == old:
                merged[key] = old
            elif old is None:
                merged[key] = value
            elif key in ("parameters", "environment"):
                combined, clash = _merge_objects(json.loads(old), json.loads(value))
                for k in clash:
                    later = times.later(f"{key}.{k}", combined[k], json.loads(value)[k])
                    if later is _CLASH:
                        differing.append(f"{key}.{k}")
                    else:
                        combined[k] = later
                merged[key] = canonical_json(combined)
            elif (later := times.later(key, old, value)) is not _CLASH:
                merged[key] = later
            else:
                differing.append(key)
        if differing:
            raise Conflict(
                f"run {self.uid} is already recorded with different {', '.join(sorted(differing))}"
            )
        return Run.from_record(
            merged,
            inputs=(*self.inputs, *incoming.inputs),
            outputs=(*self.outputs, *incoming.outputs),
        )


# Where two reports end a run at the same time, the graver outcome stands; before any end, RUNNING
# follows START.
_STATUS_RANK = {
    None: 0,
    RunStatus.START: 1,
    RunStatus.RUNNING: 2,
    RunStatus.COMPLETE: 3,
    RunStatus.ABORT: 4,
    RunStatus.FAIL: 5,
}


def _outcome(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """The status and end time of two reports of one run (stored records): those of the report that
    ends the run last. Only a terminal status says when the run ended; a report without one leaves the
    latest end time given."""

    def order(record: Mapping[str, Any]) -> tuple[bool, str, int]:
        status = RunStatus(record["status"]) if record["status"] else None
        terminal = status is not None and status.is_terminal
        return terminal, (record["ended_at"] or "") if terminal else "", _STATUS_RANK[status]

    last = max(a, b, key=order)
    if order(last)[0] and last["ended_at"]:
        return {"status": last["status"], "ended_at": last["ended_at"]}
    ended = [t for t in (a["ended_at"], b["ended_at"]) if t]
    return {"status": last["status"], "ended_at": max(ended, default=None)}


def _earliest(a: str | None, b: str | None) -> str | None:
    return min((t for t in (a, b) if t), default=None)


_CLASH = object()


class _Times:
    """The ``facet_times`` of two reports of one run, deciding between their differing values."""

    def __init__(self, stored: Mapping[str, str], incoming: Mapping[str, str]) -> None:
        self.stored, self.incoming = stored, incoming

    def later(self, key: str, stored: Any, incoming: Any) -> Any:
        """The value of the report that set ``key`` later, or _CLASH when either report has no time."""
        if key not in self.stored or key not in self.incoming:
            return _CLASH
        ranked = [
            (self.stored[key], canonical_json(stored), stored),
            (self.incoming[key], canonical_json(incoming), incoming),
        ]
        return max(ranked, key=lambda item: item[:2])[2]

    def merged(self) -> dict[str, str]:
        keys = {*self.stored, *self.incoming}
        return {k: max(t for t in (self.stored.get(k), self.incoming.get(k)) if t) for k in keys}


def _merge_objects(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    clash = [key for key in old.keys() & new.keys() if old[key] != new[key]]
    return {**new, **old}, clash


@dataclass(frozen=True, kw_only=True)
class Edge:
    """``source`` DERIVED_FROM ``target``, through ``run`` when the run is known."""

    source: str
    target: str
    run: str | None = None
    recorded_at: str | None = None

    # A recorded edge links its two ends directly (see IndirectEdge); class attributes, not fields, so
    # that records and exports stay as they are.
    indirect: ClassVar[bool] = False
    via: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        parse_uid(self.source)
        parse_uid(self.target)
        if self.source == self.target:
            raise InvalidInput(f"edge {self.source} -> {self.target}: a node cannot derive from itself")
        _normalised_times(self, "recorded_at")

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Edge:
        """An edge from its flat form, validated as a new one (an import, say)."""
        return _built(
            cls,
            {
                "source": record["source"],
                "target": record["target"],
                "run": record.get("run"),
                "recorded_at": record.get("recorded_at"),
            },
        )

    @classmethod
    def stored(cls, *, source: str, target: str, run: str | None, recorded_at: str | None) -> Edge:
        """An edge read back from a store, where it was validated on the way in. Traversals build
        thousands of these, and checking both uids again was a fifth of a traversal's time."""
        edge = object.__new__(cls)
        edge.__dict__.update(source=source, target=target, run=run, recorded_at=recorded_at)
        return edge

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.target)

    def to_record(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "run": self.run,
            "recorded_at": self.recorded_at,
        }


@dataclass(frozen=True, kw_only=True)
class IndirectEdge:
    """``source`` derives from ``target`` through ``via``: nodes that a traversal's kinds filter hides.

    Not a recorded fact but a traversal's answer (``lineage.query.keep_kinds``), so it has no run and
    no recording time. ``via`` holds every hidden node on some chain from ``source`` to ``target`` that
    passes through hidden nodes only, in uid order."""

    source: str
    target: str
    via: tuple[str, ...]

    indirect: ClassVar[bool] = True
    run: ClassVar[None] = None
    recorded_at: ClassVar[None] = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.target)


@dataclass(frozen=True, kw_only=True)
class Batch:
    """What one write carries: it lands whole or not at all. Besides nodes, runs and DERIVED_FROM
    edges, the columns of node versions (``fields``, schema), which columns derive from which
    (``column_edges``) and other uids of recorded versions (``aliases``): see ``lineage.columns``."""

    nodes: tuple[Node, ...] = ()
    runs: tuple[Run, ...] = ()
    edges: tuple[Edge, ...] = ()
    fields: tuple[Field, ...] = ()
    column_edges: tuple[ColumnEdge, ...] = ()
    aliases: tuple[Alias, ...] = ()

    def __post_init__(self) -> None:
        for name in ("nodes", "runs", "edges", "fields", "column_edges", "aliases"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def stamped(self, at: str) -> Batch:
        """The batch with ``recorded_at`` set where it is missing (imports keep their own)."""
        return Batch(
            nodes=tuple(_stamped(n, at) for n in self.nodes),
            runs=tuple(_stamped(r, at) for r in self.runs),
            edges=tuple(_stamped(e, at) for e in self.edges),
            fields=tuple(_stamped(f, at) for f in self.fields),
            column_edges=tuple(_stamped(c, at) for c in self.column_edges),
            aliases=tuple(_stamped(a, at) for a in self.aliases),
        )


_Record = TypeVar("_Record")


def _stamped(record: _Record, at: str) -> _Record:
    """``record`` with ``recorded_at`` set, if it had none. A shallow copy, not ``replace``: the record
    was validated when it was made, and validating a large batch again cost more than writing it."""
    if getattr(record, "recorded_at"):  # noqa: B009 (any record type)
        return record
    copied = object.__new__(type(record))
    copied.__dict__.update(record.__dict__, recorded_at=at)
    return copied


@dataclass(frozen=True, kw_only=True)
class Prediction:
    """One logged prediction: what model version made it from which feature versions.

    ``parents`` are the uids of predictions it consumed (a chained model's input).
    """

    name: str
    version: str
    input_digest: str
    output: Any
    features: Sequence[str] = ()
    parents: Sequence[str] = ()
    created_at: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteResult:
    """What a write changed: how many records were new, and how many were already there unchanged."""

    created_nodes: int = 0
    created_edges: int = 0
    runs_written: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Subgraph:
    """The result of a traversal: distinct nodes (root included), the edges among them, and how deep each
    node was first reached. ``truncated`` says that the depth bound cut the traversal off.

    ``edges`` are the recorded DERIVED_FROM edges among the nodes; ``indirect`` the links between them
    through nodes a kinds filter hid (empty without a filter). ``links`` are both, as every surface
    shows them: the filtered graph stays connected the way the whole one is."""

    root: Node
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    depths: Mapping[str, int]
    truncated: bool
    indirect: tuple[IndirectEdge, ...] = ()

    @property
    def links(self) -> tuple[Edge | IndirectEdge, ...]:
        return (*self.edges, *self.indirect)


@dataclass(frozen=True)
class NodePage:
    nodes: tuple[Node, ...]
    total: int
    has_next: bool
    end_cursor: str | None
