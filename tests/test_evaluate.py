"""Tests of kg.evaluate: hand-made gold / prediction pairs with scores worked out by hand."""

from __future__ import annotations

import json

import pytest

from kg.errors import InputError, RuleError
from kg.evaluate import (
    Counts,
    GoldDoc,
    Span,
    corpus_key,
    dygie_to_gold,
    evaluate,
    extraction_to_dict,
    format_report,
    load_mappings,
    normalize_mention,
    read_gold,
    read_predictions,
    report_to_json,
    score_entities,
    score_relations,
)
from kg.records import Alias, Finding, Mention, Paper, PaperExtraction, Relation


@pytest.fixture(scope="module")
def mappings():
    return load_mappings()


def span(text: str, phrase: str, label: str, nth: int = 0) -> Span:
    """The ``nth`` occurrence of ``phrase`` in ``text`` as a span."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span(start, start + len(phrase), label, phrase)


def pred_record(doc_id: str, ents: list[Span], relations=(), aliases=()) -> dict:
    """A ``kg extract``-format record."""
    return {
        "id": doc_id,
        "entities": [{"start": s.start, "end": s.end, "label": s.label, "text": s.text, "rule": "t"} for s in ents],
        "relations": [{"head": h, "tail": t, "label": lab, "rule": "t"} for h, t, lab in relations],
        "aliases": [{"short": s, "long": l, "rule": "t"} for s, l in aliases],
    }


def prf(c: Counts) -> tuple[float, float, float]:
    return (round(c.precision, 4), round(c.recall, 4), round(c.f1, 4))


# --------------------------------------------------------------------------- entity schemes

SCHEMES_TEXT = "We train BERT-base on SQuAD and test BERT base on SQuAD v2."


@pytest.mark.parametrize(
    "scheme,expected",
    [
        # gold: BERT-base, SQuAD, BERT base, SQuAD v2; predicted: BERT-base, SQuAD (both exact),
        # "BERT" inside "BERT base", "SQuAD" inside "SQuAD v2": exact 2 of 4 each way
        ("exact", (0.5, 0.5, 0.5)),
        # every prediction overlaps a distinct gold mention of its label: 4 of 4
        ("partial", (1.0, 1.0, 1.0)),
        # gold sets: MLModel {"bert base"} (both spellings normalise alike), Dataset {"squad", "squad v2"};
        # predicted: MLModel {"bert base", "bert"}, Dataset {"squad"}; shared: 2 -> P = 2/3, R = 2/3
        ("doc_set", (0.6667, 0.6667, 0.6667)),
    ],
)
def test_evaluate_schemes_differ(mappings, scheme, expected):
    t = SCHEMES_TEXT
    doc = GoldDoc("d", "gsap", t, [
        span(t, "BERT-base", "MLModel"), span(t, "SQuAD", "Dataset"),
        span(t, "BERT base", "MLModel"), span(t, "SQuAD v2", "Dataset"),
    ])
    preds = [
        span(t, "BERT-base", "Model"), span(t, "SQuAD", "Dataset"),
        span(t, "BERT", "Model", nth=1), span(t, "SQuAD", "Dataset", nth=1),
    ]
    scores = score_entities(doc, preds, mappings["gsap"])
    assert prf(scores[scheme].overall) == expected


@pytest.mark.parametrize(
    "preds,expected",
    [
        # "model" and "baseline" overlap only ignore spans: left out; ImageNet right, "beats" wrong
        ([("model", "Model"), ("baseline", "Model"), ("ImageNet", "Dataset"), ("beats", "Method")], (1, 2, 1)),
        # a prediction overlapping an ignore span AND a gold entity is scored (here: wrong span, exact FP)
        ([("baseline on ImageNet", "Dataset")], (0, 1, 1)),
        # nothing predicted but ignored mentions: nothing counted on the prediction side
        ([("The model", "Model")], (0, 0, 1)),
    ],
)
def test_evaluate_ignore_spans(mappings, preds, expected):
    t = "The model beats our baseline on ImageNet."
    doc = GoldDoc("d", "gsap", t, [span(t, "ImageNet", "Dataset")],
                  ignore=[span(t, "The model", "MLModelGeneric"), span(t, "our baseline", "MLModelGeneric")])
    exact = score_entities(doc, [span(t, p, lab) for p, lab in preds], mappings["gsap"])["exact"].overall
    assert (exact.tp, exact.n_pred, exact.n_gold) == expected


@pytest.mark.parametrize(
    "gold,preds,expected_tp",
    [
        # two predictions inside one gold mention: only one may count
        (["convolutional neural network"], ["convolutional", "neural network"], 1),
        # one prediction spanning two gold mentions: only one may count
        (["large language", "model"], ["large language model"], 1),
        # greedy by overlap would pair "large language model" with "large language" (14 chars) and
        # stop at 1; the maximum one-to-one matching pairs "language" with "large language" and the
        # long prediction with "model": 2
        (["large language", "model"], ["large language model", "language"], 2),
    ],
)
def test_evaluate_partial_one_to_one(mappings, gold, preds, expected_tp):
    t = "large language model and convolutional neural network"
    doc = GoldDoc("d", "gsap", t, [span(t, g, "Method") for g in gold])
    partial = score_entities(doc, [span(t, p, "Method") for p in preds], mappings["gsap"])["partial"].overall
    assert (partial.tp, partial.n_pred, partial.n_gold) == (expected_tp, len(preds), len(gold))


@pytest.mark.parametrize(
    "corpus,kg_label,gold_label,expected",
    [
        ("scierc", "Dataset", "Material", (1, 1, 1)),  # Dataset -> Material
        ("scierc", "Model", "Method", (1, 1, 1)),  # Model -> Method
        ("scier", "Architecture", "Method", (1, 1, 1)),
        ("gsap", "Architecture", "ModelArchitecture", (1, 1, 1)),
        ("gsap", "Model", "Method", (0, 1, 1)),  # Model -> MLModel, not Method: a wrong label
        ("gsap", "Metric", "Method", (0, 0, 1)),  # Metric has no gsap label: dropped, not an FP
        ("scinlp", "Organization", "method", (0, 0, 1)),  # not a scored type anywhere
        ("scinlp", "Metric", "metric", (1, 1, 1)),
    ],
)
def test_evaluate_label_mapping(mappings, corpus, kg_label, gold_label, expected):
    t = "We report accuracy of ResNet on CIFAR."
    doc = GoldDoc("d", corpus, t, [span(t, "ResNet", gold_label)])
    exact = score_entities(doc, [span(t, "ResNet", kg_label)], mappings[corpus])["exact"].overall
    assert (exact.tp, exact.n_pred, exact.n_gold) == expected


def test_evaluate_per_label_counts(mappings):
    t = "ResNet on CIFAR for classification"
    doc = GoldDoc("d", "gsap", t, [span(t, "ResNet", "MLModel"), span(t, "CIFAR", "Dataset"),
                                   span(t, "classification", "Task")])
    # ResNet right; CIFAR tagged Task (a Task FP and a missed Dataset); classification missed
    scores = score_entities(doc, [span(t, "ResNet", "Model"), span(t, "CIFAR", "Task")], mappings["gsap"])["exact"]
    got = {k: (c.tp, c.n_pred, c.n_gold) for k, c in scores.per_label.items()}
    assert got == {"MLModel": (1, 1, 1), "Dataset": (0, 0, 1), "Task": (0, 1, 1)}
    assert prf(scores.overall) == (0.5, 0.3333, 0.4)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("BERT-Base", "bert base"),
        ("  Long   Short-Term\nMemory ", "long short term memory"),
        ("GPT\u20114", "gpt 4"),
        ("ImageNet", "imagenet"),
    ],
)
def test_evaluate_normalize_mention(text, expected):
    assert normalize_mention(text) == expected


def test_evaluate_counts_zero_division():
    assert prf(Counts(0, 0, 0)) == (0.0, 0.0, 0.0)
    assert prf(Counts(0, 3, 0)) == (0.0, 0.0, 0.0)


# --------------------------------------------------------------------------- relations

REL_TEXT = "Our parser reaches high accuracy on the Penn Treebank and beats the CKY parser ."


def rel_doc(corpus: str, labels: dict[str, str], relations: list[tuple[str, str, str]]) -> GoldDoc:
    names = list(labels)
    ents = [span(REL_TEXT, n, labels[n]) for n in names]
    rels = [(names.index(h), names.index(t), lab) for h, t, lab in relations]
    return GoldDoc("d", corpus, REL_TEXT, ents, relations=rels)


@pytest.mark.parametrize(
    "pred_relations,expected",
    [
        # kg measured_by(parser, accuracy) is SciERC "accuracy EVALUATE-FOR parser" (reversed): TP
        ([("Our parser", "accuracy", "measured_by")], (1, 1, 3)),
        # the same pair written in SciERC's direction by kg is wrong after reversal
        ([("accuracy", "Our parser", "measured_by")], (0, 1, 3)),
        # evaluated_on(parser, treebank) -> "Penn Treebank EVALUATE-FOR parser": TP
        ([("Our parser", "Penn Treebank", "evaluated_on")], (1, 1, 3)),
        # COMPARE is symmetric: either direction matches; CONJUNCTION gold is unmapped, out of recall
        ([("CKY parser", "Our parser", "outperforms")], (1, 1, 3)),
        # a relation label kg does not map for SciERC (alias_of) is dropped
        ([("Our parser", "CKY parser", "alias_of")], (0, 0, 3)),
        # right pair, wrong label: an FP for USED-FOR
        ([("Our parser", "Penn Treebank", "used_for")], (0, 1, 3)),
    ],
)
def test_evaluate_relations_direction_scierc(mappings, pred_relations, expected):
    labels = {"Our parser": "Method", "accuracy": "Metric", "Penn Treebank": "Material", "CKY parser": "Method"}
    doc = rel_doc("scierc", labels, [
        ("accuracy", "Our parser", "EVALUATE-FOR"),
        ("Penn Treebank", "Our parser", "EVALUATE-FOR"),
        ("Our parser", "CKY parser", "COMPARE"),
        ("Penn Treebank", "accuracy", "CONJUNCTION"),  # no kg label maps to it
    ])
    kg_labels = {"Our parser": "Method", "accuracy": "Metric", "Penn Treebank": "Dataset", "CKY parser": "Method"}
    ents = [span(REL_TEXT, n, kg_labels[n]) for n in kg_labels]
    names = list(kg_labels)
    rec = pred_record("d", ents, [(names.index(h), names.index(t), lab) for h, t, lab in pred_relations])
    scores = score_relations(doc, rec, mappings["scierc"]).overall
    assert (scores.tp, scores.n_pred, scores.n_gold) == expected


@pytest.mark.parametrize(
    "head,tail,label,expected_tp",
    [
        ("Our parser", "Penn Treebank", "evaluated_on", 1),  # sciER Method Evaluated-With Dataset
        ("Penn Treebank", "Our parser", "evaluated_on", 0),  # wrong direction
        ("parser", "Treebank", "evaluated_on", 1),  # spans only overlap: still counts
        ("Our parser", "Penn Treebank", "trained_on", 0),  # Trained-With, not Evaluated-With
    ],
)
def test_evaluate_relations_direction_scier(mappings, head, tail, label, expected_tp):
    doc = rel_doc("scier", {"Our parser": "Method", "Penn Treebank": "Dataset"},
                  [("Our parser", "Penn Treebank", "Evaluated-With")])
    ents = [span(REL_TEXT, head, "Method"), span(REL_TEXT, tail, "Dataset")]
    scores = score_relations(doc, pred_record("d", ents, [(0, 1, label)]), mappings["scier"]).overall
    assert (scores.tp, scores.n_pred, scores.n_gold) == (expected_tp, 1, 1)


def test_evaluate_relations_aliases_one_to_one(mappings):
    t = "Long short-term memory (LSTM) networks ; LSTM helps ."
    doc = GoldDoc("d", "scier", t, [span(t, "Long short-term memory", "Method"), span(t, "LSTM", "Method")],
                  relations=[(1, 0, "Synonym-Of")])
    ents = [span(t, "Long short-term memory", "Method"), span(t, "LSTM", "Method"), span(t, "LSTM", "Method", 1)]
    # the alias (short=LSTM, long=...) matches the gold Synonym-Of; an alias_of relation from the second
    # "LSTM" has no gold relation left (one-to-one and no overlap): 1 TP of 2 predictions
    rec = pred_record("d", ents, relations=[(2, 0, "alias_of")], aliases=[(1, 0)])
    scores = score_relations(doc, rec, mappings["scier"]).overall
    assert (scores.tp, scores.n_pred, scores.n_gold) == (1, 2, 1)


def test_evaluate_relations_ignored_argument(mappings):
    t = "The model is trained on ImageNet ."
    doc = GoldDoc("d", "scierc", t, [span(t, "ImageNet", "Material")], ignore=[span(t, "The model", "Generic")])
    rec = pred_record("d", [span(t, "model", "Model"), span(t, "ImageNet", "Dataset")], [(0, 1, "trained_on")])
    # the head overlaps only an ignore span: the relation is neither right nor wrong
    scores = score_relations(doc, rec, mappings["scierc"]).overall
    assert (scores.tp, scores.n_pred, scores.n_gold) == (0, 0, 0)


# --------------------------------------------------------------------------- corpora, mappings, formats


@pytest.mark.parametrize(
    "name,expected",
    [("sciER-dev", "scier"), ("scierc", "scierc"), ("SciERC-test", "scierc"), ("SciNLP", "scinlp"),
     ("gsap", "gsap"), ("gsap-fold2", "gsap"), ("conll", None)],
)
def test_evaluate_corpus_key(mappings, name, expected):
    assert corpus_key(name, mappings) == expected


def test_evaluate_user_mapping(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"corpora": {"mine": {
        "entities": {"Model": "SYSTEM"},
        "relations": {"evaluated_on": {"label": "TESTED-ON", "reverse": True}},
        "symmetric_relations": [],
    }}}))
    m = load_mappings(path)
    assert "gsap" in m and m["mine"].entities == {"Model": "SYSTEM"}
    assert m["mine"].relations["evaluated_on"].reverse is True


@pytest.mark.parametrize(
    "content,message",
    [
        ("{not json", "m.json:1: invalid JSON"),
        ('{"corpora": {"x": {"relations": {}}}}', "corpus 'x': expected an object with an 'entities'"),
        ('{"corpora": {"x": {"entities": {}, "relations": {"used_for": 3}}}}', "relation 'used_for'"),
    ],
)
def test_evaluate_bad_mapping(tmp_path, content, message):
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(RuleError, match=message):
        load_mappings(path)


def test_evaluate_dygie_offsets():
    rec = {
        "doc_key": "X1", "dataset": "scierc",
        "sentences": [["We", "use", "BERT", "models", "."], ["It", "works", "."]],
        "ner": [[[2, 3, "Method"]], [[5, 5, "Generic"]]],
        "relations": [[], [[5, 5, 2, 3, "USED-FOR"]]],
    }
    doc = dygie_to_gold(rec)
    assert doc.text == "We use BERT models . It works ."
    assert doc.id == "X1" and doc.corpus == "scierc"
    assert [(s.start, s.end, s.label, s.text) for s in doc.entities] == [
        (7, 18, "Method", "BERT models"), (21, 23, "Generic", "It")]
    assert doc.relations == [(1, 0, "USED-FOR")]


def test_evaluate_read_gold_detects_format(tmp_path):
    dygie = {"doc_key": "a", "sentences": [["Deep", "nets", "."]], "ner": [[[0, 1, "Method"]]]}
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(dygie) + "\n")
    docs = read_gold(path, corpus="scierc")
    assert docs[0].text == "Deep nets ." and docs[0].entities[0] == Span(0, 9, "Method", "Deep nets")
    kgfmt = {"id": "b", "corpus": "gsap", "text": "Deep nets .",
             "entities": [{"start": 0, "end": 9, "label": "Method"}]}
    path.write_text(json.dumps(kgfmt) + "\n")
    assert read_gold(path)[0].entities == [Span(0, 9, "Method", "Deep nets")]


@pytest.mark.parametrize(
    "line,message",
    [
        ("{bad", r"gold.jsonl:2: invalid JSON"),
        ('{"id": "x", "corpus": "gsap"}', r"gold.jsonl:2: record has no \"text\""),
        ('{"id": "x", "corpus": "gsap", "text": "ab", "entities": [{"start": 0, "end": 5, "label": "Task"}]}',
         r"gold.jsonl:2: entities\[0\] offsets 0-5 are outside"),
        ('{"id": "x", "text": "ab"}', r"gold.jsonl:2: record has no \"corpus\""),
    ],
)
def test_evaluate_read_gold_errors(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "ok", "corpus": "gsap", "text": "fine", "entities": []}\n' + line + "\n")
    with pytest.raises(InputError, match=message):
        read_gold(path)


def test_evaluate_rejects_mismatched_predictions(mappings):
    doc = GoldDoc("d", "gsap", "ResNet on CIFAR", [Span(0, 6, "MLModel", "ResNet")], where="g.jsonl:1")
    bad = pred_record("d", [Span(0, 6, "Model", "ResNeX")])
    with pytest.raises(InputError, match="differs from the gold text"):
        evaluate([doc], {"d": bad}, mappings)
    with pytest.raises(InputError, match="g.jsonl:1: no prediction for document 'd'"):
        evaluate([doc], {}, mappings)
    doc.corpus = "conll"
    with pytest.raises(InputError, match="corpus 'conll' has no label mapping"):
        evaluate([doc], {"d": pred_record("d", [])}, mappings)


def test_evaluate_report_groups_corpora(mappings):
    t = "ResNet on CIFAR"
    docs = [GoldDoc("a", "gsap", t, [span(t, "ResNet", "MLModel")]),
            GoldDoc("b", "sciER-dev", t, [span(t, "ResNet", "Method")])]
    preds = {"a": pred_record("a", [span(t, "ResNet", "Model")]), "b": pred_record("b", [span(t, "CIFAR", "Dataset")])}
    reports = evaluate(docs, preds, mappings)
    data = report_to_json(reports)
    assert sorted(data) == ["gsap", "scier"]
    assert data["gsap"]["entities"]["exact"]["overall"]["f1"] == 1.0
    assert data["gsap"]["relations"] is None  # gsap has no relation mapping
    assert data["scier"]["entities"]["exact"]["per_label"]["Dataset"] == {
        "tp": 0, "fp": 1, "fn": 0, "n_pred": 1, "n_gold": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    table = format_report(reports)
    assert "gsap: 1 texts" in table and "MLModel" in table and "relations overall" in table


# --------------------------------------------------------------------------- reading files


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", r"gold.jsonl: empty file"),
        (b'{"id": "a", "text": "caf\xe9"}\n', r"gold.jsonl: not UTF-8 text \(byte 0xe9"),
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", r"gold.jsonl:1: invalid JSON \(nested too deeply"),
        (b'{"id": ' + b"9" * 5000 + b"}\n", r"gold.jsonl:1: invalid JSON"),
        (b'["a"]\n', r"gold.jsonl:1: expected a JSON object"),
    ],
    ids=["empty", "latin-1", "deep", "huge-int", "not-object"],
)
@pytest.mark.parametrize("reader", [read_gold, read_predictions])
def test_evaluate_reading_bad_files_is_one_line_error(tmp_path, reader, content, message):
    path = tmp_path / "gold.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        reader(path)


def test_evaluate_read_gold_keeps_line_separators_inside_strings(tmp_path):
    # U+2028 may stand unescaped in a JSON string; str.splitlines() would cut the record there
    text = "BERT\u2028on SQuAD"
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "a", "corpus": "gsap", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    docs = read_gold(path)
    assert [(d.id, d.text) for d in docs] == [("a", text)]


def test_evaluate_read_gold_cleans_text_one_for_one(tmp_path):
    # what kg extract's reader does to the same text, so offsets and mention texts still meet
    raw = "A\ud800B\x01C ResNet"
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "a\x02", "corpus": "gsap", "text": raw,
                                "entities": [{"start": 6, "end": 12, "label": "MLModel"}]}) + "\n")
    doc = read_gold(path)[0]
    assert doc.text == "A\ufffdB\ufffdC ResNet" and len(doc.text) == len(raw)
    assert doc.id == "a\ufffd" and doc.entities == [Span(6, 12, "MLModel", "ResNet")]


# --------------------------------------------------------------------------- predictions format


def test_evaluate_extraction_to_dict():
    paper = Paper(id="p", title=None, text="BERT beats ELMo by 3% on GLUE.", source="x")
    mentions = [Mention(0, 4, "Model", "BERT", "r1", 0, "bert"), Mention(11, 15, "Model", "ELMo", "r1", 0, "elmo")]
    finding = Finding(start=0, end=20, sent=0, rule="f1", text="BERT beats ELMo by 3%", direction="outperforms",
                      value=3.0, unit="%", subject=0, settings=(1,))
    ext = PaperExtraction(paper=paper, sentences=[(0, 30)], mentions=mentions,
                          relations=[Relation(0, 1, "outperforms", "r2", 0)], aliases=[Alias(1, 0, "a")],
                          findings=[finding])
    d = extraction_to_dict(ext)
    assert d["entities"][1] == {"start": 11, "end": 15, "label": "Model", "text": "ELMo", "rule": "r1"}
    assert d["relations"] == [{"head": 0, "tail": 1, "label": "outperforms", "rule": "r2"}]
    assert d["aliases"] == [{"short": 1, "long": 0, "rule": "a"}]
    assert d["findings"][0]["sentence"] == "BERT beats ELMo by 3% on GLUE."
    assert d["findings"][0]["settings"] == [1] and d["findings"][0]["value"] == 3.0
    json.dumps(d)  # plain JSON all the way down


def test_evaluate_predictions_on_latex_text_score_at_original_offsets(tmp_path, mappings):
    # kg eval runs the pipeline on normalised text and scores at the gold text's own offsets
    from kg.evaluate import evaluate_file
    from kg.pipeline import load_pipeline

    text = r"We propose \textit{Linformer}, and evaluate on the Fr\'echet Inception Distance (FID)."
    gold = [span(text, "Linformer", "MLModel")]
    path = tmp_path / "gold.jsonl"
    record = {"id": "d", "corpus": "gsap", "text": text,
              "entities": [{"start": g.start, "end": g.end, "label": g.label} for g in gold]}
    path.write_text(json.dumps(record) + "\n")
    reports = evaluate_file(path, nlp=load_pipeline())
    exact = report_to_json(reports)["gsap"]["entities"]["exact"]["per_label"]["MLModel"]
    assert exact["tp"] == 1


def test_evaluate_prediction_raw_text_is_checked(mappings):
    text = r"We use Fr\'echet scores"
    doc = GoldDoc("d", "gsap", text, [], where="g.jsonl:1")
    at = text.index("Fr")
    good = {"id": "d", "entities": [{"start": at, "end": at + 9, "label": "Method", "text": "Fréchet",
                                     "raw": r"Fr\'echet", "rule": "t"}]}
    evaluate([doc], {"d": good}, mappings)
    bad = {"id": "d", "entities": [{"start": at, "end": at + 9, "label": "Method", "text": "Fréchet",
                                    "raw": "Frechet!!", "rule": "t"}]}
    with pytest.raises(InputError, match="differs from the gold text"):
        evaluate([doc], {"d": bad}, mappings)
