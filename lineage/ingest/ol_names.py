"""What an OpenLineage event says about names: its job, its datasets by namespace and name, the facets
it reports of them and of its run, and which names feed which (lineage/facets.py).

Every facet an event carries is kept as a record with the event's time, so a facet sent again
replaces the earlier one for that run, job or dataset (the latest by event time stands) and the
history stays (docs/openlineage.md, "Facets"):

- run facets under ``run:<runId>``; job facets under ``job:<namespace>:<name>``;
- a dataset's ``facets`` under the name it became in this store, ``node:<kind>:<name>`` (facets
  describe a dataset's name, never one version's content);
- a run's ``inputFacets``/``outputFacets`` of a dataset under ``run:<runId>:input:<dataset id>``
  (``output``);
- a RunEvent's datasets feed its job and its job feeds its outputs (observed); a JobEvent's the same
  (declared).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lineage.facets import Facet, Feed, Feeding, NameRecords, Subject
from lineage.ingest.openlineage import DatasetRef, _object

_SIDE_FACETS = {"inputs": "inputFacets", "outputs": "outputFacets"}


def job_key(namespace: str, name: str) -> str:
    """Marquez's node id of a job, the key of its subject."""
    return f"job:{namespace}:{name}"


def dataset_key(namespace: str, name: str) -> str:
    """Marquez's node id of a dataset, the key of its subject."""
    return f"dataset:{namespace}:{name}"


def node_key(ref: DatasetRef) -> str:
    """The subject of the store's name a dataset became, where its facets are kept."""
    return f"node:{ref.kind.value}:{ref.name}"


def run_key(run_id: str) -> str:
    return f"run:{run_id}"


def names_of(
    event: Mapping[str, Any],
    time: str,
    *,
    datasets: Mapping[str, Sequence[DatasetRef]],
    run_id: str | None = None,
    how: Feeding = Feeding.OBSERVED,
) -> NameRecords:
    """The names of a RunEvent (``run_id``) or JobEvent, given its parsed ``inputs`` and ``outputs``
    (``datasets``, in the event's order), and its facets at event ``time``."""
    job = event["job"]
    job_id = job_key(job["namespace"], job["name"])
    subjects = [Subject(key=job_id, kind="job", namespace=job["namespace"], name=job["name"])]
    facets = list(_facets(job_id, job.get("facets"), time))
    feeds = []
    if run_id is not None:
        subjects.append(Subject(key=run_key(run_id), kind="run", name=run_id))
        facets.extend(_facets(run_key(run_id), event["run"].get("facets"), time))
    for side, refs in datasets.items():
        for index, (item, ref) in enumerate(zip(event.get(side) or (), refs, strict=True)):
            dataset_id, dataset_records = dataset_names(item, ref, time)
            subjects.extend(dataset_records.subjects)
            facets.extend(dataset_records.facets)
            pair = (dataset_id, job_id) if side == "inputs" else (job_id, dataset_id)
            feeds.append(Feed(origin=pair[0], destination=pair[1], how=how))
            if run_id is not None:
                own = f"{run_key(run_id)}:{side[:-1]}:{dataset_id}"
                subjects.append(Subject(key=own, kind=side[:-1], name=run_id, node=dataset_id))
                path = f"{side}[{index}].{_SIDE_FACETS[side]}"
                facets.extend(_facets(own, item.get(_SIDE_FACETS[side]), time, path))
    return NameRecords(subjects=tuple(subjects), facets=tuple(facets), feeds=tuple(feeds))


def dataset_names(item: Mapping[str, Any], ref: DatasetRef, time: str) -> tuple[str, NameRecords]:
    """A dataset's subject (its Marquez id, which the function returns too), the subject of the name
    it became here, and its facets."""
    namespace, name = item["namespace"], item["name"]
    dataset_id = dataset_key(namespace, name)
    subjects = (
        Subject(key=dataset_id, kind="dataset", namespace=namespace, name=name, node=node_key(ref)),
        Subject(key=node_key(ref), kind="node", namespace=ref.kind.value, name=ref.name),
    )
    return dataset_id, NameRecords(
        subjects=subjects, facets=tuple(_facets(node_key(ref), item.get("facets"), time))
    )


def _facets(
    subject: str, facets: Mapping[str, Any] | None, time: str, path: str | None = None
) -> Iterable[Facet]:
    """Facet records of ``subject``; ``path`` names facets the event's parsing has not checked."""
    if path is not None and facets is not None:
        facets = _object(facets, path)
        for name, value in facets.items():
            _object(value, f"{path}.{name}")
    for name, value in (facets or {}).items():
        yield Facet(subject=subject, name=name, value=value, event_time=time)
