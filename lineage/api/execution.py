"""Completing plain fields in bulk instead of through graphql-core's per-field machinery.

graphql-core completes every field of every object on its own: it builds a resolve-info tuple, calls
the field's resolver (for a strawberry field without one, a wrapper around ``getattr``), checks whether
the result is awaitable and coerces it, through half a dozen calls. A 5,001-node subgraph is 70,000
such fields, and they took most of the request's time. ``PlainFieldsExecutor`` completes the plain
fields of a selection (no resolver, no arguments, a scalar or enum type, or ``__typename``) itself,
with ``getattr`` and the type's own output coercion, which is what graphql-core would have done:

- a list of objects that select only plain fields column by column: each field's values read and
  checked for the whole list at once, then joined into one dict per object;
- any other object field by field, leaving the fields with resolvers or sub-selections (``producedBy``,
  ``versions``) to graphql-core, and putting the two halves together in the query's order.

graphql-core keeps everything else: ``@defer`` and ``@stream``, a type with an ``is_type_of`` check,
and every field while a schema extension wraps resolvers (it must see each one). It also takes over
whatever value the bulk path does not take as it is (a null in a non-null field, a value its scalar
refuses, an awaitable): it completes that object or list again from the start and reports the error
as it always does. The bulk path only reads attributes and coerces them, so redoing its work costs
time on a path that ends in an error anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import suppress
from itertools import chain, islice
from operator import attrgetter
from typing import Any, NamedTuple

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLString,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


class PlainField(NamedTuple):
    key: str  # the response key: the alias, or the field's name
    get: Callable[[Any], Any]
    coerce: Callable[[Any], Any]
    nullable: bool
    text: bool  # the type gives a str back as it is (String, ID, DateTime), so a str needs no coercion
    enum: bool  # few distinct values: coerce each once


class BulkField(NamedTuple):
    """A field with a resolver that can also answer for a whole list of objects at once, when what it
    needs is at hand: ``values(context, sources)`` gives one value per source, or ``None``."""

    key: str
    values: Callable[[Any, Sequence[Any]], list[Any] | None]
    fields: tuple[PlainField, ...]  # the value's own selection, all plain
    nullable: bool
    many: bool  # a list of objects, not one object


class Plan(NamedTuple):
    fields: tuple[PlainField, ...]  # completed here
    rest: GroupedFieldSet  # completed by graphql-core: the fields with resolvers or sub-selections
    bulk: tuple[BulkField, ...]  # those of ``rest`` that a whole list can also have in bulk
    keys: tuple[str, ...]  # every response key, in the query's order


BULK = "lineage.bulk"  # the metadata key of a field's bulk answer: see ``BulkField``


class NotPlain(Exception):
    """A value the loop does not complete by itself: graphql-core's path decides what it becomes."""


class PlainFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type, id of the field group) -> (the field group, kept alive so its id stays unique; the plan)
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, Plan | None]] = {}

    def complete_list_value(
        self,
        return_type: GraphQLList[Any],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        plan = self._plan(return_type.of_type, field_details_list, position_context)
        if (
            plan is not None
            and len(plan.bulk) == len(plan.rest)
            and isinstance(result, list | tuple)
            and self.get_stream_usage(field_details_list, path) is None
        ):
            with suppress(Exception):  # graphql-core's path below completes it and reports why
                return complete_items(plan, result, self.context_value)
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self._plan(return_type, field_details_list, position_context)
        plain = None
        if plan is not None and not self.is_awaitable(result):
            with suppress(Exception):  # graphql-core's path below completes it and reports why
                plain = {field.key: complete_value(field, field.get(result)) for field in plan.fields}
        if plan is None or plain is None:
            return super().complete_object_value(
                return_type, field_details_list, info, path, result, position_context
            )
        if not plan.rest:
            return plain
        rest = self.execute_fields(return_type, result, path, plan.rest, position_context)
        if isinstance(rest, dict):
            return _merged(plan.keys, plain, rest)
        return _merged_when_done(plan.keys, plain, rest)

    def _plan(
        self, item_type: GraphQLOutputType, field_details_list: FieldDetailsList, position_context: Any
    ) -> Plan | None:
        """How to complete an object of ``item_type`` selected by this field group, or ``None`` when
        none of it is plain; worked out once per field group, like graphql-core's own sub-field cache."""
        object_type, _ = unwrapped(item_type)
        if not isinstance(object_type, GraphQLObjectType) or position_context is not None:  # in a @defer
            return None
        key = (object_type, id(field_details_list))
        cached = self._plans.get(key)
        if cached is None:
            cached = (field_details_list, self._make_plan(object_type, field_details_list))
            self._plans[key] = cached
        return cached[1]

    def _make_plan(self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> Plan | None:
        wrapped = self.middleware_manager is not None and self.middleware_manager.middlewares
        if object_type.is_type_of is not None or wrapped:
            return None
        grouped_field_set, defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        if defer_usages:
            return None
        fields, rest, bulk = [], {}, []
        for key, details in grouped_field_set.items():
            name = details[0].node.name.value
            if name == "__typename":  # clients such as Apollo's ask for it on every object
                fields.append(PlainField(key, _constant(object_type.name), str, False, True, False))
                continue
            definition = self.schema.get_field(object_type, name)
            field = plain_field(definition, key, details)
            if field is not None:
                fields.append(field)
                continue
            rest[key] = details
            in_bulk = self._bulk_field(definition, key, details)
            if in_bulk is not None:
                bulk.append(in_bulk)
        return Plan(tuple(fields), rest, tuple(bulk), tuple(grouped_field_set)) if fields else None

    def _bulk_field(
        self, definition: GraphQLField | None, key: str, details: FieldDetailsList
    ) -> BulkField | None:
        """How to answer a field for a whole list at once, or ``None``: it must say how (``BULK`` in
        its metadata), take no arguments, and select only plain fields of one object or a list."""
        strawberry_field = strawberry_field_of(definition)
        values = None if strawberry_field is None else strawberry_field.metadata.get(BULK)
        if definition is None or values is None or definition.args or details[0].node.arguments:
            return None
        shape, nullable = unwrapped(definition.type)
        many = isinstance(shape, GraphQLList)
        item_type = shape.of_type if isinstance(shape, GraphQLList) else shape
        if many and not isinstance(item_type, GraphQLNonNull):
            return None
        plan = self._plan(item_type, details, None)
        if plan is None or plan.rest:
            return None
        return BulkField(key, values, plan.fields, nullable, many)


def unwrapped(type_: GraphQLOutputType) -> tuple[GraphQLOutputType, bool]:
    """The type inside a non-null wrapper, and whether it may be null (had no wrapper)."""
    if isinstance(type_, GraphQLNonNull):
        return type_.of_type, False
    return type_, True


def strawberry_field_of(definition: GraphQLField | None) -> StrawberryField | None:
    if definition is None:
        return None
    found: StrawberryField | None = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return found


def plain_field(definition: GraphQLField | None, key: str, details: FieldDetailsList) -> PlainField | None:
    """How to complete one field without its resolver, or ``None`` when it needs graphql-core."""
    if definition is None or definition.args or details[0].node.arguments:
        return None
    leaf, nullable = unwrapped(definition.type)
    if not isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
        return None
    strawberry_field = strawberry_field_of(definition)
    basic = getattr(definition.resolve, "_is_default", False)  # strawberry's resolver for a plain field
    if not basic or strawberry_field is None or strawberry_field.default_resolver is not getattr:
        return None
    coerce = leaf.coerce_output_value
    return PlainField(
        key,
        attrgetter(strawberry_field.python_name),
        coerce,
        nullable,
        text=leaf in (GraphQLString, GraphQLID) or coerce is str,
        enum=isinstance(leaf, GraphQLEnumType),
    )


_TEXT = frozenset({str})
_TEXT_OR_NULL = frozenset({str, type(None)})


def complete_items(plan: Plan, items: Sequence[Any], context: Any) -> list[dict[str, Any]]:
    """Column by column: each field's values are read and checked in bulk, then joined into rows."""
    columns = dict(zip([f.key for f in plan.fields], _plain_columns(plan.fields, items), strict=True))
    for field in plan.bulk:
        columns[field.key] = _bulk_column(field, items, context)
    return _joined(plan.keys, [columns[key] for key in plan.keys])


def _plain_columns(fields: tuple[PlainField, ...], items: Sequence[Any]) -> list[list[Any]]:
    classes = set(map(type, items))
    if type(None) in classes or any(hasattr(c, "__await__") for c in classes):
        raise NotPlain
    return [_column(field, items) for field in fields]


def _bulk_column(field: BulkField, items: Sequence[Any], context: Any) -> list[Any]:
    values = field.values(context, items)
    if values is None or len(values) != len(items):
        raise NotPlain
    present = [value for value in values if value is not None]
    if len(present) < len(values) and not field.nullable:
        raise NotPlain
    if field.many:  # every list at once, then cut back into lists
        flat = iter(_rows(field.fields, list(chain.from_iterable(present))))
        answers: Iterator[Any] = iter([list(islice(flat, len(value))) for value in present])
    else:
        answers = iter(_rows(field.fields, present))
    return [None if value is None else next(answers) for value in values]


def _rows(fields: tuple[PlainField, ...], items: Sequence[Any]) -> list[dict[str, Any]]:
    return _joined([field.key for field in fields], _plain_columns(fields, items))


def _joined(keys: Sequence[str], columns: list[list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _column(field: PlainField, items: Sequence[Any]) -> list[Any]:
    values = list(map(field.get, items))
    if field.text and set(map(type, values)) <= (_TEXT_OR_NULL if field.nullable else _TEXT):
        return values
    if field.enum:
        coerced = {value: complete_value(field, value) for value in set(values)}
        return list(map(coerced.__getitem__, values))
    return [complete_value(field, value) for value in values]


def complete_value(field: PlainField, value: Any) -> Any:
    """What graphql-core makes of a leaf value, or ``NotPlain`` where it would report an error."""
    if value is None:
        if field.nullable:
            return None
        raise NotPlain
    coerced = field.coerce(value)
    if coerced is None or coerced is Undefined:
        raise NotPlain
    return coerced


def _constant(value: str) -> Callable[[Any], str]:
    return lambda _source: value


def _merged(keys: tuple[str, ...], plain: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
    """The two halves of an object, its fields in the query's order."""
    both = plain | rest
    return {key: both[key] for key in keys if key in both}


async def _merged_when_done(
    keys: tuple[str, ...], plain: dict[str, Any], rest: Awaitable[dict[str, Any]]
) -> dict[str, Any]:
    return _merged(keys, plain, await rest)
