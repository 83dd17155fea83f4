"""JSON in and out with exact decimals: numbers are written as the decimal literal they hold.

`json` cannot write a `Decimal` as a number, and going through `float` would lose the precision a
report printed (99.90 would become 99.9). Our records only hold dict, list, str, int, bool, None
and Decimal, so a small writer is enough.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def _number(d: Decimal) -> str:
    if not d.is_finite():
        raise ValueError(f"not a finite number: {d}")
    text = format(d, "f")
    return "0" if text in ("-0", "") else text


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """Serialise `value` to JSON, writing Decimals exactly."""
    parts: list[str] = []
    _write(value, parts, indent, 0)
    return "".join(parts)


def _write(value: Any, out: list[str], indent: int | None, level: int) -> None:
    if value is None or isinstance(value, bool | str | int):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Decimal):
        out.append(_number(value))
    elif isinstance(value, float):
        out.append(json.dumps(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        items = list(value.items())
        out.append("{")
        for i, (key, item) in enumerate(items):
            out.append(_sep(indent, level + 1, first=i == 0))
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(": ")
            _write(item, out, indent, level + 1)
        out.append(_sep(indent, level, first=True, closing=True))
        out.append("}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        out.append("[")
        for i, item in enumerate(value):
            out.append(_sep(indent, level + 1, first=i == 0))
            _write(item, out, indent, level + 1)
        out.append(_sep(indent, level, first=True, closing=True))
        out.append("]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _sep(indent: int | None, level: int, *, first: bool, closing: bool = False) -> str:
    comma = "" if first else ","
    if indent is None:
        return "" if closing else comma + ("" if first else " ")
    return comma + "\n" + " " * (indent * level)


def loads(text: str) -> Any:
    """Parse JSON keeping every non-integer number as an exact Decimal."""
    return json.loads(text, parse_float=Decimal)
