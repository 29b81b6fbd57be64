"""Build, merge and finalise kg's knowledge graph (a ``networkx.MultiDiGraph``).

The graph's schema (node ids, attributes, edge keys, evidence) is documented in
docs/SCHEMA.md; its node types and edge keys are the tables of :mod:`kg.schema`. Papers are added one :class:`~kg.records.PaperExtraction` at a
time, so a corpus streams through in constant memory beyond the graph itself;
two graphs built from disjoint batches (e.g. on two Dask workers) are combined
with :func:`compose`, and a new batch can be added to a loaded graph with
:func:`merge`.

Examples
--------
>>> from kg.records import Paper, PaperExtraction, Mention
>>> p = Paper(id="sha:1", title=None, text="We fine-tune Llama 2 with LoRA.", source="x.txt")
>>> ext = PaperExtraction(paper=p, sentences=[(0, 31)], mentions=[
...     Mention(13, 20, "Model", "Llama 2", "lex", 0, "llama-2"),
...     Mention(26, 30, "Method", "LoRA", "lex", 0, "lora")])
>>> g = merge(new_graph(), [ext])
>>> sorted(g.successors("paper/sha:1"))
['entity/llama-2', 'entity/lora']
>>> g.nodes["entity/lora"]["n_papers"]
1
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

from .records import ModelName, Paper, PaperExtraction
from .schema import NODE_TYPES, Evidence, relation_keys

__all__ = [
    "PAPER_EDGES",
    "ENTITY_RELATIONS",
    "new_graph",
    "add_extraction",
    "add_paper_source",
    "merge",
    "compose",
    "compose_all",
    "finalize",
    "apply_canonical_names",
    "paper_node_id",
    "entity_node_id",
]

#: edge keys from a paper to an entity (the ``paper->entity`` relations of kg.schema)
PAPER_EDGES: tuple[str, ...] = relation_keys(domain="paper->entity")
#: edge keys between two entities stated by a sentence (the relations kg.schema says kg_relations emits)
ENTITY_RELATIONS: tuple[str, ...] = relation_keys(emitted_by="kg_relations")
#: deterministic tie-break when a node's type votes are level (kg.schema's priorities, first wins)
_TYPE_PRIORITY: tuple[str, ...] = tuple(
    t.name for t in sorted((t for t in NODE_TYPES.values() if t.priority is not None), key=lambda t: t.priority)
)
_PRIORITY = {name: i for i, name in enumerate(_TYPE_PRIORITY)}
#: evidence kept per entity-entity edge; ``count`` still counts every occurrence.
#: Without a cap, co-occurrence evidence would grow with the corpus, not the graph.
DEFAULT_MAX_EVIDENCE = 10
# a possessive ending: "BERT's", "Inception module’s"
_POSSESSIVE = re.compile(r"['\u2019]s$")
#: the rule id of a ``variant_of`` edge's evidence (the pipeline's ``kg_lineage`` step parsed the name)
LINEAGE_RULE = "lineage"
#: the same, when the family is a broadly known model name (rules/lexicon_model.jsonl): one variant attests it
KNOWN_FAMILY_RULE = "lineage.known-family"
#: distinct entities of one sentence that co-occurrence pairs are made of (the
#: first ones by node id); real sentences name far fewer
MAX_COOCCURRING = 40


def paper_node_id(paper_id: str) -> str:
    """The node id of a paper: ``paper/<paper id>``."""
    return f"paper/{paper_id}"


def entity_node_id(key: str) -> str:
    """The node id of an entity: ``entity/<normalised key>``."""
    return f"entity/{key}"


def new_graph() -> nx.MultiDiGraph:
    """An empty kg graph with its graph-level attributes set."""
    from .version import __version__

    return nx.MultiDiGraph(
        name="kg", kg_version=__version__, n_papers=0, alias_keys={}, compact_keys={}, canonical_keys={}, pending_families={}
    )


def merge(
    graph: nx.MultiDiGraph,
    extractions: Iterable[PaperExtraction],
    *,
    max_evidence: int = DEFAULT_MAX_EVIDENCE,
) -> nx.MultiDiGraph:
    """Add a batch of paper extractions to ``graph`` (in place) and finalise it.

    A paper already in the graph only gains the new source and topics, so
    re-running a batch, or a card listed under two topics, is idempotent.
    """
    for ext in extractions:
        add_extraction(graph, ext, max_evidence=max_evidence)
    return finalize(graph)


def add_paper_source(graph: nx.MultiDiGraph, paper: Paper) -> None:
    """Record that a paper already in ``graph`` was also read from ``paper.source`` under its topics."""
    add_sources(graph.nodes[paper_node_id(paper.id)], (paper.source,), paper.topics)


def add_sources(node: dict[str, Any], sources: Iterable[str], topics: Iterable[str]) -> None:
    """Fold more sources and topics into a paper node's sorted lists (no-op when nothing is new)."""
    for attr, new in (("sources", sources), ("topics", topics)):
        have = node.setdefault(attr, [])
        new = new if isinstance(new, (set, frozenset, list, tuple)) else list(new)
        extra = [x for x in new if x not in have] if len(have) < 8 and len(new) < 8 else list(set(new) - set(have))
        if extra:
            node[attr] = sorted(set(have).union(extra))


