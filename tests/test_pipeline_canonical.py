"""kg_canonical: spellings the alias table names get the canonical name's key, in the pipeline."""

from __future__ import annotations

import json
import shutil

import pytest

from kg.pipeline import load_pipeline
from kg.resources import rules_path


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def _canonical(doc):
    return {doc[s:e].text: name for (s, e), name in doc._.kg_canonical.items()}


@pytest.mark.parametrize(
    "text,surface,key,name",
    [
        ("We pre-train on MS-COCO and evaluate the detector.", "MS-COCO", "coco", "COCO"),
        ("A Vision Transformer backbone is fine-tuned.", "Vision Transformer", "vit", "ViT"),
        ("We train a graph convolutional network on citation graphs.", "graph convolutional network", "gcn", "GCN"),
    ],
)
def test_canonical_spellings_get_the_canonical_key(nlp, text, surface, key, name):
    found = _canonical(nlp(text))
    assert found[surface] == (key, name)


@pytest.mark.parametrize("text,surface,key", [
    ("We evaluate on COCO-Stuff for segmentation.", "COCO-Stuff", "coco-stuff"),
    ("RoBERTa is fine-tuned on the task.", "RoBERTa", "roberta"),
    ("Results on PASCAL VOC 2012 follow.", "PASCAL VOC 2012", "pascal-voc-2012"),
])
def test_canonical_distinct_names_keep_their_own_key(nlp, text, surface, key):
    doc = nlp(text)
    assert any(e.text == surface for e in doc.ents)
    # a name the table lists is its own canonical name; one it does not list is left alone
    assert _canonical(doc).get(surface, (key,))[0] == key


def test_canonical_key_and_name_reach_the_mention_records(nlp):
    from kg.extract import extract_one
    from kg.records import Paper

    ext = extract_one(nlp, Paper(id="p", title=None, text="We pre-train on MS-COCO.", source="t"))
    (m,) = [m for m in ext.mentions if m.text == "MS-COCO"]
    assert (m.key, m.canonical) == ("coco", "COCO")


def test_canonical_table_comes_from_the_rules_folder(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(rules_path(), folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    row = {"id": "alias.test", "label": "Dataset", "pattern": "GlorpQA", "canonical": "Glorp Question Answering"}
    with (folder / "aliases.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")
    text = "Experiments on the GlorpQA dataset show gains."
    assert "GlorpQA" not in _canonical(load_pipeline()(text))
    assert _canonical(load_pipeline(rules_dir=folder)(text))["GlorpQA"] == ("glorp-question-answering", "Glorp Question Answering")


def test_canonical_merge_onto_an_older_graph_folds_its_spellings(tmp_path):
    """``kg build --merge`` onto a graph whose nodes were keyed before the table named them."""
    import networkx as nx

    import kg
    from kg.builder import build_graph

    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"title": "T1", "abstract": "We pre-train the detector on MS-COCO."}) + "\n")
    old = kg.build([first])
    # as an older kg keyed it: the spelling's own node
    old = nx.relabel_nodes(old, {"entity/coco": "entity/ms-coco"})
    old.nodes["entity/ms-coco"]["key"] = "ms-coco"
    old.nodes["entity/ms-coco"].pop("canonical", None)
    second = tmp_path / "b.jsonl"
    second.write_text(json.dumps({"title": "T2", "abstract": "We evaluate the segmenter on COCO."}) + "\n")
    g = build_graph([second], graph=old)
    assert "entity/ms-coco" not in g
    assert g.nodes["entity/coco"]["n_papers"] == 2
    assert g.nodes["entity/coco"]["label"] == "COCO"
