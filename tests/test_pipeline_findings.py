"""Tests for kg.pipeline.findings: sentences with hand-set mentions -> expected findings."""

import dataclasses
import pickle

import pytest
from stage_helpers import run, stage_nlp

from kg.extract import doc_to_extraction
from kg.records import Finding, Paper

MO, M, A, D, X, T = "Model", "Method", "Architecture", "Dataset", "Metric", "Task"


@pytest.fixture(scope="module")
def nlp():
    return stage_nlp()


def view(f):
    """(metric, value, unit, direction, qualifier, baseline, subject, compared_to, settings) of a finding."""
    return (
        f["metric"], f["value"], f["unit"], f["direction"], f["qualifier"], f["baseline"],
        f["subject"].text if f["subject"] is not None else None,
        f["compared_to"].text if f["compared_to"] is not None else None,
        tuple(s.text for s in f["settings"]),
    )


CASES = [
    # --- systems: coordinated values, the clause's setting shared, a measure phrase without a mention
    ("A pruning strategy reduces inference latency by up to 73% and FLOPs by 74.4% in LLaVA-1.5-7B at test time.",
     [("FLOPs", X), ("LLaVA-1.5-7B", MO)],
     [("inference latency", 73.0, "%", "reduces", "up to", None, None, None, ("LLaVA-1.5-7B",)),
      ("FLOPs", 74.4, "%", "reduces", None, None, None, None, ("LLaVA-1.5-7B",))]),
    ("Compared with vLLM, SwiftServe improves throughput by 2.3x and cuts p99 latency by 41%.",
     [("vLLM", M), ("SwiftServe", M)],
     [("throughput", 2.3, "x", "improves", None, None, "SwiftServe", "vLLM", ()),
      ("p99 latency", 41.0, "%", "reduces", None, None, "SwiftServe", "vLLM", ())]),
    ("It reduces trainable parameters by 96% and finetuning time by 21%.", [],
     [("trainable parameters", 96.0, "%", "reduces", None, None, None, None, ()),
      ("finetuning time", 21.0, "%", "reduces", None, None, None, None, ())]),
    ("A 13B model improves throughput for long inputs by up to 11x.", [("13B", MO)],
     [("throughput", 11.0, "x", "improves", "up to", None, None, None, ())]),
    # --- vision
    ("HalluScan achieves over 80% AUC on RAG benchmarks.", [("HalluScan", M), ("AUC", X), ("RAG benchmarks", D)],
     [("AUC", 80.0, "%", "reaches", "over", None, "HalluScan", None, ("RAG benchmarks",))]),
    ("Self-Refining Diffusion achieves up to a 27.3% FID reduction on Oxford 102 Flower.",
     [("Self-Refining Diffusion", M), ("FID", X), ("Oxford 102 Flower", D)],
     [("FID", 27.3, "%", "reduces", "up to", None, "Self-Refining Diffusion", None, ("Oxford 102 Flower",))]),
    ("ViT-L/16 reaches 88.5% top-1 accuracy on ImageNet.", [("ViT-L/16", MO), ("top-1 accuracy", X), ("ImageNet", D)],
     [("top-1 accuracy", 88.5, "%", "reaches", None, None, "ViT-L/16", None, ("ImageNet",))]),
    ("The decoder yields a 10%p improvement in CHAIR_S on COCO.", [("decoder", A), ("CHAIR_S", X), ("COCO", D)],
     [("CHAIR_S", 10.0, "pp", "improves", None, None, None, None, ("COCO",))]),
    # after "we", "of X" is the object, not the subject
    ("With our optimiser, we improve the top-1 accuracy of ViT-B/16 by 2.1% on ImageNet.",
     [("top-1 accuracy", X), ("ViT-B/16", MO), ("ImageNet", D)],
     [("top-1 accuracy", 2.1, "%", "improves", None, None, None, None, ("ImageNet",))]),
    # a phrase cut inside a hyphenated compound starts after it
    ("The detector attains state-of-the-art box precision of 61.2% on LVIS.", [("LVIS", D)],
     [("box precision", 61.2, "%", "reaches", None, None, None, None, ("LVIS",))]),
    # --- NLP
    ("Alignment increases recognition accuracy from 14.92% to 84.43%.", [],
     [("recognition accuracy", 84.43, "%", "improves", None, 14.92, None, None, ())]),
    ("RepE improved code selection accuracy by up to 29 percentage points.", [("RepE", M)],
     [("code selection accuracy", 29.0, "pp", "improves", "up to", None, "RepE", None, ())]),
    ("Hinting improves the test accuracy from less than 1% to more than 92%.", [],
     [("test accuracy", 92.0, "%", "improves", "more than", 1.0, None, None, ())]),
    ("Our Transformer achieves 28.4 BLEU on WMT 2014 English-German.",
     [("Transformer", A), ("BLEU", X), ("WMT 2014 English-German", D)],
     [("BLEU", 28.4, "", "reaches", None, None, "Transformer", None, ("WMT 2014 English-German",))]),
    ("GraphSAGE-X gains +2.1 points of macro-F1 over GCN on Cora.",
     [("GraphSAGE-X", M), ("macro-F1", X), ("GCN", A), ("Cora", D)],
     [("macro-F1", 2.1, "pp", "improves", None, None, "GraphSAGE-X", "GCN", ("Cora",))]),
    ("Removing the adapter costs −0.35 BLEU on WMT14.", [("BLEU", X), ("WMT14", D)],
     [("BLEU", 0.35, "", "reduces", None, None, None, None, ("WMT14",))]),
    # a share of a measure is a finding; a verb's object before "by" names the measure
    ("The distilled student retains 97% of the teacher's accuracy.", [],
     [("accuracy", 97.0, "%", "reaches", None, None, None, None, ())]),
    ("EMMA boosts performance across multiple tasks by up to 9.3%.", [("EMMA", M)],
     [("performance", 9.3, "%", "improves", "up to", None, "EMMA", None, ())]),
    # --- RL: a comparison target after "outperforms", a measure after a comparative
    ("The MuZero agent outperforms PPO by nearly 15% on Procgen.", [("MuZero", M), ("PPO", M), ("Procgen", D)],
     [(None, 15.0, "%", "outperforms", "nearly", None, "MuZero", "PPO", ("Procgen",))]),
    ("On Atari, DreamRL attains a 2.5x higher human-normalized score than Rainbow.",
     [("Atari", D), ("DreamRL", M), ("Rainbow", M)],
     [("human-normalized score", 2.5, "x", "improves", None, None, "DreamRL", "Rainbow", ("Atari",))]),
    # --- speech
    ("The streaming model lowers word error rate by 12% relative on LibriSpeech.",
     [("streaming model", M), ("word error rate", X), ("LibriSpeech", D)],
     [("word error rate", 12.0, "%", "reduces", None, None, None, None, ("LibriSpeech",))]),
    # generic (lower-case) mentions are not subjects; a named one further left is
    ("A hybrid token pruning strategy reduces latency by 73%.", [("pruning", M)],
     [("latency", 73.0, "%", "reduces", None, None, None, None, ())]),
    ("LaVi with token pruning reduces latency by 73%.", [("LaVi", MO), ("pruning", M)],
     [("latency", 73.0, "%", "reduces", None, None, "LaVi", None, ())]),
    # a value with no measure of its own takes the coordinated one's; a fraction before a measure word counts
    ("The tagger obtains an average precision of 98% for fields and 87% for records.", [("average precision", X)],
     [("average precision", 98.0, "%", "reaches", None, None, None, None, ()),
      ("average precision", 87.0, "%", "reaches", None, None, None, None, ())]),
    ("A random forest scores well (0.7355 accuracy, 0.8131 ROC AUC).", [],
     [("accuracy", 0.7355, "", "reaches", None, None, None, None, ()),
      ("ROC AUC", 0.8131, "", "reaches", None, None, None, None, ())]),
    # the names a direction verb acts on are where the value holds; ";" inside parentheses ends no clause
    ("Relabeling improves both E5 and Qwen2.5-7B by 0.7-1.4 nDCG@10 on BEIR.",
     [("E5", MO), ("Qwen2.5-7B", MO), ("nDCG@10", X), ("BEIR", D)],
     [("nDCG@10", 1.4, "", "improves", "range", None, None, None, ("E5", "Qwen2.5-7B", "BEIR"))]),
    ("ModernBERT-large scored best (0.8744 accuracy; 0.9593 ROC-AUC).", [("ModernBERT-large", MO), ("accuracy", X), ("ROC-AUC", X)],
     [("accuracy", 0.8744, "", "reaches", None, None, "ModernBERT-large", None, ()),
      ("ROC-AUC", 0.9593, "", "reaches", None, None, "ModernBERT-large", None, ())]),
    # a comparison target several words after its cue
    ("STEER outperforms the 175B parameter instruction-tuned GPT-3 while being 226 times cheaper in cost.",
     [("STEER", M), ("GPT-3", MO)],
     [("cost", 226.0, "x", "reduces", None, None, "STEER", "GPT-3", ())]),
    # a value after "compared to" is the previous one's baseline, with the method it belongs to; so is a value
    # after "compared to X's" and one in parentheses after a comparison target
    ("C3 reaches 98% decoding accuracy, compared to approximately 60% for DeepSeek-OCR.", [("C3", M), ("DeepSeek-OCR", MO)],
     [("decoding accuracy", 98.0, "%", "reaches", None, 60.0, "C3", "DeepSeek-OCR", ())]),
    ("MinerU-HTML achieves 81.8% F1 compared to Trafilatura's 63.6%.", [("MinerU-HTML", M), ("F1", X)],
     [("F1", 81.8, "%", "reaches", None, 63.6, "MinerU-HTML", None, ())]),
    ("MixAT achieves better robustness (ASR < 20%) compared to prior defenses (ASR > 50%).", [("MixAT", M), ("ASR", X), ("ASR", X)],
     [("ASR", 20.0, "%", "reaches", "less than", 50.0, "MixAT", None, ())]),
    # a level reached after "to" is no change by that much
    ("RIPT raises the OpenVLA-OFT model to an unprecedented 97.5% success rate.", [("RIPT", M), ("OpenVLA-OFT", MO), ("success rate", X)],
     [("success rate", 97.5, "%", "reaches", None, None, "RIPT", None, ("OpenVLA-OFT",))]),
    # a preposition reaches past an article and modifiers ("on the lightweight X"); "such as X" gives an example of the subject
    ("Using Mistral-7B, the classifiers reach F1-scores of up to 98%.", [("Mistral-7B", MO), ("F1-scores", X)],
     [("F1-scores", 98.0, "%", "reaches", "up to", None, None, None, ())]),
    ("On the lightweight QueST model, accuracy improves by 21.2%.", [("QueST", MO), ("accuracy", X)],
     [("accuracy", 21.2, "%", "improves", None, None, None, None, ("QueST",))]),
    ("In practice GPT-4o reaches 90% accuracy.", [("GPT-4o", MO), ("accuracy", X)],
     [("accuracy", 90.0, "%", "reaches", None, None, "GPT-4o", None, ())]),
    ("Classifiers such as the Random Forest reach 0.7355 accuracy.", [("Random Forest", M), ("accuracy", X)],
     [("accuracy", 0.7355, "", "reaches", None, None, "Random Forest", None, ())]),
    # an acronym after its long form has the long form's role
    ("Transfer learning for a pre-trained deep neural network (DNN) reaches 94.7% accuracy.",
     [("deep neural network", A), ("DNN", A), ("accuracy", X)],
     [("accuracy", 94.7, "%", "reaches", None, None, None, None, ("deep neural network", "DNN"))]),
    ("The pre-trained DeepNet (DNN) reaches 94.7% accuracy.", [("DeepNet", A), ("DNN", A), ("accuracy", X)],
     [("accuracy", 94.7, "%", "reaches", None, None, "DNN", None, ())]),
    # a name no mention covers heading the subject phrase is the subject; a plural acronym or two names are not
    ("ColmmBERT-base-TR yields up to +13.8% mAP on domain-specific tasks.", [("mAP", X)],
     [("mAP", 13.8, "%", "improves", "up to", None, "ColmmBERT-base-TR", None, ())]),
    ("Our multi-layer RPCA reached 69.97% F-measure.", [("F-measure", X)],
     [("F-measure", 69.97, "%", "reaches", None, None, "RPCA", None, ())]),
    ("LLMs reach 40% accuracy.", [("accuracy", X)], [("accuracy", 40.0, "%", "reaches", None, None, None, None, ())]),
    ("Both DINO and MAE reach 80% accuracy.", [("accuracy", X)], [("accuracy", 80.0, "%", "reaches", None, None, None, None, ())]),
    # a level passed is no rival beaten; "at" after a result verb gives a result
    ("Attacks on some providers exceed 90% success rate.", [], [("success rate", 90.0, "%", "reaches", "more than", None, None, None, ())]),
    ("With LoRA-Q, accuracy is maintained at around 93%.", [("LoRA-Q", M), ("accuracy", X)],
     [("accuracy", 93.0, "%", "reaches", "about", None, None, None, ())]),
    # --- numbers that are no findings: settings, shares of a population, counts, thresholds, years
    ("We train on 50% of the data and evaluate on the rest.", [], []),
    ("Only 10% of the labels are used for fine-tuning BERT.", [("BERT", MO)], []),
    ("We keep the top 5% of tokens by attention score.", [], []),
    ("We randomly mask 15% of the input tokens.", [], []),
    ("The masking ratio is 15% and the dropout rate is 0.1.", [], []),
    ("About 20% of participants preferred the summaries of GPT-4.", [("GPT-4", MO)], []),
    ("Models fine-tuned with 10% labels transfer well to CIFAR-10.", [("CIFAR-10", D)], []),
    ("At 50% sparsity, the pruned network still runs on a phone.", [], []),
    ("The detector reaches 71% precision at 90% recall.", [("precision", X), ("recall", X)],
     [("precision", 71.0, "%", "reaches", None, None, None, None, ())]),
    ("Detections count as correct at an IoU of 0.5.", [("IoU", X)], []),
    ("Each point cloud has 2048 points and each scene 8 times more.", [], []),
    ("The new corpus is 5x larger than SQuAD.", [("SQuAD", D)], []),
    ("The model reaches 9% in some cases.", [], []),
    # someone else's unnamed systems: a clause after ":" has a subject of its own; ", with X V-ing"; "X with V"
    ("We test 12 VLMs on TextVQA: the best models reach only 50% accuracy.", [("TextVQA", D), ("accuracy", X)], []),
    ("Curated prompts yield high attack success rates, with some providers exceeding 90%.", [("attack success rates", X)], []),
    ("The accuracy of our method is equivalent to ones using HSI imaging (81%-91%).", [], []),
    # without a measure, a change must be said at the value, not by a comparative a clause away
    ("FAST yields a higher share of features, for Llama3.2-3B-Instruct, 21.1% scored in the top range.",
     [("FAST", M), ("Llama3.2-3B-Instruct", MO)], []),
    ("On a GPU, shared memory is 15x faster than DRAM.", [], []),
    ("We report results on the subset with 100% annotator agreement.", [], []),
    ("Our model beats Transformers with up to 3.5x more parameters.", [("Transformers", A)], []),
    ("In 2023, we trained GPT-4 on 3 tasks with LLaVA-1.5-7B.", [("GPT-4", MO), ("LLaVA-1.5-7B", MO)], []),
    ("We pad each image to 512 × 512 so that the feature map is 16 x 16.", [], []),
    ("The weight decay went from 1 × 10 −5 to 1 × 10 1 over 20,000 times.", [], []),
]


