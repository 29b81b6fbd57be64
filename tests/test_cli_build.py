"""``kg build``: the whole path from paper files to the four exports, and its failure modes."""

from __future__ import annotations

import json
import os

import pytest
import rdflib

import kg
from kg.builder import OUTPUT_FILES
from kg.cli import main


def _papers(path) -> list[str]:
    data = json.loads((path / "graph.json").read_text())
    return [n["id"] for n in data["nodes"] if n.get("type") == "Paper"]


def test_cli_build_seeds_writes_every_output_with_106_papers(seeds_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(seeds_dir), "-o", str(out)]) == 0
    assert sorted(os.listdir(out)) == sorted(OUTPUT_FILES)  # no staging, temporary or lock file
    assert len(_papers(out)) == 106
    rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert summary.startswith("kg: wrote 106 papers,") and "edges" in summary


def test_cli_build_round_trips_through_kg_load(seeds_outputs, seeds_graph):
    back = kg.load(seeds_outputs / "graph.json")
    assert back.number_of_nodes() == seeds_graph.number_of_nodes()
    assert sorted(back.edges(keys=True)) == sorted(seeds_graph.edges(keys=True))
    lora = [n for n, d in back.nodes(data=True) if d.get("type") not in ("Paper", "Finding")]
    assert lora, "the seeds' graph has entities"


def test_cli_build_card_in_two_topic_listings_is_one_paper_with_both_topics(seeds_graph):
    multi = [d for _, d in seeds_graph.nodes(data=True) if d.get("type") == "Paper" and len(d["topics"]) == 2]
    assert len(multi) == 1
    assert multi[0]["topics"] == ["mechanistic-interpretability", "model-interpretation"]
    assert len(multi[0]["sources"]) == 2


def test_cli_build_merge_adds_a_batch_to_an_existing_graph(tmp_path):
    first, second, out = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "out"
    first.write_text(json.dumps({"title": "A", "abstract": "We fine-tune Llama 2 with LoRA on GSM8K."}) + "\n")
    second.write_text(
        json.dumps({"title": "B", "abstract": "We apply LoRA to Mistral 7B."}) + "\n"
        + json.dumps({"title": "A", "abstract": "We fine-tune Llama 2 with LoRA on GSM8K."}) + "\n"
    )
    assert main(["build", str(first), "-o", str(out), "-q"]) == 0
    assert main(["build", "--merge", str(second), "-o", str(out), "-q"]) == 0
    assert len(_papers(out)) == 2
    g = kg.load(out)
    lora = [d for _, d in g.nodes(data=True) if d.get("label") == "LoRA"]
    assert lora and lora[0]["n_papers"] == 2


def test_cli_build_with_workers_gives_the_same_graph(seeds_dir, seeds_graph):
    parallel = kg.build([seeds_dir], jobs=2)
    assert sorted(parallel.nodes) == sorted(seeds_graph.nodes)
    assert sorted(parallel.edges(keys=True)) == sorted(seeds_graph.edges(keys=True))


@pytest.mark.parametrize(
    "name,content,problem",
    [
        ("empty.txt", b"", "empty"),
        ("binary.jsonl", b"\x00\x01\x02\x03" * 50, "binary"),
        ("latin1.txt", "Caf\xe9 abstract about models and more text here.".encode("latin-1"), "UTF-8"),
        ("bad.jsonl", b'{"title": "x", "abstract": "y"}\n{oops\n', "bad.jsonl:2: not valid JSON"),
    ],
)
def test_cli_build_bad_input_is_one_line_naming_the_file_and_keeps_old_outputs(tmp_path, capsys, name, content, problem):
    out = tmp_path / "out"
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"title": "A", "abstract": "We fine-tune Llama 2 with LoRA."}) + "\n")
    assert main(["build", str(good), "-o", str(out), "-q"]) == 0
    before = {f: (out / f).read_bytes() for f in OUTPUT_FILES}
    bad = tmp_path / name
    bad.write_bytes(content)
    capsys.readouterr()
    assert main(["build", str(bad), "-o", str(out)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("kg: error:")
    assert str(bad) in err and problem in err
    assert {f: (out / f).read_bytes() for f in OUTPUT_FILES} == before
    assert sorted(os.listdir(out)) == sorted(OUTPUT_FILES)  # no staging left behind


def test_cli_build_folder_with_nothing_readable_fails(tmp_path, capsys):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.bin").write_bytes(b"\x00\x01")
    assert main(["build", str(folder), "-o", str(tmp_path / "out")]) != 0
    err = capsys.readouterr().err
    assert str(folder) in err and len(err.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_cli_build_unwritable_output_fails_cleanly(tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"title": "A", "abstract": "We use LoRA."}) + "\n")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["build", str(good), "-o", str(locked / "out")]) != 0
    finally:
        locked.chmod(0o700)
    err = capsys.readouterr().err
    assert "locked" in err and len(err.strip().splitlines()) == 1


def test_cli_build_output_path_that_is_a_file_fails_cleanly(tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"title": "A", "abstract": "We use LoRA."}) + "\n")
    target = tmp_path / "taken"
    target.write_text("I am a file")
    assert main(["build", str(good), "-o", str(target)]) != 0
    err = capsys.readouterr().err
    assert str(target) in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "I am a file"


@pytest.mark.parametrize(
    "formats,files",
    [(["nt"], {"graph.nt": "nt"}), (["turtle", "json-ld"], {"graph.ttl": "turtle", "graph.jsonld": "json-ld"})],
)
def test_cli_build_format_picks_the_rdf_serialisations(tmp_path, formats, files):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"title": "A", "abstract": "We fine-tune Llama 2 with LoRA on GSM8K."}) + "\n")
    out = tmp_path / "out"
    args = ["build", str(good), "-o", str(out), "-q"]
    for f in formats:
        args += ["--format", f]
    assert main(args) == 0
    written = set(os.listdir(out))
    assert {"graph.json", "graph.graphml", "ontology.ttl", "graph.html"} | set(files) == written
    sizes = {name: len(rdflib.Graph().parse(out / name, format=fmt)) for name, fmt in files.items()}
    assert len(set(sizes.values())) == 1 and next(iter(sizes.values())) > 10  # the same triples in every format
