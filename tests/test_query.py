"""Tests of kg.query and ``kg query``: loading graphs, ready queries, output formats, errors."""

from __future__ import annotations

import contextlib
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
    # GROUP_CONCAT's order is unspecified (an on-disk store and an in-memory one differ)
    got = {(r["variantLabel"], r["version"], r["size"], int(r["nPapers"]), " ".join(sorted(r["papers"].split()))) for r in rows}
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


# ---------------------------------------------------------------------------- hostile queries
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import kg.query as kq  # noqa: E402
from kg.query import (  # noqa: E402
    EngineCrashed,
    QueryRefused,
    QueryTimeout,
    QueryWorker,
    ResultTooLarge,
    check_query,
    ensure_store,
    store_folder,
)

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def settle(self):
        time.sleep(0.3)  # let a connection made just now be counted
        return self.connections

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


# Each one really is a SERVICE call to pyoxigraph (the first test proves it): the
# later ones hide the keyword from a tokenizer, in what looks like an IRI or a string.
SERVICE_QUERIES = [
    "SELECT * { VALUES ?x {1} SERVICE <URL> { ?s ?p ?o } }",
    "select * { values ?x {1} service silent <URL> { ?s ?p ?o } }",
    "SELECT * { VALUES ?x {1} SeRvIcE\t<URL> { } }",
    "SELECT * { VALUES ?x {1} FILTER(?x<2)SERVICE#>\n<URL>{ ?s ?p ?o } }",
    "SELECT * { VALUES ?x {1} FILTER(STR(?x)<'x>' ) SERVICE <URL> { ?s ?p ?o } #'\n}",
    "SELECT * { VALUES ?x {1} ?x ?p (<a:b> <a:b#x>) FILTER(?x<'y>' ) SERVICE <URL> { } #'\n}",
]


def _one_triple_store():
    s = pyoxigraph.Store()
    s.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://a"), pyoxigraph.NamedNode("http://p"), pyoxigraph.Literal("1")))
    return s


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_query_service_contacts_the_address_only_when_allowed(listener, template):
    sparql = template.replace("URL", listener.url)
    store = _one_triple_store()
    with pytest.raises(QueryRefused, match="SERVICE clauses are refused"):
        run_query(store, sparql)
    assert listener.settle() == 0
    with contextlib.suppress(QueryError):  # the listener hangs up: the fetch fails
        run_query(store, sparql, allow_service=True)
    assert listener.settle() >= 1


@pytest.mark.parametrize("sparql", [
    'SELECT ?x WHERE { ?x rdfs:label "web service" }',
    "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "SELECT ?x WHERE { ?x ?p <http://example.org/service#api> }",
    "SELECT ?x WHERE { ?x ?p ?o } # no SERVICE here",
    "PREFIX ex: <http://example.org/> SELECT ?x WHERE { ?x ex:serviceType ?o }",
    "SELECT ?x WHERE { ?x ?p ?o FILTER(?o < 3) }",
])
def test_query_service_in_names_strings_iris_comments_is_allowed(store, sparql):
    run_query(store, sparql)


@pytest.mark.parametrize("sparql,error,match", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", QueryRefused, "read-only"),
    ("PREFIX x: <urn:x:> LOAD <http://127.0.0.1:9/g.ttl>", QueryRefused, "LOAD"),
    ("# comment\nDROP ALL", QueryRefused, "DROP"),
    ("SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000, QueryError, "deeper than 64"),
    ("SELECT * WHERE { ?s ?p " + "[ ?p " * 100 + "?o" + "]" * 100 + "}", QueryError, "deeper than 64"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 10000 + "?s)}", QueryError, "operators"),
    ("SELECT * WHERE {" + "UNION".join(["{}"] * 8000) + "}", QueryError, "operators"),
    ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 70000, QueryError, "characters long"),
    ('SELECT * WHERE { ?s ?p "unterminated }', QueryError, "unterminated string"),
])
def test_query_refused_before_the_engine_parses(sparql, error, match):
    with pytest.raises(error, match=match):
        check_query(sparql)


def test_query_deep_nesting_inside_a_would_be_iri_is_counted():
    # `<` after an operand compares: pyoxigraph reads "((((..." as code, not an IRI
    line = "?x<" + "(" * 40 + "#>\n"
    with pytest.raises(QueryError, match="deeper than 64"):
        check_query("SELECT * { ?x ?p ?o FILTER(" + line * 3 + ") }")


def test_query_row_cap(store):
    with pytest.raises(ResultTooLarge, match="more than 100 rows"):
        run_query(store, CARTESIAN, max_rows=100)
    assert len(run_query(store, "SELECT * { ?s ?p ?o } LIMIT 100", max_rows=100)) == 100


def test_query_time_limit_between_rows(store):
    with pytest.raises(QueryTimeout, match="time limit"):
        run_query(store, CARTESIAN, timeout=0.05)


