"""arXiv API Atom feeds (``.xml``/``.atom``), and RSS 2.0 feeds such as arXiv's daily RSS.

Feeds are untrusted input: a DOCTYPE or ENTITY declaration (the billion-laughs
and external-entity attacks) is refused with an :class:`InputError` before
anything is expanded. The feed is parsed with expat as a stream, fed in
doubling blocks (:func:`~kg.readers.common.text_chunks`: expat 2.5 rescans an
unfinished token on every block, so line-sized blocks made a long start tag or
an unclosed comment quadratic), and each entry is yielded once its block is parsed. Titles and summaries are line-wrapped in the
API's output, so their whitespace is collapsed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from xml.parsers import expat

from ..records import Paper
from .common import input_error, make_paper, text_chunks
from .fields import FieldMap

__all__ = ["ATOM_NS", "read_atom"]

ATOM_NS = "http://www.w3.org/2005/Atom"
_ARXIV_NS = "http://arxiv.org/schemas/atom"
_RSS1_NS = "http://purl.org/rss/1.0/"
_SEP = "\x1f"  # expat joins namespace and local name with this; it cannot occur in XML names
# arXiv RSS descriptions start "arXiv:2401.01234v1 Announce Type: new Abstract: ..."
_RSS_PREFIX = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*Abstract:\s*", re.IGNORECASE)


class _Refused(Exception):
    """A DOCTYPE/ENTITY declaration was met."""


class _FeedBuilder:
    """expat handlers that collect entries (Atom ``entry`` / RSS ``item``) as dicts."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.done: list[dict[str, object]] = []
        self._entry: dict[str, object] | None = None
        self._field: str | None = None
        self._depth = 0  # depth inside the current entry
        self._buf: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(_SEP)
        if self.root is None:
            self.root = local
        if self._entry is None:
            # an Atom feed written without its namespace still has entries
            if (local == "entry" and ns in (ATOM_NS, "")) or (local == "item" and ns in ("", _RSS1_NS)):
                self._entry = {"categories": [], "links": []}
                self._depth = 0
            return
        self._depth += 1
        if self._depth != 1:
            return
        if local == "category":
            term = attrs.get("term")
            if term:
                self._entry["categories"].append(term)  # type: ignore[union-attr]
            elif ns == "":
                self._field, self._buf = "category", []  # RSS: <category>cs.CL</category>
        elif local == "primary_category" and ns == _ARXIV_NS and attrs.get("term"):
            self._entry["categories"].insert(0, attrs["term"])  # type: ignore[union-attr]
        elif local == "link" and attrs.get("href"):
            self._entry["links"].append(attrs["href"])  # type: ignore[union-attr]
        elif local in ("title", "summary", "content", "id", "description", "link", "guid", "doi"):
            self._field, self._buf = local, []

    def end(self, name: str) -> None:
        if self._entry is None:
            return
        if self._depth == 0:
            self.done.append(self._entry)
            self._entry = None
            return
        if self._depth == 1 and self._field is not None:
            value = "".join(self._buf)
            if self._field == "category":
                self._entry["categories"].append(value.strip())  # type: ignore[union-attr]
            elif self._field == "link":
                self._entry["links"].append(value.strip())  # type: ignore[union-attr]
            else:
                self._entry.setdefault(self._field, value)
            self._field = None
        self._depth -= 1

    def text(self, data: str) -> None:
        if self._field is not None:
            self._buf.append(data)


def _refuse(*_args: object) -> None:
    raise _Refused


def _paper(entry: dict[str, object], path: str | os.PathLike[str], fields: FieldMap) -> Paper | None:
    if "arxiv.org/api/errors" in str(entry.get("id") or ""):
        # the arXiv API answers a bad query with a feed holding one "Error" entry
        raise input_error(path, f"the feed is an arXiv API error: {str(entry.get('summary') or '').strip()}")
    text = entry.get("summary") or entry.get("content") or entry.get("description") or ""
    text = _RSS_PREFIX.sub("", str(text))
    paper = make_paper(
        title=entry.get("title"),
        text=text,
        source=path,
        topics=[str(c) for c in entry["categories"] if c],  # type: ignore[union-attr]
        id_fields=[entry.get("id"), entry.get("guid"), entry.get("doi"), *entry["links"]],  # type: ignore[misc]
    )
    if paper is None:
        fields.skipped += 1
    return paper


def read_atom(path: str | os.PathLike[str], fields: FieldMap | None = None) -> Iterator[Paper]:
    """Stream the papers of an Atom feed (arXiv API) or an RSS 2.0 feed.

    Each ``entry`` gives title, summary, id (the abs URL: the arXiv id) and its
    category terms as topics. Raises :class:`InputError` for XML that does not
    parse, declares a DOCTYPE/ENTITY, or is not a feed. ``fields`` only counts
    the entries that had neither a title nor a summary (feeds have fixed names).
    """
    fields = fields or FieldMap()
    builder = _FeedBuilder()
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True

    def feed(data: str, final: bool) -> None:
        try:
            parser.Parse(data, final)
        except _Refused:
            raise input_error(
                path, "XML DOCTYPE/ENTITY declarations are not allowed in feeds (untrusted input)", parser.CurrentLineNumber
            ) from None
        except expat.ExpatError as exc:
            raise input_error(
                path, f"not well-formed XML ({expat.ErrorString(exc.code)}, column {exc.offset + 1})", exc.lineno
            ) from None

    def check_root() -> None:
        if builder.root is not None and builder.root not in ("feed", "rss", "RDF"):
            raise input_error(path, f"not an Atom or RSS feed (root element <{builder.root[:60]}>)")

    for chunk in text_chunks(path):
        feed(chunk, False)
        check_root()
        for entry in builder.done:
            paper = _paper(entry, path, fields)
            if paper is not None:
                yield paper
        builder.done.clear()
    feed("", True)
    check_root()
    for entry in builder.done:
        paper = _paper(entry, path, fields)
        if paper is not None:
            yield paper
