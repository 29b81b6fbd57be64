"""Tests of acronym definitions and aliasing (kg_abbreviations + kg_resolve)."""

import pytest

from kg.pipeline import load_pipeline
from kg.pipeline.abbreviations import find_long_form, is_short_form


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.mark.parametrize(
    "text,short,long,label",
    [
        ("We propose a Deterministic World Model (DWM) for control.", "DWM", "Deterministic World Model", "Model"),
        ("A Graph Attention Network (GAT) aggregates neighbours.", "GAT", "Graph Attention Network", "Architecture"),
        ("We report the Mean Reciprocal Rank Score (MRRS) of each run.", "MRRS", "Mean Reciprocal Rank Score", "Metric"),
        ("We release the Flumox Reasoning Benchmark (FRB) for agents.", "FRB", "Flumox Reasoning Benchmark", "Dataset"),
        ("Gradient Noise Injection Learning (GNIL) regularises training.", "GNIL", "Gradient Noise Injection Learning", "Method"),
        ("We tackle Zero-shot Table Parsing (ZTP) in the wild.", "ZTP", "Zero-shot Table Parsing", "Task"),
        # a long form in lower case names a class of models, not one model
        ("We study flow-matched belief models (FBMs) for planning.", "FBMs", "flow-matched belief models", "Architecture"),
        ("Our Flow-Matched Belief Model (FBM) plans ahead.", "FBM", "Flow-Matched Belief Model", "Model"),
        # the acronym, then the citation, in one pair of parentheses
        ("We train on the Harbour Speech Corpus (HSC; Okafor et al., 2021) only.", "HSC", "Harbour Speech Corpus", "Dataset"),
        ("The Lindqvist Reading Benchmark (LRB, 2019) has 9 tasks.", "LRB", "Lindqvist Reading Benchmark", "Dataset"),
    ],
)
def test_abbreviations_definition_pairs(nlp, text, short, long, label):
    doc = nlp(text)
    pairs = [(s.text, l.text, s.label_, l.label_, r) for s, l, r in doc._.kg_aliases]
    assert (short, long, label, label, "abbr.definition") in pairs
    ents = {(e.text, e.label_) for e in doc.ents}
    assert {(short, label), (long, label)} <= ents


def test_abbreviations_later_uses_take_label(nlp):
    doc = nlp("We introduce Hierarchical Prompt Routing Networks (HPRNs). Unlike HPRNs, prior HPRN variants are slow.")
    uses = [(e.text, e.label_, e.id_) for e in doc.ents if e.id_ == "abbr.use"]
    assert ("HPRNs", "Architecture", "abbr.use") in uses
    assert ("HPRN", "Architecture", "abbr.use") in uses
    for short, long, _ in doc._.kg_aliases:
        assert short in doc.ents and long in doc.ents and short.label_ == long.label_


def test_abbreviations_acronym_before_long_form(nlp):
    doc = nlp("We present ZAP (Zero-shot Alignment Probing Network), which is small.")
    pairs = {(s.text, l.text) for s, l, _ in doc._.kg_aliases}
    assert ("ZAP", "Zero-shot Alignment Probing Network") in pairs


@pytest.mark.parametrize(
    "short,before,expected",
    [
        ("SAE", "we use sparse autoencoders", "sparse autoencoders"),
        ("SAE", "we use some encoders", None),
        ("SAEs", "we use Sparse Autoencoders", "Sparse Autoencoders"),
        ("DaMCL", "called Distributionally Aware MCL", "Distributionally Aware MCL"),
        ("XYZ", "a completely different phrase", None),
    ],
)
def test_abbreviations_find_long_form(short, before, expected):
    start = find_long_form(short, before)
    assert (before[start:] if start is not None else None) == expected


@pytest.mark.parametrize("text,expected", [("SAE", True), ("SAEs", True), ("e.g.", False), ("see", False), ("GPT-4o", True)])
def test_abbreviations_is_short_form(text, expected):
    assert is_short_form(text) is expected


@pytest.mark.parametrize(
    "text,short,long",
    [
        # a bracket glued to the next word is its own token, so the acronym is not "CNN)-based"
        ("We train a convolutional neural network (CNN)-based encoder.", "CNN", "convolutional neural network"),
        ("Vision Transformer (ViT)-style models are large.", "ViT", "Vision Transformer"),
        ("We report the Frechet Inception Distance(FID) of samples.", "FID", "Frechet Inception Distance"),
        ("We compare a Convolutional Neural Network (CNN)and a ResNet-like CNN)and more.", "CNN",
         "Convolutional Neural Network"),
    ],
)
def test_abbreviations_forms_keep_no_bracket(nlp, text, short, long):
    doc = nlp(text)
    pairs = [(s.text, l.text) for s, l, _ in doc._.kg_aliases]
    assert (short, long) in pairs
    for ent in doc.ents:
        assert ent.text.count("(") == ent.text.count(")"), ent.text


@pytest.mark.parametrize(
    "text,bad",
    [
        # a form glued to other characters is no mention
        ("Multi-Instance Learning(MIL) maps bags to labels.", "("),
        ("We introduce the first chain-of-thought (CoT)-enhanced agent.", ")"),
        # a later "use" inside a URL is no use
        ("We propose the Feature Importance Attack (FIA). Code: https://github.com/zz/FIA", "/"),
    ],
)
def test_abbreviations_only_on_token_edges(nlp, text, bad):
    assert not any(bad in e.text for e in nlp(text).ents)


def test_abbreviations_list_only_name_types_proper_long_form_only(nlp):
    # "SVD" is a list-only dataset name: it does not make the decomposition a data set
    doc = nlp("We decompose the weights with the singular value decomposition (SVD) first.")
    assert not any(e.label_ == "Dataset" for e in doc.ents)
