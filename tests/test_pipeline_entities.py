"""End-to-end tests of kg's entity components: text -> (mention, label) tables.

Sentences are written for these tests (ML-abstract-like), not taken from the
seeds or the evaluation files.
"""

import pytest

from kg.pipeline import ENTITY_COMPONENTS, load_pipeline
from kg.pipeline.rules import LABELS


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def ents(doc):
    return {(e.text, e.label_) for e in doc.ents}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("We fine-tune Qwen2.5-7B-Instruct and LLaVA-1.5-7B and compare them with GPT-4o.",
         {("Qwen2.5-7B-Instruct", "Model"), ("LLaVA-1.5-7B", "Model"), ("GPT-4o", "Model")}),
        ("Scaling to Chinchilla 70B and Pythia-2.8B changes little.", {("Chinchilla 70B", "Model"), ("Pythia-2.8B", "Model")}),
        ("A ViT-B/16 backbone is distilled into BERT-base and T5-XXL students.",
         {("ViT-B/16", "Model"), ("BERT-base", "Model"), ("T5-XXL", "Model")}),
        ("We prune Llama3-8B by half.", {("Llama3-8B", "Model")}),
    ],
)
def test_pipeline_shapes_model_names(nlp, text, expected):
    assert expected <= ents(nlp(text))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Results on the ZorbleQA dataset improve by 4 points.", {("ZorbleQA", "Dataset")}),
        ("We evaluate on the Quux-Bench benchmark.", {("Quux-Bench", "Dataset")}),
        ("We pretrain on ImageNet and evaluate on COCO.", {("ImageNet", "Dataset"), ("COCO", "Dataset")}),
        ("Our system improves BLEU and accuracy on SQuAD.", {("BLEU", "Metric"), ("accuracy", "Metric"), ("SQuAD", "Dataset")}),
        ("We study machine translation and image classification.",
         {("machine translation", "Task"), ("image classification", "Task")}),
        ("An LSTM and a convolutional neural network are stacked.",
         {("LSTM", "Architecture"), ("convolutional neural network", "Architecture")}),
    ],
)
def test_pipeline_lexicon_and_context(nlp, text, expected):
    assert expected <= ents(nlp(text))


@pytest.mark.parametrize(
    "text",
    [
        "The model uses data from the method.",
        "Our method beats the baseline; the network and the model are trained on data.",
        "This framework is a novel approach to the task.",
    ],
)
def test_pipeline_no_generic_words(nlp, text):
    tagged = {e.text.lower() for e in nlp(text).ents}
    assert not tagged & {"model", "data", "method", "baseline", "network", "the model", "our method", "framework", "task"}


@pytest.mark.parametrize(
    "text",
    [
        "We propose Sparse Autoencoders (SAEs) and a Deterministic World Model (DWM). SAEs help; the DWM is fast.",
        "Experiments on the FooBarQA dataset with GPT-4o and BERT-base show gains in F1 score over ResNet-50.",
    ],
)
def test_pipeline_every_span_has_rule_id_and_label(nlp, text):
    doc = nlp(text)
    assert doc.ents
    for ent in doc.ents:
        assert ent.id_, ent.text
        assert ent.label_ in LABELS
    # non-overlapping by construction of doc.ents; spans are sorted and disjoint
    ends = [(e.start, e.end) for e in doc.ents]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))


@pytest.mark.parametrize("name,config", ENTITY_COMPONENTS)
def test_pipeline_components_registered(nlp, name, config):
    assert name in nlp.pipe_names
    assert all(isinstance(v, (str, int, float, bool)) for v in config.values())


def test_pipeline_sentencizer_first(nlp):
    assert nlp.pipe_names[0] == "sentencizer"
    assert nlp.pipe_names[-1] == "kg_resolve"