def add_extraction(graph: nx.MultiDiGraph, ext: PaperExtraction, *, max_evidence: int = DEFAULT_MAX_EVIDENCE) -> bool:
    """Add one paper and everything extracted from it; return False if it was already there.

    Call :func:`finalize` after a batch: labels, types and paper counts are
    derived there, once, rather than after every paper.
    """
    paper = ext.paper
    pid = paper_node_id(paper.id)
    if pid in graph:
        add_paper_source(graph, paper)
        return False
    graph.add_node(
        pid,
        type="Paper",
        label=paper.label,
        title=paper.title or "",
        text=paper.text,
        sources=[paper.source],
        topics=sorted(set(paper.topics)),
        arxiv_id=paper.arxiv_id or "",
        url=f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else "",
    )
    graph.graph["n_papers"] = graph.graph.get("n_papers", 0) + 1
    content = paper.content
    alias_keys: dict[str, str] = graph.graph.setdefault("alias_keys", {})
    canon = _canonical_keys(graph)
    from .pipeline.normalize import compact_key as compact

    # An acronym defined in this paper means its long form here, whatever it
    # meant elsewhere. A bare acronym keeps its own node until finalize() folds
    # it into the corpus-wide definition (the first one in input order): doing
    # that once, at the end, is what makes a build in parts (compose) equal to
    # a build in one go, whichever part saw the definition. An acronym that the
    # alias table (rules/aliases.jsonl, the pipeline's kg_canonical step) names is the
    # exception: the table, fixed data, decides what its bare uses mean, so no
    # definition is recorded for it.
    local: dict[str, str] = {}
    for a in ext.aliases:
        short_mention = ext.mentions[a.short]
        short_key = short_mention.key
        short, long = canon(short_key), canon(ext.mentions[a.long].key)
        if short != long:
            local[compact(short_key)] = long
            if short_mention.canonical is None:
                alias_keys.setdefault(short, long)

    def resolve(key: str) -> str:
        return local.get(compact(key)) or canon(key)

    # one string per sentence, shared by every evidence item that quotes it
    whole = (0, len(content))
    sentence_text: dict[int, str] = {}

    def evidence(sent: int, start: int, end: int, rule: str) -> Evidence:
        s, e = ext.sentences[sent] if 0 <= sent < len(ext.sentences) else whole
        text = sentence_text.get(sent)
        if text is None:
            text = sentence_text[sent] = content[s:e]
        return {"paper": pid, "sentence": text, "sent_start": s, "start": start, "end": end, "rule": rule}

    node_of: list[str] = []
    for m in ext.mentions:
        nid = entity_node_id(resolve(m.key))
        node_of.append(nid)
        if nid not in graph:
            graph.add_node(nid, type=m.label, key=resolve(m.key), label=m.text, aliases=[], n_papers=0, forms={}, type_votes={})
        node = graph.nodes[nid]
        # "BERT's" is a mention of BERT (its span keeps the possessive, as annotators mark it); the
        # name it gives the node does not
        form = _POSSESSIVE.sub("", m.text) or m.text
        node["forms"][form] = node["forms"].get(form, 0) + 1
        node["type_votes"][m.label] = node["type_votes"].get(m.label, 0) + 1
        if m.canonical is not None and nid == entity_node_id(canon(m.key)):
            _note_canonical(graph, node, m.text, m.canonical, canon(m.key))
        _add_edge(graph, pid, nid, "mentions", evidence(m.sent, m.start, m.end, m.rule), None)
        if m.lineage is not None:
            rule = KNOWN_FAMILY_RULE if m.lineage.known_family else LINEAGE_RULE
            _add_lineage(graph, nid, m.lineage, evidence(m.sent, m.start, m.end, rule), canon, max_evidence)

    by_sentence: dict[int, set[str]] = {}
    for m, nid in zip(ext.mentions, node_of):
        by_sentence.setdefault(m.sent, set()).add(nid)
    for sent, nodes in by_sentence.items():
        # pairs grow with the square of a sentence's entities: a hostile "sentence"
        # listing thousands of names would otherwise cost memory quadratic in it
        ordered = sorted(nodes)[:MAX_COOCCURRING]
        s, e = ext.sentences[sent] if 0 <= sent < len(ext.sentences) else (0, len(content))
        for i, u in enumerate(ordered):
            for v in ordered[i + 1 :]:
                _add_edge(graph, u, v, "co_occurs", evidence(sent, s, e, "cooccurrence"), max_evidence)

    for r in ext.relations:
        u, v = node_of[r.head], node_of[r.tail]
        if u == v:
            continue  # an acronym and its long form are one node: the alias is in its attributes
        h, t = ext.mentions[r.head], ext.mentions[r.tail]
        _add_edge(graph, u, v, r.label, evidence(r.sent, min(h.start, t.start), max(h.end, t.end), r.rule), max_evidence)

    for link in ext.links:
        m = ext.mentions[link.target]
        _add_edge(graph, pid, node_of[link.target], link.label, evidence(link.sent, m.start, m.end, link.rule), None)

    for f in ext.findings:
        _add_finding(graph, ext, pid, f, node_of, evidence(f.sent, f.start, f.end, f.rule))
    return True


