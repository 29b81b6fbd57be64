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


# --- lineage only for model names (issue 11) ---------------------------------------------

MORE_VARIANTS = [
    # a "V2" version stays whole: the family is never cut off before it
    ("ShuffleNetV2", "ShuffleNet", "2", "", ""),
    ("EfficientNetV2", "EfficientNet", "2", "", ""),
    ("YOLOv8", "YOLO", "8", "", ""),
    # a "v" version after a flavour word is still the version
    ("Mistral-7B-Instruct-v0.2", "Mistral", "0.2", "7B", "Instruct"),
    ("Qwen2.5-72B", "Qwen", "2.5", "72B", ""),
    ("Llama-3.1-8B", "Llama", "3.1", "8B", ""),
    ("Phi-3-mini", "Phi", "3", "mini", ""),
    ("ResNet-152", "ResNet", "", "152", ""),
    ("ViT-L/14", "ViT", "", "L/14", ""),
    # a depth glued to a family the model lexicons number with depths, or to a coined name
    ("VGG16", "VGG", "", "16", ""),
    ("DenseNet121", "DenseNet", "", "121", ""),
    # two capitals are enough with a dotted version or a parameter count
    ("SD-2.1", "SD", "2.1", "", ""),
    ("LM-1B", "LM", "", "1B", ""),
]


@pytest.mark.parametrize("name,family,version,size,flavour", MORE_VARIANTS)
def test_lineage_keeps_model_variants_of_every_shape(name, family, version, size, flavour):
    m = parse_model_name(name)
    assert m is not None
    assert (m.family, m.version, m.size, m.flavour) == (family, version, size, flavour)


@pytest.mark.parametrize("name", ["ShuffleNetV2", "EfficientNetV2"])
def test_lineage_family_is_never_a_cut_off_name(name):
    m = parse_model_name(name)
    assert not m.family.endswith("V") and m.family_key == m.family.lower()


@pytest.mark.parametrize(
    "name",
    [
        # benchmarks the dataset lexicon numbers: their number is a class count, a size or a year
        "Kinetics400", "Kinetics-700", "UCF101", "HMDB51", "SST-2", "ModelNet40",
    ],
)
def test_lineage_dataset_names_with_a_number_are_not_variants(name):
    assert parse_model_name(name) is None


@pytest.mark.parametrize(
    "name",
    [
        "Zorbix20k",  # a glued count of thousands is a data set's size
        "Win10", "Quarry365",  # a plain word and a number: a count or a product, not a depth
        "ZXQ60", "QRST-101",  # capitals and a bare number that no model lexicon writes as a depth
        "BM42", "XY-RLHF", "QZ7",  # initials with a number or a flavour word
        "T5-3B 13",  # a number after the size is a count or a reference
    ],
)
def test_lineage_shapes_that_name_no_model_are_not_variants(name):
    assert parse_model_name(name) is None


def test_lineage_generated_families_are_in_the_rules():
    from kg.lineage import default_words

    datasets, depths = default_words().dataset_families, default_words().depth_families
    assert {"kinetics", "ucf", "hmdb"} <= datasets
    assert {"vgg", "resnet", "densenet"} <= depths
    assert not datasets & depths


# --- the graph keeps a family node only when something vouches for it -----------------------


def _graph(edges):
    import networkx as nx

    g = nx.MultiDiGraph()
    for u, v, k in edges:
        g.add_edge(u, v, key=k)
    return g


@pytest.mark.parametrize(
    "edges,expected",
    [
        # one variant and no mention of the family: the node exists only because a name was split
        ([("e/foo-2", "e/foo", "variant_of"), ("p/1", "e/foo-2", "mentions")], ["e/foo"]),
        # two distinct variants share it
        ([("e/foo-2", "e/foo", "variant_of"), ("e/foo-3", "e/foo", "variant_of")], []),
        # a paper writes the family name itself
        ([("e/foo-2", "e/foo", "variant_of"), ("p/1", "e/foo", "mentions")], []),
        # one variant met twice is still one variant
        ([("e/foo-2", "e/foo", "variant_of"), ("e/foo-2", "e/foo", "variant_of")], ["e/foo"]),
    ],
)
def test_lineage_unattested_families_are_those_no_paper_or_second_variant_supports(edges, expected):
    from kg.lineage import unattested_families

    assert unattested_families(_graph(edges)) == expected


# --- the curation step that writes the lexicons and the lineage families --------------------


def _curate_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "curate_lexicons.py"
    spec = importlib.util.spec_from_file_location("curate_lexicons", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _write_lists(folder, lists):
    import json

    for fname, entries in lists.items():
        (folder / fname).write_text(
            "".join(json.dumps({"aliases": [], "sources": ["pwc-datasets-2023"], **e}) + "\n" for e in entries),
            encoding="utf-8",
        )


def test_curation_lineage_families_come_from_dataset_and_model_shapes(tmp_path):
    cur = _curate_module()
    _write_lists(tmp_path, {
        "hf-transformers_models.jsonl": [{"name": "Florence2"}],
        "merged_models.jsonl": [{"name": "AlexNet-8"}, {"name": "SqueezeNet-50"}],
        "merged_methods.jsonl": [{"name": "Pelican-101"}],
        "merged_datasets.jsonl": [
            {"name": "Charades-100", "aliases": ["Charades 2018"]},
            {"name": "Florence-3"},  # numbered by a model list too: a model family wins
            {"name": "Tatoeba"},
            {"name": "Pelican-7"},  # the methods list numbers it with a depth: a model family
        ],
    })
    fams = cur.lineage_families(tmp_path)
    assert fams["dataset_families"] == ["charades", "tatoeba"]
    assert fams["depth_families"] == ["pelican", "squeezenet"]  # "AlexNet-8": one digit is no depth


@pytest.mark.parametrize(
    "name,label,sources,flagged,kept",
    [
        ("Restricted", "Dataset", ["pwc-datasets-2023"], False, False),  # a common word, capitalised
        ("Gallery", "Dataset", ["pwc-datasets-2023"], True, False),  # flagged ambiguous by the raw list
        ("Mall", "Dataset", ["pwc-datasets-2023"], False, False),  # short, one capital, no digit
        ("Microsoft", "Dataset", ["pwc-datasets-2023"], False, False),  # a company
        ("PyTorch", "Model", ["pwc-evaltables-2020"], False, False),  # software
        ("Tatoeba", "Dataset", ["pwc-datasets-2023"], False, True),  # a name
        ("SST2", "Dataset", ["pwc-datasets-2023"], False, True),  # short with a digit
        ("Whisper", "Model", ["hf-transformers"], False, True),  # curated model names stay
    ],
)
def test_curation_drops_common_words_companies_and_short_words(name, label, sources, flagged, kept):
    cur = _curate_module()
    common = frozenset({"restricted", "whisper", "gallery"})
    assert cur.keep_name(name, label, sources, common, flagged) is kept


def test_curation_common_words_include_stop_words_and_seed_prose(tmp_path):
    cur = _curate_module()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("We evaluate Zorblax on restricted settings.", encoding="utf-8")
    _write_lists(tmp_path, {"merged_tasks.jsonl": [{"name": "Gallery Retrieval"}, {"name": "Gallery Search"}]})
    words = cur.common_words(tmp_path, seeds)
    assert {"the", "restricted", "settings", "gallery"} <= words
    assert "zorblax" not in words
