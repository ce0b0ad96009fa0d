"""Logged predictions on their way to a store: checked once, held as columns.

Predictions are most of what a lineage store receives, so they skip the ``Node`` and ``Edge`` dataclasses:
``PredictionColumns.of`` checks a batch the way a ``Node`` checks itself, and holds it as one list per
stored field plus, for each prediction, which of the batch's distinct inputs (model version, features,
parents) it derives from. A batch of new predictions whose inputs are all stored goes to the store's
bulk statement as those columns (``LineageStore._create_predictions``); anything else (a prediction
stored before, a parent in the same batch, a run) becomes ordinary records for the general writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from lineage.errors import Conflict, InvalidInput, NotFound
from lineage.model import (
    MAX_NAME_LENGTH,
    NodeKind,
    Prediction,
    Run,
    canonical_json,
    canonical_object,
    name_problem,
    parse_uid,
    stored_time,
)
from lineage.store._rows import Row, Tx
from lineage.store._writer import Records, load_records, with_links

KIND = NodeKind.PREDICTION.value


class _Content(NamedTuple):
    """What makes a prediction what it is, as stored (``Node.content`` less what all predictions share)."""

    name: str
    version: str
    created_at: str | None
    metadata: str
    input_digest: str
    output: str | None


@dataclass
class PredictionColumns:
    """A checked batch of predictions of one model version, each once, as columns."""

    model_uid: str
    recorded_at: str
    uids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    created_at: list[str | None] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)
    input_digests: list[str] = field(default_factory=list)
    outputs: list[str | None] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    """The distinct uids the batch derives from, in the order first named."""
    derives_from: list[list[int]] = field(default_factory=list)
    """For each prediction, the indexes in ``targets`` of what it derives from."""

    @classmethod
    def of(cls, model_uid: str, predictions: Iterable[Prediction], *, at: str) -> PredictionColumns:
        """Check the batch as ``predictions_batch`` does, raising InvalidInput or Conflict naming the
        prediction; a prediction repeated with the same content is kept once."""
        kind, _, _ = parse_uid(model_uid)
        if kind is not NodeKind.MODEL:
            raise InvalidInput(f"{model_uid} is not a model: predictions derive from a model version")
        batch = cls(model_uid, at)
        position: dict[str, int] = {}
        target_index: dict[str, int] = {}
        for p in predictions:
            uid = f"{KIND}:{p.name}@{p.version}"
            _check_uid(uid, p.name, p.version)
            metadata = p.metadata
            if type(metadata) is not dict and not isinstance(metadata, Mapping):  # a dict is checked faster
                raise InvalidInput(f"{uid}: metadata must be a JSON object")
            content = _Content(
                p.name,
                p.version,
                stored_time(p.created_at, f"{uid}: created_at"),
                canonical_object(metadata),
                p.input_digest,
                None if p.output is None else canonical_json(p.output),
            )
            if uid in position:
                batch._check_repeat(position[uid], uid, content)
                continue
            indexes = []
            for target in dict.fromkeys((model_uid, *p.features, *p.parents)):
                index = target_index.get(target)
                if index is None:
                    parse_uid(target)
                    index = target_index[target] = len(target_index)
                if target == uid:
                    raise InvalidInput(f"edge {uid} -> {target}: a node cannot derive from itself")
                indexes.append(index)
            position[uid] = len(batch.uids)
            batch._append(uid, content, indexes)
        batch.targets = list(target_index)
        return batch

    def _append(self, uid: str, content: _Content, derives_from: list[int]) -> None:
        self.uids.append(uid)
        self.names.append(content.name)
        self.versions.append(content.version)
        self.created_at.append(content.created_at)
        self.metadata.append(content.metadata)
        self.input_digests.append(content.input_digest)
        self.outputs.append(content.output)
        self.derives_from.append(derives_from)

    def _check_repeat(self, at: int, uid: str, content: _Content) -> None:
        stored = self._content(at)
        differing = sorted(f for f in _Content._fields if getattr(stored, f) != getattr(content, f))
        if differing:
            raise Conflict(
                f"{uid} appears twice in the batch with different {', '.join(differing)}; versions are "
                "immutable: record a new version instead"
            )

    def _content(self, at: int) -> _Content:
        return _Content(
            self.names[at],
            self.versions[at],
            self.created_at[at],
            self.metadata[at],
            self.input_digests[at],
            self.outputs[at],
        )

    @property
    def derives_within(self) -> bool:
        """Whether a prediction derives from another of the batch (a chained model's, logged together)."""
        return not set(self.targets).isdisjoint(self.uids)

    def node_rows(self) -> list[Row]:
        """The predictions as stored node records (``Node.to_record``)."""
        return [
            {
                "uid": uid,
                "kind": KIND,
                "name": self.names[i],
                "version": self.versions[i],
                "checksum": None,
                "created_at": self.created_at[i],
                "owner": None,
                "source": None,
                "description": None,
                "metadata": self.metadata[i],
                "input_digest": self.input_digests[i],
                "output": self.outputs[i],
                "recorded_at": self.recorded_at,
            }
            for i, uid in enumerate(self.uids)
        ]

    def edge_rows(self, run: Run | None = None) -> list[Row]:
        """The DERIVED_FROM edge records, each prediction's in the order its inputs were named."""
        run_uid = run.uid if run else None
        return [
            {"source": uid, "target": self.targets[t], "run": run_uid, "recorded_at": self.recorded_at}
            for uid, indexes in zip(self.uids, self.derives_from, strict=True)
            for t in indexes
        ]

    def records(self, run: Run | None) -> Records:
        """The batch as records for the general writer; ``run`` produced the predictions, and gains
        their inputs and the predictions as its links."""
        nodes = self.node_rows()
        runs = []
        if run:
            outputs = (*run.outputs, *self.uids)
            runs.append(with_links(run, (*run.inputs, *sorted(self.targets)), outputs, self.recorded_at))
        return Records(nodes=nodes, edges=self.edge_rows(run), runs=runs)

    def referrer(self, target: str) -> str:
        """The first edge that names ``target``, for a message about it."""
        index = self.targets.index(target)
        source = next(uid for uid, ts in zip(self.uids, self.derives_from, strict=True) if index in ts)
        return f"edge {source} -> {target}"


class NotAllNew(Exception):
    """A prediction of the batch is stored already: the bulk statement's transaction rolls back, and
    the general writer, which reads before it writes, takes the batch."""


def check_inputs_stored(tx: Tx, q: Callable[[str], str], batch: PredictionColumns) -> None:
    """Raise NotFound, as the general writer does, unless everything the batch derives from is stored."""
    stored = load_records(tx, q, batch.targets)
    missing = sorted(set(batch.targets) - set(stored))
    if missing:
        uid = missing[0]
        raise NotFound(f"{batch.referrer(uid)} names unknown node {uid}; record it in the same batch")


def _check_uid(uid: str, name: str, version: str) -> None:
    """The checks ``parse_uid`` makes of a uid built from ``name`` and ``version``, with the same
    messages, without going through its cache, which every new prediction would only fill. A version
    holding ``@`` splits the uid elsewhere, so it takes parse_uid's own path."""
    if "@" in version:
        parse_uid(uid)
        return
    if name not in _good_names:
        _check_part(uid, "name", name)
        if len(_good_names) < MAX_GOOD_NAMES:
            _good_names.add(name)
    # isprintable() is False for every control character (and a few more): the full check runs then.
    if not version.strip() or len(version) > MAX_NAME_LENGTH or not version.isprintable():
        _check_part(uid, "version", version)


def _check_part(uid: str, what: str, value: str) -> None:
    problem = name_problem(what, value)
    if problem:
        raise InvalidInput(f"malformed uid {uid!r}: {problem}")


# A logger's predictions share a name or a few: each is checked once per process.
_good_names: set[str] = set()
MAX_GOOD_NAMES = 1 << 16
