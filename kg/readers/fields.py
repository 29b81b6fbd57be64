"""Turning one record (a JSON object or a CSV row) into a :class:`~kg.records.Paper`.

Field names are matched case-insensitively (and with ``-``/space read as ``_``),
so ``Title``, ``ABSTRACT`` and ``arxiv-id`` all work. The first non-empty field
of each group below wins.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping

from ..records import Paper
from .common import make_paper, split_topics

__all__ = ["TITLE_FIELDS", "TEXT_FIELDS", "ID_FIELDS", "TOPIC_FIELDS", "normalise_key", "has_paper_fields", "record_to_paper"]

TITLE_FIELDS: tuple[str, ...] = ("title", "paper_title", "name")
TEXT_FIELDS: tuple[str, ...] = ("abstract", "summary", "text", "paper_abstract", "content")
# tried in order for an arXiv id; a field that is only "2401.01234" counts
ID_FIELDS: tuple[str, ...] = (
    "arxiv_id", "arxiv", "arxivid", "id", "paper_id", "entry_id", "url", "abs_url", "link", "pdf_url", "doi",
)
TOPIC_FIELDS: tuple[str, ...] = ("topics", "topic", "categories", "category", "primary_category", "tags")


@functools.lru_cache(maxsize=4096)  # the same few column names come back on every row
def normalise_key(key: object) -> str:
    """A field name lower-cased with spaces and hyphens as underscores."""
    return "_".join(str(key).strip().lower().replace("-", " ").split())


def has_paper_fields(keys: Iterable[object]) -> bool:
    """Whether a set of field names includes a title or an abstract/summary/text field."""
    names = {normalise_key(k) for k in keys}
    return any(f in names for f in TITLE_FIELDS + TEXT_FIELDS)


def _first(record: Mapping[str, object], names: tuple[str, ...]) -> object:
    for name in names:
        value = record.get(name)
        if value not in (None, "", [], ()):
            return value
    return None


def record_to_paper(record: Mapping[object, object], source: str | os.PathLike[str]) -> Paper | None:
    """The paper a record describes, or None when it has neither a title nor a text."""
    rec = {normalise_key(k): v for k, v in record.items()}
    topics: list[str] = []
    for name in TOPIC_FIELDS:
        topics.extend(split_topics(rec.get(name)))
    return make_paper(
        title=_first(rec, TITLE_FIELDS),
        text=_first(rec, TEXT_FIELDS),
        source=source,
        topics=topics,
        id_fields=[rec.get(name) for name in ID_FIELDS if rec.get(name) not in (None, "")],
    )
