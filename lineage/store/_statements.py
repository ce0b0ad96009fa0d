"""Tells one Cypher statement from several, so a raw query cannot smuggle ``COMMIT; CREATE ...`` past a
read-only transaction. A small scanner, not a parser: it only needs to know what is quoted."""

from __future__ import annotations

from lineage.errors import InvalidInput

_QUOTES = "'\"`"


def check_single_statement(text: str) -> None:
    """Raise InvalidInput unless ``text`` is exactly one statement (a trailing ``;`` is allowed)."""
    if not text.strip():
        raise InvalidInput("empty Cypher query")
    i, n, ended = 0, len(text), False
    while i < n:
        if text.startswith("//", i):
            i = _index_or_end(text, "\n", i)
        elif text.startswith("/*", i):
            i = _index_or_end(text, "*/", i + 2) + 2
        elif text[i].isspace():
            i += 1
        elif ended:
            raise InvalidInput("one Cypher statement at a time: the query goes on after a ';'")
        elif text[i] in _QUOTES:
            i = _skip_quoted(text, i)
        else:
            ended = text[i] == ";"
            i += 1


def _skip_quoted(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        else:
            i += 1
    raise InvalidInput(f"unterminated {quote} quote in Cypher query")


def _index_or_end(text: str, token: str, start: int) -> int:
    found = text.find(token, start)
    return len(text) if found < 0 else found
