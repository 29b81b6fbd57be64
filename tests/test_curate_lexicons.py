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
