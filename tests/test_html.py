"""graph.html export: the page's data, its escaping and its offline-ness (no browser)."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from kg.errors import KGError, OutputError
from kg.export.html import (
    EDGE_STYLES,
    MAX_EVIDENCE_PER_EDGE,
    NODE_STYLES,
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
    assert _page_data(page)["nodes"][0]["id"] == P1


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
    paper = next(n for n in data["nodes"] if n["id"] == P1)
    assert paper["title"] == XSS_TITLE
    assert paper["text"] == "We use </script><b>SAEs</b>."


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
    paper = next(n for n in graph_payload(g)["nodes"] if n["id"] == P1)
    assert paper["url"] == expected


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
    item = graph_payload(g)["edges"][0]["evidence"][0]
    s, e = item["hl"]
    # hl counts UTF-16 code units, as JavaScript's String.slice does
    units = item["sentence"].encode("utf-16-le")
    assert units[2 * s : 2 * e].decode("utf-16-le") == expected


def test_html_highlight_second_occurrence_uses_offsets():
    sentence = "We train SAEs and again SAEs."
    g = small_graph(text=sentence)
    content = f"{g.nodes[P1]['title']}\n\n{sentence}"
    second = content.rindex("SAEs")
    ev = {"paper": P1, "sentence": sentence, "sent_start": content.index(sentence), "start": second, "end": second + 4, "rule": "r"}
    g.edges[P1, "entity/sparse-autoencoder", "mentions"]["evidence"] = [ev]
    assert graph_payload(g)["edges"][0]["evidence"][0]["hl"] == [sentence.rindex("SAEs"), len(sentence) - 1]


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
        ({"sentence": "Unrelated words.", "start": "x", "end": None}, None),
    ],
)
def test_html_highlight_falls_back_gracefully(ev, expected):
    g = small_graph()
    g.edges[P1, "entity/sparse-autoencoder", "mentions"]["evidence"] = [dict(ev, paper="paper/unknown", rule="r")]
    assert graph_payload(g)["edges"][0]["evidence"][0]["hl"] == expected


def test_html_evidence_is_capped_and_counted():
    g = small_graph()
    data = g.edges[P1, "entity/sparse-autoencoder", "mentions"]
    data["evidence"] = data["evidence"] * (MAX_EVIDENCE_PER_EDGE + 3)
    data["count"] = 1
    edge = graph_payload(g)["edges"][0]
    assert len(edge["evidence"]) == MAX_EVIDENCE_PER_EDGE
    assert edge["n_evidence"] == MAX_EVIDENCE_PER_EDGE + 3


def _star_graph(n_entities: int) -> nx.MultiDiGraph:
    """Entity i is mentioned by i+1 papers' worth (n_papers) and linked to one paper."""
    g = nx.MultiDiGraph(name="kg")
    g.add_node(P1, type="Paper", label="P", title="P", text="t", url="", topics=[], sources=[], arxiv_id="")
    for i in range(n_entities):
        g.add_node(f"entity/e{i}", type="Task", label=f"E{i}", key=f"e{i}", aliases=[], n_papers=i + 1)
        g.add_edge(P1, f"entity/e{i}", key="mentions", evidence=[], count=0)
    g.add_edge("entity/e0", "entity/e9", key="used_for", evidence=[], count=0)
    return g


@pytest.mark.parametrize("max_nodes,expected_note", [(4, "showing 4 of 11 nodes; 7 hidden with fewest papers"), (11, ""), (50, "")])
def test_html_max_nodes_keeps_best_connected(max_nodes, expected_note):
    payload = graph_payload(_star_graph(10), max_nodes=max_nodes)
    ids = [n["id"] for n in payload["nodes"]]
    assert len(ids) == min(max_nodes, 11)
    assert payload["meta"]["hidden_note"] == expected_note
    if max_nodes == 4:
        assert ids == ["entity/e9", "entity/e8", "entity/e7", "entity/e6"]
    assert all(e["from"] in ids and e["to"] in ids for e in payload["edges"])


def test_html_note_uses_thousands_separators():
    g = nx.MultiDiGraph()
    for i in range(4213):
        g.add_node(f"entity/e{i}", type="Method", label=f"m{i}", n_papers=1 + i % 7)
    assert graph_payload(g, max_nodes=1500)["meta"]["hidden_note"] == "showing 1,500 of 4,213 nodes; 2,713 hidden with fewest papers"


def test_html_select_nodes_is_stable():
    g = _star_graph(10)
    assert select_nodes(g, 3) == select_nodes(g.copy(), 3)


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
    f = next(n for n in graph_payload(g)["nodes"] if n["type"] == "Finding")
    assert (f["metric"], f["value"], f["unit"], f["direction"], f["qualifier"], f["baseline"]) == ("latency", 73.0, "%", "decrease", "up to", None)


def test_html_empty_graph_renders():
    page = render_html(nx.MultiDiGraph())
    data = _page_data(page)
    assert data["nodes"] == [] and data["edges"] == []


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
    assert [(e["from"], e["to"], e["key"]) for e in payload["edges"]] == [("entity/a", "entity/b", "used_for")]
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in payload["nodes"])
