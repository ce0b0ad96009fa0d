"""JSON request bodies, read with the limits a store and the interpreter need.

Python's ``json`` accepts what no store can keep: a lone surrogate (``"\\ud800"``) is a valid JSON
escape but not Unicode, so LadybugDB's binding cannot encode it; a NUL ends a C string; ``NaN`` is not
JSON at all. And every recursive walk over a parsed value (graphql-core's coercion, the canonical JSON
encoder) overflows the stack on deep nesting. So a body is checked once, as it is parsed, before any
of it reaches a resolver or a store, and a refusal names the JSON path at fault.
"""

from __future__ import annotations

import contextlib
import json
import re
from itertools import accumulate
from typing import Any

import orjson

from lineage.errors import InvalidInput

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

Path = tuple["Path", str] | None
"""Where a value sits, as (parent, step): built only when a refusal needs to name it."""


class PayloadError(InvalidInput):
    """A body that cannot be taken; ``field`` is the JSON path at fault (``None``: the body itself)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field


def load_json(body: bytes | str, *, max_depth: int) -> Any:
    """The decoded body, or PayloadError: not UTF-8, not JSON, nested deeper than ``max_depth``
    (objects and arrays), or holding text a store cannot keep."""
    if isinstance(body, bytes) and _plainly_fine(body, max_depth):
        # orjson refuses what it would read differently (lone surrogates, NaN, numbers out of range);
        # the json module then reads it again, for its message.
        with contextlib.suppress(orjson.JSONDecodeError):
            return orjson.loads(body)
    try:
        value = json.loads(body, parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise PayloadError(None, f"the body is not valid UTF-8: {exc.reason} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise PayloadError(None, f"the body is not valid JSON: {exc}") from None
    except RecursionError:  # deeper than the interpreter's stack, far beyond max_depth
        raise PayloadError(None, f"the body is nested deeper than {max_depth} levels") from None
    check_json(value, max_depth=max_depth)
    return value


def _plainly_fine(body: bytes, max_depth: int) -> bool:
    """Whether the text shows that ``check_json`` would find nothing, so the body may be read by orjson,
    several times faster, and not walked: no NUL escape, no integer orjson would read as a float, and
    no nesting deeper than ``max_depth``, counted on the brackets outside strings. (orjson refuses raw
    control characters and lone surrogates itself.) Only a yes is certain; a no takes the full walk."""
    if b"\\u0000" in body:
        return False
    # Without an escaped quote, every other piece between quotes is a string: a split is ~4x faster
    # than the pattern that reads escapes.
    outside = _JSON_STRING.sub(b"", body) if b'\\"' in body else b"".join(body.split(b'"')[::2])
    if _LONG_INTEGER.search(outside):
        return False
    depth = accumulate(map(_NESTING.__getitem__, outside.translate(None, _NOT_BRACKET)))
    return max(depth, default=0) <= max_depth


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_LONG_INTEGER = re.compile(rb"\d{19}")  # past 2**63, where orjson reads a float, not the integer
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_NESTING = [0] * 256
_NESTING[ord("[")] = _NESTING[ord("{")] = 1
_NESTING[ord("]")] = _NESTING[ord("}")] = -1


def check_json(value: Any, *, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` and text holding NUL or a lone surrogate, naming the
    path. Iterative, so a value too deep for a recursive walk is refused rather than crashing it."""
    stack: list[tuple[Any, Path, int]] = [(value, None, 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item, path)
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise PayloadError(_name(path), f"{_label(path)} is nested deeper than {max_depth} levels")
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_text(key, path, key=True)
                    stack.append((child, (path, f".{key}"), depth + 1))
            else:
                stack.extend((child, (path, f"[{index}]"), depth + 1) for index, child in enumerate(item))


def _check_text(text: str, path: Path, *, key: bool = False) -> None:
    found = _UNSTORABLE.search(text)
    if found is None:
        return
    where = f"a key of {_label(path)}" if key else _label(path)
    if found.group() == "\x00":
        raise PayloadError(_name(path), f"{where} holds a NUL character, which cannot be stored")
    raise PayloadError(
        _name(path),
        f"{where} holds a lone surrogate ({ord(found.group()):#06x}): text must be valid Unicode",
    )


def _name(path: Path) -> str | None:
    steps = []
    while path is not None:
        path, step = path
        steps.append(step)
    return "".join(reversed(steps)).removeprefix(".") or None


def _label(path: Path) -> str:
    return _name(path) or "the body"


def _refuse_constant(name: str) -> None:
    # Python's json reads NaN and Infinity, which JSON does not have and no store can keep.
    raise PayloadError(None, f"the body is not valid JSON: {name} is not a JSON number")
