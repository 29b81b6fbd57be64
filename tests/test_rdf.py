"""Tests of kg.export.rdf: the graph -> RDF mapping, evidence levels, IRIs, formats, SHACL shapes."""

from __future__ import annotations

import json

import networkx as nx
import pyoxigraph
import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from kg.errors import KGError, OutputError
from kg.export.rdf import (
    DEFAULT_EVIDENCE,
    EDGE_PROPERTIES,
    EVIDENCE_LEVELS,
    iter_triples,
    ontology_path,
    ontology_turtle,
    shapes_turtle,
    to_rdf,
    write_ontology,
    write_rdf,
)
from kg.namespaces import KG, OA, evidence_iri, node_iri

BASE = "https://example.org/kg/"
P1 = "paper/arxiv:2401.00001"
P2 = "paper/arxiv:2401.00002"
P3 = "paper/sha:0a1b2c3d4e5f6789"

P1_TITLE = "LLaVA-1.5: Improved Baselines"
P1_TEXT = "We propose LLaVA-1.5-7B, a variant of LLaVA. LLaVA-1.5-7B is evaluated on VQAv2 and reaches 78.5% accuracy."
P1_CONTENT = f"{P1_TITLE}\n\n{P1_TEXT}"
P2_TEXT = "We use LLaVA-1.5-13B and compare it with LLaVA-1.5-7B on VQAv2, a benchmark for visual question answering measured by accuracy."
P3_TEXT = "Sparse autoencoders with LoRA on ImageNet improve top-1 accuracy by 2 points for image classification."


def _ev(paper: str, content: str, needle: str, rule: str, occurrence: int = 0) -> dict:
    """An evidence item for the ``occurrence``-th ``needle`` in ``content``, as kg.graph writes it."""
    start = -1
    for _ in range(occurrence + 1):
        start = content.index(needle, start + 1)
    # the sentence around the mention
    dot = content.rfind(". ", 0, start)
    s0 = max(dot + 2 if dot >= 0 else 0, content.rfind("\n", 0, start) + 1)
    s1 = content.find(". ", start)
    sentence = content[s0 : (s1 + 1 if s1 >= 0 else len(content))]
    return {"paper": paper, "sentence": sentence, "sent_start": s0, "start": start, "end": start + len(needle), "rule": rule}


def _entity(g: nx.MultiDiGraph, key: str, type_: str, label: str, n_papers: int, aliases=(), **variant) -> str:
    node = f"entity/{key}"
    attrs = {"type": type_, "label": label, "key": key, "aliases": sorted(aliases), "n_papers": n_papers, "type_votes": {type_: n_papers}}
    if type_ == "Model":
        attrs.update({"family": "", "version": "", "size": "", "flavour": ""}, **variant)
    g.add_node(node, **attrs)
    return node


def _edge(g: nx.MultiDiGraph, u: str, v: str, key: str, evidence: list[dict]) -> None:
    g.add_edge(u, v, key=key, evidence=evidence, count=len(evidence))


