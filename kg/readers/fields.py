"""Turning one record (a JSON object or a CSV row) into a :class:`~kg.records.Paper`.

Field names are matched case-insensitively, with ``-``/space read as ``_`` and
camelCase split (``Title``, ``ABSTRACT``, ``arxiv-id``, ``paperTitle``,
``abstractText`` all work). The first non-empty field of each group below wins.
Fields with other names are named with :class:`FieldMap` (``kg build
--title-field`` / ``--text-field``): the named field is tried first, then the
usual names, so one setting serves several files. A named field may be a dotted
path into nested JSON objects (``metadata.abstract``).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping

from ..records import Paper
from .common import make_paper, split_topics

__all__ = [
    "TITLE_FIELDS",
    "TEXT_FIELDS",
    "ID_FIELDS",
    "TOPIC_FIELDS",
    "FieldMap",
    "normalise_key",
    "record_keys",
    "is_empty",
    "lookup_field",
    "has_paper_fields",
    "record_to_paper",
]

TITLE_FIELDS: tuple[str, ...] = ("title", "titles", "paper_title", "name")
TEXT_FIELDS: tuple[str, ...] = (
    "abstract", "abstracts", "summary", "summaries", "text", "abstract_text", "paper_abstract", "content",
)
# tried in order for an arXiv id; a field that is only "2401.01234" counts
ID_FIELDS: tuple[str, ...] = (
    "arxiv_id", "arxiv", "arxivid", "id", "paper_id", "entry_id", "url", "abs_url", "link", "pdf_url", "doi",
)
TOPIC_FIELDS: tuple[str, ...] = ("topics", "topic", "categories", "category", "primary_category", "tags")

# field names longer than this match no known field; they are not cached (a hostile file
# could otherwise pin thousands of megabyte-long keys in the cache)
_MAX_CACHED_KEY = 64
# a lower-case letter or digit followed by an upper-case letter: a camelCase word break
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# how many distinct field names a FieldMap remembers for its error messages
_MAX_SEEN = 40
# how many of a file's first records it takes its field names from
_SAMPLED_RECORDS = 20


def _normalise(key: object, camel: bool) -> str:
    text = str(key)
    if camel:
        text = _CAMEL.sub("_", text)
    return "_".join(text.strip().lower().replace("-", " ").split())


_normalise_cached = functools.lru_cache(maxsize=4096)(_normalise)  # the same few names come back on every row


def normalise_key(key: object, *, camel: bool = False) -> str:
    """A field name lower-cased with spaces and hyphens as underscores (``camel``: camelCase split too)."""
    if isinstance(key, str) and len(key) <= _MAX_CACHED_KEY:
        return _normalise_cached(key, camel)
    return _normalise(key, camel)


def _forms(key: object) -> tuple[str, ...]:
    """The names a field is found under: plain, and camelCase-split when that differs."""
    plain = _normalise(key, False)
    split = _normalise(key, True)
    return (plain,) if split == plain else (plain, split)


_forms_cached = functools.lru_cache(maxsize=4096)(_forms)


def record_keys(record: Mapping[object, object]) -> dict[str, object]:
    """``record`` keyed by normalised field names, under both the plain and the camelCase-split form."""
    rec: dict[str, object] = {}
    for key, value in record.items():
        forms = _forms_cached(key) if isinstance(key, str) and len(key) <= _MAX_CACHED_KEY else _forms(key)
        for name in forms:
            rec.setdefault(name, value)
    return rec


def is_empty(value: object) -> bool:
    """Whether a field value counts as missing: None, blank text, or an empty list or object."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, (list, tuple, dict)) and not value


def lookup_field(rec: Mapping[str, object], name: str) -> object:
    """The value of field ``name``: a normalised key, or a dotted path into nested objects."""
    value = rec.get(name)
    if value is not None or "." not in name:
        return value
    node: object = rec
    for part in name.split("."):
        if not isinstance(node, Mapping):
            return None
        node = record_keys(node).get(part)
    return node


