"""JSON Lines (``.jsonl``/``.ndjson``: one object per line) and JSON (``.json``) papers.

JSON Lines is streamed line by line. A ``.json`` file is parsed whole (one file
in memory): a list of objects, an object holding such a list (``{"papers": [...]}``),
or one object. A ``.json`` file that is really JSON Lines is read as such.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping

from ..records import Paper
from .common import input_error, text_lines
from .fields import record_to_paper

__all__ = ["read_jsonl", "read_json"]

# keys under which a JSON object commonly wraps its list of records
_LIST_KEYS = ("papers", "entries", "items", "records", "data", "results", "rows")


def _type_name(value: object) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def read_jsonl(path: str | os.PathLike[str]) -> Iterator[Paper]:
    """Stream the papers of a JSON Lines file, one object per line (blank lines skipped).

    A line that is not JSON, or not a JSON object, raises :class:`InputError`
    naming the file and line.
    """
    decode = json.JSONDecoder().decode
    for lineno, line in enumerate(text_lines(path), 1):
        if not line.strip():
            continue
        try:
            obj = decode(line)
        except json.JSONDecodeError as exc:
            raise input_error(path, f"not valid JSON ({exc.msg}, column {exc.colno})", lineno) from None
        if not isinstance(obj, Mapping):
            raise input_error(path, f"expected a JSON object per line, got {_type_name(obj)}", lineno)
        paper = record_to_paper(obj, path)
        if paper is not None:
            yield paper


def read_json(path: str | os.PathLike[str]) -> Iterator[Paper]:
    """The papers of a JSON file: a list of objects, ``{"papers": [...]}`` or one object."""
    text = "".join(text_lines(path, keepends=True))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            # several objects one after another: JSON Lines saved as .json
            yield from read_jsonl(path)
            return
        raise input_error(path, f"not valid JSON ({exc.msg}, column {exc.colno})", exc.lineno) from None
    if isinstance(data, Mapping):
        wrapped = next((data[k] for k in data if str(k).lower() in _LIST_KEYS and isinstance(data[k], list)), None)
        records = wrapped if wrapped is not None else [data]
    elif isinstance(data, list):
        records = data
    else:
        raise input_error(path, f"expected a JSON list of objects, got {_type_name(data)}")
    for i, obj in enumerate(records):
        if not isinstance(obj, Mapping):
            raise input_error(path, f"item {i} of the list is {_type_name(obj)}, expected an object")
        paper = record_to_paper(obj, path)
        if paper is not None:
            yield paper