def sample_graph() -> nx.MultiDiGraph:
    """A small graph following docs/SCHEMA.md section 3, with known answers."""
    g = nx.MultiDiGraph(name="kg", kg_version="test", n_papers=3)
    g.add_node(P1, type="Paper", label=P1_TITLE, title=P1_TITLE, text=P1_TEXT, sources=["seeds/a.jsonl"], topics=["cs.CV"], arxiv_id="2401.00001", url="https://arxiv.org/abs/2401.00001")
    g.add_node(P2, type="Paper", label=P2_TEXT[:40], title="", text=P2_TEXT, sources=["seeds/a.jsonl"], topics=[], arxiv_id="2401.00002", url="https://arxiv.org/abs/2401.00002")
    g.add_node(P3, type="Paper", label=P3_TEXT[:40], title="", text=P3_TEXT, sources=["seeds/b.txt"], topics=["cs.LG"], arxiv_id="", url="")

    llava = _entity(g, "llava", "Model", "LLaVA", 2, family="LLaVA")
    l7 = _entity(g, "llava-1.5-7b", "Model", "LLaVA-1.5-7B", 2, family="LLaVA", version="1.5", size="7B")
    l13 = _entity(g, "llava-1.5-13b", "Model", "LLaVA-1.5-13B", 1, family="LLaVA", version="1.5", size="13B")
    vqa = _entity(g, "vqav2", "Dataset", "VQAv2", 2)
    task = _entity(g, "visual-question-answering", "Task", "visual question answering", 1)
    acc = _entity(g, "accuracy", "Metric", "accuracy", 2)
    sae = _entity(g, "sparse-autoencoder", "Method", "Sparse autoencoders", 1, aliases=["SAEs"])
    lora = _entity(g, "lora", "Method", "LoRA", 1)
    imnet = _entity(g, "imagenet", "Dataset", "ImageNet", 1)
    top1 = _entity(g, "top-1-accuracy", "Metric", "top-1 accuracy", 1)
    cls = _entity(g, "image-classification", "Task", "image classification", 1)

    c1, c2, c3 = P1_CONTENT, P2_TEXT, P3_TEXT
    _edge(g, P1, l7, "mentions", [_ev(P1, c1, "LLaVA-1.5-7B", "model_variant", 0), _ev(P1, c1, "LLaVA-1.5-7B", "model_variant", 1)])
    _edge(g, P1, llava, "mentions", [_ev(P1, c1, "LLaVA", "lexicon", 2)])
    _edge(g, P1, vqa, "mentions", [_ev(P1, c1, "VQAv2", "lexicon")])
    _edge(g, P1, acc, "mentions", [_ev(P1, c1, "accuracy", "lexicon")])
    _edge(g, P1, l7, "proposes", [_ev(P1, c1, "LLaVA-1.5-7B", "we_propose")])
    _edge(g, P2, l13, "mentions", [_ev(P2, c2, "LLaVA-1.5-13B", "model_variant")])
    _edge(g, P2, l7, "mentions", [_ev(P2, c2, "LLaVA-1.5-7B", "model_variant")])
    _edge(g, P2, vqa, "mentions", [_ev(P2, c2, "VQAv2", "lexicon")])
    _edge(g, P2, task, "mentions", [_ev(P2, c2, "visual question answering", "task_suffix")])
    _edge(g, P2, acc, "mentions", [_ev(P2, c2, "accuracy", "lexicon")])
    _edge(g, P2, l13, "uses", [_ev(P2, c2, "LLaVA-1.5-13B", "we_use")])
    _edge(g, P3, sae, "mentions", [_ev(P3, c3, "Sparse autoencoders", "method_suffix")])
    _edge(g, P3, lora, "mentions", [_ev(P3, c3, "LoRA", "lexicon")])
    _edge(g, P3, imnet, "mentions", [_ev(P3, c3, "ImageNet", "lexicon")])
    _edge(g, P3, top1, "mentions", [_ev(P3, c3, "top-1 accuracy", "lexicon")])
    _edge(g, P3, cls, "mentions", [_ev(P3, c3, "image classification", "task_suffix")])
    _edge(g, P3, sae, "proposes", [_ev(P3, c3, "Sparse autoencoders", "we_propose")])

    _edge(g, l7, llava, "variant_of", [_ev(P1, c1, "LLaVA-1.5-7B", "lineage")])
    _edge(g, l13, llava, "variant_of", [_ev(P2, c2, "LLaVA-1.5-13B", "lineage")])
    _edge(g, l7, vqa, "evaluated_on", [_ev(P1, c1, "LLaVA-1.5-7B is evaluated on VQAv2", "evaluated_on")])
    _edge(g, sae, imnet, "evaluated_on", [_ev(P3, c3, "Sparse autoencoders with LoRA on ImageNet", "on_dataset")])
    _edge(g, l13, l7, "compared_with", [_ev(P2, c2, "LLaVA-1.5-13B and compare it with LLaVA-1.5-7B", "compare_with")])
    _edge(g, vqa, task, "benchmark_for", [_ev(P2, c2, "VQAv2, a benchmark for visual question answering", "benchmark_for")])
    _edge(g, task, acc, "measured_by", [_ev(P2, c2, "visual question answering measured by accuracy", "measured_by")])
    _edge(g, cls, top1, "measured_by", [_ev(P3, c3, "top-1 accuracy by 2 points for image classification", "metric_for")])
    # co-occurrence: stored once with u < v; count = sentences
    _edge(g, l7, vqa, "co_occurs", [_ev(P1, c1, "LLaVA-1.5-7B is evaluated on VQAv2 and reaches 78.5% accuracy.", "sentence"), _ev(P2, c2, P2_TEXT, "sentence")])
    _edge(g, acc, l7, "co_occurs", [_ev(P1, c1, "LLaVA-1.5-7B is evaluated on VQAv2 and reaches 78.5% accuracy.", "sentence")])
    _edge(g, l13, l7, "co_occurs", [_ev(P2, c2, P2_TEXT, "sentence")])
    _edge(g, imnet, sae, "co_occurs", [_ev(P3, c3, P3_TEXT, "sentence")])
    _edge(g, lora, sae, "co_occurs", [_ev(P3, c3, P3_TEXT, "sentence")])

    f1 = "finding/00000000000000f1"
    e1 = _ev(P1, c1, "reaches 78.5% accuracy", "value_metric")
    g.add_node(f1, type="Finding", label="accuracy 78.5%", text="reaches 78.5% accuracy", direction="level", value=78.5, unit="%", metric="accuracy", qualifier="", baseline=None, **e1)
    _edge(g, P1, f1, "reports", [e1])
    _edge(g, f1, l7, "subject", [e1])
    _edge(g, f1, acc, "metric", [e1])
    _edge(g, f1, vqa, "setting", [e1])
    f2 = "finding/00000000000000f2"
    e2 = _ev(P3, c3, "improve top-1 accuracy by 2 points", "delta_metric")
    g.add_node(f2, type="Finding", label="top-1 accuracy +2 points", text="improve top-1 accuracy by 2 points", direction="increase", value=2.0, unit="points", metric="top-1 accuracy", qualifier="", baseline=None, **e2)
    _edge(g, P3, f2, "reports", [e2])
    _edge(g, f2, sae, "subject", [e2])
    _edge(g, f2, top1, "metric", [e2])
    _edge(g, f2, imnet, "setting", [e2])
    return g


