"""Export kg's graph as RDF (Turtle, N-Triples, JSON-LD) in kg's vocabulary.

One generator, :func:`iter_triples`, turns the graph into pyoxigraph triples, a
paper (or an entity) at a time; :func:`write_rdf` streams it to a file through
pyoxigraph's Turtle / N-Triples serialisers (or kg's JSON-LD writer,
:mod:`kg.export.jsonld`), in time and memory linear in the graph, never holding
the triples; :func:`to_rdf` collects the same triples into an ``rdflib.Graph``.

The mapping (vocabulary in ``kg/vocab/ontology.ttl``, IRIs in :mod:`kg.namespaces`):

* a **paper** node is a ``kg:Paper`` with ``rdfs:label``, ``dcterms:title``,
  ``schema:abstract``, ``dcterms:identifier`` (the paper id), ``dcterms:source``
  (input files), ``schema:keywords`` (topics) and, with an arXiv id, ``kg:arxivId``
  plus ``schema:url`` and ``rdfs:seeAlso`` pointing at ``https://arxiv.org/abs/<id>``
  (not ``owl:sameAs``: the abs page is a web page about the paper, not the paper);
* an **entity** node is a ``kg:Entity`` and a ``kg:<type>`` with ``rdfs:label`` and
  ``skos:prefLabel``, ``skos:altLabel`` per alias, ``dcterms:identifier`` (the key),
  ``kg:nPapers`` and, for model variants, ``kg:family/version/size/flavour``;
* a **finding** node is a ``kg:Finding`` with its label, text, numbers,
  ``prov:wasDerivedFrom`` its paper and ``kg:evidence`` its evidence item;
* every **edge** ``(u, key, v)`` is the triple ``u kg:<key> v``.

How much provenance comes with the facts is the *evidence level*
(:data:`EVIDENCE_LEVELS`, ``kg build --evidence``):

``compact`` (the default)
    Each edge is also a ``kg:Statement`` (``rdf:subject`` / ``rdf:predicate`` /
    ``rdf:object``, ``kg:supportCount``: how many times the edge was seen, for
    co-occurrence the number of sentences) with one ``kg:evidence`` link per
    evidence item. An **evidence item** is one node per (paper, offsets, rule),
    shared by every statement and finding it supports: ``kg:inSentence`` its
    sentence, ``prov:wasGeneratedBy`` the rule (a ``kg:Rule``, i.e. a
    ``prov:Activity``), ``kg:start`` / ``kg:end`` (character offsets into the
    paper's title + blank line + abstract, end exclusive). A **sentence** is one
    node per sentence of a paper that some evidence quotes: ``dcterms:isPartOf``
    the paper, ``kg:text``, ``kg:start``. The quoted text is the sentence's
    substring ``[start - sentence start, end - sentence start)``; only an item whose
    span lies outside its sentence carries it as ``kg:exact``. Nothing of the
    graph's evidence is lost, and a sentence is written once, not once per item.
``full``
    ``compact`` plus the self-contained W3C Web Annotation form of every item:
    ``a kg:Evidence`` (an ``oa:SpecificResource``), ``prov:wasDerivedFrom`` and
    ``oa:hasSource`` the paper, the sentence again as a ``kg:sentence`` literal,
    an ``oa:TextQuoteSelector`` (``oa:exact`` / ``oa:prefix`` / ``oa:suffix``) and an
    ``oa:TextPositionSelector`` (``oa:start`` / ``oa:end``); statements are also
    ``rdf:Statement`` and sentences ``kg:Sentence``. About twice the triples.
``none``
    The facts only: nodes and the edge triples, no statements, counts, evidence,
    sentences or rules.

Every ready query in ``queries/`` answers on ``compact`` and ``full`` (``full`` is
a superset of ``compact``); on ``none`` the queries that report counts or
evidence have nothing to report.

Strings that cannot be UTF-8 encoded (lone surrogates) are written with U+FFFD.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SDO, SKOS

from ..errors import KGError, OutputError
from ..io import atomic_write, write_bytes_atomic
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
    sentence_iri,
    statement_iri,
)
from ..schema import NODE_TYPES, RELATIONS, TableView, node_content
from ..values import as_int, clean_text, safe_url

__all__ = [
    "DEFAULT_BASE",
    "DEFAULT_EVIDENCE",
    "EDGE_PROPERTIES",
    "ENTITY_CLASSES",
    "EVIDENCE_LEVELS",
    "FORMATS",
    "iter_triples",
    "to_rdf",
    "write_rdf",
    "write_ontology",
    "ontology_path",
    "ontology_turtle",
    "shapes_turtle",
    "prefixes",
]

#: evidence levels, smallest last (see the module docstring)
EVIDENCE_LEVELS: tuple[str, ...] = ("full", "compact", "none")
#: the level ``kg build`` and :func:`write_rdf` use unless told otherwise
DEFAULT_EVIDENCE = "compact"

#: graph edge key -> property (kg.schema.RELATIONS)
EDGE_PROPERTIES: Mapping[str, URIRef] = TableView(RELATIONS, lambda r: URIRef(KG_VOCAB + r.rdf_property))

#: entity node ``type`` -> class (the entity types of kg.schema.NODE_TYPES)
ENTITY_CLASSES: Mapping[str, URIRef] = TableView(
    NODE_TYPES, lambda t: URIRef(KG_VOCAB + t.rdf_class), keep=lambda t: t.kind == "entity"
)

#: format name -> canonical format name (``turtle``, ``nt``, ``json-ld``)
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
        "statement": f"{base}statement/",
        "evidence": f"{base}evidence/",
        "sentence": f"{base}sentence/",
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


# ------------------------------------------------------------------------ terms
def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


_TYPE = _n(RDF.type)
_LABEL = _n(RDFS.label)
_XSD_INTEGER = _n(XSD.integer)
_XSD_NNI = _n(XSD.nonNegativeInteger)
_XSD_DOUBLE = _n(XSD.double)
_XSD_STRING = str(XSD.string)
_V = {name: _n(KG[name]) for name in KG.__annotations__}  # kg's vocabulary as pyoxigraph terms
_OA = {name: _n(OA[name]) for name in OA.__annotations__}
_RDF_STATEMENT, _RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = (_n(t) for t in (RDF.Statement, RDF.subject, RDF.predicate, RDF.object))
_TITLE, _IDENTIFIER, _SOURCE, _IS_PART_OF = (_n(t) for t in (DCTERMS.title, DCTERMS.identifier, DCTERMS.source, DCTERMS.isPartOf))
_ABSTRACT, _KEYWORDS, _URL = _n(SDO.abstract), _n(SDO.keywords), _n(SDO.url)
_SEE_ALSO = _n(RDFS.seeAlso)
_PREF_LABEL, _ALT_LABEL = _n(SKOS.prefLabel), _n(SKOS.altLabel)
_DERIVED, _GENERATED, _ASSOCIATED, _SOFTWARE_AGENT = (_n(t) for t in (PROV.wasDerivedFrom, PROV.wasGeneratedBy, PROV.wasAssociatedWith, PROV.SoftwareAgent))
_VARIANT_ATTRS = (("family", _V["family"]), ("version", _V["version"]), ("size", _V["size"]), ("flavour", _V["flavour"]))
_FINDING_ATTRS = (("text", _V["text"]), ("direction", _V["direction"]), ("unit", _V["unit"]), ("metric", _V["metricName"]), ("qualifier", _V["qualifier"]))


_clean = clean_text


def _str(value: object) -> ox.Literal | None:
    """A plain string literal, or None for missing / empty values."""
    if value is None:
        return None
    s = _clean(value)
    return ox.Literal(s) if s != "" else None


def _int(value: object, datatype: ox.NamedNode = _XSD_INTEGER) -> ox.Literal | None:
    """An integer literal for a number (see :func:`kg.values.as_int`), else None."""
    n = as_int(value)
    return None if n is None else ox.Literal(str(n), datatype=datatype)


def _offset(value: object) -> ox.Literal | None:
    """An ``xsd:nonNegativeInteger`` for an int offset >= 0, else None."""
    return ox.Literal(str(value), datatype=_XSD_NNI) if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _float(value: object) -> ox.Literal | None:
    if isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if f != f or f in (float("inf"), float("-inf")):
        return None  # NaN / inf are legal xsd:double but useless and break SHACL range checks
    return ox.Literal(repr(f), datatype=_XSD_DOUBLE)


def _safe_url(url: object) -> ox.NamedNode | None:
    """``url`` as an IRI when it is an http(s) URL (see :func:`kg.values.safe_url`), else None."""
    safe = safe_url(url)
    try:
        return ox.NamedNode(safe) if safe else None
    except ValueError:
        return None  # still no IRI pyoxigraph accepts: the url is dropped, not the export


def _evidence_key(item: Mapping) -> tuple:
    return (item.get("paper"), item.get("start"), item.get("end"), item.get("rule") or "unknown")


def _distinct_evidence(items: Iterable) -> list[Mapping]:
    """Evidence items with a paper, without repeats of the same (paper, start, end, rule)."""
    seen: set[tuple] = set()
    out = []
    for item in items:
        if not isinstance(item, Mapping) or not item.get("paper"):
            continue
        k = _evidence_key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _finding_evidence(a: Mapping) -> dict | None:
    """The evidence item a finding node carries in its own attributes (None without a paper)."""
    if not a.get("paper"):
        return None
    return {k: a.get(k) for k in ("paper", "sentence", "sent_start", "start", "end", "rule")}


def _check_level(evidence: str) -> str:
    if evidence not in EVIDENCE_LEVELS:
        raise KGError(f"unknown evidence level {evidence!r} (choose from {', '.join(EVIDENCE_LEVELS)})")
    return evidence


# --------------------------------------------------------------------- exporter
class _Exporter:
    """The state shared while turning one graph into triples.

    Evidence and sentence nodes are written in the block of their paper (after
    the paper's node, edges and findings), so each is written once while the
    de-duplication state lives for one paper only. Evidence that an entity edge
    quotes is indexed by paper first (at most ``max_evidence`` per edge, so the
    index grows with the graph, not the corpus).
    """

    def __init__(self, graph: nx.MultiDiGraph, base: str, level: str) -> None:
        self.graph = graph
        self.base = base
        self.level = level
        self.with_statements = level != "none"
        self.full = level == "full"
        self.iris: dict[str, ox.NamedNode] = {}
        self.rules: dict[str, ox.NamedNode] = {}
        # read from kg.schema per export, so a relation registered since import is written with its property
        self.edge_props = {key: _n(prop) for key, prop in EDGE_PROPERTIES.items()}
        self.classes = {name: _n(cls) for name, cls in ENTITY_CLASSES.items()}

    def iri(self, node: str) -> ox.NamedNode:
        iri = self.iris.get(node)
        if iri is None:
            iri = self.iris[node] = ox.NamedNode(node_iri(node, self.base))
        return iri

    # the walk ---------------------------------------------------------------------
    def triples(self) -> Iterator[ox.Triple]:
        graph = self.graph
        papers: list[str] = []
        entities: list[str] = []
        findings_of: dict[str, list[str]] = {}
        orphan_findings: list[str] = []
        kinds: dict[str, str] = {}
        for node, a in graph.nodes(data=True):
            kind = a.get("type")
            if kind == "Paper":
                papers.append(node)
                kinds[node] = "Paper"
            elif kind != "Finding":
                entities.append(node)
        paper_set = set(papers)
        for node, a in graph.nodes(data=True):
            if a.get("type") == "Finding":
                owner = a.get("paper")
                if isinstance(owner, str) and owner in paper_set:
                    findings_of.setdefault(owner, []).append(node)
                else:
                    orphan_findings.append(node)

        # evidence not quoted from the paper whose block writes its edge, by its paper
        elsewhere: dict[object, list[Mapping]] = {}
        if self.with_statements:
            for u, _, data in graph.edges(data=True):
                ua = graph.nodes[u]
                home = u if ua.get("type") == "Paper" else (ua.get("paper") if ua.get("type") == "Finding" and ua.get("paper") in paper_set else None)
                for item in data.get("evidence") or ():
                    if isinstance(item, Mapping) and item.get("paper") and item.get("paper") != home:
                        elsewhere.setdefault(item["paper"], []).append(item)
            for node in orphan_findings:
                item = _finding_evidence(graph.nodes[node])
                if item is not None:
                    elsewhere.setdefault(item["paper"], []).append(item)

        for paper in papers:
            block: list[Mapping] = []
            yield from self.paper(paper, graph.nodes[paper])
            yield from self.out_edges(paper, block, home=paper)
            for f in findings_of.get(paper, ()):
                fa = graph.nodes[f]
                yield from self.finding(f, fa, block)
                yield from self.out_edges(f, block, home=paper)
            if self.with_statements:
                block.extend(elsewhere.pop(paper, ()))
                yield from self.evidence_nodes(paper, graph.nodes[paper], block)
        for node in entities:
            yield from self.entity(node, graph.nodes[node])
            yield from self.out_edges(node, None, home=None)
        for node in orphan_findings:
            yield from self.finding(node, graph.nodes[node], None)
            yield from self.out_edges(node, None, home=None)
        # evidence quoting a paper that is not in the graph
        for paper, items in elsewhere.items():
            yield from self.evidence_nodes(str(paper), None, items)
        if self.rules:
            agent = ox.NamedNode(agent_iri(self.base))
            yield ox.Triple(agent, _TYPE, _SOFTWARE_AGENT)
            yield ox.Triple(agent, _LABEL, ox.Literal("kg"))

    # nodes ------------------------------------------------------------------------
    def paper(self, node: str, a: Mapping) -> Iterator[ox.Triple]:
        s, T = self.iri(node), ox.Triple
        yield T(s, _TYPE, _V["Paper"])
        yield T(s, _LABEL, _str(a.get("label")) or ox.Literal(_clean(node)))
        for prop, value in ((_TITLE, _str(a.get("title"))), (_ABSTRACT, _str(a.get("text")))):
            if value is not None:
                yield T(s, prop, value)
        yield T(s, _IDENTIFIER, ox.Literal(_clean(node.partition("/")[2] or node)))
        for prop, values in ((_SOURCE, a.get("sources")), (_KEYWORDS, a.get("topics"))):
            for value in values or ():
                lit = _str(value)
                if lit is not None:
                    yield T(s, prop, lit)
        arxiv = _str(a.get("arxiv_id"))
        if arxiv is not None:
            yield T(s, _V["arxivId"], arxiv)
        url = a.get("url") or (f"https://arxiv.org/abs/{arxiv.value}" if arxiv is not None else "")
        page = _safe_url(url) if url else None
        if page is not None:
            yield T(s, _URL, page)
            yield T(s, _SEE_ALSO, page)

    def entity(self, node: str, a: Mapping) -> Iterator[ox.Triple]:
        s, T = self.iri(node), ox.Triple
        yield T(s, _TYPE, _V["Entity"])
        cls = self.classes.get(str(a.get("type")))
        if cls is not None:
            yield T(s, _TYPE, cls)
        local = node.partition("/")[2] or node
        label = _str(a.get("label")) or ox.Literal(_clean(local))
        yield T(s, _LABEL, label)
        yield T(s, _PREF_LABEL, label)
        for alias in a.get("aliases") or ():
            alt = _str(alias)
            if alt is not None and alt != label:
                yield T(s, _ALT_LABEL, alt)
        yield T(s, _IDENTIFIER, _str(a.get("key")) or ox.Literal(_clean(local)))
        n = _int(a.get("n_papers"))
        if n is not None:
            yield T(s, _V["nPapers"], n)
        for attr, prop in _VARIANT_ATTRS:
            value = _str(a.get(attr))
            if value is not None:
                yield T(s, prop, value)

    def finding(self, node: str, a: Mapping, block: list | None) -> Iterator[ox.Triple]:
        s, T = self.iri(node), ox.Triple
        yield T(s, _TYPE, _V["Finding"])
        yield T(s, _LABEL, _str(a.get("label")) or ox.Literal(_clean(node)))
        for attr, prop in _FINDING_ATTRS:
            value = _str(a.get(attr))
            if value is not None:
                yield T(s, prop, value)
        for attr, prop in (("value", _V["value"]), ("baseline", _V["baseline"])):
            value = _float(a.get(attr))
            if value is not None:
                yield T(s, prop, value)
        item = _finding_evidence(a)
        if item is not None:
            yield T(s, _DERIVED, self.iri(item["paper"]))
            if self.with_statements:
                yield T(s, _V["evidence"], self.evidence_iri(item))
                if block is not None:
                    block.append(item)

    # edges ------------------------------------------------------------------------
    def out_edges(self, u: str, block: list | None, *, home: str | None) -> Iterator[ox.Triple]:
        """The edges leaving ``u``: their triples first (Turtle then groups them under ``u``), then statements."""
        edges = list(self.graph.out_edges(u, keys=True, data=True))
        su, T = self.iri(u), ox.Triple
        for _, v, key, _ in edges:
            yield T(su, self.edge_props.get(str(key), _V["relatedTo"]), self.iri(v))
        if not self.with_statements:
            return
        for _, v, key, a in edges:
            key = str(key)
            prop = self.edge_props.get(key, _V["relatedTo"])
            st = ox.NamedNode(statement_iri(u, key, v, self.base))
            if self.full:
                yield T(st, _TYPE, _RDF_STATEMENT)
            yield T(st, _TYPE, _V["Statement"])
            yield T(st, _RDF_SUBJECT, su)
            yield T(st, _RDF_PREDICATE, prop)
            yield T(st, _RDF_OBJECT, self.iri(v))
            if prop == _V["relatedTo"]:
                yield T(st, _V["relationName"], ox.Literal(_clean(key)))
            items = _distinct_evidence(a.get("evidence") or ())
            count = a.get("count")
            support = count if isinstance(count, int) and not isinstance(count, bool) and count > 0 else max(len(items), 1)
            yield T(st, _V["supportCount"], ox.Literal(str(support), datatype=_XSD_INTEGER))
            evidence = _V["evidence"]
            for item in items:
                yield T(st, evidence, self.evidence_iri(item))
                if block is not None and item["paper"] == home:
                    block.append(item)

    # evidence ---------------------------------------------------------------------
    def evidence_iri(self, item: Mapping) -> ox.NamedNode:
        return ox.NamedNode(evidence_iri(*_evidence_key(item), self.base))

    def rule(self, rule: str) -> Iterator[ox.Triple]:
        """The rule's IRI is ``self.rules[rule]``; its node is written the first time it is met."""
        ri = self.rules.get(rule)
        if ri is None:
            ri = self.rules[rule] = ox.NamedNode(rule_iri(rule, self.base))
            yield ox.Triple(ri, _TYPE, _V["Rule"])
            yield ox.Triple(ri, _LABEL, ox.Literal(_clean(rule)))
            yield ox.Triple(ri, _ASSOCIATED, ox.NamedNode(agent_iri(self.base)))

    def evidence_nodes(self, paper: str, pa: Mapping | None, items: Iterable[Mapping]) -> Iterator[ox.Triple]:
        """The evidence nodes of ``items`` (all quoting ``paper``) and their sentences, each once."""
        content = node_content(pa) if pa is not None else None
        pi, T, full = self.iri(paper), ox.Triple, self.full
        seen: set[tuple] = set()
        sentences: dict[object, ox.NamedNode] = {}
        for item in items:
            key = _evidence_key(item)
            if key in seen:
                continue
            seen.add(key)
            _, start, end, rule = key
            rule = str(rule)
            yield from self.rule(rule)
            ev = self.evidence_iri(item)
            ok = isinstance(start, int) and isinstance(end, int) and 0 <= start <= end
            exact = content[start:end] if ok and content is not None and end <= len(content) else None
            sentence = item.get("sentence")
            sentence = _clean(sentence) if isinstance(sentence, str) and sentence else None
            s0 = item.get("sent_start")
            if not (isinstance(s0, int) and s0 >= 0):
                s0 = None
                if sentence is not None and content is not None:
                    # graphs written before sentences carried their offset: the last copy of the
                    # sentence that starts at or before the span, else its first copy
                    found = content.rfind(sentence, 0, start + len(sentence)) if ok else -1
                    found = found if found >= 0 else content.find(sentence)
                    s0 = found if found >= 0 else None
            sent = None
            if sentence is not None:
                skey = s0 if s0 is not None else f"text:{sentence}"
                sent = sentences.get(skey)
                if sent is None:
                    sent = sentences[skey] = ox.NamedNode(sentence_iri(paper, skey, self.base))
                    if full:
                        yield T(sent, _TYPE, _V["Sentence"])
                    yield T(sent, _IS_PART_OF, pi)
                    yield T(sent, _V["text"], ox.Literal(sentence))
                    if s0 is not None:
                        yield T(sent, _V["start"], _offset(s0))
                        if full:
                            yield T(sent, _V["end"], _offset(s0 + len(sentence)))
                yield T(ev, _V["inSentence"], sent)
            yield T(ev, _GENERATED, self.rules[rule])
            if ok:
                yield T(ev, _V["start"], _offset(start))
                yield T(ev, _V["end"], _offset(end))
            inside = ok and sent is not None and s0 is not None and s0 <= start and end <= s0 + len(sentence)
            if exact and not inside:
                yield T(ev, _V["exact"], ox.Literal(_clean(exact)))
            if full:
                yield from self.annotation(ev, pi, item, sentence, content, exact if ok else None)

    def annotation(self, ev, pi, item, sentence, content, exact) -> Iterator[ox.Triple]:
        """The Web Annotation form of one evidence item (``full`` only)."""
        T = ox.Triple
        yield T(ev, _TYPE, _V["Evidence"])
        yield T(ev, _DERIVED, pi)
        yield T(ev, _OA["hasSource"], pi)
        if sentence is not None:
            yield T(ev, _V["sentence"], ox.Literal(sentence))
        start, end = item.get("start"), item.get("end")
        quote_text = exact if exact else sentence
        if quote_text:
            q = ox.NamedNode(f"{ev.value}#quote")
            yield T(ev, _OA["hasSelector"], q)
            yield T(q, _TYPE, _OA["TextQuoteSelector"])
            yield T(q, _OA["exact"], ox.Literal(_clean(quote_text)))
            if exact and content is not None:
                for prop, text in ((_OA["prefix"], content[max(0, start - QUOTE_CONTEXT) : start]), (_OA["suffix"], content[end : end + QUOTE_CONTEXT])):
                    lit = _str(text)
                    if lit is not None:
                        yield T(q, prop, lit)
        if _offset(start) is not None and _offset(end) is not None and start <= end:
            p = ox.NamedNode(f"{ev.value}#position")
            yield T(ev, _OA["hasSelector"], p)
            yield T(p, _TYPE, _OA["TextPositionSelector"])
            yield T(p, _OA["start"], _offset(start))
            yield T(p, _OA["end"], _offset(end))


def iter_triples(graph: nx.MultiDiGraph, *, base: str = DEFAULT_BASE, evidence: str = DEFAULT_EVIDENCE) -> Iterator[ox.Triple]:
    """The RDF triples of kg's graph (docs/SCHEMA.md section 3), one node or edge at a time.

    The one source of triples behind :func:`to_rdf` and :func:`write_rdf`. Data IRIs
    are minted under ``base`` (see :mod:`kg.namespaces`); ``evidence`` is one of
    :data:`EVIDENCE_LEVELS`. The same graph always yields the same triples, each
    once. Raises :class:`KGError` for an invalid base or level (before yielding).

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("entity/bert", type="Model", label="BERT", key="bert", aliases=[], n_papers=1)
    >>> sum(1 for _ in iter_triples(g, base="https://example.org/"))
    6
    """
    check_base(base)
    _check_level(evidence)
    return _Exporter(graph, base, evidence).triples()


# ----------------------------------------------------------------- rdflib graph
def _to_rdflib(term, cache: dict):
    if isinstance(term, ox.NamedNode):
        t = cache.get(term.value)
        if t is None:
            t = cache[term.value] = URIRef(term.value)
        return t
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == _XSD_STRING else Literal(term.value, datatype=_to_rdflib(term.datatype, cache))
    return BNode(term.value)


def to_rdf(graph: nx.MultiDiGraph, *, base: str = DEFAULT_BASE, evidence: str = DEFAULT_EVIDENCE) -> Graph:
    """Convert kg's graph (docs/SCHEMA.md section 3) to an rdflib ``Graph``.

    The triples of :func:`iter_triples`, with kg's prefixes bound. For large graphs
    prefer :func:`write_rdf`, which never holds the triples in memory. Raises
    :class:`KGError` for an invalid base or evidence level.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("entity/bert", type="Model", label="BERT", key="bert", aliases=[], n_papers=1)
    >>> len(to_rdf(g, base="https://example.org/")) > 0
    True
    """
    triples = iter_triples(graph, base=base, evidence=evidence)
    out = Graph(bind_namespaces="core")
    for prefix, ns in prefixes(base).items():
        out.bind(prefix, ns, override=True, replace=True)
    cache: dict[str, URIRef] = {}
    conv = _to_rdflib
    for t in triples:
        out.add((conv(t.subject, cache), conv(t.predicate, cache), conv(t.object, cache)))
    return out


# ---------------------------------------------------------------------- writing
def write_rdf(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    format: str = "turtle",
    base: str = DEFAULT_BASE,
    evidence: str = DEFAULT_EVIDENCE,
) -> Path:
    """Export ``graph`` to ``path`` as Turtle, N-Triples or JSON-LD, streamed and atomically.

    The triples of :func:`iter_triples` go straight to a temporary file beside
    ``path`` (renamed over it when complete), so time and memory are linear in
    the graph and a failed write leaves ``path`` as it was. Returns the path
    written. Raises :class:`KGError` for an unknown format, an invalid base or
    evidence level, :class:`OutputError` if the file cannot be written.
    """
    fmt = FORMATS.get(format)
    if fmt is None:
        raise KGError(f"unknown RDF format {format!r} (choose from turtle, nt, json-ld)")
    triples = iter_triples(graph, base=base, evidence=evidence)  # validates before the file is opened
    target = Path(path)
    try:
        with atomic_write(target, "wb", encoding=None) as fh:
            if fmt == "json-ld":
                from .jsonld import write_jsonld

                write_jsonld(triples, fh, context=prefixes(base))
            else:
                ox_fmt = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
                ox.serialize(triples, fh, ox_fmt, prefixes=prefixes(base) if fmt == "turtle" else None)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target


def ontology_path() -> Path:
    """The path of kg's ontology as shipped (``kg/vocab/ontology.ttl``); :func:`ontology_turtle` completes it."""
    return Path(str(resources.files("kg").joinpath("vocab", "ontology.ttl")))


def _turtle_string(text: str) -> str:
    # JSON's escapes (\" \\ \n \uXXXX ...) are all Turtle string escapes
    return json.dumps(text, ensure_ascii=False)


#: a term declared at the start of a line of ontology.ttl (``kg:Name a owl:Class ;``)
_DECLARED = re.compile(r"^kg:([A-Za-z][A-Za-z0-9]*) a ", re.MULTILINE)


def ontology_turtle() -> str:
    """kg's ontology (Turtle): ``kg/vocab/ontology.ttl`` plus a declaration of every class and
    property of :mod:`kg.schema`'s tables that the file does not declare.

    The file holds the curated declarations (comments, alignments to standard
    vocabularies; tests check them against the tables); a relation registered at run
    time, or added to the table before the file, is declared from its table entry, so
    every term an export uses is declared in the ontology written beside it.
    """
    text = ontology_path().read_text(encoding="utf-8")
    declared = set(_DECLARED.findall(text))
    extra: list[str] = []
    for t in NODE_TYPES.values():
        if t.rdf_class not in declared:
            declared.add(t.rdf_class)
            parent = " ;\n    rdfs:subClassOf kg:Entity" if t.kind == "entity" else ""
            extra.append(f"kg:{t.rdf_class} a owl:Class ;\n    rdfs:label {_turtle_string(t.name)}@en ;\n"
                         f"    rdfs:comment {_turtle_string(t.comment or t.name)}@en{parent} .\n")
    for r in RELATIONS.values():
        if r.rdf_property not in declared:
            declared.add(r.rdf_property)
            kinds = ", owl:SymmetricProperty" if r.symmetric else ""
            extra.append(f"kg:{r.rdf_property} a owl:ObjectProperty{kinds} ;\n    rdfs:label {_turtle_string(r.label or r.key)}@en ;\n"
                         f"    rdfs:comment {_turtle_string(r.comment or r.key)}@en ;\n"
                         f"    rdfs:domain kg:{r.domain_class} ; rdfs:range kg:{r.range_class} .\n")
    if not extra:
        return text
    return text.rstrip("\n") + "\n\n# Declared from kg.schema (not in kg/vocab/ontology.ttl)\n\n" + "\n".join(extra)


def write_ontology(path: str | os.PathLike[str]) -> Path:
    """Write kg's ontology (:func:`ontology_turtle`) to ``path`` atomically; returns the path."""
    return write_bytes_atomic(path, ontology_turtle().encode("utf-8"))


#: the SHACL node shape in ``kg/vocab/shapes.ttl`` of each kind of node
_SHAPE_OF_KIND = {"paper": "kgs:PaperShape", "entity": "kgs:EntityShape", "finding": "kgs:FindingShape"}


def shapes_turtle() -> str:
    """kg's SHACL shapes (Turtle): ``kg/vocab/shapes.ttl`` plus, for every relation of
    :data:`kg.schema.RELATIONS`, a property shape on its source kind's node shape
    saying that its objects are nodes of its target kind (``kg:Entity``, ``kg:Finding``).

    Validate an export with ``pyshacl.validate(data, shacl_graph=shapes_turtle(), ont_graph=ontology_turtle())``.
    """
    text = ontology_path().with_name("shapes.ttl").read_text(encoding="utf-8")
    # the class of the target's kind, not the ontology's range: kg guarantees what kind of node an edge
    # reaches (an entity), not which entity type its votes settle on (affiliated_with's range is Organization)
    kind_class = {"paper": "Paper", "entity": "Entity", "finding": "Finding"}
    lines = [f"{_SHAPE_OF_KIND[r.source]} sh:property [ sh:path kg:{r.rdf_property} ; sh:class kg:{kind_class[r.target]} ] ."
             for r in RELATIONS.values() if r.source in _SHAPE_OF_KIND and r.target in kind_class]
    return text.rstrip("\n") + "\n\n# the objects of each relation of kg.schema.RELATIONS\n" + "\n".join(lines) + "\n"