class FieldMap:
    """Which fields of a record hold a paper's title and text, and what a file's records held.

    ``title_field`` / ``text_field`` name fields the usual names miss; they are
    tried before the usual names. One FieldMap reads one file: it counts the
    records it saw without a title or a text and remembers the field names it
    met, for :func:`kg.readers.read_file`'s messages.
    """

    def __init__(self, title_field: str | None = None, text_field: str | None = None) -> None:
        self.title_field = title_field
        self.text_field = text_field
        self.title_names = _names(title_field, TITLE_FIELDS)
        self.text_names = _names(text_field, TEXT_FIELDS)
        #: records that gave no paper (neither a title nor a text)
        self.skipped = 0
        #: field names met in the first 20 records, in first-seen order (at most 40)
        self.seen: dict[str, None] = {}
        self._sampled = 0

    def fresh(self) -> FieldMap:
        """A FieldMap with the same fields and nothing counted yet (for the next file)."""
        return FieldMap(self.title_field, self.text_field)

    def has_paper_fields(self, keys: Iterable[object]) -> bool:
        """Whether field names ``keys`` include a title or a text field."""
        names = {normalise_key(k) for k in keys} | {normalise_key(k, camel=True) for k in keys}
        return any(_top(f) in names for f in self.title_names + self.text_names)

    def has_text_field(self, keys: Iterable[object]) -> bool:
        """Whether field names ``keys`` include a text field."""
        names = {normalise_key(k) for k in keys} | {normalise_key(k, camel=True) for k in keys}
        return any(_top(f) in names for f in self.text_names)

    def describe(self) -> str:
        """The text fields looked for, for messages: ``abstract, summary or text`` (or the named one)."""
        if self.text_field:
            return repr(self.text_field)
        return "abstract, summary or text"

    def _first(self, rec: Mapping[str, object], names: tuple[str, ...]) -> object:
        for name in names:
            value = lookup_field(rec, name)
            if not is_empty(value):
                return value
        return None

    def paper(self, record: Mapping[object, object], source: str | os.PathLike[str]) -> Paper | None:
        """The paper ``record`` describes, or None (counted in :attr:`skipped`) when it has neither title nor text."""
        if self._sampled < _SAMPLED_RECORDS:  # the first records show a file's fields
            self._sampled += 1
            for key in record:
                if len(self.seen) >= _MAX_SEEN:
                    break
                self.seen.setdefault(" ".join(str(key).split())[:40], None)
        rec = record_keys(record)
        topics: list[str] = []
        for name in TOPIC_FIELDS:
            topics.extend(split_topics(rec.get(name)))
        paper = make_paper(
            title=self._first(rec, self.title_names),
            text=self._first(rec, self.text_names),
            source=source,
            topics=topics,
            id_fields=[rec.get(name) for name in ID_FIELDS if not is_empty(rec.get(name))],
        )
        if paper is None:
            self.skipped += 1
        return paper


def _names(field: str | None, defaults: tuple[str, ...]) -> tuple[str, ...]:
    if not field or not field.strip():
        return defaults
    # a dotted path keeps its dots; each part is normalised like a key
    name = ".".join(normalise_key(part) for part in field.split("."))
    return (name, *(d for d in defaults if d != name))


def _top(name: str) -> str:
    """The top-level field of a (possibly dotted) field name."""
    return name.split(".", 1)[0]


def has_paper_fields(keys: Iterable[object]) -> bool:
    """Whether a set of field names includes one of the usual title or abstract/summary/text fields."""
    return _DEFAULT.has_paper_fields(keys)


def record_to_paper(
    record: Mapping[object, object], source: str | os.PathLike[str], fields: FieldMap | None = None
) -> Paper | None:
    """The paper a record describes (fields read by ``fields``, default: the usual names), or None."""
    return (fields or FieldMap()).paper(record, source)


_DEFAULT = FieldMap()
