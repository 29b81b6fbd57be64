"""kg's schema in one place: the node types and relations of the graph.

Two tables, read by the graph builder, the RDF / HTML exporters, the SHACL
shapes and the documentation tests, so that a new entity type or relation is
one entry here (plus the rule file that produces it):

* :data:`NODE_TYPES`: every node ``type`` (``Paper``, the entity types,
  ``Finding``) with its RDF class, how graph.html draws it and, for entity
  types, the tie-break priority used when a node's type votes are level and
  the roles the pipeline gives it;
* :data:`RELATIONS`: every edge key with its RDF property, the kinds of node it
  joins (its domain), the component that emits it and how graph.html draws it.

Both are ordered: the HTML legend lists types and relations in table order.
:func:`register_relation` adds a relation at run time (a plug-in, or a test).

The attributes nodes and edges carry are typed below (:class:`PaperNode`,
:class:`EntityNode`, :class:`FindingNode`, :class:`EdgeData`,
:class:`Evidence`); docs/SCHEMA.md section 3 describes them in prose, and its
edge table is tested against :data:`RELATIONS`.

>>> RELATIONS["evaluated_on"].rdf_property, RELATIONS["evaluated_on"].domain
('evaluatedOn', 'entity->entity')
>>> entity_types()[:3]
('Method', 'Model', 'Architecture')
>>> paper_content("A title", "The abstract.")
'A title\\n\\nThe abstract.'
"""

from __future__ import annotations

import re
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NotRequired, TypedDict

from .values import as_text

__all__ = [
    "NODE_KINDS",
    "NodeType",
    "Relation",
    "NODE_TYPES",
    "RELATIONS",
    "OTHER_NODE_STYLE",
    "OTHER_EDGE_STYLE",
    "entity_types",
    "types_with_role",
    "relation_keys",
    "register_relation",
    "TableView",
    "unregister_relation",
    "paper_content",
    "node_content",
    "PaperNode",
    "EntityNode",
    "FindingNode",
    "Evidence",
    "EdgeData",
]

#: the kinds of node a relation joins; a node's kind follows from its ``type``
NODE_KINDS: tuple[str, ...] = ("paper", "entity", "finding")
#: pipeline components (and graph steps) that emit edges; ``graph`` is kg.graph itself
EMITTERS: tuple[str, ...] = ("graph", "kg_links", "kg_relations", "kg_findings", "lineage")
# an edge key and an RDF local name: plain identifiers (they end up in IRIs and JS)
_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
_LOCAL = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")


@dataclass(frozen=True)
class NodeType:
    """One node ``type``: its RDF class, its drawing style and, for entities, its tie-break and roles.

    ``priority`` breaks level type votes (lower wins); ``roles`` names what the
    pipeline lets the type be: ``extracted`` (entity components tag it, scored by
    ``kg eval``), ``linkable`` (a paper proposes / uses it), ``subject`` (of a
    finding), ``setting`` (of a finding); ``relation_class`` groups types for
    the relation rules' ``same_class`` test (a Model is a kind of Method).
    """

    name: str
    kind: str
    rdf_class: str
    color: str
    shape: str
    priority: int | None = None
    roles: frozenset[str] = frozenset()
    relation_class: str = ""
    comment: str = ""

    @property
    def style(self) -> dict[str, str]:
        """How graph.html draws it (``color``, ``shape``)."""
        return {"color": self.color, "shape": self.shape}


