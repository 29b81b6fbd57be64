"""Tests for kg.pipeline.findings: sentences with hand-set mentions -> expected findings."""

import pytest
from stage_helpers import run, stage_nlp


MO, M, A, D, X = "Model", "Method", "Architecture", "Dataset", "Metric"


@pytest.fixture(scope="module")
def nlp():
    return stage_nlp()


def view(f):
    """(metric, value, unit, direction, qualifier, baseline, subject, settings) of a finding."""
    return (
        f["metric"], f["value"], f["unit"], f["direction"], f["qualifier"], f["baseline"],
        f["subject"].text if f["subject"] is not None else None, tuple(s.text for s in f["settings"]),
    )


CASES = [
    ("A pruning strategy reduces inference latency by up to 73% and FLOPs by 74.4% in LLaVA-1.5-7B at test time.",
     [("FLOPs", X), ("LLaVA-1.5-7B", MO)],
     [("inference latency", 73.0, "%", "reduces", "up to", None, None, ("LLaVA-1.5-7B",)),
      ("FLOPs", 74.4, "%", "reduces", None, None, None, ("LLaVA-1.5-7B",))]),
    ("This enables memory savings of up to 100x for Vision Transformers and LLaMA models, and 19x for LoRA adapters.",
     [("Vision Transformers", A), ("LLaMA", MO), ("LoRA", M)],
     [("memory", 100.0, "x", "reduces", "up to", None, None, ("Vision Transformers", "LLaMA")),
      (None, 19.0, "x", "reduces", None, None, None, ("LoRA",))]),
    ("HalluScan achieves over 80% AUC on RAG benchmarks.", [("HalluScan", M), ("AUC", X), ("RAG benchmarks", D)],
     [("AUC", 80.0, "%", "reaches", "over", None, "HalluScan", ("RAG benchmarks",))]),
    ("Self-Refining Diffusion achieves up to a 27.3% FID reduction on Oxford 102 Flower.",
     [("Self-Refining Diffusion", M), ("FID", X), ("Oxford 102 Flower", D)],
     [("FID", 27.3, "%", "reduces", "up to", None, "Self-Refining Diffusion", ("Oxford 102 Flower",))]),
    ("The decoder yields a 10%p improvement in CHAIR_S on COCO.", [("decoder", A), ("CHAIR_S", X), ("COCO", D)],
     [("CHAIR_S", 10.0, "pp", "improves", None, None, None, ("COCO",))]),
    ("Alignment increases recognition accuracy from 14.92% to 84.43%.", [],
     [("recognition accuracy", 84.43, "%", "improves", None, 14.92, None, ())]),
    ("RepE improved code selection accuracy by up to 29 percentage points.", [("RepE", M)],
     [("code selection accuracy", 29.0, "pp", "improves", "up to", None, "RepE", ())]),
    ("It reduces trainable parameters by 96% and finetuning time by 21%.", [],
     [("trainable parameters", 96.0, "%", "reduces", None, None, None, ()),
      ("finetuning time", 21.0, "%", "reduces", None, None, None, ())]),
    ("Hinting improves the test accuracy from less than 1% to more than 92%.", [],
     [("test accuracy", 92.0, "%", "improves", "more than", 1.0, None, ())]),
    ("Compared to LLaVA-OV-7B, LaVi reduces FLOPs by 94.0% and improves inference speed by 3.1x.",
     [("LLaVA-OV-7B", MO), ("LaVi", MO), ("FLOPs", X)],
     [("FLOPs", 94.0, "%", "reduces", None, None, "LaVi", ()),
      ("inference speed", 3.1, "x", "improves", None, None, "LaVi", ())]),
    ("Our Transformer achieves 28.4 BLEU on WMT 2014 English-German.", [("Transformer", A), ("BLEU", X), ("WMT 2014 English-German", D)],
     [("BLEU", 28.4, "", "reaches", None, None, "Transformer", ("WMT 2014 English-German",))]),
    ("The MuZero agent outperforms PPO by nearly 15% on Procgen.", [("MuZero", M), ("PPO", M), ("Procgen", D)],
     [(None, 15.0, "%", "outperforms", "nearly", None, "MuZero", ("Procgen",))]),
    ("The streaming model lowers word error rate by 12% relative on LibriSpeech.",
     [("streaming model", M), ("word error rate", X), ("LibriSpeech", D)],
     [("word error rate", 12.0, "%", "reduces", None, None, None, ("LibriSpeech",))]),
    ("Distillation gives a 3-fold speedup for BERT-base inference.", [("Distillation", M), ("BERT-base", MO)],
     [(None, 3.0, "x", "improves", None, None, None, ("BERT-base",))]),
    ("The SAE probes recover 80-90% of the features.", [("SAE probes", M)],
     [(None, 90.0, "%", "reaches", "range", None, "SAE probes", ())]),
    # the measure named earlier in the clause
    ("Alignment enhances distortion recognition accuracy, increasing it from 14.92% to 84.43%.", [],
     [("accuracy", 84.43, "%", "improves", None, 14.92, None, ())]),
    # a verb after the value is no metric
    ("We find that 75-80% require only the last tokens.", [], [(None, 80.0, "%", "reaches", "range", None, None, ())]),
    # the verb's object, not the words before "by"
    ("EMMA boosts performance across multiple tasks by up to 9.3%.", [("EMMA", M)],
     [("performance", 9.3, "%", "improves", "up to", None, "EMMA", ())]),
    ("A 13B model improves throughput for long inputs by up to 11x.", [("13B", MO)],
     [("throughput", 11.0, "x", "improves", "up to", None, None, ())]),
    # generic (lower-case) mentions are not subjects; a named one further left is
    ("A hybrid token pruning strategy reduces latency by 73%.", [("pruning", M)],
     [("latency", 73.0, "%", "reduces", None, None, None, ())]),
    ("LaVi with token pruning reduces latency by 73%.", [("LaVi", MO), ("pruning", M)],
     [("latency", 73.0, "%", "reduces", None, None, "LaVi", ())]),
    ("On average, SAEs explain 70% of the variance.", [("SAEs", M)],
     [(None, 70.0, "%", "reaches", "on average", None, "SAEs", ())]),
    # numbers that are not findings
    ("In 2023, we trained GPT-4 on 3 tasks with LLaVA-1.5-7B.", [("GPT-4", MO), ("LLaVA-1.5-7B", MO)], []),
    ("We pad each image to 512 × 512 so that the feature map is 16 x 16.", [], []),
    ("The weight decay went from 1 × 10 −5 to 1 × 10 1 over 20,000 times.", [], []),
]


@pytest.mark.parametrize("text,tags,expected", CASES)
def test_findings_sentence_table(nlp, text, tags, expected):
    doc = run(nlp, text, tags)
    assert [view(f) for f in doc._.kg_findings] == expected


def test_findings_carry_offsets_text_and_rule(nlp):
    text, tags, _ = CASES[0]
    doc = run(nlp, text, tags)
    for f in doc._.kg_findings:
        assert doc.text[f["start"] : f["end"]] == f["text"]
        assert str(f["value"]).rstrip("0").rstrip(".") in f["text"]
        assert f["rule"].startswith("find.")


def test_findings_dicts_build_records(nlp):
    """The dicts carry exactly kg.records.Finding's fields (spans aside), so kg.extract can build records."""
    import dataclasses

    from kg.records import Finding

    doc = run(nlp, *CASES[2][:2])
    fields = {f.name for f in dataclasses.fields(Finding)} - {"sent"}
    assert all(set(f) == fields for f in doc._.kg_findings)