@pytest.mark.parametrize("text,tags,expected", CASES)
def test_findings_sentence_table(nlp, text, tags, expected):
    doc = run(nlp, text, tags)
    assert [view(f) for f in doc._.kg_findings] == expected


PROPOSED = "We propose NovaNet, a sparse detector. "


@pytest.mark.parametrize("text,expected", [
    # the paper's own method is the subject where the sentence names none ...
    ("Experiments show a 4.2% mAP gain on COCO.", [("mAP", "NovaNet")]),
    ("Our method reaches 55% mAP on COCO.", [("mAP", "NovaNet")]),
    # ... but not where the clause is about someone else's, unless the paper's own words come later
    ("Existing detectors reach only 40% mAP on COCO.", []),
    ("Existing detectors reach only 40% mAP, while our method reaches 55% mAP on COCO.", [("mAP", "NovaNet")]),
    ("Starting from a supervised baseline with 48.9% mAP, our method reaches 55% mAP.", [("mAP", "NovaNet")]),
    ("Our model outperforms the best baselines with a 5% mAP gain.", [("mAP", "NovaNet")]),
    # a coordinated value and a participle are said of what the value before them is said of
    ("Even the best models reach 40% mAP on COCO and 20% on LVIS.", []),
    # a mention of another type where the subject stands (a mistyped name) is not the proposed method
    ("The proposed CrowdDet method gains 10% mAP.", [("mAP", None)]),
    # a named system before the value wins over the paper's own
    ("On COCO, RetinaNet reaches 39% mAP.", [("mAP", "RetinaNet")]),
])
def test_findings_subject_defaults_to_the_proposed_method(nlp, text, expected):
    names = {"NovaNet": M, "mAP": X, "COCO": D, "RetinaNet": M, "LVIS": D, "CrowdDet": D}
    words = (PROPOSED + text).replace(",", " ").replace(".", " ").split()
    doc = run(nlp, PROPOSED + text, [(w, names[w]) for w in words if w in names])
    got = [(f["metric"], f["subject"].text if f["subject"] is not None else None) for f in doc._.kg_findings]
    assert got == expected