HOSTILE = [
    "a b",
    'quote"d',
    "<angle>",
    "{curly}|pipe\\back^caret`tick",
    "ünïcödé-模型-🦙",
    "new\nline\ttab\r",
    "%41 already-encoded",
    "slash/inside/key",
    "..",
    "#frag?query&x=1",
    "\x00nul\x7f",
    "lone\ud800surrogate",
]


def hostile_graph() -> nx.MultiDiGraph:
    """Node ids and labels built from text that breaks naive IRI minting."""
    g = nx.MultiDiGraph()
    paper = 'paper/sha:<bad id> "x"'
    g.add_node(paper, type="Paper", label='T "itle" <b>\n', title='T "itle" <b>', text="body {x} | y \\ z \ud800", sources=["dir with space/f.txt"], topics=["a b"], arxiv_id="", url="not a url")
    prev = None
    for i, text in enumerate(HOSTILE):
        node = f"entity/{text}"
        g.add_node(node, type="Method", label=text, key=text, aliases=[text + " alias", "x\ny"], n_papers=1, type_votes={"Method": 1})
        g.add_edge(paper, node, key="mentions", evidence=[{"paper": paper, "sentence": text, "sent_start": 0, "start": 0, "end": 3, "rule": f"rule {text}"}], count=1)
        if prev is not None:
            g.add_edge(prev, node, key="co_occurs", evidence=[{"paper": paper, "sentence": "s", "start": 1, "end": 2, "rule": "sentence"}], count=1)
        prev = node
    # a node id outside the three documented kinds, and an edge key kg does not name
    g.add_node("weird id", type="Task", label="weird", key="weird", aliases=[], n_papers=0)
    g.add_edge(prev, "weird id", key="new_relation", evidence=[], count=1)
    return g


def _load_ox(data: bytes, fmt: pyoxigraph.RdfFormat) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(input=data, format=fmt)
    return store


@pytest.mark.parametrize("node_id,expected", [
    ("entity/sparse-autoencoder", BASE + "entity/sparse-autoencoder"),
    ("paper/arxiv:2401.01234", BASE + "paper/arxiv:2401.01234"),
    ("entity/a b", BASE + "entity/a%20b"),
    ("finding/0a1b", BASE + "finding/0a1b"),
])
def test_rdf_node_iris_follow_ids(node_id, expected):
    assert str(node_iri(node_id, BASE)) == expected