@dataclass(frozen=True)
class Relation:
    """One edge key: its RDF property, the kinds of node it joins, who emits it, how it is drawn.

    ``domain`` is ``"<source kind>-><target kind>"`` (kinds of :data:`NODE_KINDS`);
    ``rdfs_domain`` / ``rdfs_range`` are the classes the ontology declares
    (default: the kinds' classes, e.g. ``Paper`` / ``Entity``).
    """

    key: str
    rdf_property: str
    domain: str
    emitted_by: str
    style: Mapping[str, Any] = field(default_factory=dict)
    rdfs_domain: str = ""
    rdfs_range: str = ""
    symmetric: bool = False
    label: str = ""
    comment: str = ""

    @property
    def source(self) -> str:
        """The kind of node the edge leaves."""
        return self.domain.partition("->")[0]

    @property
    def target(self) -> str:
        """The kind of node the edge points at."""
        return self.domain.partition("->")[2]

    @property
    def domain_class(self) -> str:
        """The RDF class of the edge's subject (``rdfs:domain``)."""
        return self.rdfs_domain or _KIND_CLASS[self.source]

    @property
    def range_class(self) -> str:
        """The RDF class of the edge's object (``rdfs:range``)."""
        return self.rdfs_range or _KIND_CLASS[self.target]


_KIND_CLASS = {"paper": "Paper", "entity": "Entity", "finding": "Finding"}
_ALL = frozenset({"extracted", "linkable", "subject", "setting"})


def _entity(name, color, shape, priority, roles, relation_class, comment) -> NodeType:
    return NodeType(name, "entity", name, color, shape, priority, frozenset(roles), relation_class, comment)


_NODE_TYPES: dict[str, NodeType] = {
    t.name: t
    for t in (
        NodeType("Paper", "paper", "Paper", "#8d99ae", "square", comment="a paper read by kg"),
        _entity("Method", "#2a9d8f", "dot", 2, _ALL, "M", "a technique, algorithm or training procedure"),
        _entity("Model", "#e76f51", "diamond", 0, _ALL, "M", "a named model or model variant"),
        _entity("Architecture", "#f4a261", "hexagon", 3, _ALL, "M", "a network architecture"),
        _entity("Dataset", "#457b9d", "triangle", 1, _ALL - {"subject"}, "D", "a dataset or benchmark"),
        _entity("Task", "#9b5de5", "triangleDown", 5, _ALL - {"subject"}, "T", "a problem models are applied to"),
        _entity("Metric", "#e9c46a", "star", 4, {"extracted"}, "X", "an evaluation measure"),
        _entity("Organization", "#6d597a", "square", 6, (), "", "an institution papers are affiliated with"),
        NodeType("Finding", "finding", "Finding", "#d62828", "dot", comment="a quantified claim of a paper"),
    )
}


def _style(color: str, width: float, dashes: bool | list[int], label: bool, arrows: bool) -> dict[str, Any]:
    # key order is part of graph.html's bytes
    return {"color": color, "width": width, "dashes": dashes, "label": label, "arrows": arrows}


def _rel(key, prop, domain, by, style, *, rdfs_domain="", rdfs_range="", symmetric=False, comment="") -> Relation:
    return Relation(key, prop, domain, by, MappingProxyType(style), rdfs_domain, rdfs_range, symmetric,
                    key.replace("_", " "), comment)


