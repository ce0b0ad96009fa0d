"""Runs and predictions written straight into a store the process holds (embedded or Neo4j)."""

from __future__ import annotations

from collections.abc import Sequence

from lineage import model
from lineage.ingest.batches import run_batch
from lineage.model import Prediction
from lineage.sdk.run import Run
from lineage.store._writer import Transaction
from lineage.store.base import LineageStore


class StoreTarget:
    """Writes each run once, at its end, in one transaction; predictions through the store's bulk path."""

    def __init__(self, store: LineageStore, *, owned: bool) -> None:
        self.store = store
        self._owned = owned

    def start(self, run: Run) -> None:
        """Nothing yet: the run, its inputs and outputs land together when it ends."""

    def finish(self, run: Run) -> None:
        record = model.Run(
            uid=run.uid,
            name=run.name,
            code_version=run.code_version,
            code_dirty=run.environment.git.dirty if run.environment and run.environment.git else None,
            parameters=run.parameters,
            environment=run.environment_record(),
            started_at=run.started_at,
            ended_at=run.ended_at,
            status=run.status,
            user=run.environment.user if run.environment else None,
        )
        inputs = [a.node() for a in run.inputs]
        outputs = [a.node() for a in run.outputs]

        def write(tx: Transaction) -> None:
            # A version already recorded is referred to as stored (recorded by another run, from another
            # directory, its path may differ), as the OpenLineage endpoint does.
            stored = tx.get_nodes(n.uid for n in (*inputs, *outputs))
            tx.write(
                run_batch(
                    record,
                    [stored.get(n.uid, n) for n in inputs],
                    [stored.get(n.uid, n) for n in outputs],
                )
            )

        self.store.transaction(write)

    def record_predictions(self, model_uid: str, predictions: Sequence[Prediction]) -> None:
        self.store.record_predictions(model_uid, predictions)

    def close(self) -> None:
        if self._owned:
            self.store.close()