def _statement(rdf: Graph, s, p, o):
    (st,) = set(rdf.subjects(RDF.subject, s)) & set(rdf.subjects(RDF.predicate, p)) & set(rdf.subjects(RDF.object, o))
    return st


def _quoted(rdf: Graph, ev) -> str:
    """The text an evidence node quotes, read as the ready queries read it (sentence + offsets)."""
    exact = rdf.value(ev, KG.exact)
    if exact is not None:
        return str(exact)
    sent = rdf.value(ev, KG.inSentence)
    s0, start, end = (rdf.value(node, prop).toPython() for node, prop in ((sent, KG.start), (ev, KG.start), (ev, KG.end)))
    return str(rdf.value(sent, KG.text))[start - s0 : end - s0]


def test_rdf_mapping_of_sample_graph():
    rdf = to_rdf(sample_graph(), base=BASE)
    p1, l7, llava = node_iri(P1, BASE), node_iri("entity/llava-1.5-7b", BASE), node_iri("entity/llava", BASE)
    assert (p1, RDF.type, KG.Paper) in rdf
    assert (p1, DCTERMS.title, Literal(P1_TITLE)) in rdf
    assert (p1, SDO.url, URIRef("https://arxiv.org/abs/2401.00001")) in rdf
    assert (p1, RDFS.seeAlso, URIRef("https://arxiv.org/abs/2401.00001")) in rdf
    assert (node_iri(P3, BASE), SDO.url, None) not in rdf
    assert (l7, RDF.type, KG.Model) in rdf and (l7, RDF.type, KG.Entity) in rdf
    assert (l7, KG.size, Literal("7B")) in rdf and (l7, KG.flavour, None) not in rdf
    assert (node_iri("entity/sparse-autoencoder", BASE), SKOS.altLabel, Literal("SAEs")) in rdf
    # the plain triple and its statement
    assert (l7, KG.variantOf, llava) in rdf
    st = _statement(rdf, l7, KG.variantOf, llava)
    assert (st, RDF.type, KG.Statement) in rdf and (st, KG.supportCount, Literal(1, datatype=XSD.integer)) in rdf
    ev = rdf.value(st, KG.evidence)
    assert (ev, PROV.wasGeneratedBy, URIRef(BASE + "rule/lineage")) in rdf
    sent = rdf.value(ev, KG.inSentence)
    assert (sent, DCTERMS.isPartOf, p1) in rdf
    assert str(rdf.value(sent, KG.text)) == "We propose LLaVA-1.5-7B, a variant of LLaVA."
    start, end = rdf.value(ev, KG.start).toPython(), rdf.value(ev, KG.end).toPython()
    assert _quoted(rdf, ev) == P1_CONTENT[start:end] == "LLaVA-1.5-7B"
    # two mentions -> two evidence items, support count 2
    mst = _statement(rdf, p1, KG.mentions, l7)
    assert len(list(rdf.objects(mst, KG.evidence))) == 2
    assert rdf.value(mst, KG.supportCount).toPython() == 2
    f1 = node_iri("finding/00000000000000f1", BASE)
    assert rdf.value(f1, KG.value) == Literal(78.5, datatype=XSD.double)
    assert (f1, KG.subject, l7) in rdf and (f1, PROV.wasDerivedFrom, p1) in rdf
    assert _quoted(rdf, rdf.value(f1, KG.evidence)) == "reaches 78.5% accuracy"


def test_rdf_compact_keeps_every_evidence_item():
    graph = sample_graph()
    rdf = to_rdf(graph, base=BASE)
    for u, v, key, data in graph.edges(keys=True, data=True):
        st = _statement(rdf, node_iri(u, BASE), EDGE_PROPERTIES[key], node_iri(v, BASE))
        got = set()
        for ev in rdf.objects(st, KG.evidence):
            sent = rdf.value(ev, KG.inSentence)
            got.add((str(rdf.value(sent, DCTERMS.isPartOf)), str(rdf.value(sent, KG.text)), rdf.value(sent, KG.start).toPython(),
                     rdf.value(ev, KG.start).toPython(), rdf.value(ev, KG.end).toPython(), str(rdf.value(rdf.value(ev, PROV.wasGeneratedBy), RDFS.label))))
        expected = {(str(node_iri(e["paper"], BASE)), e["sentence"], e["sent_start"], e["start"], e["end"], e["rule"]) for e in data["evidence"]}
        assert got == expected, (u, key, v)