def test_query_errors_while_reading_rows_are_query_errors():
    # the unbound service name fails only when the first row is read
    with pytest.raises(QueryError, match="unbound"):
        run_query(_one_triple_store(), "SELECT * { SERVICE ?x { } }", allow_service=True)


# ---------------------------------------------------------------------------- the store kept beside a file
TTL_A = "<http://ex.org/a> <http://ex.org/p> 1 .\n"
TTL_B = "<http://ex.org/a> <http://ex.org/p> 1 .\n<http://ex.org/b> <http://ex.org/p> 2 .\n"
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def _count(path_or_store):
    return int(run_query(path_or_store, COUNT).values()[0][0])


def test_query_store_beside_file_is_built_once_and_reused(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(TTL_A)
    assert _count(path) == 1
    folder = store_folder(path)
    marker = folder / "kg-store.json"
    stamp = marker.stat().st_mtime_ns
    assert _count(path) == 1
    assert marker.stat().st_mtime_ns == stamp  # reused, not rebuilt
    assert sorted(p.name for p in tmp_path.iterdir()) == [".g.ttl.oxigraph", "g.ttl"]  # no temporary left


def test_query_store_rebuilt_when_file_changes(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(TTL_A)
    assert _count(path) == 1
    path.write_text(TTL_B)
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert _count(path) == 2


def test_query_broken_store_is_rebuilt(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(TTL_B)
    ensure_store(path)
    folder = store_folder(path)
    for f in folder.iterdir():
        if f.name != "kg-store.json":
            f.unlink() if f.is_file() else None
    (folder / "CURRENT").write_text("garbage\n")
    assert _count(path) == 2


def test_query_unwritable_folder_falls_back_to_memory(tmp_path, monkeypatch):
    path = tmp_path / "g.ttl"
    path.write_text(TTL_B)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(kq.tempfile, "mkdtemp", refuse)
    assert ensure_store(path) is None
    assert _count(path) == 2
    assert main(["query", str(path), COUNT, "--format", "csv"]) == 0
    assert not store_folder(path).exists()


def test_query_store_build_race_leaves_one_whole_store(tmp_path):
    path = tmp_path / "g.nt"
    path.write_text("".join(f"<http://ex.org/s{i}> <http://ex.org/p> \"{i}\" .\n" for i in range(20000)))
    code = "import sys; from kg.query import ensure_store; print(ensure_store(sys.argv[1]))"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert set(outs) == {str(store_folder(path))}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".g.nt.oxigraph", "g.nt"]
    assert _count(path) == 20000


# ---------------------------------------------------------------------------- worker processes
def test_query_worker_kills_a_runaway_query(ttl):
    with QueryWorker(ttl) as worker:
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="1 s time limit"):
            worker.run(RUNAWAY, timeout=1)
        assert time.monotonic() - started < 5
        assert not worker.alive


def test_query_worker_survives_bad_queries(ttl):
    with QueryWorker(ttl) as worker:
        with pytest.raises(QueryError, match="malformed"):
            worker.run("SELECT ?x WHERE { ?x }")
        with pytest.raises(ResultTooLarge):
            worker.run(CARTESIAN, max_rows=10)
        kind, body = worker.run("ASK { ?s a kg:Finding }", "json")
        assert kind == "boolean" and json.loads(body) == {"head": {}, "boolean": True}


def test_query_worker_crash_is_an_error_not_the_end(ttl):
    with QueryWorker(ttl) as worker:
        worker.wait_ready()
        threading.Timer(0.5, os.kill, (worker.process.pid, signal.SIGSEGV)).start()
        with pytest.raises(EngineCrashed, match="SIGSEGV"):
            worker.run(RUNAWAY, timeout=20)


def test_query_cli_time_limit(ttl, capsys):
    started = time.monotonic()
    assert main(["query", str(ttl), RUNAWAY, "--timeout", "1"]) == 2
    err = capsys.readouterr().err
    assert "1 s time limit" in err and err.count("\n") == 1
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("argv,match", [
    ([CARTESIAN, "--max-rows", "50"], "more than 50 rows"),
    (["SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], "--allow-service"),
    (["SELECT * WHERE " + "{" * 3000 + "?s ?p ?o" + "}" * 3000], "deeper than 64"),
])
def test_query_cli_refusals_are_one_line(ttl, capsys, argv, match):
    assert main(["query", str(ttl), *argv]) == 2
    err = capsys.readouterr().err
    assert match in err and err.startswith("kg: error: ") and err.count("\n") == 1


def test_query_cli_allow_service_fetches(listener, ttl, capsys):
    sparql = f"SELECT * {{ VALUES ?x {{1}} SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    assert main(["query", str(ttl), sparql]) == 2
    assert listener.settle() == 0
    main(["query", str(ttl), sparql, "--allow-service"])
    assert listener.settle() >= 1