@pytest.mark.parametrize("text,tags,metric,label,rule", [
    # no mention covers the measure: the component tags it, so the finding links to a Metric node
    ("DeltaNet cuts inference time by 40%.", [("DeltaNet", M)], "inference time", "Metric", "find.metric_heads"),
    ("DeltaNet cuts memory usage by 40%.", [("DeltaNet", M)], "memory usage", "Metric", "find.metric_heads"),
    # a tagged mention is linked as it is
    ("DeltaNet cuts FID by 40%.", [("DeltaNet", M), ("FID", X)], "FID", "Metric", "test"),
])
def test_findings_metric_phrase_becomes_a_metric_mention(nlp, text, tags, metric, label, rule):
    doc = run(nlp, text, tags)
    (f,) = doc._.kg_findings
    assert f["metric"] == metric and f["metric_mention"].text == metric
    ent = next(e for e in doc.ents if e.text == metric)
    assert (ent.label_, ent.id_) == (label, rule)


@pytest.mark.parametrize("text,tags,metric", [
    # the measure in parentheses right after the value
    ("RoBERTa improves over XLNet by 0.4 points (EM) and 0.6 points (F1).", [("RoBERTa", MO), ("XLNet", MO), ("EM", X), ("F1", X)], "F1"),
    # a direction noun that is a measure word itself
    ("GemFilter achieves a 2.4x speedup over SnapKV.", [("GemFilter", M), ("SnapKV", M)], "speedup"),
    ("GemFilter achieves a 2.4x speed-up over SnapKV.", [("GemFilter", M), ("SnapKV", M)], "speed-up"),
])
def test_findings_metric_of_the_last_value(nlp, text, tags, metric):
    doc = run(nlp, text, tags)
    f = doc._.kg_findings[-1]
    assert f["metric"] == metric and f["metric_mention"] is not None and f["metric_mention"].label_ == "Metric"


