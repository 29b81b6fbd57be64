"""CSV and TSV papers: a header row naming the columns, then one paper per row.

The header must have an abstract/summary/text column (any case; see
:mod:`kg.readers.fields` for the names read, and ``--text-field`` for others);
title, id/arxiv_id/url and topic/topics/categories columns are optional. Rows
are streamed; quoted fields may span lines.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from collections.abc import Iterator

from ..records import Paper
from .common import input_error, text_lines
from .fields import FieldMap

__all__ = ["read_csv"]

# abstracts can be long; the csv module's default cap (128 KiB per field) is for safety, not for us
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
# Excel's "sep=;" first line, naming the delimiter
_EXCEL_SEP = re.compile(r'"?sep=([,;|\t])"?', re.IGNORECASE)


def _delimiter(header: str, suffix: str) -> str:
    """The delimiter: tab for .tsv, else whichever of , tab ; | the header uses most."""
    if suffix == ".tsv":
        return "\t"
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _record(columns: list[str], row: list[str]) -> dict[str, str]:
    """The row as a record; of two columns with one name, the first non-empty cell wins."""
    rec: dict[str, str] = {}
    for column, cell in zip(columns, row):
        if column not in rec or (cell.strip() and not rec[column].strip()):
            rec[column] = cell
    return rec


def _header_problem(columns: list[str], fields: FieldMap) -> str | None:
    """What is wrong with a header for reading papers, or None."""
    shown = ", ".join(c for c in columns if c)
    shown = (shown[:200] + " ...") if len(shown) > 200 else shown or "none"
    if not fields.has_paper_fields(columns):
        if fields.title_field or fields.text_field:
            named = " or ".join(repr(f) for f in (fields.title_field, fields.text_field) if f)
            return f"no {named} column in the header, nor a usual title/abstract one (columns: {shown})"
        return (
            f"no title, abstract, summary or text column in the header (columns: {shown}); "
            "name yours with --title-field / --text-field"
        )
    if not fields.has_text_field(columns):
        # titles alone would build a graph of empty papers: stop instead of dropping every abstract
        hint = "" if fields.text_field else "; name it with --text-field"
        return f"no {fields.describe()} column in the header, only a title (columns: {shown}){hint}"
    return None


def read_csv(path: str | os.PathLike[str], fields: FieldMap | None = None) -> Iterator[Paper]:
    """Stream the papers of a CSV/TSV file with a header row.

    Raises :class:`InputError` when the header has no title/abstract/summary/text
    column, has a title but no text column, or a row is malformed (naming the
    line). An Excel ``sep=;`` first line sets the delimiter.
    """
    fields = fields or FieldMap()
    lines = text_lines(path, keepends=True)
    first = ""
    skipped = 0  # lines before the header, so reported line numbers match the file
    for first in lines:
        if first.strip():
            break
        skipped += 1
    if not first.strip():
        raise input_error(path, "empty file")
    declared = _EXCEL_SEP.fullmatch(first.rstrip("\r\n").strip(" "))
    if declared:
        skipped += 1
        first = next(lines, "")
    delimiter = declared.group(1) if declared else _delimiter(first, os.path.splitext(os.fspath(path))[1].lower())

    def rows() -> Iterator[str]:
        yield first
        yield from lines

    # strict: an unbalanced quote would otherwise swallow the rest of the file into one field
    reader = csv.reader(rows(), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
        columns = [c.strip() for c in header]
        problem = _header_problem(columns, fields)
        if problem:
            raise input_error(path, problem, reader.line_num + skipped)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            paper = fields.paper(_record(columns, row), path)
            if paper is not None:
                yield paper
    except csv.Error as exc:
        raise input_error(path, f"malformed CSV ({exc})", reader.line_num + skipped) from None
