"""The OpenLineage dataset facets that describe a dataset's columns and names, and the job facets
shown beside a run.

- ``schema`` (``fields: [{name, type, description, fields}]``) -> the version's fields; a nested
  field is named by its path (``address.city``).
- ``columnLineage`` (1-0 to 1-2: ``fields: {<output field>: {inputFields: [{namespace, name, field,
  transformations: [{type, subtype, description, masking}]}]}}``, and dataset-level ``dataset:
  [{namespace, name, field, transformations}]``) -> column edges from the output's fields to the
  input fields, through the run; dataset-level ones from the field ``""`` (the dataset as a whole).
  The older per-field ``transformationType``/``transformationDescription`` become one transformation.
  An input field's dataset is the version the run read under that name, else the latest recorded
  version of that dataset name, else ``unversioned`` (recorded bare, as an input would be).
- ``symlinks`` (``identifiers: [{namespace, name, type}]``) -> aliases: the same version under the
  other name (``dataset:<namespace>/<name>@<version>``) finds it.
- ``ownership`` (``owners: [{name, type}]``) -> the node's owner (names joined by ``, ``);
  ``documentation`` (``description``) -> its description.

Job facets (``sql``, ``jobType``, ``ownership``, ``documentation``) go to the run's environment under
``sql``, ``job_type``, ``job_owners`` and ``job_description``, where the run panel shows them and the
browse search finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lineage.columns import WHOLE_DATASET, Alias, ColumnEdge, Field
from lineage.errors import InvalidInput
from lineage.model import Batch, Node, NodeKind, make_uid
from lineage.store._writer import Transaction

UNVERSIONED = "unversioned"
"""The version of a dataset that events read but no reported run wrote (lineage.ingest.openlineage)."""


class FacetError(InvalidInput):
    """A malformed facet; ``field`` is its JSON path (the endpoint's EventError carries the same)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class InputField:
    """One input column an output column was derived from, as the facet names it."""

    dataset: str  # the node name: <namespace>/<name>
    source: str  # the namespace
    field: str
    transformations: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class DatasetColumns:
    """What a dataset's facets say of its columns and names: schema fields (name, type, description),
    for each output field the input fields it came from, and its other names."""

    schema: tuple[tuple[str, str | None, str | None], ...] = ()
    lineage: tuple[tuple[str, tuple[InputField, ...]], ...] = ()
    symlinks: tuple[str, ...] = ()
    owner: str | None = None
    description: str | None = None


Join = Callable[[str, str], str]
"""An OpenLineage dataset's namespace and name -> its node name."""


def dataset_columns(facets: Mapping[str, Mapping[str, Any]], path: str, join: Join) -> DatasetColumns:
    """The column facets of one dataset (``path``: its JSON path; ``join``: namespace + name -> node
    name). Raises FacetError naming the field at fault."""
    return DatasetColumns(
        schema=tuple(_schema(facets.get("schema", {}).get("fields"), f"{path}.facets.schema.fields", "")),
        lineage=_lineage(facets.get("columnLineage", {}), f"{path}.facets.columnLineage", join),
        symlinks=tuple(
            join(*_names(item, f"{path}.facets.symlinks.identifiers[{i}]"))
            for i, item in enumerate(
                _list(facets.get("symlinks", {}), "identifiers", f"{path}.facets.symlinks")
            )
        ),
        owner=_owners(facets.get("ownership", {}), f"{path}.facets.ownership"),
        description=_description(facets.get("documentation", {}), f"{path}.facets.documentation"),
    )


def job_environment(job_facets: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The job facets a run's environment keeps: what the run panel shows and the browse search finds."""
    environment: dict[str, Any] = {}
    if query := job_facets.get("sql", {}).get("query"):
        environment["sql"] = _str(query, "job.facets.sql.query")
    job_type = {k: v for k, v in job_facets.get("jobType", {}).items() if not k.startswith("_")}
    if job_type:
        environment["job_type"] = job_type
    if owners := _owners(job_facets.get("ownership", {}), "job.facets.ownership"):
        environment["job_owners"] = owners
    if description := _description(job_facets.get("documentation", {}), "job.facets.documentation"):
        environment["job_description"] = description
    return environment


MAX_SQL = 120


def job_facts(environment: Mapping[str, Any]) -> str:
    """What ``job_environment`` kept of a job, in one line for people: its type, owners, description
    and SQL (cut short), joined by `` · ``; empty when the job sent none of these facets."""
    job_type = environment.get("job_type") or {}
    kind = " ".join(str(job_type[k]) for k in ("processingType", "integration", "jobType") if job_type.get(k))
    sql = str(environment.get("sql") or "")
    parts = [
        kind,
        str(environment.get("job_owners") or ""),
        str(environment.get("job_description") or ""),
        sql if len(sql) <= MAX_SQL else sql[: MAX_SQL - 1] + "…",
    ]
    return " · ".join(p for p in parts if p)


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise FacetError(path, f"{path} must be a string")
    return value


def _list(facet: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = facet.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FacetError(f"{path}.{key}", f"{path}.{key} must be a list")
    return value


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FacetError(path, f"{path} must be a JSON object")
    return value


def _names(item: Any, path: str) -> tuple[str, str]:
    item = _object(item, path)
    return _str(item.get("namespace"), f"{path}.namespace"), _str(item.get("name"), f"{path}.name")


def _schema(fields: Any, path: str, prefix: str) -> Iterable[tuple[str, str | None, str | None]]:
    if fields is None:
        return
    if not isinstance(fields, list):
        raise FacetError(path, f"{path} must be a list")
    for index, item in enumerate(fields):
        where = f"{path}[{index}]"
        item = _object(item, where)
        name = prefix + _str(item.get("name"), f"{where}.name")
        kind, description = item.get("type"), item.get("description")
        yield (
            name,
            None if kind is None else _str(kind, f"{where}.type"),
            None if description is None else _str(description, f"{where}.description"),
        )
        yield from _schema(item.get("fields"), f"{where}.fields", f"{name}.")


def _transformations(item: Mapping[str, Any], path: str) -> tuple[Mapping[str, Any], ...]:
    found = []
    for index, value in enumerate(_list(item, "transformations", path)):
        where = f"{path}.transformations[{index}]"
        value = _object(value, where)
        found.append(
            {k: value[k] for k in ("type", "subtype", "description", "masking") if value.get(k) is not None}
        )
    return tuple(found)


def _input_fields(
    items: list[Any], path: str, join: Join, legacy: tuple[Mapping[str, Any], ...]
) -> tuple[InputField, ...]:
    found = []
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        namespace, name = _names(item, where)
        found.append(
            InputField(
                dataset=join(namespace, name),
                source=namespace,
                field=_str(item.get("field"), f"{where}.field"),
                transformations=_transformations(item, where) or legacy,
            )
        )
    return tuple(found)


def _lineage(
    facet: Mapping[str, Any], path: str, join: Join
) -> tuple[tuple[str, tuple[InputField, ...]], ...]:
    fields = facet.get("fields") or {}
    fields = _object(fields, f"{path}.fields")
    lineage = []
    for name, spec in fields.items():
        where = f"{path}.fields.{name}"
        spec = _object(spec, where)
        legacy = {
            k: spec[v]
            for k, v in (("type", "transformationType"), ("description", "transformationDescription"))
            if isinstance(spec.get(v), str) and spec[v]
        }
        inputs = _input_fields(
            _list(spec, "inputFields", where), f"{where}.inputFields", join, (legacy,) if legacy else ()
        )
        lineage.append((name, inputs))
    whole = _input_fields(_list(facet, "dataset", path), f"{path}.dataset", join, ())
    if whole:
        lineage.append((WHOLE_DATASET, whole))
    return tuple(lineage)


def _owners(facet: Mapping[str, Any], path: str) -> str | None:
    owners = [
        _str(_object(o, f"{path}.owners[{i}]").get("name"), f"{path}.owners[{i}].name")
        for i, o in enumerate(_list(facet, "owners", path))
    ]
    return ", ".join(owners) or None


def _description(facet: Mapping[str, Any], path: str) -> str | None:
    value = facet.get("description")
    return None if value is None else _str(value, f"{path}.description")


# --- the batch ---------------------------------------------------------------------------------------


def column_batch(
    store: Transaction,
    run_uid: str,
    datasets: Sequence[tuple[Node, DatasetColumns]],
    read: Iterable[str],
) -> Batch:
    """The fields, column edges and aliases that an event's datasets describe. ``datasets``: each
    node the event names (resolved) with its column facets; ``read``: the uids of every input of the
    run (this event's and the ones stored before)."""
    read_by_name: dict[str, str] = {}
    for uid in sorted(read):
        node = Node.from_uid(uid)
        read_by_name.setdefault(node.name, uid)
    wanted = {f.dataset: f.source for _, c in datasets for _, inputs in c.lineage for f in inputs}
    unresolved = [name for name in wanted if name not in read_by_name]
    latest = store.versions_of((NodeKind.DATASET, name) for name in unresolved)
    bare: list[Node] = []
    for name in unresolved:
        versions = latest.get((NodeKind.DATASET, name))
        if versions:
            read_by_name[name] = versions[-1].uid
        else:
            bare.append(Node(kind=NodeKind.DATASET, name=name, version=UNVERSIONED, source=wanted[name]))
            read_by_name[name] = bare[-1].uid
    fields = [
        Field(node=node.uid, name=name, type=kind, description=description)
        for node, columns in datasets
        for name, kind, description in columns.schema
    ]
    edges = [
        ColumnEdge(
            source=node.uid,
            source_field=output,
            target=read_by_name[f.dataset],
            target_field=f.field,
            run=run_uid,
            transformations=f.transformations,
        )
        for node, columns in datasets
        for output, inputs in columns.lineage
        for f in inputs
    ]
    aliases = {
        make_uid(node.kind, alias, node.version): node.uid
        for node, columns in datasets
        for alias in columns.symlinks
        if make_uid(node.kind, alias, node.version) != node.uid
    }
    named = {node.uid for node, _ in datasets} | set(store.get_nodes(aliases))
    stored_bare = store.get_nodes(n.uid for n in bare)
    return Batch(
        nodes=tuple(n for n in bare if n.uid not in stored_bare),
        fields=tuple(fields),
        column_edges=tuple(edges),
        # An alias that is a version of its own (another event recorded it) stays that version.
        aliases=tuple(Alias(alias=a, uid=u) for a, u in aliases.items() if a not in named),
    )