def _add_finding(graph, ext, pid, f, node_of, ev) -> None:
    digest = hashlib.sha256(f"{pid}|{f.start}|{f.end}|{f.text}".encode()).hexdigest()[:16]
    fid = f"finding/{digest}"
    metric = f.metric or (ext.mentions[f.metric_mention].text if f.metric_mention is not None else "")
    sign = {"reduces": "-", "improves": "+"}.get(f.direction, "")
    label = f"{metric or f.direction} {sign}{f.value:g}{f.unit}".strip()
    if f.qualifier:
        label += f" ({f.qualifier})"
    graph.add_node(
        fid,
        type="Finding",
        label=label,
        text=f.text,
        direction=f.direction,
        value=f.value,
        unit=f.unit,
        metric=metric,
        qualifier=f.qualifier or "",
        baseline=f.baseline,
        paper=pid,
        sentence=ev["sentence"],
        sent_start=ev["sent_start"],
        start=f.start,
        end=f.end,
        rule=f.rule,
    )
    _add_edge(graph, pid, fid, "reports", ev, None)
    if f.subject is not None:
        _add_edge(graph, fid, node_of[f.subject], "subject", ev, None)
    if f.metric_mention is not None:
        _add_edge(graph, fid, node_of[f.metric_mention], "metric", ev, None)
    if f.compared_to is not None and (f.subject is None or node_of[f.compared_to] != node_of[f.subject]):
        _add_edge(graph, fid, node_of[f.compared_to], "compared_to", ev, None)
    for i in f.settings:
        if node_of[i] != fid:
            _add_edge(graph, fid, node_of[i], "setting", ev, None)


def _canonical_keys(graph: nx.MultiDiGraph):
    """A function mapping a key to the first key seen with the same compact form.

    "pre-training", "pretraining" and "pre training" are one node; the index
    (compact form -> key) lives in the graph so later batches meet the same node.
    (Spellings the alias table names, "MS-COCO" for COCO, arrive with the canonical
    name's key already: the pipeline's ``kg_canonical`` step.)
    """
    from .pipeline.normalize import compact_key

    index: dict[str, str] = graph.graph.setdefault("compact_keys", {})

    def canon(key: str) -> str:
        return index.setdefault(compact_key(key), key)

    return canon


def apply_canonical_names(graph: nx.MultiDiGraph, lookup: Callable[[str], Any]) -> nx.MultiDiGraph:
    """Put the entity nodes of ``graph`` whose key names a canonical name elsewhere on that name's node.

    ``lookup(key)`` gives the canonical name of a key, as a ``(key, name)`` pair, or None
    (the pipeline's ``kg_canonical`` step: ``CanonicalNames.lookup``). A build keys every
    mention so already; this brings a graph built before the alias table named some of
    its spellings (an older graph.json that ``kg build --merge`` extends) in line with it.
    The nodes are folded by the next :func:`finalize`. Returns ``graph``.
    """
    for n, d in list(graph.nodes(data=True)):
        key = d.get("key")
        if not key or d.get("type") in ("Paper", "Finding"):
            continue
        name = lookup(key)
        if name is not None and name[0] != key:
            graph.graph.setdefault("canonical_keys", {}).setdefault(key, name[0])
            target = graph.nodes.get(entity_node_id(name[0]))
            if target is not None:
                target.setdefault("canonical", name[1])
            else:
                d.setdefault("canonical", name[1])  # carried onto the node it is folded into
    return graph


