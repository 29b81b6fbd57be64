"""Export kg's graph as RDF (Turtle, N-Triples, JSON-LD) in kg's vocabulary.

The mapping (vocabulary in ``kg/vocab/ontology.ttl``, IRIs in :mod:`kg.namespaces`):

* a **paper** node is a ``kg:Paper`` with ``rdfs:label``, ``dcterms:title``,
  ``schema:abstract``, ``dcterms:identifier`` (the paper id), ``dcterms:source``
  (input files), ``schema:keywords`` (topics) and, with an arXiv id, ``kg:arxivId``
  plus ``schema:url`` and ``rdfs:seeAlso`` pointing at ``https://arxiv.org/abs/<id>``
  (not ``owl:sameAs``: the abs page is a web page about the paper, not the paper);
* an **entity** node is a ``kg:Entity`` and a ``kg:<type>`` with ``rdfs:label`` and
  ``skos:prefLabel``, ``skos:altLabel`` per alias, ``dcterms:identifier`` (the key),
  ``kg:nPapers`` and, for model variants, ``kg:family/version/size/flavour``;
* a **finding** node is a ``kg:Finding`` with its label, text, numbers and one
  ``kg:evidence`` item;
* every **edge** ``(u, key, v)`` is asserted as the triple ``u kg:<key> v`` *and*
  reified as an ``rdf:Statement`` / ``kg:Statement`` with ``kg:supportCount`` and
  one ``kg:evidence`` per evidence item;
* an **evidence** item is a ``kg:Evidence`` (an ``oa:SpecificResource``) with
  ``prov:wasDerivedFrom`` / ``oa:hasSource`` the paper, ``prov:wasGeneratedBy`` the
  rule (a ``kg:Rule``, i.e. a ``prov:Activity``), ``kg:sentence``, and two selectors:
  an ``oa:TextQuoteSelector`` (``oa:exact`` / ``oa:prefix`` / ``oa:suffix``) and an
  ``oa:TextPositionSelector`` (``oa:start`` / ``oa:end``, offsets into the paper's
  title + blank line + abstract).

Strings that cannot be UTF-8 encoded (lone surrogates) are written with U+FFFD.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

import networkx as nx
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SDO, SKOS

from ..errors import KGError
from ..io import write_bytes_atomic
from ..namespaces import (
    DEFAULT_BASE,
    KG,
    KG_VOCAB,
    MLS,
    OA,
    agent_iri,
    check_base,
    evidence_iri,
    node_iri,
    rule_iri,
    statement_iri,
)

__all__ = ["DEFAULT_BASE", "EDGE_PROPERTIES", "ENTITY_CLASSES", "FORMATS", "to_rdf", "write_rdf", "write_ontology", "ontology_path", "prefixes"]

#: graph edge key -> property
EDGE_PROPERTIES: dict[str, URIRef] = {
    "mentions": KG.mentions,
    "proposes": KG.proposes,
    "uses": KG.uses,
    "reports": KG.reports,
    "affiliated_with": KG.affiliatedWith,
    "co_occurs": KG.coOccursWith,
    "evaluated_on": KG.evaluatedOn,
    "benchmark_for": KG.benchmarkFor,
    "used_for": KG.usedFor,
    "trained_on": KG.trainedOn,
    "compared_with": KG.comparedWith,
    "outperforms": KG.outperforms,
    "part_of": KG.partOf,
    "subclass_of": KG.subclassOf,
    "measured_by": KG.measuredBy,
    "variant_of": KG.variantOf,
    "alias_of": KG.aliasOf,
    "subject": KG.subject,
    "metric": KG.metric,
    "setting": KG.setting,
}

#: node ``type`` -> class
ENTITY_CLASSES: dict[str, URIRef] = {
    "Method": KG.Method,
    "Model": KG.Model,
    "Architecture": KG.Architecture,
    "Dataset": KG.Dataset,
    "Task": KG.Task,
    "Metric": KG.Metric,
    "Organization": KG.Organization,
}

#: format name -> rdflib serializer name
FORMATS: dict[str, str] = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "json-ld": "json-ld", "jsonld": "json-ld"}

#: characters of context kept before and after an oa:TextQuoteSelector's exact text
QUOTE_CONTEXT = 32


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes kg binds in its exports (also the JSON-LD context)."""
    return {
        "kg": KG_VOCAB,
        "paper": f"{base}paper/",
        "entity": f"{base}entity/",
        "finding": f"{base}finding/",
        "rule": f"{base}rule/",
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "owl": str(OWL),
        "xsd": str(XSD),
        "schema": str(SDO),
        "dcterms": str(DCTERMS),
        "skos": str(SKOS),
        "prov": str(PROV),
        "oa": str(OA._NS),
        "mls": str(MLS._NS),
    }


