"""kg's RDF vocabulary and the rules that turn graph node ids into IRIs.

Two kinds of IRIs appear in kg's RDF:

* **Vocabulary terms** (classes and properties) live in one fixed namespace,
  :data:`KG_VOCAB` (``https://w3id.org/kg/vocab#``), whatever the data base is, so
  the ready queries in ``queries/`` run on every export. Each term is declared in
  ``kg/vocab/ontology.ttl``; :class:`KG` is a ``DefinedNamespace`` with
  ``_fail = True``, so a misspelt term fails when the code runs, not in the output.
* **Data IRIs** (papers, entities, findings, statements, evidence, rules) are minted
  under a *base* the user chooses (``kg build --base``), by default
  :data:`DEFAULT_BASE`. They are derived only from the normalised node ids, so the
  same graph gives the same IRIs on every run:

  ======================  ==============================================
  node / thing            IRI
  ======================  ==============================================
  ``paper/<paper id>``    ``<base>paper/<pct-encoded paper id>``
  ``entity/<key>``        ``<base>entity/<pct-encoded key>``
  ``finding/<hex>``       ``<base>finding/<hex>``
  any other node id       ``<base>node/<pct-encoded node id>``
  rule ``<id>``           ``<base>rule/<pct-encoded id>``
  edge (u, key, v)        ``<base>statement/<sha1(u, key, v)[:20]>``
  evidence item           ``<base>evidence/<sha1(statement, paper, start, end, rule)[:20]>``
  ======================  ==============================================

The local part is percent-encoded (RFC 3986) keeping only unreserved characters
plus ``:`` and ``@``, so any text (spaces, quotes, ``<>{}|\\^```, newlines,
non-ASCII) yields an IRI that is valid in Turtle, N-Triples and JSON-LD.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

from .errors import KGError

__all__ = [
    "KG",
    "KG_VOCAB",
    "OA",
    "MLS",
    "DEFAULT_BASE",
    "check_base",
    "quote_segment",
    "node_iri",
    "rule_iri",
    "statement_iri",
    "evidence_iri",
    "agent_iri",
]

#: the namespace of kg's classes and properties (fixed; not affected by ``base``)
KG_VOCAB = "https://w3id.org/kg/vocab#"

#: the default base under which data IRIs are minted. w3id.org gives persistent,
#: redirectable IRIs; a deployment that publishes its graph should pass its own base.
DEFAULT_BASE = "https://w3id.org/kg/id/"


class KG(DefinedNamespace):
    """kg's vocabulary (declared in ``kg/vocab/ontology.ttl``)."""

    _fail = True
    _NS = Namespace(KG_VOCAB)

    # classes
    Paper: URIRef
    Entity: URIRef
    Method: URIRef
    Model: URIRef
    Architecture: URIRef
    Dataset: URIRef
    Task: URIRef
    Metric: URIRef
    Organization: URIRef
    Finding: URIRef
    Statement: URIRef
    Evidence: URIRef
    Rule: URIRef

    # object properties: paper -> entity / finding
    mentions: URIRef
    proposes: URIRef
    uses: URIRef
    reports: URIRef
    affiliatedWith: URIRef
    # entity -> entity
    coOccursWith: URIRef
    evaluatedOn: URIRef
    benchmarkFor: URIRef
    usedFor: URIRef
    trainedOn: URIRef
    comparedWith: URIRef
    outperforms: URIRef
    partOf: URIRef
    subclassOf: URIRef
    measuredBy: URIRef
    variantOf: URIRef
    aliasOf: URIRef
    relatedTo: URIRef
    # finding -> entity
    subject: URIRef
    metric: URIRef
    setting: URIRef
    # provenance
    evidence: URIRef

    # data properties
    family: URIRef
    version: URIRef
    size: URIRef
    flavour: URIRef
    value: URIRef
    unit: URIRef
    direction: URIRef
    qualifier: URIRef
    baseline: URIRef
    nPapers: URIRef
    supportCount: URIRef
    text: URIRef
    metricName: URIRef
    sentence: URIRef
    arxivId: URIRef
    relationName: URIRef


