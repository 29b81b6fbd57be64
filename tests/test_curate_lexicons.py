"""Tests of tools/curate_lexicons.py's name filter (citations are not names)."""

import importlib.util
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def curate():
    path = Path(__file__).resolve().parents[1] / "tools" / "curate_lexicons.py"
    spec = importlib.util.spec_from_file_location("curate_lexicons_citations", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "name,label,kept",
    [
        ("Liu et al.", "Model", False),  # a leaderboard row named after its paper
        ("Cho et al 2017", "Dataset", False),
        ("Chiu and Nichols", "Model", False),  # two authors
        ("Cats and Dogs", "Dataset", True),  # a data set's own name with "and" stays
        ("Split and Rephrase", "Task", True),
        ("EfficientNet-B7", "Model", True),
    ],
)
def test_keep_name_drops_citations(curate, name, label, kept):
    assert curate.keep_name(name, label, ["pwc-evaltables-2020", "sota-extractor"]) is kept


def test_packaged_lexicons_hold_no_citation(curate):
    import json

    rules = Path(__file__).resolve().parents[1] / "rules"
    for path in rules.glob("lexicon_*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("//"):
                assert not curate._CITATION.search(json.loads(line)["pattern"]), (path.name, line)


@pytest.mark.parametrize(
    "name,label,sources,verdict",
    [
        ("RTE", "Dataset", ["pwc-datasets-2023"], "list-only"),  # 2-3 capitals: a benchmark only in a list
        ("SST-2", "Dataset", ["pwc-datasets-2023"], "keep"),
        ("Sparse Coding", "Model", ["pwc-evaltables-2020"], "drop"),  # common words: a technique, not a model
        ("Joint Model", "Model", ["pwc-evaltables-2020"], "drop"),
        ("Stochastic Answer Network", "Model", ["pwc-evaltables-2020", "sota-extractor"], "keep"),  # a named network
        ("Multi-View", "Model", ["pwc-evaltables-2020"], "drop"),  # a hyphenated title word
        ("Twin-Net", "Model", ["pwc-evaltables-2020"], "keep"),
        ("OCR", "Model", ["pwc-evaltables-2020"], "list-only"),  # a leaderboard acronym: a model only in a list
        ("CLIP", "Model", ["hf-transformers"], "keep"),
    ],
)
def test_name_verdict_table(curate, name, label, sources, verdict):
    common = frozenset({"sparse", "coding", "joint", "model", "stochastic", "answer", "network", "multi", "view"})
    assert curate.name_verdict(name, label, sources, common) == verdict


def _write_lists(folder, **lists):
    """Write the six raw lists into ``folder``; ``lists`` maps file stem -> entries (others empty)."""
    import json

    for fname in ("hf-transformers_models", "merged_models", "merged_datasets", "merged_methods",
                  "merged_tasks", "merged_metrics"):
        entries = lists.get(fname, [])
        (folder / f"{fname}.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")


def _entry(name, sources=("pwc-datasets-2023",), **extra):
    return {"name": name, "full_name": None, "aliases": [], "sources": list(sources), "ambiguous": False,
            "case_sensitive": False, **extra}


def test_curate_keeps_case_variants_and_marks_list_only_and_recased(curate, tmp_path):
    _write_lists(
        tmp_path,
        **{
            "hf-transformers_models": [{"name": "SuperGlue", "full_name": None, "aliases": [],
                                        "ambiguous": False, "case_sensitive": False}],
            "merged_datasets": [_entry("SuperGLUE"), _entry("QQP"), _entry("Zorbcorpus42"), _entry("BookCorpus"),
                                _entry("Social Media")],
            "merged_models": [_entry("Sparse Coding", ("pwc-evaltables-2020", "sota-extractor"))],
            "merged_metrics": [_entry("QQP", ("pwc-evaltables-2020",))],
        },
    )
    common = frozenset({"social", "media", "sparse", "coding"})
    out = curate.curate(tmp_path, common)
    by_pattern = {r["pattern"]: r for rules in out.values() for r in rules}
    # the benchmark and the matcher model differ only in case: both kept, both exact
    assert by_pattern["SuperGLUE"]["label"] == "Dataset" and by_pattern["SuperGLUE"]["case_sensitive"]
    assert by_pattern["SuperGlue"]["label"] == "Model"
    # a short acronym is list-only; the metric column named after it is dropped
    assert by_pattern["QQP"]["id"].endswith(curate.LIST_ONLY_SUFFIX) and by_pattern["QQP"]["label"] == "Dataset"
    assert not any(r["pattern"] == "QQP" for r in out["Metric"])
    # a long coined mixed-case name matches in other cases, but not all lower case
    assert by_pattern["BookCorpus"]["id"].endswith(curate.RECASED_SUFFIX)
    assert not by_pattern["BookCorpus"]["case_sensitive"]
    # common words: an ambiguous dataset phrase, and a technique moved to Method
    assert by_pattern["Social Media"]["ambiguous"]
    assert by_pattern["Sparse Coding"]["label"] == "Method"


@pytest.mark.parametrize(
    "name,kind",
    [
        ("Action Recognition In Videos", "Task"),  # the head is the noun before the preposition
        ("Figure Of Speech Detection", "Task"),  # ... unless the last word is the process noun
        ("Person Re-identification", "Task"),
        ("Visual Odometry", "Task"),
        ("Semantic Textual Similarity", "Task"),
        ("Cross-Lingual NER", "Task"),  # a task acronym as head
        ("Text to Speech", "Task"),  # a conversion
        ("Natural Language Inference", "Task"),
        ("Session-Based Recommendations", "Task"),
        ("Thompson Sampling", "Method"),  # a technique's head noun
        ("Data Augmentation", "Method"),
        ("Gaussian Processes", "Method"),
        ("Collaborative Filtering", "Method"),
        ("Bayesian Inference", "Method"),  # an ambiguous head after a technique adjective
        ("Stochastic Optimization", "Method"),
        ("Time Series", None),  # data
        ("Point Clouds", None),
        ("Feature Importance", None),  # a concept
        ("World Knowledge", None),
        ("Large Language Model", None),  # a thing
        ("Recommendation Systems", None),
        ("Remote Sensing", None),  # a field named by a process-like word
        ("Human robot interaction", None),
        ("High School Physics", None),  # an exam subject
        ("Task 2", None),  # a leaderboard cell
        ("BraTS2021", None),
        ("EEG", None),  # an acronym of data, not of a task
    ],
)
def test_task_label_by_head_noun(curate, name, kind):
    assert curate.task_label(name) == kind


def test_curate_types_task_entries_by_head_noun(curate, tmp_path):
    _write_lists(
        tmp_path,
        merged_tasks=[_entry("Image Classification"), _entry("Thompson Sampling"), _entry("Time Series"),
                      _entry("Irregular Time Series")],
        merged_models=[_entry("GraphMix", ("pwc-evaltables-2020",)), _entry("EfficientNet-B7", ("pwc-evaltables-2020",))],
        merged_methods=[_entry("Feature Pyramid Network", ("pwc-methods-2022",)), _entry("Dropout", ("pwc-methods-2022",)),
                        _entry("Label Smoothing", ("pwc-methods-2022",))],
        merged_metrics=[_entry("Avg.", ("pwc-evaltables-2020",)), _entry("KEEP", ("pwc-evaltables-2020",)),
                        _entry("SARI", ("pwc-evaltables-2020",))],
    )
    out = curate.curate(tmp_path, frozenset({"keep", "time", "series"}))
    labels = {r["pattern"]: (r["label"], r["id"]) for rules in out.values() for r in rules}
    assert labels["Image Classification"] == ("Task", "lex.task.pwc")
    assert labels["Thompson Sampling"] == ("Method", "lex.method.pwc-task")
    assert "Time Series" not in labels and "Irregular Time Series" not in labels
    # a coined leaderboard name ending in a technique's part is a method; a numbered model stays
    assert labels["GraphMix"][0] == "Method" and labels["EfficientNet-B7"][0] == "Model"
    # a described network is an architecture; a technique stays a method
    assert labels["Feature Pyramid Network"] == ("Architecture", "lex.architecture.pwc-method")
    assert labels["Label Smoothing"][0] == "Method"
    # cut table headers are no metrics
    assert "Avg." not in labels and "KEEP" not in labels and labels["SARI"][0] == "Metric"