def _clean(text: object) -> str:
    """``text`` as a str that UTF-8 can encode (lone surrogates -> U+FFFD)."""
    s = str(text)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in s)
    return s


def _str(value: object) -> Literal | None:
    """A plain string literal, or None for missing / empty values."""
    if value is None:
        return None
    s = _clean(value)
    return Literal(s) if s != "" else None


def _int(value: object) -> Literal | None:
    try:
        return Literal(int(value), datatype=XSD.integer)
    except (TypeError, ValueError):
        return None


def _float(value: object) -> Literal | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if f != f or f in (float("inf"), float("-inf")):
        return None  # NaN / inf are legal xsd:double but useless and break SHACL range checks
    return Literal(f, datatype=XSD.double)


def _paper_contents(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Paper node id -> ``Paper.content`` (title, blank line, text), the text offsets index."""
    out: dict[str, str] = {}
    for n, a in graph.nodes(data=True):
        if a.get("type") == "Paper":
            title, text = a.get("title") or "", a.get("text") or ""
            out[n] = f"{title}\n\n{text}" if title else text
    return out


class _Exporter:
    """Holds the output graph and the state shared while converting one graph."""

    def __init__(self, graph: nx.MultiDiGraph, base: str) -> None:
        self.graph = graph
        self.base = base
        self.out = Graph(bind_namespaces="core")
        for prefix, ns in prefixes(base).items():
            self.out.bind(prefix, ns, override=True, replace=True)
        self.contents = _paper_contents(graph)
        self.rules: set[str] = set()
        self.iris: dict[str, URIRef] = {}

    def iri(self, node: str) -> URIRef:
        iri = self.iris.get(node)
        if iri is None:
            iri = self.iris[node] = node_iri(node, self.base)
        return iri

    def add(self, s: URIRef, p: URIRef, o: object) -> None:
        if o is not None:
            self.out.add((s, p, o))

    # nodes ------------------------------------------------------------------------
    def paper(self, node: str, a: Mapping) -> None:
        s, add = self.iri(node), self.add
        add(s, RDF.type, KG.Paper)
        add(s, RDFS.label, _str(a.get("label")) or Literal(_clean(node)))
        add(s, DCTERMS.title, _str(a.get("title")))
        add(s, SDO.abstract, _str(a.get("text")))
        add(s, DCTERMS.identifier, Literal(_clean(node.partition("/")[2] or node)))
        for src in a.get("sources") or ():
            add(s, DCTERMS.source, _str(src))
        for topic in a.get("topics") or ():
            add(s, SDO.keywords, _str(topic))
        arxiv = _str(a.get("arxiv_id"))
        if arxiv is not None:
            add(s, KG.arxivId, arxiv)
        url = a.get("url") or (f"https://arxiv.org/abs/{arxiv}" if arxiv is not None else "")
        if url:
            page = URIRef(_safe_url(str(url)))
            add(s, SDO.url, page)
            add(s, RDFS.seeAlso, page)

    def entity(self, node: str, a: Mapping) -> None:
        s, add = self.iri(node), self.add
        add(s, RDF.type, KG.Entity)
        add(s, RDF.type, ENTITY_CLASSES.get(str(a.get("type")), KG.Entity))
        label = _str(a.get("label")) or Literal(_clean(node.partition("/")[2] or node))
        add(s, RDFS.label, label)
        add(s, SKOS.prefLabel, label)
        for alias in a.get("aliases") or ():
            alt = _str(alias)
            if alt is not None and alt != label:
                add(s, SKOS.altLabel, alt)
        add(s, DCTERMS.identifier, _str(a.get("key")) or Literal(_clean(node.partition("/")[2] or node)))
        add(s, KG.nPapers, _int(a.get("n_papers")))
        for attr, prop in (("family", KG.family), ("version", KG.version), ("size", KG.size), ("flavour", KG.flavour)):
            add(s, prop, _str(a.get(attr)))

    def finding(self, node: str, a: Mapping) -> None:
        s, add = self.iri(node), self.add
        add(s, RDF.type, KG.Finding)
        add(s, RDFS.label, _str(a.get("label")) or Literal(_clean(node)))
        add(s, KG.text, _str(a.get("text")))
        add(s, KG.direction, _str(a.get("direction")))
        add(s, KG.value, _float(a.get("value")))
        add(s, KG.unit, _str(a.get("unit")))
        add(s, KG.metricName, _str(a.get("metric")))
        add(s, KG.qualifier, _str(a.get("qualifier")))
        add(s, KG.baseline, _float(a.get("baseline")))
        paper = a.get("paper")
        if paper:
            add(s, PROV.wasDerivedFrom, self.iri(paper))
            self.evidence(s, {k: a.get(k) for k in ("paper", "sentence", "start", "end", "rule")})

    # edges ------------------------------------------------------------------------
    def edge(self, u: str, v: str, key: str, a: Mapping) -> None:
        su, sv = self.iri(u), self.iri(v)
        prop = EDGE_PROPERTIES.get(key, KG.relatedTo)
        add = self.add
        add(su, prop, sv)
        st = statement_iri(u, key, v, self.base)
        add(st, RDF.type, RDF.Statement)
        add(st, RDF.type, KG.Statement)
        add(st, RDF.subject, su)
        add(st, RDF.predicate, prop)
        add(st, RDF.object, sv)
        if prop == KG.relatedTo:
            add(st, KG.relationName, Literal(_clean(key)))
        items = _distinct_evidence(a.get("evidence") or ())
        for item in items:
            self.evidence(st, item)
        count = a.get("count")
        add(st, KG.supportCount, _int(count if isinstance(count, int) and count > 0 else max(len(items), 1)))

    def evidence(self, owner: URIRef, item: Mapping) -> None:
        paper = item.get("paper")
        if not paper:
            return
        rule = str(item.get("rule") or "unknown")
        start, end = item.get("start"), item.get("end")
        ev = evidence_iri(str(owner), paper, start, end, rule, self.base)
        add, pi = self.add, self.iri(paper)
        add(owner, KG.evidence, ev)
        add(ev, RDF.type, KG.Evidence)
        add(ev, PROV.wasDerivedFrom, pi)
        add(ev, OA.hasSource, pi)
        ri = rule_iri(rule, self.base)
        add(ev, PROV.wasGeneratedBy, ri)
        if rule not in self.rules:
            self.rules.add(rule)
            add(ri, RDF.type, KG.Rule)
            add(ri, RDFS.label, Literal(_clean(rule)))
            add(ri, PROV.wasAssociatedWith, agent_iri(self.base))
        sentence = _str(item.get("sentence"))
        add(ev, KG.sentence, sentence)
        content = self.contents.get(paper)
        ok = isinstance(start, int) and isinstance(end, int) and 0 <= start <= end
        exact = prefix = suffix = None
        if ok and content is not None and end <= len(content) and start < end:
            exact = _str(content[start:end])
            prefix = _str(content[max(0, start - QUOTE_CONTEXT) : start])
            suffix = _str(content[end : end + QUOTE_CONTEXT])
        elif sentence is not None:
            exact = sentence
        if exact is not None:
            q = URIRef(f"{ev}#quote")
            add(ev, OA.hasSelector, q)
            add(q, RDF.type, OA.TextQuoteSelector)
            add(q, OA.exact, exact)
            add(q, OA.prefix, prefix)
            add(q, OA.suffix, suffix)
        if ok:
            p = URIRef(f"{ev}#position")
            add(ev, OA.hasSelector, p)
            add(p, RDF.type, OA.TextPositionSelector)
            add(p, OA.start, Literal(start, datatype=XSD.nonNegativeInteger))
            add(p, OA.end, Literal(end, datatype=XSD.nonNegativeInteger))


def _safe_url(url: str) -> str:
    """``url`` with characters that are illegal in an IRI percent-encoded."""
    from urllib.parse import quote

    return quote(url, safe="".join(chr(c) for c in range(33, 127) if chr(c) not in '<>"{}|\\^`'), errors="replace")


def _distinct_evidence(items: Iterable[Mapping]) -> list[Mapping]:
    """Evidence items without repeats of the same (paper, start, end, rule)."""
    seen: set[tuple] = set()
    out = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        k = (item.get("paper"), item.get("start"), item.get("end"), item.get("rule"))
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def to_rdf(graph: nx.MultiDiGraph, *, base: str = DEFAULT_BASE) -> Graph:
    """Convert kg's graph (docs/SCHEMA.md section 3) to an rdflib ``Graph``.

    Data IRIs are minted under ``base`` (see :mod:`kg.namespaces`); the same graph
    always yields the same triples. Raises :class:`KGError` for an invalid base.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("entity/bert", type="Model", label="BERT", key="bert", aliases=[], n_papers=1)
    >>> len(to_rdf(g, base="https://example.org/")) > 0
    True
    """
    check_base(base)
    ex = _Exporter(graph, base)
    for node, a in graph.nodes(data=True):
        kind = a.get("type")
        if kind == "Paper":
            ex.paper(node, a)
        elif kind == "Finding":
            ex.finding(node, a)
        else:
            ex.entity(node, a)
    for u, v, key, a in graph.edges(keys=True, data=True):
        ex.edge(u, v, str(key), a)
    if ex.rules:
        ex.add(agent_iri(base), RDF.type, PROV.SoftwareAgent)
        ex.add(agent_iri(base), RDFS.label, Literal("kg"))
    return ex.out


def serialize(rdf: Graph, format: str = "turtle", *, base: str = DEFAULT_BASE) -> bytes:
    """Serialise ``rdf`` (as made by :func:`to_rdf`) to bytes in ``format``."""
    fmt = FORMATS.get(format)
    if fmt is None:
        raise KGError(f"unknown RDF format {format!r} (choose from turtle, nt, json-ld)")
    if fmt == "json-ld":
        return rdf.serialize(format="json-ld", context=prefixes(base), auto_compact=True, encoding="utf-8")
    return rdf.serialize(format=fmt, encoding="utf-8")


def write_rdf(graph: nx.MultiDiGraph, path: str | os.PathLike[str], *, format: str = "turtle", base: str = DEFAULT_BASE) -> Path:
    """Export ``graph`` to ``path`` as Turtle, N-Triples or JSON-LD, atomically.

    Returns the path written. Raises :class:`KGError` for an unknown format or an
    invalid base, :class:`OutputError` if the file cannot be written.
    """
    data = serialize(to_rdf(graph, base=base), format, base=base)
    return write_bytes_atomic(path, data)


def ontology_path() -> Path:
    """The path of kg's ontology (``kg/vocab/ontology.ttl``)."""
    return Path(str(resources.files("kg").joinpath("vocab", "ontology.ttl")))


def write_ontology(path: str | os.PathLike[str]) -> Path:
    """Write kg's ontology (Turtle) to ``path`` atomically; returns the path."""
    data = ontology_path().read_bytes()
    return write_bytes_atomic(path, data)