class OA(DefinedNamespace):
    """The W3C Web Annotation vocabulary terms kg uses for evidence selectors."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/oa#")

    SpecificResource: URIRef
    TextQuoteSelector: URIRef
    TextPositionSelector: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef
    start: URIRef
    end: URIRef


class MLS(DefinedNamespace):
    """The ML-Schema terms kg aligns its classes to."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/mls#")

    Model: URIRef
    Dataset: URIRef
    EvaluationMeasure: URIRef
    Algorithm: URIRef
    Task: URIRef
    Implementation: URIRef


# RFC 3986 unreserved characters plus ":" and "@" (both allowed in a path segment)
_SAFE = "-._~:@"
_NODE_KINDS = ("paper", "entity", "finding")
# an absolute IRI: a scheme, then no character that Turtle / N-Triples forbid in an IRIREF
_BASE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*[/#:]$")


def check_base(base: str) -> str:
    """Return ``base`` if it can prefix data IRIs, else raise :class:`KGError`.

    A base must be an absolute IRI ending in ``/``, ``#`` or ``:`` (``urn:x:``) with no character that
    is illegal in an IRI (space, ``<>"{}|\\^```).

    >>> check_base("https://example.org/kg/")
    'https://example.org/kg/'
    """
    if not isinstance(base, str) or not _BASE_RE.match(base):
        raise KGError(f"base IRI {base!r} is not an absolute IRI ending in '/', '#' or ':'")
    return base


def quote_segment(text: str) -> str:
    """Percent-encode ``text`` as one IRI path segment (UTF-8, RFC 3986).

    Dot segments are encoded too, so no IRI normaliser can collapse them.

    >>> quote_segment("llava-1.5-7b")
    'llava-1.5-7b'
    >>> quote_segment('a b/"c"')
    'a%20b%2F%22c%22'
    >>> quote_segment("..")
    '%2E%2E'
    """
    if text in (".", ".."):
        return "%2E" * len(text)
    # lone surrogates cannot be UTF-8 encoded; they become U+FFFD like everywhere else in kg's RDF
    return quote(text, safe=_SAFE, errors="replace")


def node_iri(node_id: str, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of graph node ``node_id`` (``paper/…``, ``entity/…``, ``finding/…``).

    >>> str(node_iri("entity/sparse-autoencoder", "https://example.org/"))
    'https://example.org/entity/sparse-autoencoder'
    >>> str(node_iri("paper/arxiv:2401.01234", "https://example.org/"))
    'https://example.org/paper/arxiv:2401.01234'
    """
    kind, sep, local = str(node_id).partition("/")
    if sep and kind in _NODE_KINDS:
        return URIRef(f"{base}{kind}/{quote_segment(local)}")
    return URIRef(f"{base}node/{quote_segment(str(node_id))}")


def rule_iri(rule: str, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of extraction rule ``rule`` (a ``kg:Rule``, i.e. a ``prov:Activity``)."""
    return URIRef(f"{base}rule/{quote_segment(str(rule))}")


def agent_iri(base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of kg itself as the ``prov:SoftwareAgent`` every rule is associated with."""
    return URIRef(f"{base}agent/kg")


def _digest(*parts: object) -> str:
    # NUL cannot occur in a node id or rule id written by kg, so the join is unambiguous
    joined = "\x00".join(str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def statement_iri(u: str, key: str, v: str, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of the ``rdf:Statement`` reifying graph edge ``(u, key, v)``."""
    return URIRef(f"{base}statement/{_digest(u, key, v)}")


def evidence_iri(owner: str, paper: str, start: object, end: object, rule: str, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of one evidence item of ``owner`` (a statement or finding IRI)."""
    return URIRef(f"{base}evidence/{_digest(owner, paper, start, end, rule)}")