_PE, _EE, _FE = "paper->entity", "entity->entity", "finding->entity"
_RELATIONS: dict[str, Relation] = {
    r.key: r
    for r in (
        _rel("mentions", "mentions", _PE, "graph", _style("#ced4da", 0.5, False, False, False),
             comment="one edge per (paper, entity); one evidence item per mention"),
        _rel("co_occurs", "coOccursWith", _EE, "graph", _style("#adb5bd", 0.8, True, False, False), symmetric=True,
             comment="the two occur in one sentence; stored once with `u < v`; `count` = sentences"),
        _rel("proposes", "proposes", _PE, "kg_links", _style("#2a9d8f", 1.5, False, True, True), comment="paper-level links"),
        _rel("uses", "uses", _PE, "kg_links", _style("#8ab17d", 1.0, False, False, True), comment="paper-level links"),
        _rel("affiliated_with", "affiliatedWith", _PE, "kg_links", _style("#6d597a", 1.0, False, False, True),
             rdfs_range="Organization", comment="the paper's authors' organisation"),
        _rel("reports", "reports", "paper->finding", "kg_findings", _style("#f28482", 1.0, False, False, True),
             comment="the paper reports the finding"),
        *(
            _rel(key, prop, _EE, "kg_relations", _style(color, width, dashes, True, arrows), comment="sentence-level relations")
            for key, prop, color, width, dashes, arrows in (
                ("evaluated_on", "evaluatedOn", "#457b9d", 1.5, False, True),
                ("benchmark_for", "benchmarkFor", "#1d3557", 1.5, False, True),
                ("used_for", "usedFor", "#588157", 1.5, False, True),
                ("trained_on", "trainedOn", "#3a86ff", 1.5, False, True),
                ("compared_with", "comparedWith", "#fb8500", 1.5, False, False),
                ("outperforms", "outperforms", "#d62828", 2.0, False, True),
                ("part_of", "partOf", "#6a4c93", 1.5, False, True),
                ("subclass_of", "subclassOf", "#8338ec", 1.5, False, True),
                ("measured_by", "measuredBy", "#b08900", 1.5, False, True),
                ("alias_of", "aliasOf", "#495057", 1.0, [2, 4], True),
            )
        ),
        _rel("variant_of", "variantOf", _EE, "lineage", _style("#ff006e", 3.0, [10, 4], True, True), rdfs_domain="Model",
             comment="model lineage: the variant belongs to the family"),
        _rel("subject", "subject", _FE, "kg_findings", _style("#d62828", 1.0, False, True, True), comment="what the finding is about"),
        _rel("metric", "metric", _FE, "kg_findings", _style("#b08900", 1.0, False, True, True), comment="the metric it is measured in"),
        _rel("compared_to", "comparedTo", _FE, "kg_findings", _style("#fb8500", 1.0, [2, 4], True, True),
             comment="the method or model the value is measured against"),
        _rel("setting", "setting", _FE, "kg_findings", _style("#adb5bd", 1.0, [4, 4], True, True), comment="where it holds"),
    )
}

#: node type name -> :class:`NodeType`, in legend order (read-only; entity types between Paper and Finding)
NODE_TYPES: Mapping[str, NodeType] = MappingProxyType(_NODE_TYPES)
#: edge key -> :class:`Relation`, in legend order (read-only; grows only by :func:`register_relation`)
RELATIONS: Mapping[str, Relation] = MappingProxyType(_RELATIONS)
#: how graph.html draws a node type / an edge key the table does not know (a newer graph, an older page)
OTHER_NODE_STYLE: Mapping[str, str] = MappingProxyType({"color": "#adb5bd", "shape": "dot"})
OTHER_EDGE_STYLE: Mapping[str, Any] = MappingProxyType(_style("#868e96", 1.0, False, True, True))


def entity_types() -> tuple[str, ...]:
    """The entity types, in table order (every node type but ``Paper`` and ``Finding``)."""
    return tuple(t.name for t in _NODE_TYPES.values() if t.kind == "entity")


def types_with_role(role: str) -> tuple[str, ...]:
    """The entity types that have ``role`` (see :class:`NodeType`), in table order."""
    return tuple(t.name for t in _NODE_TYPES.values() if role in t.roles)


@functools.lru_cache(maxsize=64)  # cleared by register_relation: the graph asks once per edge merged
def relation_keys(*, domain: str | None = None, emitted_by: str | None = None) -> tuple[str, ...]:
    """The edge keys of :data:`RELATIONS`, in table order, optionally only of one domain or emitter.

    >>> relation_keys(domain="paper->entity")
    ('mentions', 'proposes', 'uses', 'affiliated_with')
    """
    return tuple(
        r.key for r in _RELATIONS.values()
        if (domain is None or r.domain == domain) and (emitted_by is None or r.emitted_by == emitted_by)
    )


