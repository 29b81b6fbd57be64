"""Tests of kg_compounds: "<Model> <method noun>" is one Method entity."""

import pytest

from kg.errors import RuleError
from kg.pipeline import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def test_compounds_component_runs_after_resolve(nlp):
    names = nlp.pipe_names
    assert names.index("kg_resolve") < names.index("kg_compounds")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("We average BERT embeddings over the sentence.", ("BERT embeddings", "Method")),
        ("The RoBERTa pretraining recipe drops NSP.", ("RoBERTa pretraining", "Method")),
        ("We simplify the BERT objective for shorter targets.", ("BERT objective", "Method")),
        ("A classifier on ELMo representations beats static vectors.", ("ELMo representations", "Method")),
        ("BERT's objective masks tokens.", ("BERT's objective", "Method")),  # the objective of BERT
    ],
)
def test_compounds_join_model_and_method_noun(nlp, text, expected):
    ents = [(e.text, e.label_) for e in nlp(text).ents]
    assert expected in ents
    assert not any(label == "Model" and expected[0].startswith(text) for text, label in ents)
    rule = next(e.id_ for e in nlp(text).ents if e.text == expected[0])
    assert rule == "compound.method"


@pytest.mark.parametrize(
    "text,model",
    [
        ("BERT outperforms ELMo on GLUE.", "BERT"),  # no method noun after the name
        ("We fine-tune BERT models on SQuAD.", "BERT"),  # "models" names the model itself
        ("We use BERT embeddings-based retrieval.", "BERT"),  # the noun continues into a compound adjective
    ],
)
def test_compounds_leave_other_model_mentions(nlp, text, model):
    ents = [(e.text, e.label_) for e in nlp(text).ents]
    assert (model, "Model") in ents
    assert not any(label == "Method" and text.startswith(model + " ") for text, label in ents)


def test_compounds_rule_file_needs_a_list_of_heads(tmp_path):
    import shutil

    from kg.resources import rules_path

    folder = tmp_path / "rules"
    shutil.copytree(rules_path(None), folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "compounds.jsonl").write_text('{"id": "compound.method", "label": "Method", "pattern": {"heads": "loss"}}\n')
    with pytest.raises(RuleError, match=r"compounds\.jsonl:1: .*compound\.method"):
        load_pipeline(rules_dir=folder)
