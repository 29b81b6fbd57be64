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
  evidence item           ``<base>evidence/<sha1(paper, start, end, rule)[:20]>``
  sentence of a paper     ``<base>sentence/<sha1(paper, sentence start)[:20]>``
  ======================  ==============================================

An evidence IRI depends only on what it points at (paper, offsets, rule), not
on the statement it supports, so one mention that supports several statements
(a finding and its ``reports`` / ``subject`` / ``metric`` edges, one sentence
behind many co-occurrences) is one evidence node.

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
    "sentence_iri",
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
    Sentence: URIRef
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
    comparedTo: URIRef
    setting: URIRef
    # provenance
    evidence: URIRef
    inSentence: URIRef

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
    start: URIRef
    end: URIRef
    exact: URIRef


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
# and no control character (C0, DEL, C1); each class is disjoint from the next, so
# matching is linear in the length of the base
_BASE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f-\x9f]*[/#:]$")
# "%" must start a two-hex-digit escape
_BAD_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: longer bases are refused: every data IRI repeats the base
MAX_BASE_LENGTH = 2048


def check_base(base: str) -> str:
    """Return ``base`` if it can prefix data IRIs, else raise :class:`KGError`.

    A base must be an absolute IRI (RFC 3987, as pyoxigraph parses it) ending in
    ``/``, ``#`` or ``:`` (``urn:x:``), with no character that is illegal in an IRI
    (space, control characters, ``<>"{}|\\^```) and no ``%`` that does not start a
    ``%XX`` escape. The error is one line naming the base and the problem.

    >>> check_base("https://example.org/kg/")
    'https://example.org/kg/'
    """
    if not isinstance(base, str):
        raise KGError(f"base IRI must be a string, not {type(base).__name__}")
    shown = repr(base if len(base) <= 80 else base[:77] + "...")
    if len(base) > MAX_BASE_LENGTH:
        raise KGError(f"base IRI {shown} is longer than {MAX_BASE_LENGTH} characters")
    if not _BASE_RE.match(base):
        raise KGError(f"base IRI {shown} is not an absolute IRI ending in '/', '#' or ':' (or has a space, control or <>\"{{}}|\\^` character)")
    bad = _BAD_PERCENT_RE.search(base)
    if bad:
        raise KGError(f"base IRI {shown} has a '%' at character {bad.start() + 1} that is not a %XX escape")
    try:
        import pyoxigraph

        # the IRI the export mints first must parse: pyoxigraph checks RFC 3987 in full
        # (lone surrogates, non-characters, a second '#', bad ports ...)
        pyoxigraph.NamedNode(f"{base}paper/x")
    except (ValueError, TypeError, UnicodeError) as exc:
        raise KGError(f"base IRI {shown} is not a valid IRI ({' '.join(str(exc).split())})") from None
    return base


def quote_segment(text: str) -> str:
    """Percent-encode ``text`` as one IRI path segment (UTF-8, RFC 3986).

    Dot segments are encoded too, so no IRI normaliser can collapse them, and so
    is a final dot: a Turtle prefixed name cannot end in ``.``, and rdflib cannot
    read the escaped form (``entity:x\\.``) that pyoxigraph writes for it.

    >>> quote_segment("llava-1.5-7b")
    'llava-1.5-7b'
    >>> quote_segment('a b/"c"')
    'a%20b%2F%22c%22'
    >>> quote_segment("..")
    '%2E%2E'
    >>> quote_segment("et al.")
    'et%20al%2E'
    """
    if text in (".", ".."):
        return "%2E" * len(text)
    # lone surrogates cannot be UTF-8 encoded; they become U+FFFD like everywhere else in kg's RDF
    out = quote(text, safe=_SAFE, errors="replace")
    return out[:-1] + "%2E" if out.endswith(".") else out


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


def evidence_iri(paper: str, start: object, end: object, rule: str, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of the evidence item at ``start``-``end`` of ``paper`` found by ``rule``.

    Shared by every statement (and finding) the item supports.
    """
    return URIRef(f"{base}evidence/{_digest(paper, start, end, rule)}")


def sentence_iri(paper: str, start: object, base: str = DEFAULT_BASE) -> URIRef:
    """The IRI of the sentence of ``paper`` that starts at offset ``start``.

    ``start`` is the sentence's character offset in the paper's content; when it is
    unknown, pass the sentence text (prefixed with a marker no int can print as),
    so the IRI still names that sentence alone.
    """
    return URIRef(f"{base}sentence/{_digest(paper, start)}")