def _note_canonical(graph: nx.MultiDiGraph, node: dict[str, Any], text: str, name: str, key: str) -> None:
    """Record that ``text`` names the canonical ``name`` (keyed ``key``, the alias table's).

    The node keeps the name as the table writes it (its preferred label). A spelling
    whose own key differs is remembered in ``graph.graph["canonical_keys"]``, so that
    finalize folds a node an older graph made of that spelling (before the table named
    it) into the canonical one.
    """
    from .pipeline.normalize import entity_key

    node.setdefault("canonical", name)
    own = entity_key(text)
    if own and own != key:
        graph.graph.setdefault("canonical_keys", {}).setdefault(own, key)


def _add_lineage(graph: nx.MultiDiGraph, nid: str, parsed: ModelName, ev: dict[str, Any], canon, max_evidence: int) -> None:
    """Attach a model variant, parsed by the pipeline's ``kg_lineage`` step, to its family node (``variant_of``)."""
    node = graph.nodes[nid]
    if not node.get("family"):  # the first parse wins, as in compose()
        for attr in ("family", "version", "size", "flavour"):
            node[attr] = getattr(parsed, attr, None) or ""
    family_id = entity_node_id(canon(parsed.family_key))
    if family_id == nid:
        return
    if family_id not in graph:
        graph.add_node(
            family_id, type="Model", key=family_id.split("/", 1)[1], label=parsed.family,
            aliases=[], n_papers=0, forms={}, type_votes={},  # typed Model until a mention votes
        )
    _add_edge(graph, nid, family_id, "variant_of", ev, max_evidence)


def _add_edge(graph: nx.MultiDiGraph, u: str, v: str, key: str, ev: dict[str, Any], max_evidence: int | None) -> None:
    if graph.has_edge(u, v, key):
        data = graph.edges[u, v, key]
        data["count"] += 1
        if max_evidence is None or len(data["evidence"]) < max_evidence:
            data["evidence"].append(ev)
    else:
        graph.add_edge(u, v, key=key, count=1, evidence=[ev])


def _contract(graph: nx.MultiDiGraph, old: str, new: str, max_evidence: int = DEFAULT_MAX_EVIDENCE) -> None:
    """Fold node ``old`` into ``new`` (an acronym met before its definition)."""
    if old == new or old not in graph:
        return
    data = graph.nodes[old]
    if new not in graph:
        graph.add_node(new, **{**data, "key": new.split("/", 1)[1]})
    else:
        target = graph.nodes[new]
        for attr in ("forms", "type_votes"):
            for k, n in data.get(attr, {}).items():
                target.setdefault(attr, {})[k] = target.get(attr, {}).get(k, 0) + n
        if data.get("canonical") and not target.get("canonical"):
            target["canonical"] = data["canonical"]
    for u, _, k, d in list(graph.in_edges(old, keys=True, data=True)):
        _merge_edge(graph, new if u == old else u, new, k, d, max_evidence)
    for _, v, k, d in list(graph.out_edges(old, keys=True, data=True)):
        if v != old:
            _merge_edge(graph, new, v, k, d, max_evidence)
    graph.remove_node(old)


def _merge_edge(graph: nx.MultiDiGraph, u: str, v: str, key: str, d: dict[str, Any], max_evidence: int) -> None:
    if u == v:
        return
    if key == "co_occurs" and u > v:
        u, v = v, u
    if graph.has_edge(u, v, key):
        data = graph.edges[u, v, key]
        data["count"] += d.get("count", 1)
        # paper edges keep every evidence item; read live so a registered relation counts too
        room = max(0, max_evidence - len(data["evidence"])) if key not in relation_keys(domain="paper->entity") else None
        extra = d.get("evidence", [])
        data["evidence"].extend(extra if room is None else extra[:room])
    else:
        graph.add_edge(u, v, key=key, **{**d, "evidence": list(d.get("evidence", []))})


