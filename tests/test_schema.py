"""kg.schema: one table of node types and relations, read by the graph, the exporters, the
shapes and the docs; kg.values: the converters every exporter reads attributes with."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg import schema
from kg.export.html import EDGE_STYLES, NODE_STYLES, graph_payload
from kg.export.json import read_json, write_json
from kg.export.rdf import EDGE_PROPERTIES, ENTITY_CLASSES, iter_triples, ontology_path, ontology_turtle, shapes_turtle, to_rdf
from kg.graph import ENTITY_RELATIONS, PAPER_EDGES, finalize, new_graph
from kg.namespaces import KG_VOCAB
from kg.records import ENTITY_TYPES, Paper
from kg.schema import NODE_TYPES, RELATIONS, Relation, node_content, paper_content, register_relation, relation_keys
from kg.values import as_int, safe_url

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://example.org/kg/"
P, A, B = "paper/sha:1", "entity/lora", "entity/imagenet"
EV = {"paper": P, "sentence": "LoRA runs on ImageNet.", "sent_start": 0, "start": 0, "end": 21, "rule": "r1"}


def _graph(extra_key: str | None = None) -> nx.MultiDiGraph:
    """A paper, two entities and a finding, with one edge of every key in the table (and ``extra_key``)."""
    g = nx.MultiDiGraph(name="kg")
    g.add_node(P, type="Paper", label="T", title="T", text=EV["sentence"], sources=["a.txt"], topics=[], arxiv_id="", url="")
    g.add_node(A, type="Method", label="LoRA", key="lora", aliases=[], n_papers=1)
    g.add_node(B, type="Dataset", label="ImageNet", key="imagenet", aliases=[], n_papers=1)
    g.add_node("entity/acme", type="Organization", label="ACME", key="acme", aliases=[], n_papers=1)
    g.add_node("finding/1", type="Finding", label="acc +2", text="+2", direction="improves", value=2.0, unit="pp",
               metric="acc", qualifier="", baseline=None, paper=P, sentence=EV["sentence"], sent_start=0, start=0, end=21, rule="r1")
    for t in schema.entity_types():  # a node of every entity type, so every class is written
        g.add_node(f"entity/{t.lower()}-x", type=t, label=f"{t} x", key=f"{t.lower()}-x", aliases=[], n_papers=0)
    ends = {"paper": P, "finding": "finding/1"}
    for key in [*RELATIONS, *([extra_key] if extra_key else [])]:
        r = RELATIONS[key]
        u = ends.get(r.source, A)
        v = "finding/1" if r.target == "finding" else ("entity/acme" if key == "affiliated_with" else B)
        g.add_edge(u, v, key=key, count=1, evidence=[dict(EV)])
    return g


@pytest.fixture()
def new_relation():
    """A relation added to the table for one test, and taken out again after it."""
    rel = register_relation(Relation(
        key="runs_on", rdf_property="runsOn", domain="entity->entity", emitted_by="kg_relations",
        style={"color": "#123456", "width": 2.0, "dashes": False, "label": True, "arrows": True},
        comment="the method runs on the dataset",
    ))
    yield rel
    schema.unregister_relation(rel.key)


# ------------------------------------------------------------------ adding a relation
def test_schema_registered_relation_reaches_rdf_html_legend_and_json(new_relation, tmp_path):
    g = _graph()
    g.add_edge(A, B, key="runs_on", count=1, evidence=[dict(EV)])
    prop = ox.NamedNode(KG_VOCAB + "runsOn")
    triples = set(iter_triples(g, base=BASE))
    assert ox.Triple(ox.NamedNode(BASE + "entity/lora"), prop, ox.NamedNode(BASE + "entity/imagenet")) in triples
    # its statement names the property, not the kg:relatedTo fallback for unknown keys
    assert not any(t.predicate.value == KG_VOCAB + "relationName" for t in triples)

    payload = graph_payload(g)
    assert "runs_on" in payload["rels"]
    assert payload["styles"]["edges"]["runs_on"] == dict(new_relation.style)

    write_json(g, tmp_path / "graph.json")
    assert ("entity/lora", "entity/imagenet", "runs_on") in read_json(tmp_path / "graph.json").edges(keys=True)

    onto = Graph().parse(data=ontology_turtle(), format="turtle")
    term = URIRef(KG_VOCAB + "runsOn")
    assert (term, RDF.type, OWL.ObjectProperty) in onto
    assert (term, RDFS.domain, URIRef(KG_VOCAB + "Entity")) in onto and (term, RDFS.range, URIRef(KG_VOCAB + "Entity")) in onto
    assert "sh:path kg:runsOn ; sh:class kg:Entity" in shapes_turtle()
    assert "runs_on" in EDGE_PROPERTIES and "runs_on" in EDGE_STYLES


def test_schema_relation_added_by_a_table_entry_and_a_rule_is_extracted_and_exported(new_relation, tmp_path):
    """A new relation is one schema entry plus one rule line: the pipeline extracts it, and the
    graph JSON, the RDF and graph.html's legend carry it with no other change."""
    import shutil

    import kg
    from kg.builder import write_outputs
    from kg.resources import rules_path

    rules = tmp_path / "rules"
    shutil.copytree(rules_path(), rules, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    rule = {"id": "rel.runs_on.test", "label": "runs_on",
            "pattern": {"head": ["Method", "Model"], "tail": ["Dataset"], "cues": ["runs on"], "where": "exact"}}
    # the first rule that fires on a pair wins: the specific new one goes first
    path = rules / "relations.jsonl"
    path.write_text(json.dumps(rule) + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(json.dumps({"title": "A study", "abstract": "We show that LoRA runs on ImageNet."}) + "\n")

    g = kg.build([corpus], rules_dir=rules)
    edges = [(u, v, d) for u, v, k, d in g.edges(keys=True, data=True) if k == "runs_on"]
    assert [(u, v) for u, v, _ in edges] == [("entity/lora", "entity/imagenet")]
    assert edges[0][2]["evidence"][0]["rule"] == "rel.runs_on.test"

    out = tmp_path / "out"
    write_outputs(g, out)
    assert ("entity/lora", "entity/imagenet", "runs_on") in read_json(out / "graph.json").edges(keys=True)
    assert "kg:runsOn" in (out / "graph.ttl").read_text(encoding="utf-8") or "vocab#runsOn" in (out / "graph.ttl").read_text(encoding="utf-8")
    assert "runs_on" in graph_payload(g)["rels"]
    assert '"runs_on"' in (out / "graph.html").read_text(encoding="utf-8")


def test_schema_registered_paper_relation_counts_papers_in_the_graph():
    register_relation(Relation("cites_data", "citesData", "paper->entity", "kg_links"))
    try:
        g = new_graph()
        g.add_node(P, type="Paper")
        g.add_node(B, type="Dataset", key="imagenet", forms={"ImageNet": 1}, type_votes={"Dataset": 1})
        g.add_edge(P, B, key="cites_data", count=1, evidence=[dict(EV)])
        assert finalize(g).nodes[B]["n_papers"] == 1
    finally:
        schema.unregister_relation("cites_data")
    assert "cites_data" not in RELATIONS and "cites_data" not in EDGE_PROPERTIES


@pytest.mark.parametrize("key,prop,domain,problem", [
    ("mentions", "mentions2", "paper->entity", "already in"),
    ("Bad Key", "badKey", "entity->entity", "lower case"),
    ("ok_key", "kg:prefixed", "entity->entity", "plain name"),
    ("ok_key", "okKey", "entity->sentence", "domain"),
])
def test_schema_register_relation_refuses_bad_entries(key, prop, domain, problem):
    with pytest.raises(ValueError, match=problem):
        register_relation(Relation(key, prop, domain, "kg_relations"))
    assert list(RELATIONS)[-1] == "setting"  # nothing was added


def test_schema_builtin_relation_cannot_be_unregistered():
    with pytest.raises(ValueError, match="built into"):
        schema.unregister_relation("mentions")


# ------------------------------------------------------------------ ontology and shapes
def _shipped_ontology() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


@pytest.mark.parametrize("key", list(RELATIONS))
def test_schema_relation_is_declared_in_the_shipped_ontology_with_its_domain_and_range(key):
    r, onto = RELATIONS[key], _shipped_ontology()
    term = URIRef(KG_VOCAB + r.rdf_property)
    assert (term, RDF.type, OWL.ObjectProperty) in onto
    assert onto.value(term, RDFS.domain) == URIRef(KG_VOCAB + r.domain_class)
    assert onto.value(term, RDFS.range) == URIRef(KG_VOCAB + r.range_class)
    assert ((term, RDF.type, OWL.SymmetricProperty) in onto) == r.symmetric


@pytest.mark.parametrize("name", list(NODE_TYPES))
def test_schema_node_type_is_a_class_of_the_shipped_ontology(name):
    t, onto = NODE_TYPES[name], _shipped_ontology()
    cls = URIRef(KG_VOCAB + t.rdf_class)
    assert (cls, RDF.type, OWL.Class) in onto
    assert ((cls, RDFS.subClassOf, URIRef(KG_VOCAB + "Entity")) in onto) == (t.kind == "entity")


def test_schema_written_ontology_is_the_shipped_one_when_the_table_adds_nothing():
    assert ontology_turtle() == ontology_path().read_text(encoding="utf-8")


def test_schema_every_kg_term_the_exporters_emit_is_declared():
    declared = {str(s) for s in Graph().parse(data=ontology_turtle(), format="turtle").subjects(RDFS.label, None)}
    g = _graph(extra_key=None)
    g.add_edge(A, B, key="not_in_the_table", count=1, evidence=[dict(EV)])  # written as kg:relatedTo
    emitted = {str(term) for triple in to_rdf(g, base=BASE, evidence="full") for term in triple
               if isinstance(term, URIRef) and str(term).startswith(KG_VOCAB)}
    table = {KG_VOCAB + r.rdf_property for r in RELATIONS.values()} | {KG_VOCAB + t.rdf_class for t in NODE_TYPES.values()}
    assert emitted - declared == set()
    assert table <= emitted  # the graph above uses every table term, so the check covers them all


@pytest.mark.parametrize("key", list(RELATIONS))
def test_schema_shapes_check_the_objects_of_every_relation(key):
    r = RELATIONS[key]
    shape = {"paper": "kgs:PaperShape", "entity": "kgs:EntityShape", "finding": "kgs:FindingShape"}[r.source]
    target = {"entity": "Entity", "finding": "Finding", "paper": "Paper"}[r.target]
    assert f"{shape} sh:property [ sh:path kg:{r.rdf_property} ; sh:class kg:{target} ] ." in shapes_turtle()


# ------------------------------------------------------------------ docs and data files
def _doc() -> str:
    return (ROOT / "docs" / "SCHEMA.md").read_text(encoding="utf-8")


def _edge_rows() -> list[tuple[str, list[str]]]:
    """(the ``u -> v`` column, the keys of the key column) of each row of SCHEMA.md's edge table."""
    section = _doc().split("### Edges", 1)[1].split("\n##", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and "`" in cells[1]:
            rows.append((cells[0], re.findall(r"`([a-z_]+)`", cells[1])))
    return rows


def test_schema_docs_edge_table_lists_exactly_the_table_keys():
    keys = [k for _, ks in _edge_rows() for k in ks]
    assert sorted(keys) == sorted(RELATIONS)
    assert len(keys) == len(set(keys))


def test_schema_docs_edge_table_gives_each_key_its_domain():
    for where, keys in _edge_rows():
        source, _, target = (w.split()[0] for w in where.partition("->"))
        for key in keys:
            assert RELATIONS[key].domain == f"{source}->{target}", (key, where)


def test_schema_docs_relation_labels_are_those_the_relation_component_emits():
    line = re.search(r"Relation labels: (.*?)\.\n", _doc(), re.S).group(1)
    assert tuple(re.findall(r"`([a-z_]+)`", line)) == relation_keys(emitted_by="kg_relations")


def test_schema_eval_mappings_name_only_table_types_and_relations():
    corpora = json.loads((ROOT / "rules" / "eval_mappings.json").read_text(encoding="utf-8"))["corpora"]
    for name, corpus in corpora.items():
        assert set(corpus.get("entities", {})) <= set(schema.entity_types()), name
        assert set(corpus.get("relations", {})) <= set(RELATIONS), name


# ------------------------------------------------------------------ the names other code imports
def test_schema_old_names_are_views_of_the_table():
    assert list(EDGE_PROPERTIES) == list(RELATIONS) == list(EDGE_STYLES)
    assert EDGE_PROPERTIES["co_occurs"] == URIRef(KG_VOCAB + "coOccursWith")
    assert list(ENTITY_CLASSES) == list(schema.entity_types())
    assert list(NODE_STYLES) == list(NODE_TYPES)
    assert PAPER_EDGES == ("mentions", "proposes", "uses", "affiliated_with")
    assert ENTITY_RELATIONS[-1] == "alias_of" and "variant_of" not in ENTITY_RELATIONS
    assert ENTITY_TYPES == ("Method", "Model", "Architecture", "Dataset", "Task", "Metric")


def test_schema_entity_types_and_relations_are_emitted_by_known_components():
    assert all(r.emitted_by in schema.EMITTERS for r in RELATIONS.values())
    priorities = [t.priority for t in NODE_TYPES.values() if t.kind == "entity"]
    assert sorted(priorities) == list(range(len(priorities)))  # a strict order: type votes never tie unresolved


# ------------------------------------------------------------------ paper text and values
@pytest.mark.parametrize("title,text,content", [
    ("A title", "The abstract.", "A title\n\nThe abstract."),
    (None, "The abstract.", "The abstract."),
    ("", "The abstract.", "The abstract."),
])
def test_schema_paper_content_is_one_text_for_records_and_exporters(title, text, content):
    paper = Paper(id="sha:1", title=title, text=text, source="a.txt")
    assert paper.content == paper_content(title, text) == content
    assert node_content({"title": title or "", "text": text}) == content


@pytest.mark.parametrize("value,expected", [
    (3, 3), (3.9, 3), (-2, -2), (True, None), ("3", None), (None, None), (float("nan"), None), (float("inf"), None),
])
def test_values_as_int_reads_numbers_only(value, expected):
    assert as_int(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("https://arxiv.org/abs/2401.00001", "https://arxiv.org/abs/2401.00001"),
    (" HTTP://example.org/x ", "HTTP://example.org/x"),
    ("https://example.org/a b\"<c>", "https://example.org/a%20b%22%3Cc%3E"),
    ("https://example.org/ü", "https://example.org/%C3%BC"),
    ("javascript:alert(1)", ""),
    ("data:text/html,<script>", ""),
    ("https://", ""),
    ("not a url", ""),
    (None, ""),
])
def test_values_safe_url_keeps_http_links_only_and_encodes_them(value, expected):
    assert safe_url(value) == expected


def test_values_safe_url_is_linear_on_a_long_hostile_url():
    url = "https://x/" + "% " * 100_000 + "x"
    assert len(safe_url(url)) == 10 + 100_000 * 4 + 1  # every space encoded, nothing rejected
