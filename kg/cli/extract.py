"""``kg extract PATH... -o OUT.jsonl``: run kg's pipeline over papers and write one extraction per line.

Input is whatever ``kg build`` reads (:mod:`kg.readers`: files and folders of
``.jsonl``, ``.json``, ``.csv``/``.tsv``, Atom ``.xml`` and ``.txt`` listings),
plus the document form of JSON Lines, JSON and CSV: a record with an ``id`` and
a ``text`` but no title, such as an annotated evaluation corpus. A document
keeps its ``id`` as the output id and its text exactly as given (only characters
no writer can carry, such as lone surrogates, become U+FFFD, one for one), so
offsets point into the input's ``text``. Every other record is read as ``kg
build`` reads it: its id is the graph's paper id (``arxiv:`` or ``sha:``) and
offsets point into ``Paper.content`` (title, blank line, abstract).

Each output line holds one paper's entities, relations, aliases and findings
(:func:`kg.evaluate.extraction_to_dict`); ``kg eval --pred`` scores it.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..errors import OutputError
from ..evaluate import extraction_to_dict
from ..io import atomic_write
from ..progress import Progress
from ..readers import detect_format, input_files, read_file
from ..rulefiles import RuleFolder, RulesDir
from ..readers.common import clean_text, display_path, input_error
from ..readers.fields import FieldMap, is_empty, lookup_field, record_keys
from ..readers.jsonlines import read_json, read_jsonl
from ..readers.tabular import read_csv
from ..records import Paper

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["register", "extract_cli", "DocumentFields", "read_documents", "extract_to_jsonl"]

# the formats whose records go through a FieldMap, so documents can keep their id and text
_RECORD_READERS: dict[str, Callable[..., Iterator[Paper]]] = {"jsonl": read_jsonl, "json": read_json, "csv": read_csv}
_ID_FIELD = "id"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``extract`` command."""
    p = subparsers.add_parser(
        "extract",
        help="extract entities, relations and findings from papers into JSON Lines",
        description="Run kg's pipeline over the papers in PATH... (every input kg build reads, and "
        "{\"id\", \"text\"} documents) and write one extraction per line to OUT.jsonl. A document keeps "
        "its id, and offsets are character offsets into its text (end exclusive); other papers get "
        "kg build's paper id, with offsets into title + blank line + abstract.",
    )
    p.add_argument(
        "paths", nargs="+", metavar="PATH",
        help="files or folders: .jsonl/.json/.csv/.tsv records, arXiv Atom .xml, .txt listing dumps",
    )
    p.add_argument("-o", "--output", metavar="OUT.jsonl", required=True, help="output file (written atomically)")
    p.add_argument("--title-field", default=None, metavar="NAME", help="column or JSON field holding the title, when it has an unusual name")
    p.add_argument("--text-field", default=None, metavar="NAME", help="column or JSON field holding the text, when it has an unusual name")
    p.add_argument("--rules", default=None, metavar="DIR", help="rules folder to read instead of kg's own rules/ (every stage)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress or summary line")
    # kept so scripts written for the old per-N-docs reporter still run: 0 meant "no progress"
    p.add_argument("--progress-every", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=extract_cli)


def extract_cli(args: argparse.Namespace) -> int:
    """Run ``kg extract`` from parsed arguments; return the exit code."""
    quiet = args.quiet or args.progress_every == 0
    progress = Progress(enabled=not quiet, label="kg extract", unit="docs")
    n = extract_to_jsonl(
        args.paths, args.output, progress=progress, title_field=args.title_field, text_field=args.text_field,
        rules_dir=args.rules,
    )
    if not quiet:
        print(f"kg extract: {n:,} docs -> {display_path(args.output)}", file=sys.stderr)
    return 0


def extract_to_jsonl(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    nlp: "Language | None" = None,
    *,
    progress: Progress | None = None,
    batch_size: int = 64,
    title_field: str | None = None,
    text_field: str | None = None,
    rules_dir: str | os.PathLike[str] | None = None,
) -> int:
    """Extract every paper of ``paths`` (:func:`read_documents`) into ``out_path``; return the count.

    Papers stream through the pipeline ``batch_size`` at a time; ``out_path`` is
    written atomically, so bad input met half way leaves an earlier output
    untouched. ``nlp`` defaults to kg's pipeline with the rules of ``rules_dir``
    (default: kg's rules/, which also give the page chrome of listing dumps);
    ``progress`` counts each paper written.
    """
    from ..extract import extract

    rules = RuleFolder.read(rules_dir) if rules_dir is not None else None
    papers = read_documents(paths, title_field=title_field, text_field=text_field, rules_dir=rules)
    # the first paper is read before the pipeline's seconds of loading: a wrong path fails at once
    first = next(papers, None)
    papers = itertools.chain([first] if first is not None else [], papers)
    if nlp is None:
        from ..pipeline import load_pipeline

        nlp = load_pipeline(rules_dir=rules)
    n = 0
    try:
        with atomic_write(out_path) as out:
            for ext in extract(nlp, papers, batch_size=batch_size):
                _write_line(out, extraction_to_dict(ext))
                n += 1
                if progress is not None:
                    progress.update()
    except OSError as exc:
        raise OutputError(f"{display_path(out_path)}: cannot write ({exc.strerror or exc})") from None
    finally:
        if progress is not None:
            progress.close()
    return n