def test_rdf_evidence_and_sentences_are_shared_not_repeated():
    rdf = to_rdf(sample_graph(), base=BASE)
    f1 = node_iri("finding/00000000000000f1", BASE)
    ev = rdf.value(f1, KG.evidence)
    # the finding and its reports / subject / metric / setting statements point at one node
    assert len(set(rdf.subjects(KG.evidence, ev))) == 5
    # one sentence node per quoted sentence, however many items lie in it
    sentences = set(rdf.objects(None, KG.inSentence))
    texts = [str(rdf.value(s, KG.text)) for s in sentences]
    assert len(texts) == len(set(texts))
    assert len(set(rdf.subjects(KG.text, Literal(P2_TEXT)))) == 1
    assert (None, KG.sentence, None) not in rdf and (None, OA.hasSelector, None) not in rdf


def test_rdf_iter_triples_yields_each_triple_once():
    triples = [(t.subject, t.predicate, t.object) for t in iter_triples(sample_graph(), base=BASE)]
    assert len(triples) == len(set(triples)) == len(to_rdf(sample_graph(), base=BASE))


def test_rdf_full_level_adds_web_annotation_selectors():
    rdf = to_rdf(sample_graph(), base=BASE, evidence="full")
    st = _statement(rdf, node_iri("entity/llava-1.5-7b", BASE), KG.variantOf, node_iri("entity/llava", BASE))
    assert (st, RDF.type, RDF.Statement) in rdf
    ev = rdf.value(st, KG.evidence)
    p1 = node_iri(P1, BASE)
    assert (ev, RDF.type, KG.Evidence) in rdf and (ev, PROV.wasDerivedFrom, p1) in rdf and (ev, OA.hasSource, p1) in rdf
    assert str(rdf.value(ev, KG.sentence)) == "We propose LLaVA-1.5-7B, a variant of LLaVA."
    quote = next(s for s in rdf.objects(ev, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in rdf)
    pos = next(s for s in rdf.objects(ev, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in rdf)
    start, end = rdf.value(pos, OA.start).toPython(), rdf.value(pos, OA.end).toPython()
    assert str(rdf.value(quote, OA.exact)) == P1_CONTENT[start:end] == "LLaVA-1.5-7B"
    assert str(rdf.value(quote, OA.suffix)) == P1_CONTENT[end : end + 32]
    assert str(rdf.value(quote, OA.prefix)) == P1_CONTENT[max(0, start - 32) : start]


@pytest.mark.parametrize("make", [sample_graph, hostile_graph])
def test_rdf_levels_nest(make):
    full, compact, none = (set(to_rdf(make(), base=BASE, evidence=level)) for level in ("full", "compact", "none"))
    assert none < compact < full
    assert not any(p in (KG.evidence, KG.supportCount, RDF.subject, KG.inSentence) for _, p, _ in none)
    # "none" keeps the facts: every edge triple, every node
    assert {t for t in compact if t[1] in {URIRef(p) for p in EDGE_PROPERTIES.values()}} <= none


def test_rdf_default_level_is_compact_and_levels_are_documented():
    assert DEFAULT_EVIDENCE == "compact" and set(EVIDENCE_LEVELS) == {"full", "compact", "none"}
    import kg.export.rdf as mod

    assert all(f"``{level}``" in mod.__doc__ for level in EVIDENCE_LEVELS)
    assert set(to_rdf(sample_graph(), base=BASE)) == set(to_rdf(sample_graph(), base=BASE, evidence="compact"))


def test_rdf_rejects_unknown_evidence_level(tmp_path):
    with pytest.raises(KGError, match="unknown evidence level 'some'"):
        write_rdf(sample_graph(), tmp_path / "g.ttl", evidence="some")
    assert not (tmp_path / "g.ttl").exists()


def test_rdf_exact_text_is_written_when_the_span_leaves_its_sentence():
    g = sample_graph()
    item = dict(_ev(P1, P1_CONTENT, "Improved Baselines", "lexicon"))
    item.update(sentence="LLaVA-1.5-7B is evaluated on VQAv2", sent_start=P1_CONTENT.index("LLaVA-1.5-7B is"))
    g.add_edge(P1, "entity/vqav2", key="uses", evidence=[item], count=1)
    rdf = to_rdf(g, base=BASE)
    ev = URIRef(evidence_iri(P1, item["start"], item["end"], "lexicon", BASE))
    assert str(rdf.value(ev, KG.exact)) == "Improved Baselines" == _quoted(rdf, ev)
    # items inside their sentence never repeat the text
    assert len(set(rdf.subjects(KG.exact, None))) == 1


def test_rdf_evidence_without_sentence_offset_finds_its_sentence():
    """Graphs written before evidence carried ``sent_start`` still locate the sentence."""
    g = sample_graph()
    for _, _, data in g.edges(data=True):
        for item in data["evidence"]:
            item.pop("sent_start", None)
    for _, a in g.nodes(data=True):
        a.pop("sent_start", None)
    assert set(to_rdf(g, base=BASE)) == set(to_rdf(sample_graph(), base=BASE))


def test_rdf_evidence_of_a_paper_not_in_the_graph_is_written_once():
    g = nx.MultiDiGraph()
    _entity(g, "a", "Method", "A", 1)
    _entity(g, "b", "Method", "B", 1)
    item = {"paper": "paper/arxiv:9999.99999", "sentence": "A and B.", "sent_start": 0, "start": 0, "end": 8, "rule": "cooccurrence"}
    _edge(g, "entity/a", "entity/b", "co_occurs", [item])
    _edge(g, "entity/b", "entity/a", "compared_with", [item])
    triples = [(t.subject, t.predicate, t.object) for t in iter_triples(g, base=BASE)]
    assert len(triples) == len(set(triples))
    ev = next(o for _, p, o in triples if p.value == str(KG.evidence))
    assert sum(1 for s, p, _ in triples if s == ev and p.value == str(KG.start)) == 1


def test_rdf_write_streams_without_an_rdflib_graph(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("write_rdf must not build or serialise an rdflib graph")

    monkeypatch.setattr(Graph, "add", refuse)
    monkeypatch.setattr(Graph, "serialize", refuse)
    for fmt in ("turtle", "nt", "json-ld"):
        assert write_rdf(sample_graph(), tmp_path / f"g.{fmt}", format=fmt, base=BASE).stat().st_size > 0


def test_rdf_iter_triples_is_lazy(monkeypatch):
    """Nodes are converted as the triples are consumed, not all up front."""
    import kg.export.rdf as mod

    converted = []
    entity = mod._Exporter.entity

    def counting(self, node, a):
        converted.append(node)
        yield from entity(self, node, a)

    monkeypatch.setattr(mod._Exporter, "entity", counting)
    it = iter_triples(sample_graph(), base=BASE)
    assert next(it).subject.value == str(node_iri(P1, BASE))
    assert converted == []
    rest = sum(1 for _ in it)
    assert rest > 0 and len(converted) == 11


def test_rdf_unwritable_target_is_one_line_output_error(tmp_path):
    with pytest.raises(OutputError, match="cannot write") as err:
        write_rdf(sample_graph(), tmp_path / "missing" / "g.ttl", base=BASE)
    assert "\n" not in str(err.value)


def test_rdf_triples_per_paper_on_real_abstracts(seeds_graph):
    """The default level stays compact on the seeds' real abstracts (the issue's bound is 150)."""
    papers = sum(1 for _, d in seeds_graph.nodes(data=True) if d.get("type") == "Paper")
    compact = sum(1 for _ in iter_triples(seeds_graph))
    full = sum(1 for _ in iter_triples(seeds_graph, evidence="full"))
    assert compact / papers <= 150
    assert full > 1.5 * compact


def test_rdf_every_edge_key_in_schema_has_a_property():
    g = sample_graph()
    keys = {k for _, _, k in g.edges(keys=True)}
    assert keys <= set(EDGE_PROPERTIES)
    for key in ["affiliated_with", "used_for", "trained_on", "outperforms", "part_of", "subclass_of"]:
        assert key in EDGE_PROPERTIES


def test_rdf_is_stable_across_runs():
    a = to_rdf(sample_graph(), base=BASE)
    b = to_rdf(sample_graph(), base=BASE)
    assert set(a) == set(b)  # no blank nodes: the same triples, not just isomorphic


def test_rdf_base_changes_data_iris_only():
    rdf = to_rdf(sample_graph(), base="urn:x-kg:")
    subjects = {str(s) for s in rdf.subjects()}
    assert all(s.startswith("urn:x-kg:") for s in subjects)
    assert (URIRef("urn:x-kg:entity/llava"), RDF.type, KG.Model) in rdf


@pytest.mark.parametrize("base", ["relative/", "https://example.org/no-slash", "https://ex ample.org/", "https://example.org/<x>/"])
def test_rdf_rejects_bad_base(base):
    with pytest.raises(KGError, match="base IRI"):
        to_rdf(sample_graph(), base=base)


@pytest.mark.parametrize("fmt,rdflib_fmt,ox_fmt", [
    ("turtle", "turtle", pyoxigraph.RdfFormat.TURTLE),
    ("nt", "nt", pyoxigraph.RdfFormat.N_TRIPLES),
    ("json-ld", "json-ld", pyoxigraph.RdfFormat.JSON_LD),
])
@pytest.mark.parametrize("level", EVIDENCE_LEVELS)
@pytest.mark.parametrize("make", [sample_graph, hostile_graph])
def test_rdf_round_trips_through_rdflib_and_pyoxigraph(tmp_path, make, level, fmt, rdflib_fmt, ox_fmt):
    graph = make()
    expected = to_rdf(graph, base=BASE, evidence=level)
    path = write_rdf(graph, tmp_path / f"g.{fmt}", format=fmt, base=BASE, evidence=level)
    data = path.read_bytes()
    back = Graph().parse(data=data, format=rdflib_fmt)
    assert isomorphic(back, expected)
    store = _load_ox(data, ox_fmt)
    assert len(store) == len(expected)
    assert {(str(t.subject.value), str(t.predicate.value)) for t in store} == {(str(s), str(p)) for s, p, _ in expected}


def test_rdf_hostile_ids_give_valid_iris(tmp_path):
    rdf = to_rdf(hostile_graph(), base=BASE)
    iris = {t for triple in rdf for t in triple if isinstance(t, URIRef)}
    bad = set(' <>"{}|\\^`\n\r\t')
    assert all(not (set(str(i)) & bad) for i in iris)
    # each hostile key gets its own entity IRI (no collisions)
    entities = {s for s in rdf.subjects(RDF.type, KG.Entity)}
    assert len(entities) == len(HOSTILE) + 1
    # lone surrogates become U+FFFD instead of breaking UTF-8 output
    assert Literal("lone\ufffdsurrogate") in set(rdf.objects(None, RDFS.label))
    assert Literal("body {x} | y \\ z \ufffd") in set(rdf.objects(None, SDO.abstract))
    # a url that is no IRI is dropped, not written broken
    assert (None, SDO.url, None) not in rdf
    # an edge key kg does not name is kept, as kg:relatedTo with its name on the statement
    assert (None, KG.relatedTo, None) in rdf
    assert Literal("new_relation") in set(rdf.objects(None, KG.relationName))


def test_rdf_write_is_atomic_on_bad_format(tmp_path):
    target = tmp_path / "g.ttl"
    target.write_text("old")
    with pytest.raises(KGError, match="unknown RDF format"):
        write_rdf(sample_graph(), target, format="xml")
    assert target.read_text() == "old"


def test_rdf_jsonld_uses_context(tmp_path):
    path = write_rdf(sample_graph(), tmp_path / "g.jsonld", format="json-ld", base=BASE)
    doc = json.loads(path.read_text())
    assert doc["@context"]["kg"] == "https://w3id.org/kg/vocab#"
    assert list(doc) == ["@context", "@graph"]  # context first: pyoxigraph's streaming JSON-LD profile
    llava = next(n for n in doc["@graph"] if n["@id"] == "entity:llava")
    assert "kg:Model" in llava["@type"]


def test_rdf_turtle_uses_prefixed_names(tmp_path):
    text = write_rdf(sample_graph(), tmp_path / "g.ttl", base=BASE).read_text()
    assert "@prefix evidence: <https://example.org/kg/evidence/> ." in text
    assert "entity:llava-1.5-7b a kg:Entity" in text.replace("\n", " ")


def _terms(graph: Graph, ns: str) -> set[str]:
    return {str(t) for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(ns)}


def test_rdf_ontology_declares_every_term_used(tmp_path):
    onto = Graph().parse(write_ontology(tmp_path / "ontology.ttl"), format="turtle")
    declared = set(onto.subjects(RDFS.label, None))
    used = _terms(to_rdf(sample_graph(), base=BASE), str(KG._NS)) | _terms(to_rdf(hostile_graph(), base=BASE), str(KG._NS))
    assert used <= {str(d) for d in declared}
    # and every term of the KG namespace class has a label and comment
    for name in KG.__annotations__:
        term = URIRef(str(KG._NS) + name)
        assert onto.value(term, RDFS.label) is not None, name
        assert onto.value(term, RDFS.comment) is not None, name


@pytest.mark.parametrize("term,prop,target", [
    (KG.Paper, RDFS.subClassOf, SDO.ScholarlyArticle),
    (KG.Dataset, RDFS.subClassOf, SDO.Dataset),
    (KG.Entity, RDFS.subClassOf, SDO.DefinedTerm),
    (KG.Model, RDFS.subClassOf, URIRef("http://www.w3.org/ns/mls#Model")),
    (KG.Metric, RDFS.subClassOf, URIRef("http://www.w3.org/ns/mls#EvaluationMeasure")),
    (KG.variantOf, RDFS.subPropertyOf, SKOS.broader),
    (KG.Rule, RDFS.subClassOf, PROV.Activity),
    (KG.Evidence, RDFS.subClassOf, OA.SpecificResource),
])
def test_rdf_ontology_aligns_to_standard_vocabularies(term, prop, target):
    onto = Graph().parse(ontology_path(), format="turtle")
    assert (term, prop, target) in onto


def _validate(data: Graph) -> tuple[bool, str]:
    import pyshacl

    shapes = Graph().parse(data=shapes_turtle(), format="turtle")
    onto = Graph().parse(data=ontology_turtle(), format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=onto, inference="none")
    return conforms, text


@pytest.mark.parametrize("level", EVIDENCE_LEVELS)
@pytest.mark.parametrize("make", [sample_graph, hostile_graph])
def test_rdf_export_conforms_to_shapes(make, level):
    conforms, text = _validate(to_rdf(make(), base=BASE, evidence=level))
    assert conforms, text


def test_rdf_seeds_export_conforms_to_shapes(seeds_graph):
    conforms, text = _validate(to_rdf(seeds_graph))
    assert conforms, text[:2000]


@pytest.mark.parametrize("breakage", ["no_label", "zero_support", "evidence_without_rule", "literal_object", "sentence_without_paper", "start_after_end"])
def test_rdf_broken_export_fails_shapes(breakage):
    rdf = to_rdf(sample_graph(), base=BASE)
    l7 = node_iri("entity/llava-1.5-7b", BASE)
    st = next(iter(rdf.subjects(RDF.type, KG.Statement)))
    if breakage == "no_label":
        rdf.remove((l7, RDFS.label, None))
    elif breakage == "zero_support":
        rdf.set((st, KG.supportCount, Literal(0, datatype=XSD.integer)))
    elif breakage == "evidence_without_rule":
        ev = next(iter(rdf.objects(None, KG.evidence)))
        rdf.remove((ev, PROV.wasGeneratedBy, None))
    elif breakage == "literal_object":
        rdf.set((st, RDF.object, Literal("not a node")))
    elif breakage == "sentence_without_paper":
        rdf.remove((next(iter(rdf.objects(None, KG.inSentence))), DCTERMS.isPartOf, None))
    elif breakage == "start_after_end":
        ev = next(iter(rdf.objects(None, KG.evidence)))
        rdf.set((ev, KG.start, Literal(10**6, datatype=XSD.nonNegativeInteger)))
    conforms, _ = _validate(rdf)
    assert not conforms
