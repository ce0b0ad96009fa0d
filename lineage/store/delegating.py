"""A store that hands its backend's work to another store: the server's reconnecting store, a test's
counting store.

Everything above the backend (validation, the writer, traversal) runs in the wrapper, on the wrapped
store's transactions. So every backend primitive goes through ``_call``, and every step of a write a
backend may take over (locking on Neo4j; bulk copies and Name nodes on LadybugDB; the predictions
statement) goes to the wrapped store too: a wrapper that kept the base class's do-nothing step would
write through a server what the same write straight to the store would not (once: no Name nodes on the
embedded store, so versions written through the server were not found by name).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from lineage.model import WriteResult
from lineage.store._predictions import PredictionColumns
from lineage.store._rows import Row, Tx
from lineage.store.base import LineageStore, PlanStep, RawResult

T = TypeVar("T")


class DelegatingStore(LineageStore):
    @abstractmethod
    def _call(self, use: Callable[[LineageStore], T]) -> T:
        """Run ``use`` with the wrapped store: what every backend primitive goes through."""

    @abstractmethod
    def _target(self) -> LineageStore:
        """The wrapped store, already open: the steps of a write run inside one of its transactions."""

    # --- backend primitives -------------------------------------------------------------------------

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        return self._call(lambda store: store._read(query, params))

    def _reading(self, work: Callable[[Tx], T]) -> T:
        return self._call(lambda store: store._reading(work))

    def _write(self, work: Callable[[Tx], T]) -> T:
        return self._call(lambda store: store._write(work))

    def _raw_read(self, text: str, params: Mapping[str, Any], limit: int, timeout: float) -> RawResult:
        return self._call(lambda store: store._raw_read(text, params, limit, timeout))

    def _profile(self, query: str, params: Mapping[str, Any]) -> list[PlanStep]:
        return self._call(lambda store: store._profile(query, params))

    # --- steps of a write, inside the wrapped store's transaction -------------------------------------

    @property
    def write_chunk(self) -> int:  # type: ignore[override]
        return self._target().write_chunk

    @property
    def lookups_one_by_one(self) -> int:  # type: ignore[override]
        return self._target().lookups_one_by_one

    def _hold(
        self,
        tx: Tx,
        *,
        runs: Iterable[str] = (),
        nodes: Iterable[str] = (),
        subjects: Iterable[str] = (),
    ) -> None:
        self._target()._hold(tx, runs=runs, nodes=nodes, subjects=subjects)

    def _create(self, tx: Tx, query: str, rows: list[Row]) -> None:
        self._target()._create(tx, query, rows)

    def _create_predictions(self, tx: Tx, batch: PredictionColumns) -> WriteResult:
        return self._target()._create_predictions(tx, batch)

    def _on_new_nodes(self, tx: Tx, rows: Sequence[Row]) -> None:
        self._target()._on_new_nodes(tx, rows)

    def _on_parents(self, tx: Tx, rows: Sequence[Row]) -> None:
        self._target()._on_parents(tx, rows)