def _write_line(out: IO[str], record: dict) -> None:
    out.write(json.dumps(record, ensure_ascii=False))
    out.write("\n")


# --------------------------------------------------------------------------- reading


class DocumentFields(FieldMap):
    """A :class:`~kg.readers.fields.FieldMap` that keeps a title-less record's ``id`` and text as given.

    A record with a title is read exactly as :class:`FieldMap` reads it. A
    record without one whose text field holds a string is a document: its text
    is kept verbatim (lone surrogates and control characters other than tab,
    newline and CR become U+FFFD, one for one, so offsets hold) rather than
    whitespace-collapsed, and its ``id`` field (a string or number), when it has
    one, replaces the ``arxiv:``/``sha:`` id.
    """

    def fresh(self) -> DocumentFields:
        """A DocumentFields with the same fields and nothing counted yet (for the next file)."""
        return DocumentFields(self.title_field, self.text_field)

    def paper(self, record: Mapping[object, object], source: str | os.PathLike[str]) -> Paper | None:
        """The paper or document ``record`` describes, or None when it has neither a title nor a text."""
        paper = super().paper(record, source)
        if paper is None or paper.title is not None:
            return paper
        keys = record_keys(record)
        # the field FieldMap took the text from: the first non-empty one, in the same order
        text = next((v for v in (lookup_field(keys, name) for name in self.text_names) if not is_empty(v)), None)
        if not isinstance(text, str):  # a list or a number: nothing verbatim to keep
            return paper
        own_id = _own_id(keys.get(_ID_FIELD))
        return dataclasses.replace(paper, id=own_id or paper.id, text=clean_text(text))


def _own_id(value: object) -> str | None:
    """A record's ``id`` value as the document id: a non-blank string or a number, as ``str()`` writes it."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        text = str(value)
    except ValueError:  # an int longer than Python writes out
        return None
    # kg eval reads the gold id with str() too, so the two meet exactly
    return clean_text(text) if text.strip() else None


def read_documents(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    title_field: str | None = None,
    text_field: str | None = None,
    rules_dir: RulesDir = None,
) -> Iterator[Paper]:
    """Stream the papers and documents of files and folders, in order (folders: sorted, recursive).

    Like :func:`kg.readers.read_papers`, with :class:`DocumentFields` for JSON
    Lines, JSON and CSV/TSV files, so ``{"id", "text"}`` records keep their id
    and exact text. Bad input raises :class:`~kg.errors.InputError` naming the
    file (and line).
    """
    for file in input_files(paths):
        yield from _read_one(file, title_field, text_field, rules_dir)


def _read_one(path: Path, title_field: str | None, text_field: str | None, rules_dir: RulesDir = None) -> Iterator[Paper]:
    """One file's papers: record formats through :class:`DocumentFields`, the rest through :func:`read_file`."""
    fields = DocumentFields(title_field, text_field)
    fmt = detect_format(path, fields=fields)
    reader = _RECORD_READERS.get(fmt)
    if reader is None:
        yield from read_file(path, title_field=title_field, text_field=text_field, rules_dir=rules_dir)
        return
    n = no_text = 0
    for paper in reader(path, fields=fields):
        n += 1
        no_text += not paper.text
        yield paper
    # read_file's checks, for the files read here instead: an empty or misnamed text
    # field must not silently give an output of nothing (or of titles only)
    if n == 0:
        raise input_error(path, f"no papers found (read as {fmt}: no record with a title or a {fields.describe()} text)")
    if no_text == n:
        raise input_error(path, f"none of the {n} records has a {fields.describe()} text (read as {fmt}); name it with --text-field")
    lacking = no_text + fields.skipped
    if lacking:
        logging.getLogger("kg").warning(
            "%s: %d of %d records have no text (%d kept with the title only, %d skipped)",
            display_path(path), lacking, n + fields.skipped, no_text, fields.skipped,
        )