def compose(
    graph: nx.MultiDiGraph,
    other: nx.MultiDiGraph,
    *,
    max_evidence: int = DEFAULT_MAX_EVIDENCE,
    final: bool = True,
) -> nx.MultiDiGraph:
    """Merge ``other`` into ``graph`` in place (the reduce step of a distributed build).

    ``compose(a, b)`` equals building ``a``'s papers and then ``b``'s in one go
    (same nodes, attributes, counts and kept evidence), so a tree of composes over
    partitions in input order equals a single-process build. Entity attributes
    and edge counts add up; acronym definitions and spelling variants from either
    side apply to both.

    A paper both graphs hold keeps ``graph``'s extraction: ``other``'s edges from
    that paper and its findings are skipped, and evidence items quoting it are
    dropped from ``other``'s entity-entity edges (their counts reduced to match),
    while everything ``other`` holds from its other papers is kept. The builders
    give each paper to one partition, so this only matters for hand-made graphs.

    ``final=False`` skips :func:`finalize`: the inner steps of a tree reduce pass
    it, so that a bare acronym is folded only once every part's definitions are
    known (partial graphs for a reduce are built with :func:`add_extraction`
    alone, for the same reason).
    """
    shared = {n for n, d in other.nodes(data=True) if d.get("type") == "Paper" and n in graph}
    nodes = other.nodes
    for n, d in nodes(data=True):
        kind = d.get("type")
        if n not in graph:
            if kind == "Finding" and d.get("paper") in shared:
                continue
            graph.add_node(n, **_copy_attrs(d))
            if kind == "Paper":
                graph.graph["n_papers"] = graph.graph.get("n_papers", 0) + 1
        elif kind == "Paper":
            add_sources(graph.nodes[n], d.get("sources", ()), d.get("topics", ()))
        elif kind != "Finding":
            node = graph.nodes[n]
            for attr in ("forms", "type_votes"):
                target = node.setdefault(attr, {})
                for k, c in d.get(attr, {}).items():
                    target[k] = target.get(k, 0) + c
            if not node.get("family") and d.get("family"):
                for attr in ("family", "version", "size", "flavour"):
                    node[attr] = d.get(attr, "")
            if not node.get("canonical") and d.get("canonical"):
                node["canonical"] = d["canonical"]
    for u, v, k, d in other.edges(keys=True, data=True):
        if shared and (u in shared or nodes[u].get("paper") in shared):
            continue  # that paper's own edges and its findings' edges are here already
        d = _copy_attrs(d)
        if shared:
            kept = [ev for ev in d.get("evidence", []) if ev.get("paper") not in shared]
            dropped = len(d.get("evidence", [])) - len(kept)
            if dropped:
                d["evidence"], d["count"] = kept, d.get("count", 1) - dropped
                if d["count"] <= 0:
                    continue
        if u in graph and v in graph:
            _merge_edge(graph, u, v, k, d, max_evidence)
    canon = _canonical_keys(graph)
    for key in other.graph.get("compact_keys", {}).values():
        mine = canon(key)
        if mine != key:
            _contract(graph, entity_node_id(key), entity_node_id(mine), max_evidence)
    alias_keys = graph.graph.setdefault("alias_keys", {})
    for short, long in other.graph.get("alias_keys", {}).items():
        alias_keys.setdefault(canon(short), canon(long))
    canonical = graph.graph.setdefault("canonical_keys", {})
    for own, key in other.graph.get("canonical_keys", {}).items():
        canonical.setdefault(own, key)
    _merge_pending_families(graph, other)
    return finalize(graph) if final else graph


def compose_all(
    graphs: Iterable[nx.MultiDiGraph], *, max_evidence: int = DEFAULT_MAX_EVIDENCE, final: bool = True
) -> nx.MultiDiGraph:
    """Compose ``graphs`` left to right into the first one (a new empty graph if none)."""
    out: nx.MultiDiGraph | None = None
    for g in graphs:
        out = g if out is None else compose(out, g, max_evidence=max_evidence, final=False)
    if out is None:
        out = new_graph()
    return finalize(out) if final else out


