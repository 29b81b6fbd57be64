"""Tests of ``kg extract`` and ``kg eval`` through ``kg.cli.main`` in tmp_path."""

from __future__ import annotations

import json

import pytest

from kg.cli import main

GOLD = [
    {"id": "g1", "corpus": "gsap", "text": "We fine-tune BERT-base on SQuAD.",
     "entities": [{"start": 13, "end": 22, "label": "MLModel"}, {"start": 26, "end": 31, "label": "Dataset"}],
     "ignore": [{"start": 0, "end": 2, "label": "Generic"}], "relations": []},
    {"id": "g2", "corpus": "sciER-dev", "text": "ResNet is evaluated on ImageNet.",
     "entities": [{"start": 0, "end": 6, "label": "Method"}, {"start": 23, "end": 31, "label": "Dataset"}],
     "relations": [{"head": 0, "tail": 1, "label": "Evaluated-With"}]},
]

PRED = [
    # g1: BERT-base right, "SQuAD." wrong boundary (partial only), "We" only overlaps an ignore span
    {"id": "g1", "entities": [
        {"start": 13, "end": 22, "label": "Model", "text": "BERT-base", "rule": "t"},
        {"start": 26, "end": 32, "label": "Dataset", "text": "SQuAD.", "rule": "t"},
        {"start": 0, "end": 2, "label": "Method", "text": "We", "rule": "t"}], "relations": []},
    # g2: both right (Model -> Method on sciER) and the relation right
    {"id": "g2", "entities": [
        {"start": 0, "end": 6, "label": "Model", "text": "ResNet", "rule": "t"},
        {"start": 23, "end": 31, "label": "Dataset", "text": "ImageNet", "rule": "t"}],
     "relations": [{"head": 0, "tail": 1, "label": "evaluated_on", "rule": "t"}]},
]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_cli_eval_json(tmp_path, capsys):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    pred = write_jsonl(tmp_path / "pred.jsonl", PRED)
    assert main(["eval", str(gold), "--pred", str(pred), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # gsap: exact 1 of 2 either way (the "We" prediction is ignored); partial 2 of 2
    assert data["gsap"]["entities"]["exact"]["overall"]["f1"] == 0.5
    assert data["gsap"]["entities"]["partial"]["overall"]["f1"] == 1.0
    # doc-set: "squad." normalises differently from "squad": 1 of 2
    assert data["gsap"]["entities"]["doc_set"]["overall"]["recall"] == 0.5
    assert data["scier"]["entities"]["exact"]["overall"]["f1"] == 1.0
    assert data["scier"]["relations"]["per_label"]["Evaluated-With"]["tp"] == 1


def test_cli_eval_table(tmp_path, capsys):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    pred = write_jsonl(tmp_path / "pred.jsonl", PRED)
    assert main(["eval", str(gold), "--pred", str(pred)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "gsap: 1 texts" in lines and "scier: 1 texts" in lines
    row = next(line for line in lines if line.startswith("MLModel"))
    assert row.split()[1:] == ["1", "1"] + ["100.0"] * 9
    assert any(line.startswith("Evaluated-With") for line in lines)


def test_cli_eval_corpus_override(tmp_path, capsys):
    # the same records read as SciERC: Model/Architecture/Method -> Method, Dataset -> Material
    gold = write_jsonl(tmp_path / "gold.jsonl", [dict(GOLD[1], corpus="whatever")])
    pred = write_jsonl(tmp_path / "pred.jsonl", [PRED[1]])
    assert main(["eval", str(gold), "--pred", str(pred), "--corpus", "scierc", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    per_label = data["scierc"]["entities"]["exact"]["per_label"]
    # gold Dataset is not a SciERC label: kg Dataset -> Material is an FP, gold "Dataset" a miss
    assert per_label["Material"]["fp"] == 1 and per_label["Dataset"]["fn"] == 1


def test_cli_eval_user_mapping(tmp_path, capsys):
    mapping = tmp_path / "mine.json"
    mapping.write_text(json.dumps({"corpora": {"mycorpus": {"entities": {"Model": "SYS", "Dataset": "DATA"}}}}))
    gold = write_jsonl(tmp_path / "gold.jsonl", [dict(GOLD[1], corpus="mycorpus-v1", entities=[
        {"start": 0, "end": 6, "label": "SYS"}, {"start": 23, "end": 31, "label": "DATA"}])])
    pred = write_jsonl(tmp_path / "pred.jsonl", [PRED[1]])
    assert main(["eval", str(gold), "--pred", str(pred), "--mapping", str(mapping), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["mycorpus"]["entities"]["exact"]["overall"]["f1"] == 1.0
    assert data["mycorpus"]["relations"] is None


@pytest.mark.parametrize(
    "pred_lines,message",
    [
        (["{oops"], "pred.jsonl:1: invalid JSON"),
        ([json.dumps(PRED[0])], "no prediction for document 'g2'"),
    ],
)
def test_cli_eval_errors(tmp_path, capsys, pred_lines, message):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(pred_lines) + "\n")
    assert main(["eval", str(gold), "--pred", str(pred)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg: error: ") and message in err and len(err.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def has_pipeline():
    pipeline = pytest.importorskip("kg.pipeline")
    if not hasattr(pipeline, "load_pipeline"):
        pytest.skip("kg.pipeline.load_pipeline is not available")
    return True


def test_cli_extract_writes_offsets(tmp_path, capsys, has_pipeline):
    texts = [
        {"id": "a", "text": "We fine-tune BERT-base on SQuAD and report accuracy.", "extra": [1]},
        {"id": "b", "text": "Nothing to see here."},
    ]
    src = write_jsonl(tmp_path / "in.jsonl", texts)
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(src), "-o", str(out), "--progress-every", "1"]) == 0
    err = capsys.readouterr().err
    assert "kg extract: 1 docs" in err and "kg extract: 2 docs -> " in err
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    for rec, src_rec in zip(records, texts):
        assert set(rec) >= {"id", "entities", "relations", "aliases", "findings"}
        for e in rec["entities"]:
            assert src_rec["text"][e["start"]:e["end"]] == e["text"] and e["rule"] and e["label"]
        for r in rec["relations"]:
            assert 0 <= r["head"] < len(rec["entities"]) and 0 <= r["tail"] < len(rec["entities"])
    assert records[0]["entities"], "the pipeline should find something in a sentence naming BERT-base and SQuAD"


def test_cli_extract_then_eval(tmp_path, capsys, has_pipeline):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(gold), "-o", str(out)]) == 0
    assert main(["eval", str(gold), "--pred", str(out), "--json"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    # running the pipeline inside `kg eval` gives the same scores as extract + --pred
    assert main(["eval", str(gold), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == from_file


def test_cli_extract_bad_input_keeps_output(tmp_path, capsys, has_pipeline):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "BERT."}\n{"id": "b"}\n')
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    assert main(["extract", str(src), "-o", str(out)]) == 2
    assert 'in.jsonl:2: record has no "text"' in capsys.readouterr().err
    assert out.read_text() == "old\n"  # atomic: a failed run leaves the previous output
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_cli_eval_dygie_gold(tmp_path, capsys):
    # tokens joined by single spaces: "We use BERT models ." -> "BERT models" at 7-18
    gold = tmp_path / "scierc.json"
    gold.write_text(json.dumps({"doc_key": "d1", "sentences": [["We", "use", "BERT", "models", "."]],
                                "ner": [[[2, 3, "Method"]]], "relations": [[]]}) + "\n")
    pred = write_jsonl(tmp_path / "pred.jsonl", [{"id": "d1", "entities": [
        {"start": 7, "end": 11, "label": "Model", "text": "BERT", "rule": "t"}], "relations": []}])
    assert main(["eval", str(gold), "--pred", str(pred), "--corpus", "scierc", "--json"]) == 0
    ents = json.loads(capsys.readouterr().out)["scierc"]["entities"]
    assert ents["exact"]["overall"]["tp"] == 0 and ents["partial"]["overall"]["tp"] == 1
