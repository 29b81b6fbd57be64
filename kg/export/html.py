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

Graphs larger than ``max_nodes`` are cut in Python before embedding: the page
starts with the best-connected nodes (most papers, then highest degree) and says
how many it hides.

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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import KGError
from ..io import atomic_write

__all__ = [
    "write_html",
    "render_html",
    "graph_payload",
    "select_nodes",
    "embed_json",
    "NODE_STYLES",
    "EDGE_STYLES",
    "VIS_VERSION",
]

#: the vis-network build (bundled in pyvis's wheel) that is inlined into the page
VIS_VERSION = "vis-9.1.2"

#: how each node type is drawn; the legend is generated from this table
NODE_STYLES: dict[str, dict[str, str]] = {
    "Paper": {"color": "#8d99ae", "shape": "square"},
    "Method": {"color": "#2a9d8f", "shape": "dot"},
    "Model": {"color": "#e76f51", "shape": "diamond"},
    "Architecture": {"color": "#f4a261", "shape": "hexagon"},
    "Dataset": {"color": "#457b9d", "shape": "triangle"},
    "Task": {"color": "#9b5de5", "shape": "triangleDown"},
    "Metric": {"color": "#e9c46a", "shape": "star"},
    "Organization": {"color": "#6d597a", "shape": "square"},
    "Finding": {"color": "#d62828", "shape": "dot"},
}
#: style of node types not in the schema (a newer graph read by an older page)
OTHER_NODE_STYLE = {"color": "#adb5bd", "shape": "dot"}

#: how each relation (edge key) is drawn: width, colour, dashes, whether it is labelled
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "mentions": {"color": "#ced4da", "width": 0.5, "dashes": False, "label": False, "arrows": False},
    "co_occurs": {"color": "#adb5bd", "width": 0.8, "dashes": True, "label": False, "arrows": False},
    "proposes": {"color": "#2a9d8f", "width": 1.5, "dashes": False, "label": True, "arrows": True},
    "uses": {"color": "#8ab17d", "width": 1.0, "dashes": False, "label": False, "arrows": True},
    "affiliated_with": {"color": "#6d597a", "width": 1.0, "dashes": False, "label": False, "arrows": True},
    "reports": {"color": "#f28482", "width": 1.0, "dashes": False, "label": False, "arrows": True},
    "evaluated_on": {"color": "#457b9d", "width": 1.5, "dashes": False, "label": True, "arrows": True},
    "benchmark_for": {"color": "#1d3557", "width": 1.5, "dashes": False, "label": True, "arrows": True},
    "used_for": {"color": "#588157", "width": 1.5, "dashes": False, "label": True, "arrows": True},
    "trained_on": {"color": "#3a86ff", "width": 1.5, "dashes": False, "label": True, "arrows": True},
    "compared_with": {"color": "#fb8500", "width": 1.5, "dashes": False, "label": True, "arrows": False},
    "outperforms": {"color": "#d62828", "width": 2.0, "dashes": False, "label": True, "arrows": True},
    "part_of": {"color": "#6a4c93", "width": 1.5, "dashes": False, "label": True, "arrows": True},
    "subclass_of": {"color": "#8338ec", "width": 1.5, "dashes": False, "label": True, "arrows": True},
    "measured_by": {"color": "#b08900", "width": 1.5, "dashes": False, "label": True, "arrows": True},
    "alias_of": {"color": "#495057", "width": 1.0, "dashes": [2, 4], "label": True, "arrows": True},
    "variant_of": {"color": "#ff006e", "width": 3.0, "dashes": [10, 4], "label": True, "arrows": True},
    "subject": {"color": "#d62828", "width": 1.0, "dashes": False, "label": True, "arrows": True},
    "metric": {"color": "#b08900", "width": 1.0, "dashes": False, "label": True, "arrows": True},
    "setting": {"color": "#adb5bd", "width": 1.0, "dashes": [4, 4], "label": True, "arrows": True},
}
OTHER_EDGE_STYLE = {"color": "#868e96", "width": 1.0, "dashes": False, "label": True, "arrows": True}

#: evidence items embedded per edge; the panel says how many more the graph holds
MAX_EVIDENCE_PER_EDGE = 5
#: papers' abstracts are shown in full, but a pathological "abstract" is cut
MAX_TEXT_CHARS = 5000

_ENTITY_FIELDS = ("key",)
_LINEAGE_FIELDS = ("family", "version", "size", "flavour")
_FINDING_FIELDS = ("text", "direction", "unit", "metric", "qualifier", "paper", "rule")
_HTTP_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def write_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str], *, max_nodes: int = 1500, title: str = "kg") -> None:
    """Write ``graph`` as a single offline HTML page at ``path`` (atomically).

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A kg graph (docs/SCHEMA.md section 3).
    path : path-like
        Where to write the page; its folder must exist.
    max_nodes : int
        The page starts with at most this many nodes: the ones with most papers
        and edges. The page says how many it leaves out.
    title : str
        Page and header title.

    Raises
    ------
    kg.errors.KGError
        ``max_nodes`` is not a positive integer.
    kg.errors.OutputError
        ``path`` cannot be written.
    """
    page = render_html(graph, max_nodes=max_nodes, title=title)
    with atomic_write(path, "w", encoding="utf-8") as fh:
        fh.write(page)


