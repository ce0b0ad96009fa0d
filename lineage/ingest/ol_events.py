"""The three OpenLineage event types, parsed and recorded (docs/openlineage.md says it for users).

- A **RunEvent** (it has a ``run``) is parsed and recorded as ``lineage.ingest.openlineage`` does, and
  its job, datasets and facets are recorded by name in the same transaction (``ol_names``): the run's
  datasets feed its job, observed.
- A **JobEvent** (a ``job``, no ``run``) records the job, its facets, and its declared inputs and
  outputs as feeds between names that say they are *declared*: no run, no dataset version. A run of
  the same job that reads or writes those datasets records the same feeds as *observed*, which
  confirms them.
- A **DatasetEvent** (a ``dataset`` alone) records the dataset's name and its facets.

Facets follow the spec: a facet sent again replaces the earlier one of the same name for its run, job
or dataset, by event time, and every record is kept (``lineage.facets``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from lineage.facets import Feeding, NameRecords
from lineage.ingest.ol_names import dataset_key, dataset_names, job_key, names_of
from lineage.ingest.openlineage import (
    EventError,
    RunEvent,
    _dataset,
    _datasets,
    _facets,
    _job_name,
    _object,
    _text,
    _time,
    parse_event,
)
from lineage.store.base import LineageStore


@dataclass(frozen=True)
class StaticEvent:
    """A validated JobEvent or DatasetEvent: ``subject`` is the job's or the dataset's id
    (``job:<namespace>:<name>``), ``datasets`` the ids of the datasets it names."""

    type: str
    subject: str
    names: NameRecords
    datasets: tuple[str, ...] = ()


def parse_any(payload: Any) -> RunEvent | StaticEvent:
    """Validate a decoded event of any of the three types; raise EventError naming the field at fault."""
    event = _object(payload, None, "the event")
    if "run" in event:
        run_event = parse_event(event)
        time = _time(event)
        datasets = {"inputs": run_event.inputs, "outputs": run_event.outputs}
        return replace(run_event, names=names_of(event, time, datasets=datasets, run_id=run_event.run.uid))
    if "job" in event:
        return _job_event(event)
    if "dataset" in event:
        return _dataset_event(event)
    raise EventError(
        None, "an OpenLineage event has a run (RunEvent), a job (JobEvent) or a dataset (DatasetEvent)"
    )


def _common(event: Mapping[str, Any]) -> str:
    _text(event, "producer", "producer")
    if "schemaURL" in event:
        _text(event, "schemaURL", "schemaURL")
    return _time(event)


def _job_event(event: Mapping[str, Any]) -> StaticEvent:
    time = _common(event)
    job = _object(event["job"], "job")
    namespace, name = _text(job, "namespace", "job.namespace"), _job_name(job)
    _facets(job, "job")
    datasets = {side: _datasets(event, side, None) for side in ("inputs", "outputs")}
    names = names_of(event, time, datasets=datasets, how=Feeding.DECLARED)
    ids = tuple(
        dict.fromkeys(
            dataset_key(d["namespace"], d["name"]) for side in datasets for d in event.get(side) or ()
        )
    )
    return StaticEvent(type="JobEvent", subject=job_key(namespace, name), names=names, datasets=ids)


def _dataset_event(event: Mapping[str, Any]) -> StaticEvent:
    time = _common(event)
    item = _object(event["dataset"], "dataset")
    dataset_id, names = dataset_names(item, _dataset(item, "dataset", None), time)
    return StaticEvent(type="DatasetEvent", subject=dataset_id, names=names)


def record_static(store: LineageStore, event: StaticEvent) -> int:
    """Record a JobEvent or DatasetEvent in one transaction; returns how many records were new."""
    return store.transaction(lambda tx: tx.write_names(event.names))
