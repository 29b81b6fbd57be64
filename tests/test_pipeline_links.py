"""Tests for kg.pipeline.links and kg.pipeline.orgs: proposes / uses / affiliated_with."""

import pytest

from stage_helpers import STAGE_COMPONENTS, run, stage_nlp

M, MO, A, D, T = "Method", "Model", "Architecture", "Dataset", "Task"


@pytest.fixture(scope="module")
def nlp():
    return stage_nlp()


def links(doc, label):
    return [s.text for lab, s, _ in doc._.kg_links if lab == label]


@pytest.mark.parametrize(
    "text,tags,proposes,uses",
    [
        ("We propose a Deterministic World Model that maps states to images. We use conformal prediction.",
         [("Deterministic World Model", MO), ("conformal prediction", M)], ["Deterministic World Model"], ["conformal prediction"]),
        ("LaVi: Efficient Vision-Language Fusion\n\nWe evaluate LaVi on ScienceQA.", [("LaVi", MO), ("LaVi", MO), ("ScienceQA", D)],
         ["LaVi"], ["ScienceQA"]),
        ("This paper presents the Universal Weight Subspace Hypothesis, based on LoRA adapters.",
         [("Universal Weight Subspace Hypothesis", M), ("LoRA", M)], ["Universal Weight Subspace Hypothesis"], ["LoRA"]),
        ("We introduce SceneBench, a new benchmark for spatial reasoning, and test GPT-4o, Gemini and Claude.",
         [("SceneBench", D), ("spatial reasoning", T), ("GPT-4o", MO), ("Gemini", MO), ("Claude", MO)],
         ["SceneBench"], ["GPT-4o", "Gemini", "Claude"]),
        ("Sparse autoencoders and transcoders are trained on Pythia-70M; we compare them using activation patching.",
         [("Sparse autoencoders", M), ("transcoders", M), ("Pythia-70M", MO), ("activation patching", M)], [], ["Pythia-70M", "activation patching"]),
        ("A framework named Self-Refining Diffusion utilizes Flaw Activation Maps built on Stable Diffusion.",
         [("Self-Refining Diffusion", M), ("Flaw Activation Maps", M), ("Stable Diffusion", MO)],
         ["Self-Refining Diffusion"], ["Stable Diffusion"]),
        ("Transformers are popular. BERT and GPT-2 are language models.", [("Transformers", A), ("BERT", MO), ("GPT-2", MO)], [], []),
        # a lower-case known technique after "we develop a" is applied, not proposed
        ("We develop a random forest algorithm that reproduces the profiles.", [("random forest", M)], [], ["random forest"]),
        ("We propose diffusion models for tabular data.", [("diffusion models", A)], [], ["diffusion models"]),
        # a table number or a results sentence is no proposal
        ("We present our results in Table 6.", [("6", M)], [], []),
        ("We present the differences between BERT and ALBERT.", [("BERT", MO), ("ALBERT", MO)], [], ["ALBERT"]),
    ],
)
def test_links_proposes_and_uses(nlp, text, tags, proposes, uses):
    doc = run(nlp, text, tags)
    assert links(doc, "proposes") == proposes
    assert links(doc, "uses") == uses


def test_links_propose_at_most_two_things(nlp):
    text = "We propose AlphaNet. We introduce BetaNet. We present GammaNet."
    doc = run(nlp, text, [("AlphaNet", MO), ("BetaNet", MO), ("GammaNet", MO)])
    assert links(doc, "proposes") == ["AlphaNet", "BetaNet"]


@pytest.mark.parametrize(
    "text,orgs",
    [
        ("Researchers at MPI-IS, University of Oxford, and ETH Zürich show that SAEs forget.", ["MPI-IS", "University of Oxford", "ETH Zürich"]),
        ("A study by NYU Abu Dhabi and UC Davis finds bias in CLIP.", ["NYU Abu Dhabi", "UC Davis"]),
        ("Research from the University of Michigan, Princeton, and Harvard reveals a gap.", ["University of Michigan", "Princeton", "Harvard"]),
        ("A framework from Kookmin University utilizes Explainable AI-based maps.", ["Kookmin University"]),
        ("Work by Meta AI introduces a new tokenizer.", ["Meta AI"]),
        ("Explainable AI methods help users.", []),
        ("Vision Transformers outperform convolutional networks.", []),
    ],
)
def test_links_affiliated_with_organisations(nlp, text, orgs):
    doc = run(nlp, text, [])
    assert links(doc, "affiliated_with") == orgs
    assert all(e.label_ == "Organization" for e in doc.ents)


def test_orgs_keep_existing_mentions(nlp):
    text = "Researchers at Google Research and Stanford University propose CLIP-Lite."
    doc = run(nlp, text, [("Google Research", MO), ("CLIP-Lite", MO)])
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Google Research", "Model"), ("Stanford University", "Organization"), ("CLIP-Lite", "Model"),
    ]


def test_links_relation_stage_runs_in_pipeline_order(nlp):
    assert nlp.pipe_names == ["sentencizer", *STAGE_COMPONENTS]
