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


@pytest.mark.parametrize(
    "text,expected",
    [
        ("PASCAL VOC'07", "pascal-voc-2007"),
        ("PASCAL VOC\u201907", "pascal-voc-2007"),
        ("NeurIPS '19", "neurips-2019"),
        ("WMT'98", "wmt-1998"),
        ("VOC'070", "voc070"),  # three digits: no year
        ("VOC'07a", "voc07a"),
        ("BERT's", "bert"),
        ("G.C.N.", "gcn"),
        ("G.C.N.s", "gcn"),
        ("Graph Convolutional Network(GCN", "graph-convolutional-network"),
        ("R(2+1)D", "r(2+1)d"),  # balanced: part of the name
        ("(GCN", "gcn"),
        ("v1.5", "v1.5"),
        ("Llama 3.1 8B", "llama-3.1-8b"),
    ],
)
def test_normalize_entity_key_reads_years_and_dotted_initials(text, expected):
    assert entity_key(text) == expected


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("PASCAL VOC 2007", "PASCAL VOC'07", True),
        ("MS-COCO", "MSCOCO", True),
        ("MS COCO", "MS-COCO", True),
        ("GCNs", "G.C.N.", True),
        ("VOC 2007", "VOC 2012", False),
        ("VOC'07", "VOC'12", False),
        ("ResNet-50", "ResNet-101", False),
        ("GPT-3", "GPT-3.5", False),
        ("CIFAR-10", "CIFAR-100", False),
        ("COCO", "COCO-Stuff", False),
        ("MS-COCO", "COCO", False),  # a table row joins these, not the key
    ],
)
def test_normalize_compact_key_joins_spellings_not_names(a, b, same):
    assert (compact_key(entity_key(a)) == compact_key(entity_key(b))) is same


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("principal-components-analysis", "principal-component-analysis", True),
        ("mixture-of-experts", "mixture-of-expert", True),
        ("graph-neural-networks-benchmark", "graph-neural-network-benchmark", True),
        ("cifar-10", "cifar-100", False),
        ("gpt-3", "gpt-3.5", False),
        ("resnet-50", "resnet-101", False),
    ],
)
def test_normalize_alias_lookup_key_reads_every_plural(a, b, same):
    from kg.pipeline.normalize import alias_lookup_key

    assert (alias_lookup_key(a) == alias_lookup_key(b)) is same
