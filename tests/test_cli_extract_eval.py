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
        # two spaces and a newline: a document's text is kept as given, so offsets point into it
        {"id": "a", "text": "We fine-tune  BERT-base\non SQuAD and report accuracy.", "extra": [1]},
        {"id": 7, "text": "Nothing to see here."},
    ]
    src = write_jsonl(tmp_path / "in.jsonl", texts)
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.endswith(f"kg extract: 2 docs -> {out}\n")
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a", "7"]
    for rec, src_rec in zip(records, texts):
        assert set(rec) >= {"id", "entities", "relations", "aliases", "findings"}
        for e in rec["entities"]:
            assert src_rec["text"][e["start"]:e["end"]] == e["text"] and e["rule"] and e["label"]
        for r in rec["relations"]:
            assert 0 <= r["head"] < len(rec["entities"]) and 0 <= r["tail"] < len(rec["entities"])
    assert "BERT-base" in [e["text"] for e in records[0]["entities"]]


@pytest.mark.parametrize("flag", [["-q"], ["--progress-every", "0"]])
def test_cli_extract_quiet_prints_nothing(tmp_path, capsys, has_pipeline, flag):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "We use BERT."}])
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(src), "-o", str(out), *flag]) == 0
    assert capsys.readouterr().err == ""
    assert json.loads(out.read_text())["id"] == "a"


