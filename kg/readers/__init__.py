"""Reading papers from input files and folders: the first stage of ``kg build``.

:func:`read_papers` streams :class:`~kg.records.Paper` records from files and
folders; :func:`read_file` reads one file, choosing the format by extension and,
where the extension is unknown or misleading, by content:

==================  ===========================================================
``.jsonl/.ndjson``  one JSON object per line (:mod:`kg.readers.jsonlines`)
``.json``           a list of objects, ``{"papers": [...]}`` or one object
``.csv/.tsv``       a header row with an abstract/summary/text column (:mod:`kg.readers.fields`)
``.xml/.atom``      an arXiv API Atom feed (or RSS) (:mod:`kg.readers.atom`)
``.txt``            listing-page dumps (:mod:`kg.readers.listing`)
==================  ===========================================================

Every problem a user can cause is an :class:`~kg.errors.InputError` with a
one-line message naming the file (and line) at fault, never a traceback:
other encodings, NUL bytes, lone surrogates, nesting deeper than Python parses,
huge numbers, XML entity tricks, pipes given as files. Text is cleaned as it is
read (:func:`kg.readers.common.clean_text`), so what a file smuggles in never
reaches a writer.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "p.jsonl").write_text('{"title": "T", "abstract": "See arXiv:2401.01234v2."}\\n')
>>> [p.id for p in read_papers([d])]
['arxiv:2401.01234']
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from pathlib import Path

from ..errors import InputError
from ..records import Paper
from ..rulefiles import RulesDir
from .atom import read_atom
from .common import display_path, input_error, read_head
from .fields import FieldMap
from .jsonlines import read_json, read_jsonl
from .chrome import load_chrome_rules
from .listing import read_listing
from .tabular import read_csv

__all__ = ["FORMATS", "input_files", "read_papers", "read_file", "iter_input_files", "detect_format", "check_counts"]

#: extension -> format name; files with other extensions in a folder are skipped
FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".xml": "atom",
    ".atom": "atom",
    ".txt": "listing",
}

# every reader takes (path, fields=FieldMap): the field names to read and the counts to keep
_READERS: dict[str, Callable[..., Iterator[Paper]]] = {
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "atom": read_atom,
    "listing": read_listing,
}

_USUAL = FieldMap()


def _sniff(head: str, fields: FieldMap | None = None) -> str:
    """The format that the start of a file looks like."""
    body = head.lstrip()
    first_line = body.split("\n", 1)[0]
    if body.startswith("["):
        return "json"
    if body.startswith("{"):
        # a whole JSON object on the first line is JSON Lines; a pretty-printed object is JSON
        return "jsonl" if first_line.rstrip().endswith("}") else "json"
    if body.startswith("<"):
        return "atom"
    fields = fields or _USUAL
    for delim in (",", "\t", ";", "|"):
        if delim in first_line and fields.has_paper_fields(c.strip().strip('"') for c in first_line.split(delim)):
            return "csv"
    return "listing"


def detect_format(path: str | os.PathLike[str], *, fields: FieldMap | None = None) -> str:
    """The format name of ``path`` (a key of the readers): by extension, checked against the content.

    A known extension wins unless the content clearly disagrees (a ``.jsonl``
    file holding a JSON list, a ``.txt`` file holding JSON Lines or a feed); an
    unknown extension is decided by content alone (a header naming ``fields``'
    columns reads as CSV).
    """
    ext = Path(path).suffix.lower()
    head = read_head(path)
    sniffed = _sniff(head, fields)
    declared = FORMATS.get(ext)
    if declared is None:
        return sniffed
    if declared == "jsonl" and sniffed == "json":
        return "json"
    if declared == "listing" and sniffed in ("jsonl", "json", "atom"):
        return sniffed
    return declared


def read_file(
    path: str | os.PathLike[str], *, title_field: str | None = None, text_field: str | None = None,
    rules_dir: "RulesDir | os.PathLike[str]" = None,
) -> Iterator[Paper]:
    """Stream the papers of one file, in file order.

    ``title_field`` / ``text_field`` name the title and abstract fields of
    JSON, JSON Lines, CSV and TSV files when they are not among the usual names
    (:mod:`kg.readers.fields`); they are tried first, then the usual names.
    ``rules_dir``: the rules folder (or :class:`~kg.rulefiles.RuleFolder`) whose
    page_chrome.jsonl listing dumps are read with (default: kg's rules/).

    Raises :class:`InputError` (one line, naming the file) when the file is
    missing, not a regular file, unreadable, empty, binary, not UTF-8, malformed
    for its format, holds no papers, or holds records none of which has an
    abstract text (a misnamed column must not silently build a graph of titles).
    When only some records lack a text, one warning on the ``kg`` logger names
    the file and the count.
    """
    p = os.fspath(path)
    if os.path.isdir(p):
        raise input_error(p, "is a folder, not a file")
    if not os.path.exists(p):
        raise input_error(p, "no such file or directory")
    fields = FieldMap(title_field, text_field)
    fmt = detect_format(p, fields=fields)
    if isinstance(rules_dir, os.PathLike):
        rules_dir = os.fspath(rules_dir)  # one cache key per folder, whichever way it was named
    extra = {"rules": load_chrome_rules(rules_dir or None)} if fmt == "listing" else {}
    n = no_text = 0
    for paper in _READERS[fmt](p, fields=fields, **extra):
        n += 1
        no_text += not paper.text
        yield paper
    check_counts(p, fmt, fields, n, no_text)


def check_counts(path: str | os.PathLike[str], fmt: str, fields: FieldMap, n: int, no_text: int) -> None:
    """After reading a file as ``fmt``: raise or warn when its records lacked titles and texts.

    ``n`` papers were yielded, ``no_text`` of them with an empty text;
    ``fields`` (the :class:`~kg.readers.fields.FieldMap` the reader used) holds
    the records skipped and the field names seen. No paper, or no paper with a
    text, raises :class:`InputError`; some without a text log one warning on
    the ``kg`` logger naming the file and the count.
    """
    named = fmt in ("jsonl", "json", "csv")
    seen = ", ".join(list(fields.seen)[:20])
    seen_note = f"; fields seen: {seen}" if named and seen else ""
    if n == 0:
        hint = "; name yours with --title-field / --text-field" if named and seen else ""
        raise input_error(path, f"no papers found (read as {fmt}: no record with a title or an abstract{seen_note}{hint})")
    if no_text == n:
        hint = "; name the text field with --text-field" if named and not fields.text_field else ""
        if fmt == "atom":
            raise input_error(path, f"none of the {n} feed entries has a summary (titles only)")
        raise input_error(
            path, f"none of the {n} records has an abstract (no {fields.describe()} field; read as {fmt}{seen_note}){hint}"
        )
    lacking = no_text + fields.skipped
    if lacking:
        parts = [f"{no_text} kept with the title only" if no_text else "", f"{fields.skipped} skipped" if fields.skipped else ""]
        logging.getLogger("kg").warning(
            "%s: %d of %d records have no abstract text (%s)",
            display_path(path), lacking, n + fields.skipped, ", ".join(p for p in parts if p),
        )


def _entries(folder: Path) -> Iterator[Path]:
    """The entries of ``folder`` sorted by name, or :class:`InputError` when it cannot be listed."""
    try:
        return iter(sorted(folder.iterdir(), key=lambda e: e.name))
    except PermissionError:
        raise input_error(folder, "permission denied (folder is not readable)") from None
    except OSError as exc:
        raise input_error(folder, f"cannot list folder ({exc.strerror or exc})") from None


def iter_input_files(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """The readable files under ``folder``, recursively, in sorted (deterministic) order.

    Hidden files and folders (name starting with ".") and files whose extension
    is not in :data:`FORMATS` are skipped; symlinked folders are not followed
    (they could loop). Folders nested thousands deep are walked without recursion.
    """
    stack = [_entries(Path(folder))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir() and not entry.is_symlink()
            is_input = not is_dir and entry.suffix.lower() in FORMATS and entry.is_file()
        except OSError as exc:
            raise input_error(entry, f"cannot read ({exc.strerror or exc})") from None
        if is_dir:
            stack.append(_entries(entry))
        elif is_input:
            yield entry


def read_papers(
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_error: Callable[[InputError], None] | None = None,
    title_field: str | None = None,
    text_field: str | None = None,
    rules_dir: "RulesDir | os.PathLike[str]" = None,
) -> Iterator[Paper]:
    """Stream the papers of files and folders, in the order given (folders: sorted, recursive).

    Papers are not de-duplicated: the same paper read twice is yielded twice
    with the same id, and the graph stage merges it. Only one file is read at a
    time. A folder with no readable file raises :class:`InputError` naming it.

    ``title_field`` / ``text_field`` / ``rules_dir``: see :func:`read_file`.

    ``on_error``: when given, a file that cannot be read is reported to it and
    skipped instead of stopping the run (papers already yielded from that file
    stay yielded).
    """
    options = {"title_field": title_field, "text_field": text_field, "rules_dir": rules_dir}
    for file in input_files(paths):
        yield from _guarded(file, on_error, options)


def input_files(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> Iterator[Path]:
    """The files ``paths`` name, in reading order: files as given, folders walked (sorted, recursive).

    A folder with no readable file, or a path that cannot be inspected, raises
    :class:`InputError` naming it; a missing file is yielded (``read_file`` names it).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]  # one path given bare: do not iterate over its characters
    for path in paths:
        p = Path(path)
        try:
            is_dir = p.is_dir()
        except OSError as exc:  # a name too long, a loop of links
            raise input_error(p, f"cannot read ({exc.strerror or exc})") from None
        if is_dir:
            found = False
            for file in iter_input_files(p):
                found = True
                yield file
            if not found:
                raise input_error(p, f"folder has no readable files ({', '.join(FORMATS)})")
        else:
            yield p


def _guarded(path: Path, on_error: Callable[[InputError], None] | None, options: dict[str, Any]) -> Iterator[Paper]:
    if on_error is None:
        yield from read_file(path, **options)
        return
    try:
        yield from read_file(path, **options)
    except InputError as exc:
        on_error(exc)
