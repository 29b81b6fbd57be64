"""Tests of kg.pipeline.normalize.entity_key."""

import pytest

from kg.pipeline.normalize import compact_key, entity_key, singular


@pytest.mark.parametrize(
    "text,label,expected",
    [
        ("Sparse Autoencoders", "Method", "sparse-autoencoder"),
        ("sparse autoencoder", "Method", "sparse-autoencoder"),
        ("LLaVA 1.5 7B", "Model", "llava-1.5-7b"),
        ("LLaVA-1.5-7B", "Model", "llava-1.5-7b"),
        ("llava_1.5_7b", "Model", "llava-1.5-7b"),
        ("MS MARCO", "Dataset", "ms-marco"),
        ("Vision Transformers", "Model", "vision-transformer"),
        ("LLMs", "Model", "llm"),
        ("SAEs", "Method", "sae"),
        ("MLLMs", "Model", "mllm"),
        ("GPT-4s", "Model", "gpt-4s"),
        ("Vision Transformers", "Architecture", "vision-transformer"),
        ('"GPT-4o"', "Model", "gpt-4o"),
        ("BERT's", "Model", "bert"),
        ("ＢＥＲＴ", "Model", "bert"),
        ("word error rates", "Metric", "word-error-rate"),
        ("loss functions", "Method", "loss-function"),
        ("attention mechanisms.", "Method", "attention-mechanism"),
        ("Random Forests", "Method", "random-forest"),
        ("class imbalance analyses", "Task", "class-imbalance-analysis"),
        ("accuracy", "Metric", "accuracy"),
        ("mixture of experts", "Architecture", "mixture-of-expert"),
        ("F1", "Metric", "f1"),
        ("  ", "Method", ""),
    ],
)
def test_normalize_entity_key(text, label, expected):
    assert entity_key(text, label) == expected


@pytest.mark.parametrize("word,expected", [("autoencoders", "autoencoder"), ("queries", "query"), ("bias", "bias"),
                                           ("losses", "loss"), ("matrices", "matrix"), ("gas", "gas")])
def test_normalize_singular(word, expected):
    assert singular(word) == expected


@pytest.mark.parametrize("text", ["Qwen2.5-7B-Instruct", "Sparse Autoencoders (SAEs)", "  ImageNet-21k  "])
def test_normalize_deterministic_and_idempotent(text):
    key = entity_key(text, "Model")
    assert key == entity_key(text, "Model") == entity_key(key, "Model")


@pytest.mark.parametrize("label", ["Model", "Method", "Architecture", "Dataset", "Task", "Metric", ""])
def test_normalize_key_does_not_depend_on_the_label(label):
    assert entity_key("Vision Transformers", label) == "vision-transformer"


@pytest.mark.parametrize("a,b", [("pre-training", "pretraining"), ("fine tuning", "fine-tuning"), ("Multi-modal LLM", "multimodal LLM")])
def test_normalize_compact_key_joins_spelling_variants(a, b):
    assert compact_key(entity_key(a)) == compact_key(entity_key(b))
