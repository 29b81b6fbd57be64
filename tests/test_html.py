"""graph.html export: the page's data, its escaping and its offline-ness (no browser)."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys

import networkx as nx
import pytest

from kg.errors import KGError, OutputError
from kg.export.html import (
    EDGE_STYLES,
    MAX_EVIDENCE_PER_EDGE,
    MAX_SENTENCE_CHARS,
    NODE_STYLES,
    communities,
    embed_json,
    graph_payload,
    render_html,
    select_nodes,
    write_html,
)

XSS_TITLE = "<img src=x onerror=alert(1)>"
P1 = "paper/arxiv:2401.00001"


def _evidence(paper: str, content: str, sentence: str, mention: str, *, sent_start: bool = True, rule: str = "lexicon"):
    """An evidence dict as kg.graph writes it, offsets computed from ``content``."""
    at = content.index(sentence)
    start = content.index(mention, at)
    ev = {"paper": paper, "sentence": sentence, "start": start, "end": start + len(mention), "rule": rule}
    if sent_start:
        ev["sent_start"] = at
    return ev


def small_graph(title: str = "Sparse Autoencoders Find Features", text: str = "We train Sparse Autoencoders (SAEs) on GPT-2.") -> nx.MultiDiGraph:
    """One paper mentioning one method, the schema's shapes."""
    g = nx.MultiDiGraph(name="kg", kg_version="test", n_papers=1)
    content = f"{title}\n\n{text}" if title else text
    g.add_node(P1, type="Paper", label=title or text[:40], title=title, text=text, sources=["a.jsonl"],
               topics=["cs.LG"], arxiv_id="2401.00001", url="https://arxiv.org/abs/2401.00001")
    g.add_node("entity/sparse-autoencoder", type="Method", label="Sparse Autoencoders", key="sparse-autoencoder",
               aliases=["SAEs"], n_papers=1, type_votes={"Method": 1})
    mention = "Sparse Autoencoders" if "Sparse Autoencoders" in text else "SAEs"
    g.add_edge(P1, "entity/sparse-autoencoder", key="mentions",
               evidence=[_evidence(P1, content, text, mention)], count=1)
    return g


def _page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL)
    assert m, "no kg-data element"
    return json.loads(m.group(1))


def test_html_write_is_one_offline_file(tmp_path):
    out = tmp_path / "graph.html"
    write_html(small_graph(), out, title="my <graph>")
    page = out.read_text(encoding="utf-8")
    assert "<title>my &lt;graph&gt;</title>" in page
    assert "vis-network" in page and "kgNetwork" in page  # vis-network and kg's script are inlined
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page, re.IGNORECASE)
    assert _page_data(page)["draw"]["ids"] == ["entity/sparse-autoencoder", P1]


@pytest.mark.parametrize(
    "text",
    ["</script><script>alert(1)</script>", "<!-- <script>", "a & b > c", "line\u2028sep\u2029para", XSS_TITLE],
)
def test_html_embed_json_cannot_close_the_script(text):
    embedded = embed_json({"t": text})
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in embedded
    assert json.loads(embedded) == {"t": text}


def test_html_embed_json_non_finite_numbers_become_null():
    assert json.loads(embed_json({"v": float("nan"), "w": [float("inf")], "s": {1, 2}})) == {"v": None, "w": [None], "s": [1, 2]}