def test_cli_extract_reads_what_kg_build_reads(tmp_path, capsys, has_pipeline):
    from kg.readers import read_papers

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.csv").write_text("title,abstract\nSparse Probes,We train linear probes on Llama-2-7B.\n")
    (corpus / "b.jsonl").write_text(json.dumps({"title": "LoRA Study", "abstract": "LoRA reduces memory by 40%."}) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(corpus), "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    papers = list(read_papers([corpus]))
    # papers with titles get kg build's ids, and offsets into title + blank line + abstract
    assert [r["id"] for r in records] == [p.id for p in papers]
    for rec, paper in zip(records, papers):
        for e in rec["entities"]:
            assert paper.content[e["start"]:e["end"]] == e["text"]
    assert any(e["text"] == "LoRA" for e in records[1]["entities"])


def test_cli_extract_then_eval(tmp_path, capsys, has_pipeline):
    spaced = {"id": "g3", "corpus": "gsap", "text": "We  train\tResNet-50 on\n\nImageNet.",
              "entities": [{"start": 10, "end": 19, "label": "MLModel"}, {"start": 24, "end": 32, "label": "Dataset"}],
              "relations": []}
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD + [spaced])
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(gold), "-o", str(out), "-q"]) == 0
    assert main(["eval", str(gold), "--pred", str(out), "--json"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert from_file["gsap"]["n_docs"] == 2
    # running the pipeline inside `kg eval` gives the same scores as extract + --pred
    assert main(["eval", str(gold), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == from_file


@pytest.mark.parametrize(
    "content,message",
    [
        ('{"id": "a", "text": "BERT."}\n{"id": "b", "text": ', "in.jsonl:2: not valid JSON"),
        ('{"id": "a", "body": "BERT."}\n{"id": "b"}\n', "in.jsonl: no papers found"),
        ('{"id": "a", "title": "BERT"}\n', "in.jsonl: none of the 1 records has a"),
    ],
    ids=["bad-json", "no-text-field", "titles-only"],
)
def test_cli_extract_bad_input_keeps_output(tmp_path, capsys, has_pipeline, content, message):
    src = tmp_path / "in.jsonl"
    src.write_text(content)
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    assert main(["extract", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg: error: ") and message in err and len(err.splitlines()) == 1
    assert out.read_text() == "old\n"  # atomic: a failed run leaves the previous output
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_cli_extract_warns_about_records_without_text(tmp_path, capsys, has_pipeline):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": "We use BERT."}, {"id": "b"}])
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(src), "-o", str(out), "-q"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("kg: warning: ") and "in.jsonl: 1 of 2 records have no text (0 kept with the title only, 1 skipped)" in err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a"]


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
# --------------------------------------------------------------------------- kg extract's reader


@pytest.mark.parametrize(
    "name,content",
    [
        ("in.jsonl", '{"id": "d1", "text": "BERT  on\\nSQuAD."}\n'),
        ("in.json", '[{"ID": "d1", "text": "BERT  on\\nSQuAD."}]'),
        ("in.csv", 'id,text\nd1,"BERT  on\nSQuAD."\n'),
    ],
)
def test_read_documents_keeps_id_and_exact_text(tmp_path, name, content):
    from kg.cli.extract import read_documents

    path = tmp_path / name
    path.write_text(content)
    assert [(p.id, p.title, p.content) for p in read_documents(path)] == [("d1", None, "BERT  on\nSQuAD.")]


@pytest.mark.parametrize(
    "record,expected_id",
    [
        ({"id": 7, "text": "A  b."}, "7"),
        ({"id": 1.5, "text": "A  b."}, "1.5"),
        ({"id": "2401.01234", "text": "A  b."}, "2401.01234"),  # the given id, not kg build's arxiv: form
        ({"id": True, "text": "A  b."}, None),
        ({"id": "  ", "text": "A  b."}, None),
        ({"text": "A  b."}, None),
    ],
)
def test_read_documents_id_falls_back_to_kg_build_id(tmp_path, record, expected_id):
    from kg.cli.extract import read_documents
    from kg.readers import read_papers

    path = write_jsonl(tmp_path / "in.jsonl", [record])
    (doc,) = read_documents(path)
    (paper,) = read_papers(path)
    assert doc.id == (expected_id or paper.id)
    assert doc.text == "A  b."  # verbatim, where kg build collapses it to "A b."


def test_read_documents_cleans_text_one_for_one(tmp_path):
    from kg.cli.extract import read_documents

    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "x\\ud800y\\u0001z  w"}\n')
    (doc,) = read_documents(path)
    assert doc.text == "x\ufffdy\ufffdz  w"


def test_read_documents_titled_records_read_as_kg_build_reads_them(tmp_path, seeds_dir):
    from kg.cli.extract import read_documents
    from kg.readers import read_papers

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(json.dumps({"id": "x1", "title": "T  one", "abstract": "See  arXiv:2401.01234."}) + "\n")
    (corpus / "b.tsv").write_text("paper_title\tsummary\nT two\tWe  use LoRA.\n")
    (corpus / "c.xml").write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        "<id>http://arxiv.org/abs/2402.00002v1</id><title>Feed</title><summary>We  test.</summary></entry></feed>"
    )
    paths = [corpus, seeds_dir]
    assert list(read_documents(paths)) == list(read_papers(paths))


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("in.jsonl", '{"id": "a", "text": "x"}\n\n{"id": "b", "text": ', r"in.jsonl:3: not valid JSON"),
        ("in.jsonl", '{"id": "a", "text": "x"}\n["a"]\n', r"in\.jsonl:2: expected a JSON object"),
        ("in.jsonl", '{"id": "a", "body": "x"}\n', r"in.jsonl: no papers found"),
        ("in.csv", "id,body\na,x\n", r"in\.csv:1: .*column"),
        ("in.jsonl", b"\xff\xfe\x00\x00\x00", r"in.jsonl: "),
    ],
    ids=["bad-json", "not-object", "no-text-field", "csv-header", "binary"],
)
def test_read_documents_bad_input_is_one_line_error(tmp_path, name, content, message):
    from kg.cli.extract import read_documents
    from kg.errors import InputError

    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError, match=message) as info:
        list(read_documents(path))
    assert "\n" not in str(info.value)


def test_read_documents_empty_folder_is_an_error(tmp_path):
    from kg.cli.extract import read_documents
    from kg.errors import InputError

    (tmp_path / "notes.md").write_text("nothing to read")
    with pytest.raises(InputError, match="folder has no readable files"):
        list(read_documents(tmp_path))


def test_read_documents_named_text_field(tmp_path):
    from kg.cli.extract import read_documents

    path = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "body": {"main": "Deep  nets."}}])
    assert [(p.id, p.text) for p in read_documents(path, text_field="body.main")] == [("a", "Deep  nets.")]