def _copy_attrs(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out[k] = dict(v)
        elif isinstance(v, list):
            out[k] = [dict(x) if isinstance(x, dict) else x for x in v]
        else:
            out[k] = v
    return out


def finalize(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Fold bare acronyms into their definitions, then derive each entity's type,
    label, aliases and paper count from its votes and edges."""
    canonical = graph.graph.get("canonical_keys") or {}
    for own, key in sorted(canonical.items()):
        _contract(graph, entity_node_id(own), entity_node_id(key))
    named = set(canonical.values())  # what the alias table decides, a corpus definition does not
    for short, long in list(graph.graph.get("alias_keys", {}).items()):
        if short != long and entity_node_id(short) in graph and short not in named:
            _contract(graph, entity_node_id(short), entity_node_id(long))
    _restore_pending_families(graph)
    _set_aside_unattested_families(graph)
    paper_edges = relation_keys(domain="paper->entity")
    for n, d in graph.nodes(data=True):
        t = d.get("type")
        if t in ("Paper", "Finding"):
            continue
        votes = d.get("type_votes") or {}
        if votes:
            d["type"] = max(votes, key=lambda x: (votes[x], -_priority(x)))
        forms: dict[str, int] = d.get("forms") or {}
        if forms:
            key = d.get("key", "")
            spelling = d.get("canonical")
            # the name as the key spells it, as the alias table writes it, then the most written
            d["label"] = max(forms, key=lambda f: (_is_long_form(f, key), f == spelling, forms[f], -len(f), f))
            seen = {d["label"].casefold()}
            aliases = []
            for f in sorted(forms, key=lambda f: (-forms[f], f)):
                if f.casefold() not in seen:
                    seen.add(f.casefold())
                    aliases.append(f)
            d["aliases"] = sorted(aliases)
        papers = {u for u, _, k in graph.in_edges(n, keys=True) if k in paper_edges}
        d["n_papers"] = len(papers)
    return graph


def _restore_pending_families(graph: nx.MultiDiGraph) -> None:
    """Put back the family nodes set aside by an earlier finalize, to be judged again."""
    pending: dict[str, Any] = graph.graph.get("pending_families") or {}
    max_evidence = DEFAULT_MAX_EVIDENCE
    for fid, rec in sorted(pending.items()):
        if fid not in graph:
            graph.add_node(fid, **_copy_attrs(rec["attrs"]))
        for e in rec["edges"]:
            if e["source"] in graph:
                _merge_edge(graph, e["source"], fid, "variant_of", {"count": e["count"], "evidence": list(e["evidence"])}, max_evidence)
    graph.graph["pending_families"] = {}


def _set_aside_unattested_families(graph: nx.MultiDiGraph) -> None:
    """Take out family nodes that only one parsed name vouches for (see kg.lineage.unattested_families),
    unless the family is a broadly known model name (rules/lexicon_model.jsonl).

    A wrong split (a benchmark name read as model + version) would otherwise leave
    a node no paper mentions. They are kept, with their ``variant_of`` edges, under
    the graph attribute ``pending_families``: when a later batch mentions the
    family or brings a second variant, the next finalize puts them back.
    """
    from .lineage import unattested_families

    pending: dict[str, Any] = graph.graph.setdefault("pending_families", {})
    for fid in unattested_families(graph):
        attrs = graph.nodes[fid]
        if any(ev.get("rule") == KNOWN_FAMILY_RULE for *_, d in graph.in_edges(fid, data=True) for ev in d.get("evidence", ())):
            continue  # a broadly known model name (rules/lexicon_model.jsonl) vouches for itself
        if attrs.get("forms") or any(k != "variant_of" for *_, k in graph.in_edges(fid, keys=True)) or graph.out_degree(fid):
            continue  # written in some text, or linked otherwise: a real node
        edges = [
            {"source": u, "count": d.get("count", 1), "evidence": d.get("evidence", [])}
            for u, _, d in graph.in_edges(fid, data=True)
        ]
        pending[fid] = {"attrs": _copy_attrs(dict(attrs)), "edges": edges}
        graph.remove_node(fid)


def _merge_pending_families(graph: nx.MultiDiGraph, other: nx.MultiDiGraph) -> None:
    mine: dict[str, Any] = graph.graph.setdefault("pending_families", {})
    for fid, rec in (other.graph.get("pending_families") or {}).items():
        if fid in mine:
            mine[fid]["edges"].extend(_copy_attrs(e) for e in rec["edges"])
        else:
            mine[fid] = {"attrs": _copy_attrs(rec["attrs"]), "edges": [_copy_attrs(e) for e in rec["edges"]]}


def _priority(t: str) -> int:
    return _PRIORITY.get(t, len(_PRIORITY))


def _is_long_form(form: str, key: str) -> bool:
    from .pipeline.normalize import compact_key, entity_key

    # the key may come from the lineage parser or an unsingularised form: normalise both sides
    return compact_key(entity_key(form)) == compact_key(entity_key(key))