def test_html_hostile_title_stays_data(tmp_path):
    out = tmp_path / "graph.html"
    write_html(small_graph(title=XSS_TITLE, text="We use </script><b>SAEs</b>."), out)
    page = out.read_text(encoding="utf-8")
    assert XSS_TITLE not in page and "<b>SAEs" not in page
    data = _page_data(page)
    assert data["papers"]["title"] == [XSS_TITLE]
    assert data["papers"]["text"] == ["We use </script><b>SAEs</b>."]


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://arxiv.org/abs/2401.00001", "https://arxiv.org/abs/2401.00001"),
        ("http://example.org/x", "http://example.org/x"),
        ("javascript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_html_only_http_urls_are_links(url, expected):
    g = small_graph()
    g.nodes[P1]["url"] = url
    papers = graph_payload(g)["papers"]
    # the arXiv URL is left for the page to rebuild from the id; anything else is stated
    assert papers["url"].get("0", f"https://arxiv.org/abs/{papers['arxiv'][0]}") == expected


# sentence, mention, whether the evidence has sent_start, expected highlighted text
HIGHLIGHTS = [
    ("We train Sparse Autoencoders (SAEs) on GPT-2.", "Sparse Autoencoders", True, "Sparse Autoencoders"),
    ("We train Sparse Autoencoders (SAEs) on GPT-2.", "Sparse Autoencoders", False, "Sparse Autoencoders"),
    ("We train Sparse Autoencoders (SAEs) on GPT-2.", "SAEs", True, "SAEs"),
    ("We train SAEs and again SAEs.", "SAEs", False, "SAEs"),
    ("With 𝒳 and 😀 we train SAEs.", "SAEs", True, "SAEs"),
]


@pytest.mark.parametrize("sentence,mention,with_sent_start,expected", HIGHLIGHTS)
def test_html_evidence_highlight_marks_the_mention(sentence, mention, with_sent_start, expected):
    g = small_graph(text=f"Intro sentence here. {sentence}")
    content = f"{g.nodes[P1]['title']}\n\n{g.nodes[P1]['text']}"
    ev = _evidence(P1, content, sentence, mention, sent_start=with_sent_start)
    g.edges[P1, "entity/sparse-autoencoder", "mentions"]["evidence"] = [ev]
    _paper, _rel, text, s, e, _rule = graph_payload(g)["evidence"][0]
    # hl counts UTF-16 code units, as JavaScript's String.slice does
    units = text.encode("utf-16-le")
    assert units[2 * s : 2 * e].decode("utf-16-le") == expected


def test_html_highlight_second_occurrence_uses_offsets():
    sentence = "We train SAEs and again SAEs."
    g = small_graph(text=sentence)
    content = f"{g.nodes[P1]['title']}\n\n{sentence}"
    second = content.rindex("SAEs")
    ev = {"paper": P1, "sentence": sentence, "sent_start": content.index(sentence), "start": second, "end": second + 4, "rule": "r"}
    g.edges[P1, "entity/sparse-autoencoder", "mentions"]["evidence"] = [ev]
    assert graph_payload(g)["evidence"][0][3:5] == [sentence.rindex("SAEs"), len(sentence) - 1]


@pytest.mark.parametrize(
    "ev,expected",
    [
        # offsets outside the sentence: fall back to the entity's label / aliases
        ({"sentence": "Our SAEs work.", "start": 500, "end": 504, "sent_start": 0}, [4, 8]),
        # no offsets at all
        ({"sentence": "Sparse autoencoders work."}, [0, 19]),
        # a relation's evidence spans the whole sentence: mark the entity instead
        ({"sentence": "SAEs beat PCA.", "start": 10, "end": 24, "sent_start": 10}, [0, 4]),
        # nothing to find
        ({"sentence": "Unrelated words.", "start": "x", "end": None}, [-1, -1]),
    ],
)
def test_html_highlight_falls_back_gracefully(ev, expected):
    g = small_graph()
    g.edges[P1, "entity/sparse-autoencoder", "mentions"]["evidence"] = [dict(ev, paper="paper/unknown", rule="r")]
    assert graph_payload(g)["evidence"][0][3:5] == expected


def test_html_evidence_is_capped_and_counted():
    g = small_graph()
    data = g.edges[P1, "entity/sparse-autoencoder", "mentions"]
    data["evidence"] = data["evidence"] * (MAX_EVIDENCE_PER_EDGE + 3)
    data["count"] = 1
    entities = graph_payload(g)["entities"]
    assert len(entities["ev"][0]) == MAX_EVIDENCE_PER_EDGE
    assert entities["nev"] == {"0": MAX_EVIDENCE_PER_EDGE + 3}


def _star_graph(n_entities: int) -> nx.MultiDiGraph:
    """Entity i is mentioned by i+1 papers' worth (n_papers) and linked to one paper."""
    g = nx.MultiDiGraph(name="kg")
    g.add_node(P1, type="Paper", label="P", title="P", text="t", url="", topics=[], sources=[], arxiv_id="")
    for i in range(n_entities):
        g.add_node(f"entity/e{i}", type="Task", label=f"E{i}", key=f"e{i}", aliases=[], n_papers=i + 1)
        g.add_edge(P1, f"entity/e{i}", key="mentions", evidence=[], count=0)
    g.add_edge("entity/e0", "entity/e9", key="used_for", evidence=[], count=0)
    return g


def test_html_small_graph_is_drawn_whole():
    payload = graph_payload(_star_graph(10), max_nodes=11)
    assert payload["meta"]["mode"] == "whole" and payload["meta"]["hidden_note"] == ""
    assert len(payload["draw"]["ids"]) == 11


def test_html_large_graph_opens_on_its_most_used_entities():
    payload = graph_payload(_star_graph(10), max_nodes=10, overview=4)
    assert payload["meta"]["mode"] == "overview"
    assert payload["draw"]["ids"] == ["entity/e9", "entity/e8", "entity/e7", "entity/e6"]
    # every entity and paper is still embedded, so that search finds it
    assert len(payload["entities"]["id"]) == 10 and payload["papers"]["title"] == ["P"]


def test_html_overview_is_capped_by_max_nodes():
    assert len(select_nodes(_star_graph(10), 3, overview=50)) == 3


def test_html_note_uses_thousands_separators():
    g = nx.MultiDiGraph()
    for i in range(4213):
        g.add_node(f"entity/e{i}", type="Method", label=f"m{i}", n_papers=1 + i % 7)
    note = graph_payload(g, max_nodes=1500)["meta"]["hidden_note"]
    assert note.startswith("overview: the 200 most-used of 4,213 entities")


def test_html_select_nodes_is_stable():
    g = _star_graph(10)
    assert select_nodes(g, 3) == select_nodes(g.copy(), 3)


def _two_topics() -> nx.MultiDiGraph:
    """Two cliques of entities, joined by one weak edge through a hub."""
    g = nx.MultiDiGraph()
    for name in ("a0", "a1", "a2", "b0", "b1", "b2", "hub"):
        g.add_node(f"entity/{name}", type="Method", label=name, n_papers=50 if name == "hub" else 5)
    for group in ("a", "b"):
        for i in range(3):
            for j in range(i + 1, 3):
                g.add_edge(f"entity/{group}{i}", f"entity/{group}{j}", key="co_occurs", count=5, evidence=[])
    g.add_edge("entity/a0", "entity/hub", key="co_occurs", count=1, evidence=[])
    return g


def test_html_communities_separate_topics():
    g = _two_topics()
    ranked = sorted(g.nodes, key=lambda n: (-g.nodes[n]["n_papers"], n))
    comm = dict(zip(ranked, communities(g, ranked)))
    assert comm["entity/a0"] == comm["entity/a1"] == comm["entity/a2"]
    assert comm["entity/b0"] == comm["entity/b1"] == comm["entity/b2"]
    assert comm["entity/a0"] != comm["entity/b0"]


def test_html_hub_edges_are_cut_to_the_strongest():
    g = nx.MultiDiGraph()
    g.add_node("entity/hub", type="Method", label="hub", n_papers=100)
    for i in range(30):
        g.add_node(f"entity/t{i:02d}", type="Task", label=f"t{i}", n_papers=1)
        g.add_edge("entity/hub", f"entity/t{i:02d}", key="co_occurs", count=i + 1, evidence=[])
    payload = graph_payload(g)
    # each leaf keeps its one edge, so every edge survives; the hub alone would keep 8
    assert len(payload["edges"]) == 4 * 30


def _random_graph(seed: int) -> nx.MultiDiGraph:
    """A small kg-shaped graph with ties everywhere (equal counts, equal lengths)."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph(name="kg", n_papers=20)
    ents = [f"entity/e{i}" for i in range(30)]
    for i, e in enumerate(ents):
        g.add_node(e, type="Method", label=f"E{i}", aliases=[f"A{i}", f"B{i}"], n_papers=1 + i % 3)
    for p in range(20):
        pid = f"paper/arxiv:2401.{p:05d}"
        sentence = f"We use E{p} and E{p + 1} with A{p}."
        g.add_node(pid, type="Paper", label=f"T{p}", title=f"T{p}", text=sentence, arxiv_id=f"2401.{p:05d}",
                   url=f"https://arxiv.org/abs/2401.{p:05d}", topics=[], sources=[])
        for e in rng.sample(ents, 4):
            g.add_edge(pid, e, key="mentions", count=1, evidence=[{"paper": pid, "sentence": sentence, "rule": "r"}])
        a, b = sorted(rng.sample(ents, 2))
        g.add_edge(a, b, key="co_occurs", count=1, evidence=[])
    return g


def test_html_same_graph_gives_same_bytes(tmp_path):
    write_html(_random_graph(1), tmp_path / "a.html", max_nodes=10, overview=5)
    write_html(_random_graph(1), tmp_path / "b.html", max_nodes=10, overview=5)
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_html_output_does_not_depend_on_insertion_order(tmp_path):
    g = _random_graph(2)
    shuffled = nx.MultiDiGraph(**g.graph)
    order = list(g.nodes(data=True))
    random.Random(0).shuffle(order)
    shuffled.add_nodes_from(order)
    edges = list(g.edges(keys=True, data=True))
    random.Random(1).shuffle(edges)
    shuffled.add_edges_from(edges)
    assert render_html(g, max_nodes=10) == render_html(shuffled, max_nodes=10)


_HASHSEED_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from test_html import _random_graph
from kg.export.html import write_html
write_html(_random_graph(3), sys.argv[1], max_nodes=10, overview=5)
"""


def test_html_bytes_do_not_depend_on_hash_seed(tmp_path):
    script = _HASHSEED_SCRIPT.format(tests=os.path.dirname(os.path.abspath(__file__)))
    outputs = []
    for seed in ("1", "2", "random"):
        out = tmp_path / f"graph-{seed}.html"
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, timeout=120,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_html_highlight_ties_are_stable():
    # two needles of one length: the first in alphabetical order is marked, whatever the hash seed
    g = small_graph(text="We train SAEs and ABCD here.")
    g.nodes["entity/sparse-autoencoder"]["aliases"] = ["SAEs", "ABCD"]
    g.edges[P1, "entity/sparse-autoencoder", "mentions"]["evidence"] = [{"paper": P1, "sentence": "We train SAEs and ABCD here.", "rule": "r"}]
    assert graph_payload(g)["evidence"][0][3:5] == [18, 22]


def test_html_long_sentence_is_cut_around_the_mention():
    sentence = "x " * 400 + "the SAEs here " + "y " * 400
    g = small_graph(text=sentence)
    g.edges[P1, "entity/sparse-autoencoder", "mentions"]["evidence"] = [{"paper": P1, "sentence": sentence, "rule": "r"}]
    _p, _r, text, s, e, _rule = graph_payload(g)["evidence"][0]
    assert len(text) <= MAX_SENTENCE_CHARS + 2 and text[s:e] == "SAEs"


def test_html_size_budget_drops_sentences_not_nodes():
    g = _random_graph(4)
    full, small = graph_payload(g), graph_payload(g, max_bytes=1)
    assert small["evidence"] == [] and small["meta"]["evidence_note"]
    assert small["entities"]["id"] == full["entities"]["id"] and len(full["evidence"]) > 0
    assert small["papers"]["text"] if "text" in small["papers"] else True


@pytest.mark.parametrize("bad", [0, -5, True, 1.5, "100"])
def test_html_max_nodes_must_be_positive_int(bad, tmp_path):
    with pytest.raises(KGError, match="positive integer"):
        write_html(small_graph(), tmp_path / "g.html", max_nodes=bad)


def test_html_unwritable_path_raises_output_error(tmp_path):
    with pytest.raises(OutputError, match="missing"):
        write_html(small_graph(), tmp_path / "missing" / "graph.html")


def test_html_failed_render_leaves_old_file(tmp_path):
    out = tmp_path / "graph.html"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(KGError):
        write_html(small_graph(), out, max_nodes=0)
    assert out.read_text(encoding="utf-8") == "old"


def test_html_finding_fields_are_embedded():
    g = small_graph()
    sentence = "We train Sparse Autoencoders (SAEs) on GPT-2."
    g.add_node("finding/0123456789abcdef", type="Finding", label="latency -73% (up to)", text="reduces latency by up to 73%",
               direction="decrease", value=73.0, unit="%", metric="latency", qualifier="up to", baseline=None,
               paper=P1, sentence=sentence, start=0, end=5, rule="finding.pct")
    g.add_edge(P1, "finding/0123456789abcdef", key="reports", evidence=[], count=0)
    g.add_edge("finding/0123456789abcdef", "entity/sparse-autoencoder", key="subject", evidence=[], count=0)
    f = graph_payload(g)["findings"]
    words = f["strings"]
    assert (words[f["metric"][0]], f["value"][0], words[f["unit"][0]], words[f["direction"][0]], words[f["qualifier"][0]]) == (
        "latency", 73.0, "%", "decrease", "up to")
    assert f["baseline"] == {} and f["text"] == {"0": "reduces latency by up to 73%"}
    assert f["links"] == [[f["links"][0][0], 0]] and f["paper"] == [0]


def test_html_empty_graph_renders():
    page = render_html(nx.MultiDiGraph())
    data = _page_data(page)
    assert data["entities"]["id"] == [] and data["edges"] == [] and data["draw"]["ids"] == []


@pytest.mark.parametrize("node_type", ["Paper", "Method", "Model", "Architecture", "Dataset", "Task", "Metric", "Organization", "Finding"])
def test_html_every_schema_type_has_a_style(node_type):
    assert node_type in NODE_STYLES


@pytest.mark.parametrize(
    "relation",
    ["mentions", "proposes", "uses", "affiliated_with", "reports", "co_occurs", "evaluated_on", "benchmark_for",
     "used_for", "trained_on", "compared_with", "outperforms", "part_of", "subclass_of", "measured_by",
     "variant_of", "subject", "metric", "setting"],
)
def test_html_every_schema_relation_has_a_style(relation):
    assert relation in EDGE_STYLES


def test_html_variant_of_is_distinct():
    others = {json.dumps(v, sort_keys=True) for k, v in EDGE_STYLES.items() if k != "variant_of"}
    assert json.dumps(EDGE_STYLES["variant_of"], sort_keys=True) not in others


def test_html_simple_graph_uses_key_attribute():
    g = nx.Graph()
    g.add_node("entity/a", type="Method", label="A", n_papers=1)
    g.add_node("entity/b", type="Task", label="B", n_papers=1)
    g.add_edge("entity/a", "entity/b", key="used_for", evidence=[], count=1)
    payload = graph_payload(g)
    u, v, rel, count = payload["edges"]
    assert (payload["entities"]["id"][u], payload["entities"]["id"][v], payload["rels"][rel], count) == ("entity/a", "entity/b", "used_for", 1)
    assert all(isinstance(x, int) for x in payload["draw"]["x"] + payload["draw"]["y"])
