"""Tests of tools/curate_aliases.py: which lexicon pairs become rows of rules/aliases.jsonl."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[1] / "rules"


@pytest.fixture(scope="module")
def curate():
    path = Path(__file__).resolve().parents[1] / "tools" / "curate_aliases.py"
    spec = importlib.util.spec_from_file_location("curate_aliases_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def _entry(name, full=None, aliases=(), sources=("pwc-methods-2025",)):
    return {"name": name, "full_name": full, "aliases": list(aliases), "sources": list(sources),
            "ambiguous": False, "case_sensitive": False}


def _lexicons(tmp_path, **lists):
    """A lexicon folder holding the six raw lists, the given ones filled (keyword = file stem)."""
    for fname in ("hf-transformers_models", "merged_models", "merged_datasets", "merged_methods",
                  "merged_tasks", "merged_metrics"):
        rows = lists.get(fname.replace("-", "_"), [])
        (tmp_path / f"{fname}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return tmp_path


def _pairs(rows):
    return {(r["canonical"], r["pattern"]) for r in rows}


@pytest.mark.parametrize(
    "short,long,strict,expected",
    [
        ("GCN", "Graph Convolutional Network", False, True),
        ("LFW", "Labeled Faces in the Wild", False, True),
        ("GPT", "Generative Pre-trained Transformer", False, True),
        ("MIMIC-III", "The Medical Information Mart for Intensive Care III", False, True),
        ("GLUE", "General Language Understanding Evaluation benchmark", False, True),
        ("ViT", "Vision Transformer", True, True),
        ("NAFNet", "Nonlinear Activation Free Network", False, True),
        ("GCN", "Graph Network", False, False),  # a letter left over
        ("GCN", "Graph Convolutional Deep Network", False, False),  # a word gives no letter
        ("COCO", "Common Objects in COntext-stuff", True, False),  # the head's "stuff" gives none
        ("COCO", "Code Completion", True, False),  # "CO" from one word needs capitals there
        ("ViT", "Visual Tracking", False, True),
        ("LAMA", "Low-Rank Factorization-based Multi-Head Attention", False, False),
        ("CLIP", "CLIP: A Dataset for Extracting Action Items", False, False),  # a title, not a full name
        ("AB", "Alpha Beta", False, False),  # two letters are too few
    ],
)
def test_curate_aliases_is_acronym_of(curate, short, long, strict, expected):
    assert curate.is_acronym_of(short, long, strict=strict) is expected


def test_curate_aliases_takes_acronyms_and_makers_never_other_listed_things(curate, tmp_path):
    lex = _lexicons(
        tmp_path,
        merged_datasets=[
            _entry("COCO", "Microsoft Common Objects in Context",
                   ["MS-COCO", "MSCOCO", "COCO-Stuff-3", "COCO 2017 (Sports, Food)", "MS-COCO (10-shot)", "COCO 2014"]),
            _entry("COCO-Stuff", "Common Objects in COntext-stuff"),
            _entry("Microsoft COCO dataset"),
            _entry("MuSeRC", "Russian Multi-Sentence Reading Comprehension", ["Russian MuSeRC"]),
            _entry("MultiNLI", "Multi-Genre Natural Language Inference", ["MNLI", "MNLI-mm", "MultiNLI Dev"]),
            _entry("NOD", "Night Object Detection"),
            _entry("SHD", "Some Hand Dataset"),
        ],
        merged_methods=[
            _entry("GCN", "Graph Convolutional Network"),
            _entry("YOLOv8", "You Only Look Once"),
            _entry("GBO", "Gradient-based optimization"),
        ],
        merged_tasks=[_entry(f"Thing {w}") for w in ("Detection",) for _ in range(25)],
    )
    rows = curate.curate(lex, dataset_names=frozenset({"coco"}))
    assert _pairs(rows) == {
        ("COCO", "Microsoft Common Objects in Context"), ("COCO", "Common Objects in Context"),
        ("COCO", "Microsoft COCO"), ("COCO", "MS-COCO"), ("COCO", "Microsoft COCO dataset"),
        ("COCO-Stuff", "Common Objects in COntext-stuff"),
        ("MultiNLI", "Multi-Genre Natural Language Inference"), ("MultiNLI", "MNLI"),
        ("GCN", "Graph Convolutional Network"),
        ("YOLO", "You Only Look Once"),  # the family's name, never "YOLOv8"
        ("SHD", "Some Hand Dataset"), ("SHD", "Some Hand"),
    }
    assert {r["id"] for r in rows} == {"alias.acronym", "alias.acronym.alias", "alias.acronym.stem", "alias.maker",
                                       "alias.suffix"}
    assert all(r["licence"] == "CC-BY-SA-4.0" and r["source"] for r in rows)


@pytest.mark.parametrize(
    "lists,dropped",
    [
        # two readings of one acronym: an entry's full name and another listed name it spells out
        ({"merged_methods": [_entry("MAE", "Masked autoencoder")],
          "merged_metrics": [_entry("MAE"), _entry("Mean Absolute Error")]}, "MAE"),
        ({"merged_methods": [_entry("GCN", "Graph Convolutional Network"), _entry("Global Convolutional Network")]},
         "GCN"),
        ({"merged_methods": [_entry("CLIP", "Contrastive Language-Image Pre-training")],
          "merged_datasets": [_entry("CLIP", "Clinical Language Inference Pairs")]}, "CLIP"),
        # a data set's full name that a task list holds is the task
        ({"merged_datasets": [_entry("APE", "Automatic Post-Editing")],
          "merged_tasks": [_entry("Automatic Post-Editing")]}, "APE"),
    ],
)
def test_curate_aliases_drops_ambiguous_acronyms(curate, tmp_path, lists, dropped):
    rows = curate.curate(_lexicons(tmp_path, **lists), dataset_names=frozenset())
    assert not [r for r in rows if dropped in (r["canonical"], r["pattern"])]


def test_curate_aliases_hand_rows_win_and_stay(curate, tmp_path):
    lex = _lexicons(tmp_path, merged_methods=[_entry("GCN", "Graph Convolutional Network"),
                                              _entry("Global Convolutional Network"),
                                              _entry("LSTM", "Long Short-Term Memory")])
    hand = [{"id": "alias.core", "label": "Method", "pattern": "Graph Convolution Network", "canonical": "GCN",
             "source": "kg", "licence": "MIT"}]
    rows = curate.curate(lex, dataset_names=frozenset(), hand=hand)
    assert _pairs(rows) == {("GCN", "Graph Convolution Network"), ("LSTM", "Long Short-Term Memory")}
    out = tmp_path / "aliases.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert curate.hand_rows(out) == hand


def test_curate_aliases_one_canonical_name_per_spelling_and_no_chains(curate):
    rows = curate._consistent([
        {"id": "a", "pattern": "X Net", "canonical": "XN"},
        {"id": "a", "pattern": "X Net", "canonical": "XNT"},  # one spelling, two names: neither
        {"id": "a", "pattern": "YN", "canonical": "YNet"},
        {"id": "a", "pattern": "YNet", "canonical": "Y"},  # a chain YN -> YNet -> Y: the link into YNet goes
        {"id": "a", "pattern": "Zed Net", "canonical": "ZN"},
    ])
    assert _pairs(rows) == {("Y", "YNet"), ("ZN", "Zed Net")}


def test_curate_aliases_packaged_table_is_well_formed():
    from kg.pipeline.normalize import compact_key, entity_key

    rows = [json.loads(line) for line in (RULES / "aliases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) > 500
    spellings = {}
    for r in rows:
        assert {"id", "label", "pattern", "canonical", "source", "licence"} <= set(r), r
        assert r["id"].startswith("alias.") and r["licence"] in {"MIT", "CC-BY-SA-4.0", "Apache-2.0"}
        spellings.setdefault(compact_key(entity_key(r["pattern"])), set()).add(r["canonical"])
    assert all(len(names) == 1 for names in spellings.values())
    canonicals = {compact_key(entity_key(r["canonical"])) for r in rows}
    assert not canonicals & set(spellings)  # idempotent: a canonical name is no other name's spelling


@pytest.mark.parametrize("a,b", [("COCO", "COCO-Stuff"), ("ResNet-50", "ResNet-101"), ("GPT-3", "GPT-3.5"),
                                 ("BERT", "RoBERTa"), ("CIFAR-10", "CIFAR-100"), ("PASCAL VOC 2007", "PASCAL VOC 2012")])
def test_curate_aliases_packaged_table_keeps_distinct_names_apart(a, b):
    rows = [json.loads(line) for line in (RULES / "aliases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    name_of = {r["pattern"].casefold(): r["canonical"].casefold() for r in rows}
    assert name_of.get(a.casefold(), a.casefold()) != name_of.get(b.casefold(), b.casefold())
