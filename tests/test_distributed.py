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
