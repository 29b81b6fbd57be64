"""JSON Lines (``.jsonl``/``.ndjson``: one object per line) and JSON (``.json``) papers.

JSON Lines is streamed line by line. A ``.json`` file is parsed whole (one file
in memory): a list of objects, an object holding such a list (``{"papers": [...]}``),
or one object. A ``.json`` file that is really JSON Lines is read as such.

What Python's parser cannot take is an :class:`~kg.errors.InputError`, not a
traceback: nesting deeper than its recursion limit. An integer literal longer
than Python converts (4,300 digits) is kept as its digits, a string: no field
kg reads is a number, so such a record still reads.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping

from ..records import Paper
from .common import input_error, text_lines
from .fields import FieldMap

__all__ = ["read_jsonl", "read_json", "parse_json"]

# keys under which a JSON object commonly wraps its list of records
_LIST_KEYS = ("papers", "entries", "items", "records", "data", "results", "rows")
_MAX_INT_DIGITS = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300


def _parse_int(digits: str) -> int | str:
    # int() refuses (ValueError) literals over the limit, and would be quadratic below a higher one
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else digits


_DECODER = json.JSONDecoder(parse_int=_parse_int)


def parse_json(text: str) -> object:
    """``json.loads`` as kg's readers do it: an integer over 4,300 digits is kept as its digit string.

    Raises :class:`json.JSONDecodeError` for malformed JSON and :class:`RecursionError`
    for nesting deeper than Python's recursion limit (callers turn both into an
    :class:`~kg.errors.InputError` naming the file).
    """
    return _DECODER.decode(text)


def _type_name(value: object) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _too_deep() -> str:
    return f"JSON nested too deeply to read (more than about {sys.getrecursionlimit()} levels of lists/objects)"


def read_jsonl(path: str | os.PathLike[str], fields: FieldMap | None = None) -> Iterator[Paper]:
    """Stream the papers of a JSON Lines file, one object per line (blank lines skipped).

    A line that is not JSON, or not a JSON object, raises :class:`InputError`
    naming the file and line. A byte-order mark at the start of a line (files
    joined with ``cat``) is ignored.
    """
    fields = fields or FieldMap()
    decode = _DECODER.decode
    for lineno, line in enumerate(text_lines(path), 1):
        if line.startswith("\ufeff"):
            line = line[1:]
        if not line.strip():
            continue
        try:
            obj = decode(line)
        except json.JSONDecodeError as exc:
            raise input_error(path, f"not valid JSON ({exc.msg}, column {exc.colno})", lineno) from None
        except RecursionError:
            raise input_error(path, _too_deep(), lineno) from None
        if not isinstance(obj, Mapping):
            raise input_error(path, f"expected a JSON object per line, got {_type_name(obj)}", lineno)
        paper = fields.paper(obj, path)
        if paper is not None:
            yield paper


def read_json(path: str | os.PathLike[str], fields: FieldMap | None = None) -> Iterator[Paper]:
    """The papers of a JSON file: a list of objects, ``{"papers": [...]}`` or one object."""
    fields = fields or FieldMap()
    text = "".join(text_lines(path, keepends=True))
    try:
        data = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            # several objects one after another: JSON Lines saved as .json
            del text
            yield from read_jsonl(path, fields)
            return
        raise input_error(path, f"not valid JSON ({exc.msg}, column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise input_error(path, _too_deep()) from None
    del text  # the parsed records are all that is needed now
    if isinstance(data, Mapping):
        # an object with paper fields of its own is one paper, even if it has a "data" list
        wrapped = None
        if not fields.has_paper_fields(data):
            wrapped = next((data[k] for k in data if str(k).lower() in _LIST_KEYS and isinstance(data[k], list)), None)
        records = wrapped if wrapped is not None else [data]
    elif isinstance(data, list):
        records = data
    else:
        raise input_error(path, f"expected a JSON list of objects, got {_type_name(data)}")
    for i, obj in enumerate(records):
        if not isinstance(obj, Mapping):
            raise input_error(path, f"item {i} of the list is {_type_name(obj)}, expected an object")
        paper = fields.paper(obj, path)
        if paper is not None:
            yield paper
