"""kg.distributed: partitions, and a Dask build equal to a single-process build."""

from __future__ import annotations

import json

import pytest

from kg.distributed import plan_partitions, read_partition
from kg.readers import read_papers

dask_distributed = pytest.importorskip("dask.distributed")


def _jsonl(path, n):
    with path.open("w") as fh:
        for i in range(n):
            fh.write(json.dumps({"title": f"Paper {i}", "abstract": f"We fine-tune Llama 2 with LoRA on GSM8K, run {i}."}) + "\n")
    return path


@pytest.mark.parametrize("partition_bytes", [1, 200, 1000, 10**9])
def test_distributed_partitions_of_a_jsonl_file_read_every_paper_once_in_order(tmp_path, partition_bytes):
    path = _jsonl(tmp_path / "p.jsonl", 25)
    parts = plan_partitions([path], partition_bytes=partition_bytes)
    got = [p.id for part in parts for p in read_partition(part)]
    assert got == [p.id for p in read_papers([path])]
    assert (len(parts) == 1) == (partition_bytes >= path.stat().st_size)


def test_distributed_partitions_keep_folder_order_and_whole_non_jsonl_files(seeds_dir):
    parts = plan_partitions([seeds_dir], partition_bytes=10)
    assert [p.path for p in parts] == sorted(p.path for p in parts)
    assert all(p.whole for p in parts)  # listing dumps are never cut


@pytest.fixture(scope="module")
def dask_client():
    cluster = dask_distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = dask_distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_distributed_dask_build_writes_the_same_graph_json_as_one_process(tmp_path, seeds_dir, seeds_graph, dask_client):
    import kg
    from kg.distributed import build_on_dask
    from kg.export.json import write_json

    # the seeds' RAGLens card is listed in two files, so two partitions hold it
    extra = _jsonl(tmp_path / "extra.jsonl", 40)
    single = kg.build([seeds_dir, extra])
    dist = build_on_dask([seeds_dir, extra], client=dask_client, partition_bytes=700)
    write_json(single, tmp_path / "single.json")
    write_json(dist, tmp_path / "dask.json")
    assert (tmp_path / "single.json").read_bytes() == (tmp_path / "dask.json").read_bytes()


def test_distributed_dask_merge_skips_papers_the_graph_holds(tmp_path, dask_client):
    import kg
    from kg.distributed import build_on_dask

    first = _jsonl(tmp_path / "a.jsonl", 6)
    base = kg.build([first])
    again = build_on_dask([first], graph=base.copy(), client=dask_client)
    assert sorted(again.nodes) == sorted(base.nodes)
    assert all(again.nodes[n].get("sources") == [str(first)] for n in again if n.startswith("paper/"))


def test_distributed_cli_scheduler_dask_matches_local_build(tmp_path, seeds_dir):
    from kg.cli import main

    assert main(["build", str(seeds_dir), "-o", str(tmp_path / "local"), "-q"]) == 0
    assert main(["build", str(seeds_dir), "-o", str(tmp_path / "dask"), "-q", "--scheduler", "dask", "-j", "2"]) == 0
    assert (tmp_path / "local" / "graph.json").read_bytes() == (tmp_path / "dask" / "graph.json").read_bytes()


def test_distributed_partitions_honour_the_text_field_option(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text("".join(json.dumps({"heading": f"T{i}", "body": f"We study LoRA, case {i}."}) + "\n" for i in range(12)))
    parts = plan_partitions([path], partition_bytes=100)
    got = [p.text for part in parts for p in read_partition(part, text_field="body")]
    assert len(parts) > 1 and got == [p.text for p in read_papers([path], text_field="body")]
    assert got[0] == "We study LoRA, case 0."


def _rules_with(tmp_path, name, lines):
    """A copy of kg's rules/ with ``lines`` (JSON objects) appended to file ``name``."""
    import shutil

    from kg.resources import rules_path

    folder = tmp_path / "rules"
    shutil.copytree(rules_path(), folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    with (folder / name).open("a", encoding="utf-8") as fh:
        fh.write("".join("\n" + json.dumps(line) for line in lines) + "\n")
    return folder


@pytest.mark.parametrize("how", ["local", "jobs", "dask"])
def test_distributed_rules_folder_reaches_every_worker(tmp_path, dask_client, how):
    """A rules folder given to the build is read by the pipeline wherever it runs: this
    process, -j worker processes, and Dask workers (which are sent a snapshot of it)."""
    import kg
    from kg.builder import build_graph

    folder = _rules_with(tmp_path, "lexicon_dataset.jsonl", [
        {"label": "Dataset", "pattern": "Glorpset", "id": "lex.dataset.test", "case_sensitive": True}])
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps({"title": f"T{i}", "abstract": f"We evaluate on Glorpset, run {i}."}) + "\n"
                            for i in range(6)))
    if how == "dask":
        g = kg.build([path], client=dask_client, rules_dir=folder)
    else:
        g = build_graph([path], jobs=2 if how == "jobs" else 1, batch_size=2, rules_dir=folder)
    def rules_used(graph):
        return {ev["rule"] for _, v, k, d in graph.edges(keys=True, data=True) if k == "mentions" and v == "entity/glorpset"
                for ev in d["evidence"]}

    assert g.nodes["entity/glorpset"]["type"] == "Dataset"
    assert g.nodes["entity/glorpset"]["n_papers"] == 6
    assert rules_used(g) == {"lex.dataset.test"}
    assert "lex.dataset.test" not in rules_used(kg.build([path]))  # kg's own rules do not hold it


def test_distributed_rules_folder_reaches_the_readers_page_chrome(tmp_path, dask_client):
    import kg

    folder = _rules_with(tmp_path, "page_chrome.jsonl", [
        {"id": "chrome-test", "label": "PAGE_CHROME", "pattern": "Sponsored by Glorp Inc", "glued": False}])
    dump = tmp_path / "listing.txt"
    # the last title-shaped line before an abstract is its title, unless it is page chrome
    dump.write_text(
        "sparse-autoencoders\nA Study of Sparse Autoencoders for Vision\nSponsored by Glorp Inc\n"
        "We train sparse autoencoders on the features of a vision transformer and find many interpretable "
        "directions in the model, which we then use to steer its predictions on held-out images.\n", encoding="utf-8")

    def titles(g):
        return [d["title"] for _, d in g.nodes(data=True) if d.get("type") == "Paper"]

    assert titles(kg.build([dump])) == ["Sponsored by Glorp Inc"]
    for g in (kg.build([dump], rules_dir=folder), kg.build([dump], client=dask_client, rules_dir=folder)):
        assert titles(g) == ["A Study of Sparse Autoencoders for Vision"]
