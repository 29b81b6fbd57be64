"""Export the graph as one self-contained, offline ``graph.html``.

The page is what most users open first, so it must work from ``file://`` on a
machine without network: vis-network (the copy pyvis ships in its wheel), kg's
own script and stylesheet from ``kg/static/`` and the graph data are all inlined
into a single file. pyvis's own ``Network.show()`` template is not used because
it loads bootstrap and vis from CDNs and builds tooltips as HTML strings from
the data; we only take its bundled vis-network build.

The graph travels as JSON inside ``<script type="application/json" id="kg-data">``
with ``<``, ``>``, ``&`` and U+2028/2029 escaped, so text taken from papers can
never close the script element; the page script renders every string through
``textContent`` / text nodes.

What the page draws depends on the graph's size:

- a graph of at most ``max_nodes`` nodes is drawn whole (papers, entities,
  findings, every edge);
- a larger one opens on an *overview*: the ``overview`` entities in most papers,
  grouped by community (label propagation on the entity-entity graph) and
  labelled by community, with papers folded into counts. Every entity and paper
  is still embedded (compactly, as columns), so search finds all of them and
  brings the match and its neighbourhood into view; clicking a community or a
  node draws its members or neighbours.

Everything else is capped so that the page stays small at 100k papers: each
entity keeps its ``EDGES_PER_ENTITY`` strongest entity-entity edges, evidence
sentences are shared out round-robin (every entity's first sentence before any
entity's second) until ``max_bytes`` is spent, and abstracts are embedded only
when they all fit. Every step is one pass over the nodes or edges (plus sorts),
and ties are broken by node id, so the same graph always gives the same bytes.

>>> import networkx as nx, tempfile, pathlib
>>> g = nx.MultiDiGraph()
>>> g.add_node("entity/bert", type="Model", label="BERT", n_papers=2, aliases=[])
>>> with tempfile.TemporaryDirectory() as d:
...     write_html(g, pathlib.Path(d) / "graph.html")
...     "kg-data" in (pathlib.Path(d) / "graph.html").read_text()
True
"""

from __future__ import annotations

import functools
import heapq
import html
import importlib.resources
import json
import math
import os
import random
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import KGError
from ..io import atomic_write
from ..schema import NODE_TYPES, RELATIONS, TableView, node_content
from ..schema import OTHER_EDGE_STYLE as _OTHER_EDGE_STYLE
from ..schema import OTHER_NODE_STYLE as _OTHER_NODE_STYLE
from ..values import as_int as _int
from ..values import as_text as _text
from ..values import safe_url as _safe_url

__all__ = [
    "write_html",
    "render_html",
    "graph_payload",
    "select_nodes",
    "communities",
    "embed_json",
    "NODE_STYLES",
    "EDGE_STYLES",
    "VIS_VERSION",
]

#: the vis-network build (bundled in pyvis's wheel) that is inlined into the page
VIS_VERSION = "vis-9.1.2"

#: how each node type is drawn (kg.schema.NODE_TYPES, in its order); the legend is generated from it
NODE_STYLES: Mapping[str, dict[str, str]] = TableView(NODE_TYPES, lambda t: t.style)
#: style of node types not in the schema (a newer graph read by an older page)
OTHER_NODE_STYLE: dict[str, str] = dict(_OTHER_NODE_STYLE)

#: how each relation (edge key) is drawn: width, colour, dashes, whether it is labelled (kg.schema.RELATIONS)
EDGE_STYLES: Mapping[str, dict[str, Any]] = TableView(RELATIONS, lambda r: dict(r.style))
OTHER_EDGE_STYLE: dict[str, Any] = dict(_OTHER_EDGE_STYLE)

#: graphs with at most this many nodes are drawn whole; larger ones open on the overview
DEFAULT_MAX_NODES = 500
#: entities the overview of a large graph draws
DEFAULT_OVERVIEW = 200
#: the embedded data stops taking evidence sentences once it is this large (bytes of JSON)
DEFAULT_MAX_BYTES = 23_500_000
#: evidence items embedded per edge; the panel says how many more the graph holds
MAX_EVIDENCE_PER_EDGE = 5
#: evidence sentences embedded per entity at most (its panel lists the other papers without them)
MAX_EVIDENCE_PER_ENTITY = 20
#: strongest entity-entity edges kept per entity (an edge stays if either end keeps it)
EDGES_PER_ENTITY = 8
#: an evidence sentence is cut to this many characters around its mention
MAX_SENTENCE_CHARS = 300
#: papers' abstracts are shown in full, but a pathological "abstract" is cut
MAX_TEXT_CHARS = 5000
#: paper titles in the data are cut to this many characters, or fewer when the page would be too big
MAX_TITLE_CHARS = 120
TITLE_CUTS = (100, 80, 64, 48)
#: of ``max_bytes``, what shorter titles make room for, for evidence sentences
EVIDENCE_RESERVE = 2_000_000
#: rounds of label propagation at most (each one pass over the kept edges)
LPA_ROUNDS = 12

_PAPER, _FINDING, _ENTITY = 0, 1, 2
_LINEAGE_FIELDS = ("family", "version", "size", "flavour")
_FINDING_CODED_FIELDS = ("direction", "unit", "metric", "qualifier", "rule")
# the identifier part of an arXiv id (new and old style, optional version): the page builds the URL from it
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]{0,30}/\d{7})(?:v\d{1,3})?$", re.IGNORECASE)