def render_html(graph: nx.MultiDiGraph, *, max_nodes: int = 1500, title: str = "kg") -> str:
    """The HTML text :func:`write_html` writes (data, script, styles inlined)."""
    payload = graph_payload(graph, max_nodes=max_nodes, title=title)
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


def select_nodes(graph: nx.MultiDiGraph, max_nodes: int) -> list[Any]:
    """The ``max_nodes`` nodes the page starts with, best connected first.

    Nodes rank by ``n_papers`` (papers and findings count as 1), then by degree,
    then by id so that the choice is stable across runs.
    """
    _check_max_nodes(max_nodes)
    # nsmallest: O(n log k), so a million-node graph is cut without sorting it all
    return heapq.nsmallest(max_nodes, graph.nodes, key=lambda n: (-_n_papers(graph.nodes[n]), -graph.degree(n), str(n)))


def graph_payload(graph: nx.MultiDiGraph, *, max_nodes: int = 1500, title: str = "kg") -> dict[str, Any]:
    """The JSON-ready data the page embeds: ``meta``, ``styles``, ``nodes``, ``edges``.

    Evidence sentences carry ``hl`` = ``[start, end]`` of the mention inside the
    sentence in UTF-16 code units (what JavaScript string indices count), or
    None when the mention cannot be located.
    """
    _check_max_nodes(max_nodes)
    total = graph.number_of_nodes()
    keep = select_nodes(graph, max_nodes) if total > max_nodes else list(graph.nodes)
    kept = set(keep)
    ids = {n: str(n) for n in keep}
    contents = _Contents(graph)

    nodes = [_node_record(graph, n, ids[n], contents) for n in keep]
    for rec, (x, y) in zip(nodes, _initial_positions(graph, keep)):
        rec["x"], rec["y"] = x, y
    edges = []
    total_edges = 0
    for u, v, key, data in _edges(graph):
        total_edges += 1
        if u in kept and v in kept:
            edges.append(_edge_record(graph, u, v, key, data, contents, len(edges)))

    hidden = total - len(keep)
    note = ""
    if hidden:
        note = f"showing {len(keep):,} of {total:,} nodes; {hidden:,} hidden with fewest papers"
    types = sorted({r["type"] for r in nodes})
    relations = sorted({e["key"] for e in edges})
    return {
        "meta": {
            "title": title,
            "total_nodes": total,
            "shown_nodes": len(keep),
            "hidden_nodes": hidden,
            "total_edges": total_edges,
            "shown_edges": len(edges),
            "hidden_note": note,
            "n_papers": graph.graph.get("n_papers"),
            "kg_version": graph.graph.get("kg_version"),
            "max_evidence": MAX_EVIDENCE_PER_EDGE,
        },
        "styles": {
            "nodes": {t: NODE_STYLES.get(t, OTHER_NODE_STYLE) for t in _ordered(types, NODE_STYLES)},
            "edges": {k: EDGE_STYLES.get(k, OTHER_EDGE_STYLE) for k in _ordered(relations, EDGE_STYLES)},
        },
        "nodes": nodes,
        "edges": edges,
    }


# --- nodes and edges -------------------------------------------------------


def _node_record(graph: nx.MultiDiGraph, node: Any, node_id: str, contents: _Contents) -> dict[str, Any]:
    """The embedded form of one node: id, type, label and the fields its panel shows."""
    attrs = graph.nodes[node]
    ntype = str(attrs.get("type") or "Other")
    rec: dict[str, Any] = {"id": node_id, "type": ntype, "label": _text(attrs.get("label")) or node_id}
    if ntype == "Paper":
        rec["title"] = _text(attrs.get("title"))
        rec["text"] = _text(attrs.get("text"))[:MAX_TEXT_CHARS]
        rec["topics"] = [_text(t) for t in _as_list(attrs.get("topics"))]
        rec["arxiv_id"] = _text(attrs.get("arxiv_id"))
        rec["url"] = _safe_url(attrs.get("url"))
        return rec
    if ntype == "Finding":
        for field in _FINDING_FIELDS:
            rec[field] = _text(attrs.get(field))
        rec["value"] = _number(attrs.get("value"))
        rec["baseline"] = _number(attrs.get("baseline"))
        rec["paper"] = str(attrs.get("paper") or "")
        sentence = _text(attrs.get("sentence"))
        rec["sentence"] = sentence
        ev = {k: attrs.get(k) for k in ("paper", "sentence", "start", "end", "sent_start")}
        needles = [rec["text"]] if rec["text"] else []
        rec["hl"] = _highlight(ev, sentence, contents.of(attrs.get("paper")), needles)
        return rec
    rec["n_papers"] = _n_papers(attrs)
    rec["aliases"] = [_text(a) for a in _as_list(attrs.get("aliases"))]
    for field in _ENTITY_FIELDS:
        rec[field] = _text(attrs.get(field))
    lineage = {f: _text(attrs.get(f)) for f in _LINEAGE_FIELDS if _text(attrs.get(f))}
    if lineage:
        rec["lineage"] = lineage
    return rec


