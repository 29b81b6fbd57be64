"""Tests for kg.lineage.parse_model_name: a table of names -> parts, and non-models -> None."""

import pytest

from kg.lineage import ModelName, parse_model_name

CASES = [
    # name, family, version, size, flavour
    ("LLaVA-1.5-7B", "LLaVA", "1.5", "7B", ""),
    ("Qwen2.5-7B-Instruct", "Qwen", "2.5", "7B", "Instruct"),
    ("Llama3-8B", "Llama", "3", "8B", ""),
    ("Llama 3.1 405B", "Llama", "3.1", "405B", ""),
    ("Pythia-2.8B", "Pythia", "", "2.8B", ""),
    ("GPT-4o", "GPT", "4o", "", ""),
    ("Chinchilla 70B", "Chinchilla", "", "70B", ""),
    ("70B Chinchilla", "Chinchilla", "", "70B", ""),
    ("ResNet-50", "ResNet", "", "50", ""),
    ("ViT-B/16", "ViT", "", "B/16", ""),
    ("BERT-base", "BERT", "", "base", ""),
    ("T5-XXL", "T5", "", "XXL", ""),
    ("Mistral-7B-v0.1", "Mistral", "0.1", "7B", ""),
    ("gpt-3.5-turbo", "gpt", "3.5", "", "turbo"),
    ("Phi-3-mini-4k-instruct", "Phi", "3", "mini", "4k-instruct"),
    ("DeepSeek-R1-Distill-Qwen-7B", "DeepSeek", "R1", "7B", "Distill-Qwen"),
    ("Mixtral-8x7B", "Mixtral", "", "8x7B", ""),
    ("EfficientNet-B7", "EfficientNet", "", "B7", ""),
    ("YOLOv8", "YOLO", "8", "", ""),
    ("Wav2Vec 2.0", "Wav2Vec", "2.0", "", ""),
    ("GPT-NeoX-20B", "GPT-NeoX", "", "20B", ""),
    ("Stable Diffusion XL", "Stable Diffusion", "", "XL", ""),
    ("Llama-2-7b-chat-hf", "Llama", "2", "7b", "chat-hf"),
    ("Claude 3.5 Sonnet", "Claude", "3.5", "", "Sonnet"),
    ("RoBERTa-large", "RoBERTa", "", "large", ""),
    ("Whisper large-v3", "Whisper", "3", "large", ""),
    ("VGG-16", "VGG", "", "16", ""),
    ("Inception-v3", "Inception", "3", "", ""),
    ("OPT-175B", "OPT", "", "175B", ""),
    ("Gemma-2-9b-it", "Gemma", "2", "9b", "it"),
]


@pytest.mark.parametrize("name,family,version,size,flavour", CASES)
def test_lineage_parses_variant_parts(name, family, version, size, flavour):
    m = parse_model_name(name)
    assert isinstance(m, ModelName)
    assert (m.family, m.version, m.size, m.flavour) == (family, version, size, flavour)
    assert m.key == m.key.lower() and " " not in m.key


NOT_VARIANTS = [
    "BERT", "LLaMA", "GLUE", "COVID-19", "CoNLL-2003", "ISO 9001", "layer 2", "Top-5", "Figure 3",
    "Vision Transformer", "U-Net", "3D-UNet", "T5", "word2vec", "F1", "", "   ", "GPT-4 (OpenAI)",
    "a deep convolutional neural network with residual connections and many layers and even more words",
]


@pytest.mark.parametrize("name", NOT_VARIANTS)
def test_lineage_returns_none_for_plain_names_and_non_models(name):
    assert parse_model_name(name) is None


@pytest.mark.parametrize(
    "a,b",
    [
        ("LLaVA 1.5 7B", "llava-1.5-7b"),
        ("LLaVA-1.5-7B", "llava_1.5_7b"),
        ("Qwen2.5-7B-Instruct", "Qwen 2.5 7B Instruct"),
        ("Llama3-8B", "Llama-3-8B"),
        ("Chinchilla 70B", "70B Chinchilla"),
        ("YOLOv8", "YOLO-v8"),
    ],
)
def test_lineage_spellings_of_one_variant_share_a_key(a, b):
    assert parse_model_name(a).key == parse_model_name(b).key


@pytest.mark.parametrize("a,b", [("Llama-2-7B", "Llama-2-13B"), ("GPT-4o", "GPT-4"), ("BERT-base", "BERT-large")])
def test_lineage_different_variants_get_different_keys_same_family(a, b):
    ma, mb = parse_model_name(a), parse_model_name(b)
    assert ma.key != mb.key
    assert ma.family_key == mb.family_key


@pytest.mark.parametrize(
    "name",
    ["Multimodal Large Language Models", "Large Vision-Language Models", "Large Language Model", "Multi-Modal Large"],
)
def test_lineage_model_classes_in_words_are_not_variants(name):
    assert parse_model_name(name) is None