@pytest.mark.parametrize("text,tags,name,label", [
    ("ColmmBERT-base-TR yields up to +13.8% mAP.", [("mAP", X)], "ColmmBERT-base-TR", "Method"),
    ("The LoG detector alone attained 84% accuracy.", [("accuracy", X)], "LoG", "Method"),
    ("Our HyenaX model reaches 71% accuracy.", [("accuracy", X)], "HyenaX", "Model"),
])
def test_findings_subject_name_becomes_a_mention(nlp, text, tags, name, label):
    doc = run(nlp, text, tags)
    (f,) = doc._.kg_findings
    assert f["subject"].text == name
    ent = next(e for e in doc.ents if e.text == name)
    assert (ent.label_, ent.id_) == (label, "find.subject_name")


@pytest.mark.parametrize("text,tags", [
    # no name, a name inside a prepositional phrase, a value dropped: no mention is made
    ("The detector alone attained 84% accuracy.", [("accuracy", X)]),
    ("Attacks on GPT-style models reach 84% accuracy.", [("accuracy", X)]),
    ("The best LoG detectors attained 84% accuracy.", [("accuracy", X)]),
    ("We randomly mask 15% of the ViT patches.", []),
])
def test_findings_no_subject_name_mention(nlp, text, tags):
    doc = run(nlp, text, tags)
    assert not [e for e in doc.ents if e.id_ == "find.subject_name"]


