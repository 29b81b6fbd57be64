"""End-to-end tests of kg's entity components: text -> (mention, label) tables.

Sentences are written for these tests (ML-abstract-like), not taken from the
seeds or the evaluation files.
"""

import pytest

from kg.pipeline import ENTITY_COMPONENTS, PIPELINE, load_pipeline
from kg.records import ENTITY_TYPES as LABELS


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


@pytest.mark.parametrize("stage", PIPELINE, ids=lambda s: s.name)
def test_pipeline_components_registered_with_json_scalar_settings(nlp, stage):
    assert stage.name in nlp.pipe_names
    config = {k: v for k, v in nlp.config["components"][stage.name].items() if k != "factory"}
    assert all(v is None or isinstance(v, (str, int, float, bool)) for v in config.values())


def test_pipeline_runs_in_table_order(nlp):
    assert nlp.pipe_names == [s.name for s in PIPELINE]
    assert nlp.pipe_names[0] == "sentencizer"
    names = [n for n in nlp.pipe_names if n in ENTITY_COMPONENTS]
    assert names == list(ENTITY_COMPONENTS) and names[-1] == "kg_resolve"


@pytest.mark.parametrize(
    "text,expected",
    [
        # a size at the end of a sentence: the full stop is not part of the name
        ("The largest run uses Frobnik 2.5 340B.", {("Frobnik 2.5 340B", "Model")}),
        ("We compare with Quillon-13B. It is smaller.", {("Quillon-13B", "Model")}),
        ("A mixture of experts such as Zentral 8x7B.", {("Zentral 8x7B", "Model")}),
    ],
)
def test_pipeline_size_name_at_sentence_end(nlp, text, expected):
    found = ents(nlp(text))
    assert expected <= found
    assert not any(t.endswith(".") for t, _ in found)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("We apply block-wise quantization to the weights.", {("block-wise quantization", "Method")}),
        ("Training with 8-bit Adam saves memory.", {("8-bit Adam", "Method")}),
        ("We study cross-lingual classification of reviews.", {("cross-lingual classification", "Task")}),
        ("Dynamic quantization halves latency.", set()),  # sentence-initial capital: no modifier
        ("Features come from 3D CNNs.", {("3D CNNs", "Architecture")}),
        ("We run dynamic quantization at test time.", {("dynamic quantization", "Method")}),
    ],
)
def test_pipeline_modifiers_join_method_task(nlp, text, expected):
    assert expected <= ents(nlp(text))


@pytest.mark.parametrize(
    "text,absent",
    [
        ("The state-of-the-art LSTM wins.", "state-of-the-art LSTM"),
        ("A typical classification setup is used.", "typical classification"),
        ("Several additional pruning steps follow.", "additional pruning"),
    ],
)
def test_pipeline_modifiers_not_evaluative(nlp, text, absent):
    assert absent not in {t for t, _ in ents(nlp(text))}


@pytest.mark.parametrize(
    "text,absent",
    [
        # adjectives built on a name are no entity by themselves
        ("The code is MIT-licensed and public.", {"MIT", "MIT-licensed"}),
        ("We study Transformer-based encoders.", {"Transformer-based"}),
        ("Robustness of ImageNet-trained classifiers is low.", {"ImageNet-trained", "ImageNet"}),
        # bare process nouns need a modifier
        ("Translation remains hard, and so does parsing.", {"Translation", "parsing"}),
        ("We apply quantization after retrieval.", {"quantization", "retrieval"}),
        # capitalised ordinary words from headings are no names
        ("Attention Is Not Enough: A Survey of Consistency and Understanding", {"Attention", "Survey", "Consistency", "Understanding"}),
        ("We use a heuristic filter and adversarial inputs in a multimodal setting.", {"heuristic", "adversarial", "multimodal"}),
    ],
)
def test_pipeline_no_junk_mentions(nlp, text, absent):
    assert not absent & {t for t, _ in ents(nlp(text))}


@pytest.mark.parametrize(
    "text,expected",
    [
        # the modifier makes the bare word a name again
        ("Both neural machine translation and dependency parsing improve.",
         {("neural machine translation", "Task"), ("dependency parsing", "Task")}),
        ("We study BERT-based retrieval with BERT.", {("BERT", "Model")}),
    ],
)
def test_pipeline_bare_words_kept_with_modifier(nlp, text, expected):
    assert expected <= ents(nlp(text))
