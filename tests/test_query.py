"""Tests of kg.query and ``kg query``: loading graphs, ready queries, output formats, errors."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph
import pytest
from test_rdf import BASE, sample_graph

from kg.cli import main
from kg.errors import QueryError
from kg.export.rdf import write_rdf
from kg.query import bind_params, format_result, load_store, ready_queries, ready_query, run_query, save_store


@pytest.fixture(scope="module")
def ttl(tmp_path_factory):
    return write_rdf(sample_graph(), tmp_path_factory.mktemp("g") / "graph.ttl", base=BASE)


@pytest.fixture(scope="module")
def store(ttl):
    return load_store(ttl)


def _rows(store, name, **params):
    result = run_query(store, ready_query(name).text, params=params)
    return [dict(zip(result.variables, row)) for row in result.values()]


def test_query_ready_queries_are_documented():
    queries = ready_queries()
    assert {"methods-on-dataset", "variants-of-family", "paper-proposes", "metrics-for-task", "co-occurring"} <= set(queries)
    for q in queries.values():
        assert q.description, q.name
        assert q.params, q.name
        for name in q.params:
            assert f"VALUES ?{name} {{ UNDEF }}" in q.text, (q.name, name)


@pytest.mark.parametrize("dataset,expected", [
    ("VQAv2", {("VQAv2", "LLaVA-1.5-7B", "accuracy 78.5%")}),
    ("imagenet", {("ImageNet", "Sparse autoencoders", "top-1 accuracy +2 points")}),
    (None, {("VQAv2", "LLaVA-1.5-7B", "accuracy 78.5%"), ("ImageNet", "Sparse autoencoders", "top-1 accuracy +2 points")}),
    ("no such dataset", set()),
])
def test_query_methods_on_dataset(store, dataset, expected):
    rows = _rows(store, "methods-on-dataset", **({"dataset": dataset} if dataset else {}))
    assert {(r["datasetLabel"], r["methodLabel"], r["findings"]) for r in rows} == expected


@pytest.mark.parametrize("family", ["LLaVA", "llava"])
def test_query_variants_of_family(store, family):
    rows = _rows(store, "variants-of-family", family=family)
    got = {(r["variantLabel"], r["version"], r["size"], int(r["nPapers"]), r["papers"]) for r in rows}
    assert got == {
        ("LLaVA-1.5-7B", "1.5", "7B", 2, "arxiv:2401.00001 arxiv:2401.00002"),
        ("LLaVA-1.5-13B", "1.5", "13B", 1, "arxiv:2401.00002"),
    }
    assert rows[0]["variantLabel"] == "LLaVA-1.5-7B"  # most papers first


@pytest.mark.parametrize("paper,expected", [
    ("arxiv:2401.00001", {("arxiv:2401.00001", "LLaVA-1.5-7B", "https://w3id.org/kg/vocab#Model")}),
    ("2401.00001", {("arxiv:2401.00001", "LLaVA-1.5-7B", "https://w3id.org/kg/vocab#Model")}),
    ("sparse autoencoders with", {("sha:0a1b2c3d4e5f6789", "Sparse autoencoders", "https://w3id.org/kg/vocab#Method")}),
    (None, {("arxiv:2401.00001", "LLaVA-1.5-7B", "https://w3id.org/kg/vocab#Model"), ("sha:0a1b2c3d4e5f6789", "Sparse autoencoders", "https://w3id.org/kg/vocab#Method")}),
    ("arxiv:2401.00002", set()),
])
def test_query_paper_proposes(store, paper, expected):
    rows = _rows(store, "paper-proposes", **({"paper": paper} if paper else {}))
    assert {(r["paperId"], r["entityLabel"], r["type"]) for r in rows} == expected


@pytest.mark.parametrize("task,expected", [
    ("visual question answering", [("accuracy", 2, ("measured_by", "finding"))]),
    ("Image Classification", [("top-1 accuracy", 1, ("measured_by", "paper"))]),
])
def test_query_metrics_for_task(store, task, expected):
    rows = _rows(store, "metrics-for-task", task=task)
    assert {(r["metricLabel"], int(r["nPapers"]), frozenset(r["via"].split(", "))) for r in rows} == {(m, n, frozenset(v)) for m, n, v in expected}


@pytest.mark.parametrize("entity,expected", [
    ("LLaVA-1.5-7B", [("VQAv2", 2), ("LLaVA-1.5-13B", 1), ("accuracy", 1)]),
    ("SAEs", [("ImageNet", 1), ("LoRA", 1)]),  # found through its alias
])
def test_query_co_occurring(store, entity, expected):
    rows = _rows(store, "co-occurring", entity=entity)
    assert [(r["otherLabel"], int(r["sentences"])) for r in rows] == expected


def test_query_entity_evidence_points_at_text(store):
    rows = _rows(store, "entity-evidence", entity="VQAv2")
    assert [(r["paperId"], r["exact"], r["rule"]) for r in rows] == [("arxiv:2401.00001", "VQAv2", "lexicon"), ("arxiv:2401.00002", "VQAv2", "lexicon")]


@pytest.mark.parametrize("suffix", ["nt", "json-ld"])
def test_query_loads_other_formats(tmp_path, suffix):
    ext = {"nt": ".nt", "json-ld": ".jsonld"}[suffix]
    path = write_rdf(sample_graph(), tmp_path / f"g{ext}", format=suffix, base=BASE)
    assert len(_rows(load_store(path), "variants-of-family", family="LLaVA")) == 2


def test_query_store_folder(tmp_path, ttl):
    folder = save_store(ttl, tmp_path / "store")
    result = run_query(folder, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(result.values()[0][0]) == len(load_store(ttl))


@pytest.mark.parametrize("sparql,where", [
    ("SELECT ?x WHERE {\n  ?x ?y \n}", "line 3, column"),
    ("SELECT ?x WHERE { ?x kg:nope ?z . FILTER(?x = <a b>) }", "line 1, column"),
    ("SELECT ?x WHERE { ?x undeclared:p ?z }", "line 1, column"),
])
def test_query_malformed_query_names_position(store, sparql, where):
    with pytest.raises(QueryError, match=where):
        run_query(store, sparql)


@pytest.mark.parametrize("content,suffix,match", [
    (None, ".ttl", "no such graph file"),
    ("<http://a> <http://b> \"unterminated .\n", ".ttl", r"g\.ttl: cannot parse as Turtle.*line 1"),
    ("x", ".xyz", "unknown RDF file type"),
])
def test_query_bad_graph_names_file(tmp_path, content, suffix, match):
    path = tmp_path / f"g{suffix}"
    if content is not None:
        path.write_text(content)
    with pytest.raises(QueryError, match=match):
        load_store(path)


def test_query_unknown_param_and_ready_query(store):
    with pytest.raises(QueryError, match="no parameter 'nope'"):
        run_query(store, ready_query("co-occurring").text, params={"nope": "x"})
    with pytest.raises(QueryError, match="no ready query"):
        ready_query("does-not-exist")


@pytest.mark.parametrize("value", ['quo"te', "back\\slash", "new\nline", "}) . DROP ALL #"])
def test_query_params_are_literals_not_code(store, value):
    text = bind_params(ready_query("co-occurring").text, {"entity": value})
    assert run_query(store, text).rows == []


def test_query_json_and_csv_follow_sparql_results_formats(store):
    result = run_query(store, 'SELECT ?s ?label ?n ?none WHERE { ?s rdfs:label ?label ; kg:nPapers ?n . FILTER(?label = "VQAv2") OPTIONAL { ?s kg:nope ?none } }')
    doc = json.loads(format_result(result, "json"))
    assert doc["head"]["vars"] == ["s", "label", "n", "none"]
    b = doc["results"]["bindings"][0]
    assert b["s"] == {"type": "uri", "value": BASE + "entity/vqav2"}
    assert b["label"] == {"type": "literal", "value": "VQAv2"}
    assert b["n"] == {"type": "literal", "value": "2", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    assert "none" not in b
    text = format_result(result, "csv")
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [["s", "label", "n", "none"], [BASE + "entity/vqav2", "VQAv2", "2", ""]]
    # the same as pyoxigraph's own serialiser
    native = store.query('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX kg: <https://w3id.org/kg/vocab#> SELECT ?s ?label ?n ?none WHERE { ?s rdfs:label ?label ; kg:nPapers ?n . FILTER(?label = "VQAv2") OPTIONAL { ?s kg:nope ?none } }')
    assert native.serialize(format=pyoxigraph.QueryResultsFormat.CSV).decode() == text


def test_query_ask_and_construct(store):
    assert format_result(run_query(store, "ASK { ?s a kg:Finding }"), "json") == '{"head": {}, "boolean": true}'
    out = format_result(run_query(store, "CONSTRUCT { ?s a kg:Model } WHERE { ?s a kg:Model }"), "table")
    assert out.count(" .\n") == 3


def test_query_cli_ready_query_csv(ttl, capsys):
    assert main(["query", str(ttl), "-q", "variants-of-family", "--param", "family=LLaVA", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["variantLabel"] for r in rows] == ["LLaVA-1.5-7B", "LLaVA-1.5-13B"]


def test_query_cli_text_and_file(ttl, tmp_path, capsys):
    assert main(["query", str(ttl), "SELECT ?l WHERE { ?s a kg:Metric ; rdfs:label ?l } ORDER BY ?l"]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "top-1 accuracy" in out and "(2 rows)" in out
    q = tmp_path / "q.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }")
    assert main(["query", str(ttl), "-f", str(q), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"][0]["n"]["value"] == "3"


def test_query_cli_errors_are_one_line(ttl, tmp_path, capsys):
    assert main(["query", str(ttl), "SELECT ?x WHERE { ?x }"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg: error: malformed SPARQL query at line 1, column") and err.count("\n") == 1
    assert main(["query", str(tmp_path / "missing.ttl"), "ASK {}"]) == 2
    assert "missing.ttl" in capsys.readouterr().err


def test_query_cli_save_store_then_query(ttl, tmp_path, capsys):
    folder = tmp_path / "store"
    assert main(["query", str(ttl), "--save-store", str(folder)]) == 0
    assert main(["query", str(folder), "-q", "co-occurring", "-p", "entity=SAEs", "--format", "csv"]) == 0
    assert "ImageNet" in capsys.readouterr().out


def test_query_cli_list(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    assert "variants-of-family" in out and "--param family=" in out