@pytest.mark.parametrize("text", [
    # a vague measure stays text, a lone modifier-less word ("time") names no measure
    "DeltaNet improves performance by 12%.",
    "DeltaNet saves time by 40%.",
])
def test_findings_vague_measures_make_no_metric_mention(nlp, text):
    doc = run(nlp, text, [("DeltaNet", M)])
    assert [e.text for e in doc.ents] == ["DeltaNet"]
    assert all(f["metric_mention"] is None for f in doc._.kg_findings)


def test_findings_carry_offsets_text_and_rule(nlp):
    text, tags, _ = CASES[0]
    doc = run(nlp, text, tags)
    for f in doc._.kg_findings:
        assert doc.text[f["start"] : f["end"]] == f["text"]
        assert str(f["value"]).rstrip("0").rstrip(".") in f["text"]
        assert f["rule"].startswith("find.")


def test_findings_dicts_build_records(nlp):
    """The dicts carry exactly kg.records.Finding's fields (spans aside), so kg.extract can build records."""
    doc = run(nlp, *CASES[1][:2])
    fields = {f.name for f in dataclasses.fields(Finding)} - {"sent"}
    assert all(set(f) == fields for f in doc._.kg_findings)


def test_findings_records_index_mentions_and_pickle(nlp):
    text, tags, _ = CASES[1]
    doc = run(nlp, text, tags)
    ext = doc_to_extraction(doc, Paper(id="p", title=None, text=text, source="t"))
    ext = pickle.loads(pickle.dumps(ext))
    names = [(ext.mentions[f.subject].text, ext.mentions[f.compared_to].text, ext.mentions[f.metric_mention].text)
             for f in ext.findings]
    assert names == [("SwiftServe", "vLLM", "throughput"), ("SwiftServe", "vLLM", "p99 latency")]