def register_relation(relation: Relation) -> Relation:
    """Add ``relation`` to :data:`RELATIONS` (after the others); returns it.

    Exporters and the graph read the table when they run, so a relation
    registered before a build is written, drawn and counted like a built-in one.
    Raises ValueError for a key already in the table, a malformed key or
    property name, or an unknown domain kind.
    """
    if not _KEY.fullmatch(relation.key):
        raise ValueError(f"relation key {relation.key!r} must be lower case letters, digits and _")
    if relation.key in _RELATIONS:
        raise ValueError(f"relation {relation.key!r} is already in kg's schema")
    if not _LOCAL.fullmatch(relation.rdf_property):
        raise ValueError(f"RDF property {relation.rdf_property!r} of {relation.key!r} must be a plain name")
    if relation.source not in NODE_KINDS or relation.target not in NODE_KINDS:
        raise ValueError(f"domain {relation.domain!r} of {relation.key!r} must be '<kind>-><kind>' of {NODE_KINDS}")
    _RELATIONS[relation.key] = relation
    relation_keys.cache_clear()
    return relation


def unregister_relation(key: str) -> None:
    """Remove a relation added by :func:`register_relation` (built-in ones stay)."""
    if key in _BUILTIN:
        raise ValueError(f"relation {key!r} is built into kg's schema")
    _RELATIONS.pop(key, None)
    relation_keys.cache_clear()


_BUILTIN = frozenset(_RELATIONS)


class TableView(Mapping):
    """A read-only mapping derived from one of the tables each time it is read.

    What the exporters publish (``EDGE_PROPERTIES``, ``EDGE_STYLES`` ...): a view,
    not a copy, so a relation registered after import shows up in it.
    """

    def __init__(self, table: Mapping[str, Any], value: Callable[[Any], Any], keep: Callable[[Any], bool] | None = None) -> None:
        self._table, self._value, self._keep = table, value, keep

    def __getitem__(self, key: str) -> Any:
        entry = self._table[key]
        if self._keep is not None and not self._keep(entry):
            raise KeyError(key)
        return self._value(entry)

    def __iter__(self) -> Iterator[str]:
        return (k for k, entry in self._table.items() if self._keep is None or self._keep(entry))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return repr(dict(self))


# ------------------------------------------------------------------------- paper text
def paper_content(title: str | None, text: str) -> str:
    """A paper's text as the pipeline reads it: the title, a blank line, the abstract (or the abstract alone).

    Every character offset kg records indexes this string.
    """
    return f"{title}\n\n{text}" if title else text


def node_content(attrs: Mapping[str, Any]) -> str:
    """:func:`paper_content` of a paper node's ``title`` and ``text`` attributes (any value read as text)."""
    return paper_content(as_text(attrs.get("title")), as_text(attrs.get("text")))


# ------------------------------------------------------------------ node and edge data
class Evidence(TypedDict):
    """One place in a paper that supports an edge: offsets into :func:`paper_content`, end exclusive."""

    paper: str  # the paper's node id
    sentence: str
    sent_start: int
    start: int
    end: int
    rule: str


class EdgeData(TypedDict):
    """The attributes of every edge ``(u, v, key)``."""

    count: int
    evidence: list[Evidence]


class PaperNode(TypedDict):
    """The attributes of a ``paper/<id>`` node."""

    type: str  # "Paper"
    label: str
    title: str
    text: str
    sources: list[str]
    topics: list[str]
    arxiv_id: str
    url: str


class EntityNode(TypedDict):
    """The attributes of an ``entity/<key>`` node (lineage fields only on parsed model names)."""

    type: str  # one of entity_types()
    key: str
    label: str
    aliases: list[str]
    n_papers: int
    forms: dict[str, int]
    type_votes: dict[str, int]
    family: NotRequired[str]
    version: NotRequired[str]
    size: NotRequired[str]
    flavour: NotRequired[str]
    canonical: NotRequired[str]  # the name as the alias table (rules/aliases.jsonl) writes it


class FindingNode(TypedDict):
    """The attributes of a ``finding/<hex>`` node (its evidence is in its own attributes)."""

    type: str  # "Finding"
    label: str
    text: str
    direction: str
    value: float
    unit: str
    metric: str
    qualifier: str
    baseline: float | None
    paper: str
    sentence: str
    sent_start: int
    start: int
    end: int
    rule: str