def _edge_record(
    graph: nx.MultiDiGraph, u: Any, v: Any, key: str, data: dict, contents: _Contents, index: int
) -> dict[str, Any]:
    """The embedded form of one edge with at most MAX_EVIDENCE_PER_EDGE evidence items."""
    evidence = [e for e in _as_list(data.get("evidence")) if isinstance(e, dict)]
    needles = _needles(graph.nodes[v]) + _needles(graph.nodes[u])
    items = []
    for ev in evidence[:MAX_EVIDENCE_PER_EDGE]:
        sentence = _text(ev.get("sentence"))
        paper = ev.get("paper")
        items.append(
            {
                "paper": str(paper or ""),
                "sentence": sentence,
                "hl": _highlight(ev, sentence, contents.of(paper), needles),
                "rule": _text(ev.get("rule")),
            }
        )
    count = data.get("count")
    return {
        "id": f"e{index}",
        "from": str(u),
        "to": str(v),
        "key": str(key),
        "count": int(count) if isinstance(count, (int, float)) and not isinstance(count, bool) else len(evidence),
        "n_evidence": len(evidence),
        "evidence": items,
    }


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


def _highlight(ev: dict, sentence: str, content: str | None, needles: list[str]) -> list[int] | None:
    """Where the mention lies in ``sentence``, as [start, end] in UTF-16 units, or None.

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
    if span is None:
        return None
    return [_utf16_index(sentence, span[0]), _utf16_index(sentence, span[1])]


def _in_sentence(s: int, e: int, sentence: str) -> tuple[int, int] | None:
    return (s, e) if 0 <= s < e <= len(sentence) else None


def _find_needle(sentence: str, needles: list[str]) -> tuple[int, int] | None:
    """Where the longest of ``needles`` first occurs in ``sentence``, ignoring case."""
    low = sentence.casefold()
    if len(low) != len(sentence):
        return None  # casefold changed the length ("ß" -> "ss"): offsets would drift
    for needle in sorted({n.casefold() for n in needles if n and len(n) >= 2}, key=len, reverse=True):
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
            self._cache[node] = _paper_content(attrs) if attrs and attrs.get("type") == "Paper" else None
        return self._cache[node]


def _needles(attrs: dict) -> list[str]:
    if attrs.get("type") in ("Paper", "Finding"):
        return []
    return [_text(attrs.get("label"))] + [_text(a) for a in _as_list(attrs.get("aliases"))]


def _paper_content(attrs: dict) -> str:
    """``Paper.content`` rebuilt from a paper node: title + blank line + text, or text."""
    title, text = _text(attrs.get("title")), _text(attrs.get("text"))
    return f"{title}\n\n{text}" if title else text


# --- small converters --------------------------------------------------------


def _check_max_nodes(max_nodes: int) -> None:
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise KGError(f"max nodes for graph.html must be a positive integer, got {max_nodes!r}")


def _n_papers(attrs: dict) -> int:
    n = attrs.get("n_papers")
    if isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n):
        return max(int(n), 1)
    return 1


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if math.isfinite(value) else None


def _as_list(value: Any) -> list:
    if value is None or isinstance(value, (str, bytes, dict)):
        return [value] if isinstance(value, str) and value else []
    if isinstance(value, Iterable):
        return sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
    return []


def _safe_url(value: Any) -> str:
    """``value`` if it is an http(s) URL, else "" (no javascript: or data: links)."""
    url = _text(value).strip()
    return url if _HTTP_URL.match(url) else ""


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
    <input id="kg-search" type="search" list="kg-suggest" placeholder="Find a node by name or alias, Enter to focus" autocomplete="off" spellcheck="false">
    <datalist id="kg-suggest"></datalist>
    <button id="kg-search-go" type="button">Find</button>
    <span id="kg-search-status" role="status"></span>
  </div>
  <div id="kg-actions">
    <button id="kg-physics" type="button" disabled>Resume layout</button>
    <button id="kg-fit" type="button">Fit</button>
  </div>
</header>
<div id="kg-note" role="note" hidden></div>
<main id="kg-main">
  <aside id="kg-filters" aria-label="Filters and legend">
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
