"""Tests for kg.pipeline.relations: sentences with hand-set mentions -> expected triples.

Mentions are tagged by hand (``tag``), so these tests do not depend on the
entity components: each case lists the substrings to tag, in order of appearance.
"""

import pytest
import spacy
from spacy.tokens import Doc

from kg.errors import RuleError
from kg.pipeline.relations import RelationExtractor
from stage_helpers import run, stage_nlp, tag

M, MO, A, D, T, X = "Method", "Model", "Architecture", "Dataset", "Task", "Metric"


@pytest.fixture(scope="module")
def nlp():
    return stage_nlp()


def triples(doc):
    return {(h.text, label, t.text) for h, t, label, _ in doc._.kg_relations}


CASES = [
    # vision
    ("We evaluate ResNet-50 on ImageNet and CIFAR-10.", [("ResNet-50", MO), ("ImageNet", D), ("CIFAR-10", D)],
     {("ResNet-50", "evaluated_on", "ImageNet"), ("ResNet-50", "evaluated_on", "CIFAR-10")}),
    ("The detector is trained on COCO and tested on LVIS.", [("detector", M), ("COCO", D), ("LVIS", D)],
     {("detector", "trained_on", "COCO")}),
    ("Our ViT-B/16 backbone, pre-trained on JFT-300M, outperforms ResNet-152 on ImageNet.",
     [("ViT-B/16", MO), ("JFT-300M", D), ("ResNet-152", MO), ("ImageNet", D)],
     {("ViT-B/16", "trained_on", "JFT-300M"), ("ViT-B/16", "outperforms", "ResNet-152"), ("ResNet-152", "evaluated_on", "ImageNet")}),
    ("Mask R-CNN is used for instance segmentation.", [("Mask R-CNN", MO), ("instance segmentation", T)],
     {("Mask R-CNN", "used_for", "instance segmentation")}),
    ("We study semantic segmentation with DeepLabv3.", [("semantic segmentation", T), ("DeepLabv3", MO)],
     {("DeepLabv3", "used_for", "semantic segmentation")}),
    ("ADE20K is a benchmark for scene parsing.", [("ADE20K", D), ("scene parsing", T)],
     {("ADE20K", "benchmark_for", "scene parsing")}),
    ("The encoder consists of a Swin Transformer and a feature pyramid network.",
     [("encoder", A), ("Swin Transformer", A), ("feature pyramid network", A)],
     {("Swin Transformer", "part_of", "encoder"), ("feature pyramid network", "part_of", "encoder")}),
    ("Diffusion models such as DDPM and Stable Diffusion generate images.",
     [("Diffusion models", M), ("DDPM", MO), ("Stable Diffusion", MO)],
     {("DDPM", "subclass_of", "Diffusion models"), ("Stable Diffusion", "subclass_of", "Diffusion models")}),
    ("We evaluate the tracker in terms of MOTA.", [("tracker", M), ("MOTA", X)], {("tracker", "measured_by", "MOTA")}),
    ("Object detection is evaluated in terms of mean average precision.",
     [("Object detection", T), ("mean average precision", X)],
     {("Object detection", "measured_by", "mean average precision")}),
    # NLP
    ("BERT is fine-tuned on SQuAD for question answering.", [("BERT", MO), ("SQuAD", D), ("question answering", T)],
     {("BERT", "trained_on", "SQuAD"), ("SQuAD", "benchmark_for", "question answering")}),
    ("We fine-tune RoBERTa on MNLI.", [("RoBERTa", MO), ("MNLI", D)], {("RoBERTa", "trained_on", "MNLI")}),
    ("Our parser outperforms the Stanford parser on the Penn Treebank.",
     [("parser", M), ("Stanford parser", M), ("Penn Treebank", D)],
     {("parser", "outperforms", "Stanford parser"), ("Stanford parser", "evaluated_on", "Penn Treebank")}),
    ("We compare GPT-2 and BERT on GLUE.", [("GPT-2", MO), ("BERT", MO), ("GLUE", D)],
     {("GPT-2", "compared_with", "BERT"), ("BERT", "evaluated_on", "GLUE"), ("GPT-2", "evaluated_on", "GLUE")}),
    ("Compared with LSTMs, the Transformer trains faster.", [("LSTMs", A), ("Transformer", A)],
     {("Transformer", "compared_with", "LSTMs")}),
    ("T5 is outperformed by PaLM on BIG-bench.", [("T5", MO), ("PaLM", MO), ("BIG-bench", D)],
     {("PaLM", "outperforms", "T5"), ("PaLM", "evaluated_on", "BIG-bench")}),
    ("The question answering dataset SQuAD contains 100k questions.", [("question answering", T), ("SQuAD", D)],
     {("SQuAD", "benchmark_for", "question answering")}),
    ("Named entity recognition performance is measured by F1.", [("Named entity recognition", T), ("F1", X)],
     {("Named entity recognition", "measured_by", "F1")}),
    ("We report BLEU on machine translation.", [("BLEU", X), ("machine translation", T)],
     {("machine translation", "measured_by", "BLEU")}),
    ("LoRA is a parameter-efficient fine-tuning method.", [("LoRA", M), ("parameter-efficient fine-tuning method", M)],
     {("LoRA", "subclass_of", "parameter-efficient fine-tuning method")}),
    ("The attention layer of the Transformer is replaced.", [("attention layer", A), ("Transformer", A)],
     {("attention layer", "part_of", "Transformer")}),
    ("We apply beam search to neural machine translation.", [("beam search", M), ("neural machine translation", T)],
     {("beam search", "used_for", "neural machine translation")}),
    # RL
    ("PPO is evaluated on the Atari benchmark and MuJoCo.", [("PPO", M), ("Atari", D), ("MuJoCo", D)],
     {("PPO", "evaluated_on", "Atari"), ("PPO", "evaluated_on", "MuJoCo")}),
    ("Our agent surpasses DQN and Rainbow on Atari games.", [("agent", M), ("DQN", M), ("Rainbow", M), ("Atari games", D)],
     {("agent", "outperforms", "DQN"), ("agent", "outperforms", "Rainbow"), ("Rainbow", "evaluated_on", "Atari games"),
      ("DQN", "evaluated_on", "Atari games")}),
    ("Policy gradient methods, such as REINFORCE, suffer from high variance.",
     [("Policy gradient methods", M), ("REINFORCE", M)], {("REINFORCE", "subclass_of", "Policy gradient methods")}),
    ("We use soft actor-critic for continuous control.", [("soft actor-critic", M), ("continuous control", T)],
     {("soft actor-critic", "used_for", "continuous control")}),
    ("On Procgen, our method shows strong generalisation.", [("Procgen", D), ("method", M)],
     {("method", "evaluated_on", "Procgen")}),
    # speech
    ("Whisper is trained on 680k hours of web audio and evaluated on LibriSpeech.",
     [("Whisper", MO), ("LibriSpeech", D)], {("Whisper", "evaluated_on", "LibriSpeech")}),
    ("wav2vec 2.0 achieves a lower word error rate than HuBERT.", [("wav2vec 2.0", MO), ("word error rate", X), ("HuBERT", MO)],
     {("wav2vec 2.0", "measured_by", "word error rate"), ("wav2vec 2.0", "compared_with", "HuBERT")}),
    ("Speech recognition performance is reported as word error rate on LibriSpeech.",
     [("Speech recognition", T), ("word error rate", X), ("LibriSpeech", D)], set()),
    ("Conformer, a convolution-augmented Transformer, is used for speech recognition.",
     [("Conformer", A), ("convolution-augmented Transformer", A), ("speech recognition", T)],
     {("Conformer", "subclass_of", "convolution-augmented Transformer"),
      ("convolution-augmented Transformer", "used_for", "speech recognition"), ("Conformer", "used_for", "speech recognition")}),
    # interpretability
    ("Sparse autoencoders are applied to GPT-2 small activations.", [("Sparse autoencoders", M), ("GPT-2 small", MO)], set()),
    ("We use sparse autoencoders for feature discovery.", [("sparse autoencoders", M), ("feature discovery", T)],
     {("sparse autoencoders", "used_for", "feature discovery")}),
    ("Activation patching is compared to attribution patching.", [("Activation patching", M), ("attribution patching", M)],
     {("Activation patching", "compared_with", "attribution patching")}),
    ("The probe is a linear classifier.", [("probe", M), ("linear classifier", M)], {("probe", "subclass_of", "linear classifier")}),
    # negative cases: cues that must not fire
    ("ImageNet is large, but ResNet-50 is small.", [("ImageNet", D), ("ResNet-50", MO)], set()),
    ("BERT and GPT-2 are language models.", [("BERT", MO), ("GPT-2", MO)], set()),
    ("We train BERT, while RoBERTa is trained on CC-News.", [("BERT", MO), ("RoBERTa", MO), ("CC-News", D)],
     {("RoBERTa", "trained_on", "CC-News")}),
    ("MNIST and CIFAR-10 are image classification datasets.", [("MNIST", D), ("CIFAR-10", D), ("image classification", T)], set()),
    ("Accuracy on CIFAR-10 improves.", [("Accuracy", X), ("CIFAR-10", D)], set()),
]