def write_html(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str = "kg",
    overview: int = DEFAULT_OVERVIEW,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> None:
    """Write ``graph`` as a single offline HTML page at ``path`` (atomically).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A kg graph (docs/SCHEMA.md section 3).
    path : path-like
        Where to write the page; its folder must exist.
    max_nodes : int
        A graph of at most this many nodes is drawn whole; a larger one opens
        on an overview of its most-used entities. Never more than this many
        nodes are drawn at the start.
    title : str
        Page and header title.
    overview : int
        How many entities the overview of a large graph draws (at most ``max_nodes``).
    max_bytes : int
        Size the embedded data aims at: evidence sentences stop being added
        once it is reached (entities, papers, edges and findings always are).

    Raises
    ------
    kg.errors.KGError
        ``max_nodes``, ``overview`` or ``max_bytes`` is not a positive integer.
    kg.errors.OutputError
        ``path`` cannot be written.
    """
    page = render_html(graph, max_nodes=max_nodes, title=title, overview=overview, max_bytes=max_bytes)
    with atomic_write(path, "w", encoding="utf-8") as fh:
        fh.write(page)


def render_html(
    graph: nx.MultiDiGraph,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str = "kg",
    overview: int = DEFAULT_OVERVIEW,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> str:
    """The HTML text :func:`write_html` writes (data, script, styles inlined)."""
    payload = graph_payload(graph, max_nodes=max_nodes, title=title, overview=overview, max_bytes=max_bytes)
    assets = _assets()
    return "".join(
        [
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            # the page never needs the network; say so to the browser as well
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'\">\n",
            f"<title>{html.escape(title)}</title>\n",
            "<style>\n", assets["vis_css"], "\n</style>\n",
            "<style>\n", assets["kg_css"], "\n</style>\n",
            "</head>\n<body>\n",
            _BODY.replace("@TITLE@", html.escape(title)),
            '<script type="application/json" id="kg-data">', embed_json(payload), "</script>\n",
            "<script>\n", assets["vis_js"], "\n</script>\n",
            "<script>\n", assets["kg_js"], "\n</script>\n",
            "</body>\n</html>\n",
        ]
    )


def embed_json(value: Any) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc. (so ``</script>`` in a title
    cannot end the element) and U+2028/U+2029 are escaped (older JS parsers
    treat them as line ends). Non-finite floats become ``null`` so that
    ``JSON.parse`` accepts the result.

    >>> embed_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(_jsonable(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def select_nodes(graph: nx.MultiDiGraph, max_nodes: int = DEFAULT_MAX_NODES, *, overview: int = DEFAULT_OVERVIEW) -> list[Any]:
    """The nodes the page draws when it opens.

    Every node (in id order) when the graph has at most ``max_nodes``; else the
    ``min(overview, max_nodes)`` entities in most papers (then highest degree,
    then id, so the choice is stable across runs), best first.
    """
    _check_positive("max nodes", max_nodes)
    _check_positive("overview size", overview)
    if graph.number_of_nodes() <= max_nodes:
        return sorted(graph.nodes, key=str)
    return _ranked_entities(graph)[: min(overview, max_nodes)]


def communities(graph: nx.MultiDiGraph, entities: list[Any] | None = None, *, rounds: int = LPA_ROUNDS) -> list[int]:
    """A community index per entity of ``entities`` (default: all, ranked), by label propagation.

    The entity-entity graph (co-occurrence and typed relations, each entity's
    :data:`EDGES_PER_ENTITY` strongest edges) is weighted by
    ``count / sqrt(n_papers(u) * n_papers(v))``, so that hubs, which co-occur
    with everything, do not swallow the graph. Entities are visited in rank
    order and ties go to the lower label: the result depends on the graph
    only. At most ``rounds`` passes over the edges: linear in the graph's size.
    Communities are numbered by total papers, largest first.
    """
    ranked = entities if entities is not None else _ranked_entities(graph)
    index = {n: i for i, n in enumerate(ranked)}
    kept = _keep_strongest(_entity_edge_list(graph, index), len(ranked))
    return _label_propagation(len(ranked), kept, [_n_papers(graph.nodes[n]) for n in ranked], rounds)[0]


def graph_payload(
    graph: nx.MultiDiGraph,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str = "kg",
    overview: int = DEFAULT_OVERVIEW,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> dict[str, Any]:
    """The JSON-ready data the page embeds.

    Keys: ``meta``, ``styles``, ``types``, ``rels`` and ``rules`` (name tables
    the columns index into), ``entities`` (columns, ranked: most papers first),
    ``papers`` (columns, by id), ``links`` (flat ``[paper, entity, rel, ...]``
    for paper-entity edges other than ``mentions``), ``findings`` (columns),
    ``edges`` (flat ``[u, v, rel, count, ...]`` between entities, each entity's
    strongest), ``edge_ev`` / ``edge_nev`` (evidence ids and totals per edge),
    ``evidence`` (``[paper, rel, sentence, hl_start, hl_end, rule]``),
    ``communities`` (how many; ``entities.comm`` holds each entity's, -1 for
    none), ``extra`` (edges of other shapes, drawn only with the whole graph)
    and ``draw`` (the ids the page draws first, with positions).

    ``hl_start``/``hl_end`` locate the mention in the sentence in UTF-16 code
    units (what JavaScript string indices count), -1 when it cannot be found.
    """
    for what, value in (("max nodes", max_nodes), ("overview size", overview), ("max bytes", max_bytes)):
        _check_positive(what, value)
    ranked = _ranked_entities(graph)
    papers = sorted((n for n, d in graph.nodes(data=True) if d.get("type") == "Paper"), key=str)
    findings = sorted((n for n, d in graph.nodes(data=True) if d.get("type") == "Finding"), key=str)
    eidx = {n: i for i, n in enumerate(ranked)}
    pidx = {n: i for i, n in enumerate(papers)}
    fidx = {n: i for i, n in enumerate(findings)}
    total = graph.number_of_nodes()
    whole = total <= max_nodes

    # one pass over the edges, sorted into the shapes the page needs
    paper_ents: list[list[tuple[int, str]]] = [[] for _ in papers]
    ent_papers: list[list[tuple[int, str, dict]]] = [[] for _ in ranked]
    finding_links: list[list[tuple[str, int]]] = [[] for _ in findings]
    finding_paper: dict[int, int] = {}
    entity_edges: list[tuple[int, int, str, int, dict]] = []
    extra: list[tuple[str, str, str, int]] = []
    total_edges = 0
    for u, v, key, data in _edges(graph):
        total_edges += 1
        if u in pidx and v in eidx:
            paper_ents[pidx[u]].append((eidx[v], key))
            ent_papers[eidx[v]].append((pidx[u], key, data))
        elif u in eidx and v in eidx:
            entity_edges.append((eidx[u], eidx[v], key, _count(data), data))
        elif u in fidx and v in eidx:
            finding_links[fidx[u]].append((key, eidx[v]))
        elif u in pidx and v in fidx and key == "reports":
            finding_paper.setdefault(fidx[v], pidx[u])
        elif whole:
            extra.append((str(u), str(v), key, _count(data)))
    # sorted so that the output depends on the graph's content, not on insertion order
    entity_edges.sort(key=lambda e: (e[0], e[1], e[2]))
    kept = _keep_strongest(entity_edges, len(ranked))
    comm, groups = _label_propagation(len(ranked), kept, [_n_papers(graph.nodes[n]) for n in ranked], LPA_ROUNDS)

    relations = {key for links in paper_ents for _, key in links}
    relations |= {e[2] for e in kept} | {key for links in finding_links for key, _ in links} | {e[2] for e in extra}
    if finding_paper:
        relations.add("reports")
    rel_names = _ordered(sorted(relations), EDGE_STYLES)
    rel = {k: i for i, k in enumerate(rel_names)}
    types = _ordered(sorted({_type(graph.nodes[n]) for n in ranked} | ({"Paper"} if papers else set())
                            | ({"Finding"} if findings else set())), NODE_STYLES)
    type_index = {t: i for i, t in enumerate(types)}

    entities = _entity_columns(graph, ranked, type_index, comm)
    paper_cols = _paper_columns(graph, papers, paper_ents)
    links = [x for p, ents in enumerate(paper_ents) for e, key in sorted(set(ents)) if key != "mentions"
             for x in (p, e, rel[key])]
    finding_cols = _finding_columns(graph, findings, finding_links, finding_paper, pidx, rel)
    # flat [u, v, rel, count, ...]: a quarter of a million edges at 100k papers, so no per-edge lists
    edges = [x for u, v, key, count, _ in kept for x in (u, v, rel[key], count)]

    if whole:
        draw = [str(n) for n in ranked] + [str(n) for n in papers] + [str(n) for n in findings]
        positions = _initial_positions(graph, ranked + papers + findings)
        note = ""
    else:
        shown = min(overview, max_nodes)
        draw = [str(n) for n in ranked[:shown]]
        positions = _overview_positions(comm[:shown])
        note = (f"overview: the {len(draw):,} most-used of {len(ranked):,} entities, grouped by community; "
                f"{len(papers):,} papers folded into counts. Search finds every entity; click a node or a community to expand it")
    # lone entities have no community of their own (the page shows none for them); the page
    # derives each community's size, papers and label (its best-used members) from this column
    n_shared = sum(1 for members in groups if len(members) > 1)
    entities["comm"] = [c if c < n_shared else -1 for c in comm]
    payload: dict[str, Any] = {
        "meta": {
            "title": title,
            "mode": "whole" if whole else "overview",
            "total_nodes": total,
            "total_edges": total_edges,
            "n_entities": len(ranked),
            "n_papers": len(papers),
            "n_findings": len(findings),
            "shown_nodes": len(draw),
            "hidden_nodes": total - len(draw),
            "hidden_note": note,
            "kg_version": _text(graph.graph.get("kg_version")),
            "max_evidence": MAX_EVIDENCE_PER_EDGE,
            "abstracts": False,
            "evidence_note": "",
        },
        "styles": {
            "nodes": {t: NODE_STYLES.get(t, OTHER_NODE_STYLE) for t in types},
            "edges": {k: EDGE_STYLES.get(k, OTHER_EDGE_STYLE) for k in rel_names},
        },
        "types": types,
        "rels": rel_names,
        "rules": [],
        "entities": entities,
        "papers": paper_cols,
        "links": links,
        "findings": finding_cols,
        "edges": edges,
        "edge_ev": {},
        "edge_nev": {},
        "evidence": [],
        "communities": n_shared,
        "extra": [[u, v, rel[key], count] for u, v, key, count in sorted(extra)],
        "draw": {"ids": draw, "x": [p[0] for p in positions], "y": [p[1] for p in positions]},
    }
    budget = max_bytes - _fit_titles(payload, _size(payload), max_bytes - EVIDENCE_RESERVE)
    texts = [_text(graph.nodes[p].get("text"))[:MAX_TEXT_CHARS] for p in papers]
    text_size = sum(len(t.encode("utf-8")) + 3 for t in texts)
    # abstracts all or none: a page where some papers have one and some not would look broken
    if papers and text_size <= budget // 2:
        paper_cols["text"] = texts
        payload["meta"]["abstracts"] = True
        budget -= text_size
    _add_evidence(graph, payload, ranked, papers, ent_papers, kept, findings, pidx, rel, budget)
    return payload


# --- ranking, strongest edges, communities ---------------------------------------


def _ranked_entities(graph: nx.MultiDiGraph) -> list[Any]:
    """Every node that is neither a paper nor a finding: most papers, then highest degree, then id."""
    ents = [n for n, d in graph.nodes(data=True) if d.get("type") not in ("Paper", "Finding")]
    return sorted(ents, key=lambda n: (-_n_papers(graph.nodes[n]), -graph.degree(n), str(n)))


def _entity_edge_list(graph: nx.MultiDiGraph, index: dict[Any, int]) -> list[tuple[int, int, str, int, dict]]:
    """(u, v, key, count, data) of every edge between two entities of ``index``, sorted."""
    out = [(index[u], index[v], key, _count(data), data) for u, v, key, data in _edges(graph) if u in index and v in index]
    out.sort(key=lambda e: (e[0], e[1], e[2]))
    return out


def _keep_strongest(edges: list[tuple[int, int, str, int, dict]], n: int) -> list[tuple[int, int, str, int, dict]]:
    """The edges among the :data:`EDGES_PER_ENTITY` strongest of either endpoint, in input order.

    Typed relations rank before co-occurrence, then higher counts; ties by
    position (the input is sorted). O(E log k): a hub's thousands of
    co-occurrences are cut without sorting them.
    """
    per: list[list[tuple[bool, int, int]]] = [[] for _ in range(n)]
    for i, (u, v, key, count, _) in enumerate(edges):
        rank = (key == "co_occurs", -count, i)
        per[u].append(rank)
        if v != u:
            per[v].append(rank)
    keep: set[int] = set()
    for ranks in per:
        keep.update(r[2] for r in heapq.nsmallest(EDGES_PER_ENTITY, ranks))
    return [edges[i] for i in sorted(keep)]


def _label_propagation(
    n: int, edges: list[tuple[int, int, str, int, dict]], papers: list[int], rounds: int
) -> tuple[list[int], list[list[int]]]:
    """Community per node ``0..n-1`` and the member lists (ranked), largest community (in papers) first.

    Weighted, asynchronous label propagation in node order; a node takes the
    label with the most weight among its neighbours, ties to the lowest label.
    """
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for u, v, _key, count, _ in edges:
        if u == v:
            continue
        # normalised by the ends' paper counts: a hub's edges are many but each is weak
        w = max(count, 1) / math.sqrt(max(papers[u], 1) * max(papers[v], 1))
        adj[u].append((v, w))
        adj[v].append((u, w))
    label = list(range(n))
    for _ in range(rounds):
        changed = 0
        for i in range(n):
            if not adj[i]:
                continue
            score: dict[int, float] = {}
            for j, w in adj[i]:
                score[label[j]] = score.get(label[j], 0.0) + w
            best = min(score.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if best != label[i]:
                label[i] = best
                changed += 1
        if not changed:
            break
    members: dict[int, list[int]] = {}
    for i, lab in enumerate(label):
        members.setdefault(lab, []).append(i)
    groups = sorted(members.values(), key=lambda m: (-sum(papers[i] for i in m), m[0]))
    comm = [0] * n
    for c, group in enumerate(groups):
        for i in group:
            comm[i] = c
    return comm, groups


# --- columns and records -----------------------------------------------------------


def _entity_columns(graph: nx.MultiDiGraph, ranked: list[Any], type_index: dict[str, int], comm: list[int]) -> dict[str, Any]:
    """Entities as columns (one list per field, ranked); rare fields as {index: value}."""
    cols: dict[str, Any] = {"id": [], "label": [], "type": [], "papers": [], "comm": comm,
                            "aliases": {}, "key": {}, "lineage": {}, "nev": {}}
    for i, n in enumerate(ranked):
        attrs = graph.nodes[n]
        node_id = str(n)
        cols["id"].append(node_id)
        cols["label"].append(_text(attrs.get("label")) or node_id)
        cols["type"].append(type_index[_type(attrs)])
        cols["papers"].append(_n_papers(attrs))
        aliases = [t for t in (_text(a) for a in _as_list(attrs.get("aliases"))) if t]
        if aliases:
            cols["aliases"][str(i)] = aliases
        key = _text(attrs.get("key"))
        if key and node_id != f"entity/{key}":  # the page derives the usual key from the id
            cols["key"][str(i)] = key
        lineage = {f: _text(attrs.get(f)) for f in _LINEAGE_FIELDS if _text(attrs.get(f))}
        if lineage:
            cols["lineage"][str(i)] = lineage
    return cols


def _paper_columns(graph: nx.MultiDiGraph, papers: list[Any], paper_ents: list[list[tuple[int, str]]]) -> dict[str, Any]:
    """Papers as columns, by id; the id and arXiv URL are left out where the page can rebuild them."""
    cols: dict[str, Any] = {"id": {}, "title": [], "arxiv": [], "url": {}, "topics": {}, "ents": []}
    for i, p in enumerate(papers):
        attrs = graph.nodes[p]
        arxiv = _text(attrs.get("arxiv_id"))
        derived = f"https://arxiv.org/abs/{arxiv}" if _ARXIV_ID.match(arxiv) else ""
        if not (derived and str(p) == f"paper/arxiv:{arxiv}"):
            cols["id"][str(i)] = str(p)
        title = _text(attrs.get("title")) or _text(attrs.get("label")) or str(p)
        cols["title"].append(title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1] + "\u2026")
        cols["arxiv"].append(arxiv)
        url = _safe_url(attrs.get("url"))
        if url != derived:
            cols["url"][str(i)] = url
        topics = [t for t in (_text(x) for x in _as_list(attrs.get("topics"))) if t]
        if topics:
            cols["topics"][str(i)] = topics
        # mentions only: the page rebuilds each entity's papers from these and ``links``
        cols["ents"].append(sorted({e for e, key in paper_ents[i] if key == "mentions"}))
    return cols


def _finding_columns(
    graph: nx.MultiDiGraph, findings: list[Any], finding_links: list[list[tuple[str, int]]],
    finding_paper: dict[int, int], pidx: dict[Any, int], rel: dict[str, int],
) -> dict[str, Any]:
    """Findings as columns; short repeated fields (unit, metric, ...) as indices into ``strings``.

    ``paper`` is a paper index or -1; ``text`` and ``sentence`` are filled by
    :func:`_add_evidence` while the size budget lasts.
    """
    strings: dict[str, int] = {"": 0}
    cols: dict[str, Any] = {"id": [], "label": [], "paper": [], "links": [], "value": [], "baseline": {},
                            "text": {}, "sentence": {}, "strings": []}
    for field in _FINDING_CODED_FIELDS:
        cols[field] = []
    for i, f in enumerate(findings):
        attrs = graph.nodes[f]
        cols["id"].append(str(f))
        cols["label"].append(_text(attrs.get("label")) or str(f))
        for field in _FINDING_CODED_FIELDS:
            cols[field].append(strings.setdefault(_text(attrs.get(field)), len(strings)))
        cols["value"].append(_number(attrs.get("value")))
        baseline = _number(attrs.get("baseline"))
        if baseline is not None:
            cols["baseline"][str(i)] = baseline
        paper = attrs.get("paper")
        cols["paper"].append(pidx.get(paper, finding_paper.get(i, -1)) if isinstance(paper, str) else finding_paper.get(i, -1))
        cols["links"].append([x for key, e in sorted(set(finding_links[i]), key=lambda t: (t[1], t[0])) for x in (rel[key], e)])
    cols["strings"] = list(strings)
    return cols


# --- evidence ------------------------------------------------------------------------


def _add_evidence(
    graph: nx.MultiDiGraph, payload: dict[str, Any], ranked: list[Any], papers: list[Any],
    ent_papers: list[list[tuple[int, str, dict]]], kept: list[tuple[int, int, str, int, dict]],
    findings: list[Any], pidx: dict[Any, int], rel: dict[str, int], budget: int,
) -> None:
    """Share evidence sentences out round-robin until ``budget`` bytes are spent.

    Round r gives every entity its r-th sentence (taken across its papers:
    first sentence of each paper, then second ...), every typed relation its
    r-th and, in round 0, every finding its sentence; so when the budget runs
    out, every entity that got none ranks below every entity that got one.
    """
    contents = _Contents(graph)
    rules: dict[str, int] = {}
    evidence = payload["evidence"]
    ent_ev: list[list[int]] = [[] for _ in ranked]
    needles = [_needles(graph.nodes[n]) for n in ranked]

    def item(ev: dict, paper: int, key: str, hints: list[str]) -> list[Any]:
        sentence = _text(ev.get("sentence"))
        span = _locate(ev, sentence, contents.of(ev.get("paper") if isinstance(ev.get("paper"), str) else None), hints)
        sentence, hl = _cut_sentence(sentence, span)
        rule = _text(ev.get("rule"))
        return [paper, rel[key], sentence, hl[0], hl[1], rules.setdefault(rule, len(rules))]

    def cost(entry: list[Any]) -> int:
        return len(embed_json(entry).encode("utf-8")) + 8  # and its id in the entity's or edge's list

    def entity_items(i: int) -> Iterator[tuple[int, str, dict]]:
        lists = [(p, key, _evidence_list(data)[:MAX_EVIDENCE_PER_EDGE]) for p, key, data in
                 sorted(ent_papers[i], key=lambda t: (t[0], rel[t[1]]))]
        for j in range(MAX_EVIDENCE_PER_EDGE):
            for p, key, evs in lists:
                if j < len(evs):
                    yield p, key, evs[j]

    totals = [sum(len(_evidence_list(d)) for _, _, d in ent_papers[i]) for i in range(len(ranked))]
    queues = [entity_items(i) for i in range(len(ranked))]
    typed = [(k, e) for k, e in enumerate(kept) if e[2] != "co_occurs"]
    out_of_budget = False
    for r in range(max(MAX_EVIDENCE_PER_ENTITY, MAX_EVIDENCE_PER_EDGE)):
        progress = False
        for i, queue in enumerate(queues):
            if queue is None:
                continue
            nxt = next(queue, None) if r < MAX_EVIDENCE_PER_ENTITY else None
            if nxt is None:
                queues[i] = None
                continue
            p, key, ev = nxt
            entry = item(ev, p, key, needles[i])
            budget -= cost(entry)
            if budget < 0:
                out_of_budget = True
                break
            ent_ev[i].append(len(evidence))
            evidence.append(entry)
            progress = True
        if out_of_budget:
            break
        for k, (u, v, key, _count, data) in typed if r < MAX_EVIDENCE_PER_EDGE else ():
            evs = _evidence_list(data)
            if r >= len(evs):
                continue
            paper = evs[r].get("paper")
            entry = item(evs[r], pidx.get(paper, -1) if isinstance(paper, str) else -1, key, needles[v] + needles[u])
            budget -= cost(entry) + 8
            if budget < 0:
                out_of_budget = True
                break
            payload["edge_ev"].setdefault(str(k), []).append(len(evidence))
            evidence.append(entry)
            progress = True
        if out_of_budget:
            break
        if r == 0:
            cols = payload["findings"]
            for k, f in enumerate(findings):
                attrs = graph.nodes[f]
                claim = _text(attrs.get("text"))
                sentence = _text(attrs.get("sentence"))
                budget -= min(len(sentence), MAX_SENTENCE_CHARS) * 2 + len(claim) * 2 + 30
                if budget < 0:
                    out_of_budget = True
                    break
                if claim:
                    cols["text"][str(k)] = claim
                if not sentence:
                    continue
                ev = {key: attrs.get(key) for key in ("sentence", "start", "end", "sent_start")}
                paper = attrs.get("paper")
                span = _locate(ev, sentence, contents.of(paper if isinstance(paper, str) else None),
                               [claim] if claim else [])
                cut, hl = _cut_sentence(sentence, span)
                cols["sentence"][str(k)] = [cut, hl[0], hl[1]]
            if out_of_budget:
                break
        if not progress:
            break
    for k, (_u, _v, key, _count, data) in typed:
        n = len(_evidence_list(data))
        if 0 < len(payload["edge_ev"].get(str(k), ())) < n:
            payload["edge_nev"][str(k)] = n
    payload["entities"]["ev"] = ent_ev
    payload["entities"]["nev"] = {str(i): t for i, t in enumerate(totals) if t > len(ent_ev[i])}
    payload["rules"] = list(rules)
    if out_of_budget:
        payload["meta"]["evidence_note"] = (
            f"evidence sentences for the best-connected entities only ({len(evidence):,} sentences; "
            "size limit); graph.json holds them all")


def _fit_titles(payload: dict[str, Any], size: int, target: int) -> int:
    """Cut paper titles (to the first of :data:`TITLE_CUTS` that is enough) while ``size`` exceeds ``target``.

    Titles are the one part of the data that grows with the corpus and can
    shrink without losing a node or an edge. Returns the new size.
    """
    titles = payload["papers"]["title"]
    if size <= target or not titles:
        return size
    chosen, saving = TITLE_CUTS[-1], 0
    for cut in TITLE_CUTS:
        saving = sum(len(t.encode("utf-8")) - len(_short(t, cut).encode("utf-8")) for t in titles)
        chosen = cut
        if size - saving <= target:
            break
    payload["papers"]["title"] = [_short(t, chosen) for t in titles]
    return size - saving


def _cut_sentence(sentence: str, span: tuple[int, int] | None) -> tuple[str, list[int]]:
    """``sentence`` cut to :data:`MAX_SENTENCE_CHARS` around ``span``, and the span in UTF-16 units ([-1, -1]: none)."""
    if len(sentence) > MAX_SENTENCE_CHARS:
        s, e = span if span else (0, 0)
        width = min(e - s, MAX_SENTENCE_CHARS)
        start = max(0, min(s - (MAX_SENTENCE_CHARS - width) // 2, len(sentence) - MAX_SENTENCE_CHARS))
        end = start + MAX_SENTENCE_CHARS
        lead = "\u2026" if start > 0 else ""
        cut = lead + sentence[start:end] + ("\u2026" if end < len(sentence) else "")
        if span:
            span = (s - start + len(lead), min(e, end) - start + len(lead))
        sentence = cut
    if not span:
        return sentence, [-1, -1]
    return sentence, [_utf16_index(sentence, span[0]), _utf16_index(sentence, span[1])]


# --- layout --------------------------------------------------------------------------


def _overview_positions(comm: list[int]) -> list[tuple[int, int]]:
    """Starting positions for the overview's entities (ranked; ``comm`` their communities).

    Each community of three or more is a disc (members on a sunflower spiral,
    its best-used member in the middle); discs are placed largest first, each
    at the first point of a spiral from the centre where it keeps clear of the
    others, with more room sideways than up and down so that the labels above
    them do not run into each other. Smaller groups go on a ring outside. Work
    is bounded by the overview's size, not the graph's.
    """
    spacing = 60.0
    golden = math.pi * (3 - math.sqrt(5))
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(comm):
        groups.setdefault(c, []).append(i)
    pos: list[tuple[float, float]] = [(0.0, 0.0)] * len(comm)
    placed: list[tuple[float, float, float]] = []
    lone: list[int] = []
    outer = 0.0
    for members in sorted(groups.values(), key=lambda m: (-len(m), m[0])):
        if len(members) < 3:
            lone.extend(members)
            continue
        radius = spacing * 0.7 * math.sqrt(len(members)) + spacing * 0.5
        k = 0
        while True:
            r = spacing * math.sqrt(k)
            cx, cy = 1.8 * r * math.cos(k * golden), r * math.sin(k * golden)
            if all(((cx - x) / 2.6) ** 2 + (cy - y) ** 2 >= (radius + rr + spacing) ** 2 for x, y, rr in placed):
                break
            k += 1
        placed.append((cx, cy, radius))
        outer = max(outer, math.hypot(cx / 1.8, cy) + radius)
        for j, m in enumerate(members):
            rj = spacing * 0.7 * math.sqrt(j)
            pos[m] = (cx + rj * math.cos(j * golden), cy + rj * math.sin(j * golden))
    for j, m in enumerate(sorted(lone)):
        angle = j * 2 * math.pi / max(len(lone), 1)
        r = outer + spacing * (1.5 + (j % 3) * 0.7)
        pos[m] = (1.8 * r * math.cos(angle), r * math.sin(angle))
    return [(round(x), round(y)) for x, y in pos]


def _edges(graph: nx.Graph) -> Iterator[tuple[Any, Any, str, dict]]:
    """(u, v, key, data) for every edge; a simple graph's relation comes from a ``key`` attribute."""
    if graph.is_multigraph():
        yield from graph.edges(keys=True, data=True)
    else:
        for u, v, data in graph.edges(data=True):
            yield u, v, str(data.get("key") or "related"), data


def _initial_positions(graph: nx.MultiDiGraph, keep: list[Any]) -> list[tuple[int, int]]:
    """A cheap starting layout, one (x, y) per node of ``keep`` (in order).

    vis-network's own start (random points in a square) needs hundreds of
    iterations on thousands of nodes; starting from this one, its force layout
    looks settled within its time budget. Entities go on a sunflower spiral,
    most papers in the middle; papers sit at the mean of their entities and
    findings next to their paper, each with a small deterministic offset.
    """
    rng = random.Random(0)
    after = graph.successors if graph.is_directed() else graph.neighbors
    before = graph.predecessors if graph.is_directed() else graph.neighbors
    pos: dict[Any, tuple[float, float]] = {}
    spacing = 40.0
    golden = math.pi * (3 - math.sqrt(5))
    anchors = [n for n in keep if graph.nodes[n].get("type") not in ("Paper", "Finding")]
    for i, n in enumerate(anchors):  # keep is already ranked: hubs first, in the middle
        r = spacing * math.sqrt(i + 0.5)
        pos[n] = (r * math.cos(i * golden), r * math.sin(i * golden))
    rest = [n for n in keep if n not in pos]
    spiral_i = len(anchors)
    for kind in ("Paper", "Finding"):
        for n in rest:
            if graph.nodes[n].get("type") != kind:
                continue
            near = [pos[m] for m in after(n) if m in pos]
            if not near:
                near = [pos[m] for m in before(n) if m in pos]
            if near:
                cx = sum(p[0] for p in near) / len(near)
                cy = sum(p[1] for p in near) / len(near)
            else:
                r = spacing * math.sqrt(spiral_i + 0.5)
                cx, cy = r * math.cos(spiral_i * golden), r * math.sin(spiral_i * golden)
                spiral_i += 1
            pos[n] = (cx + rng.uniform(-spacing, spacing), cy + rng.uniform(-spacing, spacing))
    for n in keep:  # nodes of other types
        if n not in pos:
            r = spacing * math.sqrt(spiral_i + 0.5)
            pos[n] = (r * math.cos(spiral_i * golden), r * math.sin(spiral_i * golden))
            spiral_i += 1
    return [(round(pos[n][0]), round(pos[n][1])) for n in keep]


# --- highlighting ----------------------------------------------------------


def _locate(ev: dict, sentence: str, content: str | None, needles: list[str]) -> tuple[int, int] | None:
    """Where the mention lies in ``sentence``, as (start, end) in code points, or None.

    In order: the offsets relative to ``sent_start`` when the evidence has it;
    the offsets located through the paper's content (find the sentence in the
    content around the mention); the longest of ``needles`` (the node's label
    and aliases) found in the sentence, ignoring case. A span covering the whole
    sentence (a relation's evidence) says nothing, so needles are tried instead.
    """
    if not sentence:
        return None
    start, end = _int(ev.get("start")), _int(ev.get("end"))
    span = None
    if start is not None and end is not None and end > start:
        sent_start = _int(ev.get("sent_start"))
        if sent_start is not None:
            span = _in_sentence(start - sent_start, end - sent_start, sentence)
        elif content:
            # the sentence starts at or before the mention and ends at or after it
            at = content.find(sentence, max(0, end - len(sentence)), start + len(sentence))
            if at >= 0:
                span = _in_sentence(start - at, end - at, sentence)
    if span is not None and (span[1] - span[0]) >= len(sentence.strip()):
        span = None
    if span is None:
        span = _find_needle(sentence, needles)
    return span


def _in_sentence(s: int, e: int, sentence: str) -> tuple[int, int] | None:
    return (s, e) if 0 <= s < e <= len(sentence) else None


def _find_needle(sentence: str, needles: list[str]) -> tuple[int, int] | None:
    """Where the longest of ``needles`` first occurs in ``sentence``, ignoring case."""
    low = sentence.casefold()
    if len(low) != len(sentence):
        return None  # casefold changed the length ("ß" -> "ss"): offsets would drift
    # longest first, ties alphabetically: sorting by length alone left ties in hash order
    for needle in sorted({n.casefold() for n in needles if n and len(n) >= 2}, key=lambda s: (-len(s), s)):
        at = low.find(needle)
        if at >= 0:
            return at, at + len(needle)
    return None


def _utf16_index(text: str, index: int) -> int:
    """``index`` (code points) as a JavaScript string index (UTF-16 code units)."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


class _Contents:
    """``Paper.content`` per paper node id, rebuilt on first use (only papers with kept evidence)."""

    def __init__(self, graph: nx.Graph):
        self._graph = graph
        self._cache: dict[str, str | None] = {}

    def of(self, node: Any) -> str | None:
        """The content of paper node ``node``, or None when it is not a paper of the graph."""
        if not isinstance(node, str):
            return None
        if node not in self._cache:
            attrs = self._graph.nodes[node] if node in self._graph else None
            self._cache[node] = node_content(attrs) if attrs and attrs.get("type") == "Paper" else None
        return self._cache[node]


def _needles(attrs: dict) -> list[str]:
    if attrs.get("type") in ("Paper", "Finding"):
        return []
    return [_text(attrs.get("label"))] + [_text(a) for a in _as_list(attrs.get("aliases"))]


# --- small converters --------------------------------------------------------


def _check_positive(what: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise KGError(f"{what} for graph.html must be a positive integer, got {value!r}")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _type(attrs: dict) -> str:
    return _text(attrs.get("type")) or "Other"


def _count(data: dict) -> int:
    """An edge's ``count``, or the length of its evidence when it has none."""
    count = data.get("count")
    if isinstance(count, (int, float)) and not isinstance(count, bool) and math.isfinite(count):
        return int(count)
    return len(_evidence_list(data))


def _evidence_list(data: dict) -> list[dict]:
    return [e for e in _as_list(data.get("evidence")) if isinstance(e, dict)]


def _size(payload: dict) -> int:
    """Bytes of ``payload`` as the page embeds it."""
    return len(embed_json(payload).encode("utf-8"))


def _n_papers(attrs: dict) -> int:
    n = attrs.get("n_papers")
    if isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n):
        return max(int(n), 1)
    return 1


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _as_list(value: Any) -> list:
    if value is None or isinstance(value, (str, bytes, dict)):
        return [value] if isinstance(value, str) and value else []
    if isinstance(value, Iterable):
        return sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
    return []


def _ordered(present: list[str], table: dict[str, Any]) -> list[str]:
    """``present`` in the order of ``table`` (schema order), unknown names last."""
    return [k for k in table if k in present] + sorted(k for k in present if k not in table)


def _jsonable(value: Any) -> Any:
    """``value`` with tuples/sets as lists, non-finite floats as None, other objects as str."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [_jsonable(v) for v in sorted(value, key=str)]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


# --- assets ----------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """vis-network (from pyvis's wheel) and kg's script and stylesheet, ready to inline."""
    vis_dir = importlib.resources.files("pyvis") / "lib" / VIS_VERSION
    static = Path(__file__).resolve().parent.parent / "static"
    try:
        found = {
            "vis_js": (vis_dir / "vis-network.min.js").read_text(encoding="utf-8"),
            "vis_css": (vis_dir / "vis-network.css").read_text(encoding="utf-8"),
            "kg_js": (static / "kg-graph.js").read_text(encoding="utf-8"),
            "kg_css": (static / "kg-graph.css").read_text(encoding="utf-8"),
        }
    except OSError as exc:
        raise KGError(f"{exc.filename}: graph.html asset missing; reinstall kg and pyvis") from None
    # an inlined script or style must not contain its own end tag
    for name in ("vis_js", "kg_js"):
        found[name] = re.sub(r"</(script)", r"<\\/\1", found[name], flags=re.IGNORECASE)
    for name in ("vis_css", "kg_css"):
        found[name] = re.sub(r"</(style)", r"<\\/\1", found[name], flags=re.IGNORECASE)
    return found


_BODY = """<div id="kg-app">
<header id="kg-header">
  <h1 id="kg-title">@TITLE@</h1>
  <div id="kg-search-box">
    <label for="kg-search" class="kg-visually-hidden">Find a node</label>
    <input id="kg-search" type="search" list="kg-suggest" placeholder="Find any entity or paper by name or alias, Enter to show it" autocomplete="off" spellcheck="false">
    <datalist id="kg-suggest"></datalist>
    <button id="kg-search-go" type="button">Find</button>
    <span id="kg-search-status" role="status"></span>
  </div>
  <div id="kg-actions">
    <button id="kg-overview" type="button" title="Back to the drawing the page opened with">Overview</button>
    <button id="kg-physics" type="button" disabled>Resume layout</button>
    <button id="kg-fit" type="button">Fit</button>
  </div>
</header>
<div id="kg-note" role="note" hidden></div>
<main id="kg-main">
  <aside id="kg-filters" aria-label="Filters and legend">
    <section id="kg-communities-section"><h2>Communities</h2><div id="kg-communities"></div>
      <p class="kg-hint">Click one (or its label on the canvas) to draw its members; double-click a node to draw its neighbours.</p>
    </section>
    <section><h2>Node types</h2><div id="kg-type-filters"></div></section>
    <section><h2>Relations</h2><div id="kg-rel-filters"></div></section>
    <section><h2>Minimum papers</h2>
      <div id="kg-min-papers-row">
        <input id="kg-min-papers" type="range" min="1" max="1" value="1" step="1" aria-label="Minimum number of papers per entity">
        <input id="kg-min-papers-num" type="number" min="1" value="1" step="1" aria-label="Minimum number of papers per entity (number)">
      </div>
      <p class="kg-hint">Entities mentioned in fewer papers are hidden (papers and findings are not affected).</p>
    </section>
    <p id="kg-stats"></p>
  </aside>
  <div id="kg-canvas-wrap">
    <div id="kg-network"></div>
    <div id="kg-progress">Laying out the graph&hellip;</div>
  </div>
  <aside id="kg-panel" aria-label="Selected node" hidden>
    <button id="kg-panel-close" type="button" aria-label="Close panel">&times;</button>
    <div id="kg-panel-body"></div>
  </aside>
</main>
</div>
"""
