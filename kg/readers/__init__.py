"""Reading papers from input files and folders: the first stage of ``kg build``.

:func:`read_papers` streams :class:`~kg.records.Paper` records from files and
folders; :func:`read_file` reads one file, choosing the format by extension and,
where the extension is unknown or misleading, by content:

==================  ===========================================================
``.jsonl/.ndjson``  one JSON object per line (:mod:`kg.readers.jsonlines`)
``.json``           a list of objects, ``{"papers": [...]}`` or one object
``.csv/.tsv``       a header row with a title/abstract/summary/text column
``.xml/.atom``      an arXiv API Atom feed (or RSS) (:mod:`kg.readers.atom`)
``.txt``            listing-page dumps (:mod:`kg.readers.listing`)
==================  ===========================================================

Every problem a user can cause is an :class:`~kg.errors.InputError` with a
one-line message naming the file (and line) at fault.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "p.jsonl").write_text('{"title": "T", "abstract": "See arXiv:2401.01234v2."}\\n')
>>> [p.id for p in read_papers([d])]
['arxiv:2401.01234']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..records import Paper
from .atom import read_atom
from .common import input_error, read_head
from .fields import has_paper_fields
from .jsonlines import read_json, read_jsonl
from .listing import read_listing
from .tabular import read_csv

__all__ = ["FORMATS", "read_papers", "read_file", "iter_input_files", "detect_format"]

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

_READERS: dict[str, Callable[[str], Iterator[Paper]]] = {
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "atom": read_atom,
    "listing": read_listing,
}


def _sniff(head: str) -> str:
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
    for delim in (",", "\t", ";", "|"):
        if delim in first_line and has_paper_fields(c.strip().strip('"') for c in first_line.split(delim)):
            return "csv"
    return "listing"


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format name of ``path`` (a key of the readers): by extension, checked against the content.

    A known extension wins unless the content clearly disagrees (a ``.jsonl``
    file holding a JSON list, a ``.txt`` file holding JSON Lines or a feed); an
    unknown extension is decided by content alone.
    """
    ext = Path(path).suffix.lower()
    head = read_head(path)
    sniffed = _sniff(head)
    declared = FORMATS.get(ext)
    if declared is None:
        return sniffed
    if declared == "jsonl" and sniffed == "json":
        return "json"
    if declared == "listing" and sniffed in ("jsonl", "json", "atom"):
        return sniffed
    return declared


def read_file(path: str | os.PathLike[str]) -> Iterator[Paper]:
    """Stream the papers of one file, in file order.

    Raises :class:`InputError` (one line, naming the file) when the file is
    missing, unreadable, empty, binary, not UTF-8, malformed for its format, or
    holds no papers.
    """
    p = os.fspath(path)
    if os.path.isdir(p):
        raise input_error(p, "is a folder, not a file")
    if not os.path.exists(p):
        raise input_error(p, "no such file or directory")
    fmt = detect_format(p)
    n = 0
    for paper in _READERS[fmt](p):
        n += 1
        yield paper
    if n == 0:
        raise input_error(p, f"no papers found (read as {fmt}: no record with a title or an abstract)")


def iter_input_files(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """The readable files under ``folder``, recursively, in sorted (deterministic) order.

    Hidden files and folders (name starting with ".") and files whose extension
    is not in :data:`FORMATS` are skipped; symlinked folders are not followed
    (they could loop).
    """
    try:
        entries = sorted(Path(folder).iterdir(), key=lambda e: e.name)
    except PermissionError:
        raise input_error(folder, "permission denied (folder is not readable)") from None
    except OSError as exc:
        raise input_error(folder, f"cannot list folder ({exc.strerror or exc})") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if not entry.is_symlink():
                yield from iter_input_files(entry)
        elif entry.suffix.lower() in FORMATS and entry.is_file():
            yield entry


def read_papers(
    paths: Iterable[str | os.PathLike[str]],
    *,
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[Paper]:
    """Stream the papers of files and folders, in the order given (folders: sorted, recursive).

    Papers are not de-duplicated: the same paper read twice is yielded twice
    with the same id, and the graph stage merges it. Only one file is read at a
    time. A folder with no readable file raises :class:`InputError` naming it.

    ``on_error``: when given, a file that cannot be read is reported to it and
    skipped instead of stopping the run (papers already yielded from that file
    stay yielded).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]  # one path given bare: do not iterate over its characters
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = iter_input_files(p)
            found = False
            for file in files:
                found = True
                yield from _guarded(file, on_error)
            if not found:
                raise input_error(p, f"folder has no readable files ({', '.join(FORMATS)})")
        else:
            yield from _guarded(p, on_error)


def _guarded(path: Path, on_error: Callable[[InputError], None] | None) -> Iterator[Paper]:
    if on_error is None:
        yield from read_file(path)
        return
    try:
        yield from read_file(path)
    except InputError as exc:
        on_error(exc)
