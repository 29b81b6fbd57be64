"""The ready queries in queries/ on the seeds' graph: their answers agree with the networkx graph."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from kg.query import load_store, ready_query, ready_queries, run_query


@pytest.fixture(scope="module")
def store(seeds_outputs):
    return load_store(seeds_outputs / "graph.ttl")


def node_id(iri: str) -> str:
    """The networkx node id behind an exported IRI (``<base>entity/<key>`` -> ``entity/<key>``)."""
    return unquote(iri.split("/id/", 1)[1])


def rows(store, name, **params):
    result = run_query(store, ready_query(name).text, params=params or None)
    return [dict(zip(result.variables, row)) for row in result.values()]


def edges(graph, key):
    return [(u, v, d) for u, v, k, d in graph.edges(keys=True, data=True) if k == key]


def test_queries_seeds_every_ready_query_runs_and_answers(store):
    assert set(ready_queries()) >= {"co-occurring", "entity-evidence", "methods-on-dataset", "metrics-for-task",
                                    "paper-proposes", "variants-of-family"}
    for name in ready_queries():
        assert rows(store, name), f"{name} returned nothing on the seeds' graph"


def test_queries_seeds_paper_proposes_matches_the_graph(store, seeds_graph):
    got = {(node_id(r["p"]), node_id(r["entity"])) for r in rows(store, "paper-proposes")}
    assert got == {(u, v) for u, v, _ in edges(seeds_graph, "proposes")}


def test_queries_seeds_variants_of_llava(store, seeds_graph):
    got = rows(store, "variants-of-family", family="LLaVA")
    variants = {r["variantLabel"] for r in got}
    expected = {seeds_graph.nodes[u]["label"] for u, v, _ in edges(seeds_graph, "variant_of") if v == "entity/llava"}
    assert variants == expected and "LLaVA-1.5-7B" in variants
    assert all(r["size"] for r in got if r["variantLabel"] == "LLaVA-1.5-7B")


def test_queries_seeds_co_occurring_counts_sentences(store, seeds_graph):
    (lora,) = [n for n, d in seeds_graph.nodes(data=True) if d.get("label") == "LoRA"]
    got = {node_id(r["other"]): int(r["sentences"]) for r in rows(store, "co-occurring", entity="LoRA")}
    expected = {(v if u == lora else u): d["count"] for u, v, d in edges(seeds_graph, "co_occurs") if lora in (u, v)}
    assert got == expected


def test_queries_seeds_entity_evidence_gives_each_mention(store, seeds_graph):
    (node,) = [n for n, d in seeds_graph.nodes(data=True) if d.get("label") == "LoRA"]
    mentions = [ev for u, v, d in edges(seeds_graph, "mentions") if v == node for ev in d["evidence"]]
    got = rows(store, "entity-evidence", entity="LoRA")
    assert len(got) == len(mentions)
    assert {(int(r["start"]), int(r["end"])) for r in got} == {(ev["start"], ev["end"]) for ev in mentions}
    assert all(r["exact"].lower() == "lora" for r in got)


def test_queries_seeds_methods_on_dataset_follow_evaluated_on(store, seeds_graph):
    got = {(r["datasetLabel"], r["methodLabel"]) for r in rows(store, "methods-on-dataset")}
    expected = {(seeds_graph.nodes[v]["label"], seeds_graph.nodes[u]["label"]) for u, v, _ in edges(seeds_graph, "evaluated_on")}
    assert expected and expected <= got


def test_queries_seeds_metrics_for_task_match_the_graph(store, seeds_graph):
    """Every (task, metric) the query answers, and only those, follows from the graph by one of its
    three paths: a measured_by edge, a finding set on the task (or on a benchmark for it), or a
    paper that mentions the task and reports a finding in the metric."""
    g = seeds_graph
    got = {(node_id(r["t"]), node_id(r["metric"])) for r in rows(store, "metrics-for-task")}
    is_task = {n for n, t in g.nodes(data="type") if t == "Task"}
    metric_of = {u: {v for _, v, k in g.out_edges(u, keys=True) if k == "metric"} for u, t in g.nodes(data="type") if t == "Finding"}
    expected = {(u, v) for u, v, _ in edges(g, "measured_by") if u in is_task}
    benchmarks = {}
    for d, t, _ in edges(g, "benchmark_for"):
        benchmarks.setdefault(d, set()).add(t)
    for f, s, _ in edges(g, "setting"):
        for t in ({s} & is_task) | benchmarks.get(s, set()):
            expected |= {(t, m) for m in metric_of.get(f, ())}
    for p, f, _ in edges(g, "reports"):
        tasks = {v for _, v, k in g.out_edges(p, keys=True) if k == "mentions" and v in is_task}
        expected |= {(t, m) for t in tasks for m in metric_of.get(f, ())}
    assert expected, "the seeds' graph should link some task to a metric"
    assert got == expected


def test_queries_seeds_entity_evidence_text_is_the_papers_text_at_the_offsets(store, seeds_graph):
    """The exact text the query cuts from the sentence is the paper's content at the offsets, for every mention."""
    got = rows(store, "entity-evidence")
    assert got
    contents = {}
    for n, d in seeds_graph.nodes(data=True):
        if d.get("type") == "Paper":
            contents[n.partition("/")[2]] = f"{d['title']}\n\n{d['text']}" if d.get("title") else d["text"]
    for r in got:
        start, end = int(r["start"]), int(r["end"])
        assert r["exact"] == contents[r["paperId"]][start:end]
        assert r["exact"] in r["sentence"]


@pytest.mark.parametrize("name", sorted(ready_queries()))
def test_queries_seeds_a_name_that_matches_nothing_answers_nothing(store, name):
    params = {p: "no such name at all" for p in ready_queries()[name].params}
    assert params and rows(store, name, **params) == []


def test_queries_seeds_readme_example_runs(store):
    from kg.resources import queries_path

    readme = (queries_path() / "README.md").read_text(encoding="utf-8")
    example = readme.split("```sparql\n", 1)[1].split("```", 1)[0]
    result = run_query(store, example)
    assert result.variables == ["task", "paper", "text"]
