"""A streaming JSON-LD writer for triples that arrive grouped by subject.

``write_jsonld(triples, fh, context=...)`` writes one JSON-LD document,
``{"@context": ..., "@graph": [node, node, ...]}``, in one pass: consecutive
triples with the same subject become one node object, which is written and
forgotten, so memory stays that of one node whatever the size of the graph. A
subject met again later simply gets a second node object with the same ``@id``
(JSON-LD merges them). The context comes first, as the streaming JSON-LD
profile wants, so pyoxigraph can read the file back without buffering it.

IRIs under a context prefix are written as compact IRIs (``kg:mentions``,
``entity:lora``); literals keep their exact lexical form (``{"@value": "78.5",
"@type": "xsd:double"}``), so a round trip gives back the same terms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import IO

import pyoxigraph as ox

__all__ = ["write_jsonld"]

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class _Compactor:
    """IRI -> compact IRI under the context's prefixes (namespaces ending in ``/`` or ``#``)."""

    def __init__(self, context: Mapping[str, str]) -> None:
        self.by_ns = {ns: prefix for prefix, ns in context.items()}
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        out = self.cache.get(iri)
        if out is not None:
            return out
        out = iri
        # the namespace is everything up to the last "/" or "#"; kg's local parts are
        # percent-encoded, so they hold neither
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix = self.by_ns.get(iri[:cut]) if cut else None
        if prefix is not None and not iri[cut:].startswith("//"):  # "p://x" would read as an absolute IRI
            out = f"{prefix}:{iri[cut:]}"
        if len(self.cache) < 100_000:  # vocabulary and popular nodes; not every evidence IRI
            self.cache[iri] = out
        return out


def _value(term, compact: _Compactor):
    if isinstance(term, ox.NamedNode):
        return {"@id": compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    dt = term.datatype.value
    if dt == _XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compact(dt)}


def write_jsonld(triples: Iterable[ox.Triple], fh: IO[bytes], *, context: Mapping[str, str]) -> None:
    """Write ``triples`` to the binary file ``fh`` as one JSON-LD document with ``context``."""
    compact = _Compactor(context)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    fh.write(b'{"@context":' + dumps(dict(context)).encode("utf-8") + b',"@graph":[\n')
    first = True
    subject = None
    node: dict = {}

    def flush() -> None:
        nonlocal first
        if node:
            fh.write((b"" if first else b",\n") + dumps(node).encode("utf-8"))
            first = False

    for t in triples:
        s = t.subject
        if s != subject:
            flush()
            subject = s
            node = {"@id": compact(s.value) if isinstance(s, ox.NamedNode) else f"_:{s.value}"}
        p = t.predicate.value
        if p == _RDF_TYPE and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact(t.object.value))
        else:
            node.setdefault(compact(p), []).append(_value(t.object, compact))
    flush()
    fh.write(b"\n]}\n")
