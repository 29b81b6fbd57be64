"""CSV and TSV papers: a header row naming the columns, then one paper per row.

The header must have a title or an abstract/summary/text column (any case);
id/arxiv_id/url and topic/topics/categories columns are optional. Rows are
streamed; quoted fields may span lines.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterator

from ..records import Paper
from .common import input_error, text_lines
from .fields import TEXT_FIELDS, TITLE_FIELDS, has_paper_fields, record_to_paper

__all__ = ["read_csv"]

# abstracts can be long; the csv module's default cap (128 KiB per field) is for safety, not for us
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _delimiter(header: str, suffix: str) -> str:
    """The delimiter: tab for .tsv, else whichever of , tab ; | the header uses most."""
    if suffix == ".tsv":
        return "\t"
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: str | os.PathLike[str]) -> Iterator[Paper]:
    """Stream the papers of a CSV/TSV file with a header row.

    Raises :class:`InputError` when the header has no title/abstract/summary/text
    column or a row is malformed (naming the line).
    """
    lines = text_lines(path, keepends=True)
    first = ""
    skipped = 0  # blank lines before the header, so reported line numbers match the file
    for first in lines:
        if first.strip():
            break
        skipped += 1
    if not first.strip():
        raise input_error(path, "empty file")
    delimiter = _delimiter(first, os.path.splitext(os.fspath(path))[1].lower())

    def rows() -> Iterator[str]:
        yield first
        yield from lines

    # strict: an unbalanced quote would otherwise swallow the rest of the file into one field
    reader = csv.reader(rows(), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        columns = [c.strip() for c in header]
        if not has_paper_fields(columns):
            names = TITLE_FIELDS[:1] + TEXT_FIELDS[:3]
            wanted = ", ".join(names[:-1]) + " or " + names[-1]
            shown = ", ".join(c for c in columns if c)[:200] or "none"
            raise input_error(path, f"no {wanted} column in the header (columns: {shown})", reader.line_num + skipped)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            paper = record_to_paper(dict(zip(columns, row)), path)
            if paper is not None:
                yield paper
    except csv.Error as exc:
        raise input_error(path, f"malformed CSV ({exc})", reader.line_num + skipped) from None
