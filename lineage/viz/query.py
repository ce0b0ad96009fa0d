"""What a graph page shows: one node, a direction, a depth, the kinds to keep, and the view.

The same query is read from a URL's query string, from the CLI's options and from the page's own
controls, and written back into links and into the GraphQL text of the same subgraph, so all four agree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from lineage.errors import InvalidInput
from lineage.model import NodeKind, parse_time, parse_uid
from lineage.query import DEFAULT_DEPTH, validate_depth

DIRECTIONS = ("both", "upstream", "downstream")
VIEWS = ("lineage", "impact")


@dataclass(frozen=True, kw_only=True)
class GraphQuery:
    """A graph page's query. ``kinds`` empty means every kind; the root is shown whatever its kind.
    ``as_of`` shows the graph as the store held it then (what was recorded by that time), as GraphQL's
    ``asOf`` does; it is kept in the stored time form.

    The impact view always looks downstream: it answers "what does a change to this node affect?".
    """

    uid: str
    direction: str = "both"
    depth: int = DEFAULT_DEPTH
    kinds: tuple[NodeKind, ...] = ()
    view: str = "lineage"
    as_of: str | None = None

    def __post_init__(self) -> None:
        parse_uid(self.uid)
        object.__setattr__(self, "as_of", parse_as_of(self.as_of))
        _check_choice("direction", self.direction, DIRECTIONS)
        _check_choice("view", self.view, VIEWS)
        validate_depth(self.depth)
        kinds = tuple(NodeKind(k) for k in self.kinds)
        # Every kind selected is the same query as none selected; keep one spelling of it.
        unique = () if set(kinds) == set(NodeKind) else tuple(k for k in NodeKind if k in kinds)
        object.__setattr__(self, "kinds", unique)
        if self.view == "impact":
            object.__setattr__(self, "direction", "downstream")

    @classmethod
    def from_params(cls, uid: str, params: Mapping[str, Sequence[str]]) -> GraphQuery:
        """Read a query string (each name mapped to all its values). Unknown names are ignored; a bad
        value raises InvalidInput naming the parameter and what it accepts."""
        values: dict[str, object] = {}
        for name in ("direction", "view"):
            if params.get(name):
                values[name] = params[name][-1].strip().lower()
        if params.get("depth"):
            text = params["depth"][-1].strip()
            values["depth"] = int(text) if text.isascii() and text.isdigit() else text
        values["kinds"] = parse_kinds(params.get("kinds", ()))
        values["as_of"] = (params.get("asOf") or [""])[-1].strip() or None
        return cls(uid=uid, **values)  # type: ignore[arg-type]

    @property
    def directions(self) -> tuple[str, ...]:
        """The store traversals this query needs."""
        return ("upstream", "downstream") if self.direction == "both" else (self.direction,)

    def changed(self, **changes: object) -> GraphQuery:
        return replace(self, **changes)  # type: ignore[arg-type]

    def query_string(self) -> str:
        """The query string that reproduces this query, without the defaults."""
        pairs: list[tuple[str, str]] = []
        if self.view != "lineage":
            pairs.append(("view", self.view))
        elif self.direction != "both":
            pairs.append(("direction", self.direction))
        if self.depth != DEFAULT_DEPTH:
            pairs.append(("depth", str(self.depth)))
        if self.kinds:
            pairs.append(("kinds", ",".join(k.value for k in self.kinds)))
        if self.as_of:
            pairs.append(("asOf", self.as_of))
        return urlencode(pairs)

    def graphql(self) -> str:
        """The GraphQL query for the subgraph this page draws (the API's ``upstream``/``downstream``)."""
        arguments = [f"uid: {json.dumps(self.uid)}", f"depth: {self.depth}"]
        if self.kinds:
            arguments.append("kinds: [" + ", ".join(k.name for k in self.kinds) + "]")
        if self.as_of:
            arguments.append(f"asOf: {json.dumps(self.as_of)}")
        fields = (
            "root { uid } truncated "
            "nodes { uid kind name version checksum recordedAt createdAt owner source description metadata } "
            "edges { source target run indirect via }"
        )
        parts = [f"  {d}({', '.join(arguments)}) {{ {fields} }}" for d in self.directions]
        return "{\n" + "\n".join(parts) + "\n}\n"


def parse_kinds(values: Sequence[str], parameter: str = "kinds") -> tuple[NodeKind, ...]:
    """Kinds given as repeated parameters, comma-separated, or both, in any case."""
    kinds = []
    for value in values:
        for word in value.split(","):
            word = word.strip().lower()
            if not word:
                continue
            try:
                kinds.append(NodeKind(word))
            except ValueError:
                names = ", ".join(k.value for k in NodeKind)
                raise InvalidInput(f"{parameter}: unknown kind {word!r} (one of {names})") from None
    return tuple(kinds)


def parse_as_of(text: str | None) -> str | None:
    """A page's ``asOf`` in the stored time form; empty or absent means now."""
    if not text or not text.strip():
        return None
    try:
        return parse_time(text)
    except InvalidInput as exc:
        raise InvalidInput(f"asOf: {exc}") from None


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InvalidInput(f"{name} {value!r} is not one of {', '.join(choices)}")