@pytest.mark.parametrize("text,tags,expected", CASES)
def test_relations_sentence_table(nlp, text, tags, expected):
    assert triples(run(nlp, text, tags)) == expected


def test_relations_every_span_is_a_doc_ent(nlp):
    doc = run(nlp, CASES[2][0], CASES[2][1])
    ents = {(e.start, e.end) for e in doc.ents}
    for h, t, label, rule in doc._.kg_relations:
        assert (h.start, h.end) in ents and (t.start, t.end) in ents
        assert rule.startswith("rel.")


@pytest.mark.parametrize("text,short,long", [("We train Sparse Autoencoders (SAEs) on GPT-2.", "SAEs", "Sparse Autoencoders")])
def test_relations_aliases_become_alias_of(nlp, text, short, long):
    if not Doc.has_extension("kg_aliases"):
        Doc.set_extension("kg_aliases", default=None)
    doc = tag(nlp, text, [(long, M), (short, M), ("GPT-2", MO)])
    s = next(e for e in doc.ents if e.text == short)
    lg = next(e for e in doc.ents if e.text == long)
    doc._.kg_aliases = [(s, lg, "alias.parens")]
    doc = nlp.get_pipe("kg_relations")(doc)
    assert (short, "alias_of", long) in triples(doc)


@pytest.mark.parametrize(
    "line,problem",
    [
        ('{"id": "x", "label": "likes", "pattern": {"head": ["Model"], "tail": ["Dataset"], "cues": ["on"]}}', "unknown relation label"),
        ('{"id": "x", "label": "used_for", "pattern": {"head": ["Model"], "tail": ["Task"], "cues": ["on"], "where": "middle"}}', "'where'"),
        ("not json", "invalid JSON"),
    ],
)
def test_relations_bad_rule_file_names_the_problem(tmp_path, line, problem):
    (tmp_path / "relations.jsonl").write_text(line + "\n", encoding="utf-8")
    nlp = spacy.blank("en")
    with pytest.raises(RuleError, match=problem):
        RelationExtractor(nlp).initialize(rules_dir=str(tmp_path))
