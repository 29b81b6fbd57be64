"""Build rules/lexicon_*.jsonl from the raw name lists in a lexicon folder.

Usage: python tools/curate_lexicons.py /work/shared/lexicons [--out rules]

The raw lists (Papers with Code dumps, Hugging Face transformers' model
families; see the folder's SOURCES.md) are noisy: leaderboard strings,
table columns, ordinary English words. This script keeps names that look like
names and writes one rule per surface form:

    {"label", "pattern", "id", "source", "case_sensitive", "ambiguous"}

Decisions (each measured on development data, none copied from it):
- leaderboard strings with brackets, "+", "*", "@", commas, URLs or more than
  a few words are dropped; so are names that are digits only or 1 character;
- a name whose lower-case form is a generic word (model, data, ...) is dropped;
- an ``ambiguous`` name (ordinary English word) is kept but flagged: the
  lexicon component matches it only with its exact case and not at the start
  of a sentence;
- a ``case_sensitive`` name is matched with its exact case only;
- a name that occurs in several lists goes to the first list in LIST_ORDER
  (a curated model family beats a method of the same name, etc.);
- one capitalised ordinary word ("Survey", "Sentence", "Heuristic",
  "Attention", "Multi-Modal", "Multi-View") is a table header or title word,
  not a task, metric, method or leaderboard model name: dropped (models from
  the curated transformers list are kept);
- a dataset "name" of 2-3 capital letters (SSL, MLM, MIT, RTE, QQP) collides
  with common acronyms and affiliations far more often than it names the
  dataset alone: it is kept as a *list-only* name (rule id ending in ``-ctx``),
  which kg tags only as an item of a list of datasets ("MNLI, QNLI, RTE and
  STS-B"); the context and acronym rules still find it when the text says
  "the XYZ dataset" or defines it;
- a leaderboard model's all-capital acronym of 2-4 letters (NP, OCR, SW, DNN)
  is a common acronym alone far more often than that model: list-only too
  (the curated transformers names, BERT, CLIP, stay);
- a short dataset acronym (up to 4 characters) that a task, method or metric
  list also holds (NER, MLM, STS) is list-only too; a Metric entry that is a
  dataset's name is a table column named after the benchmark (RTE, MRPC):
  dropped;
- a mixed-case Dataset / Model name is matched with its exact case, except a
  single coined word of 6+ characters whose lower case is no common word and
  that no list spells otherwise ("BookCorpus" also as "BOOKCORPUS", "RoBERTa"
  also as "Roberta"; "SuperGLUE" / "SuperGlue" stay exact); all lower case
  it may be a word ("ReTouch" / "retouch"), so such a rule's id ends in
  ``-recased`` and kg_lexicon skips an all-lower-case match of it;
- names that differ only in case from a name already kept are kept when both
  are matched with their exact case and the later one is in the same list or
  is a dataset ("BERT-Large" beside "BERT-large"; "SuperGLUE" the benchmark
  beside "SuperGlue" the matcher model; but "ConvNeXt" of the method list
  does not join "ConvNext" of the model list);
- a multi-word Dataset / Model entry made only of common English words
  ("Social Media", "Supplementary Material", "Sparse Coding") is no proper
  name: a Dataset entry is marked ``ambiguous`` (matched with its exact case,
  not opening a sentence), a leaderboard Model entry is dropped;
- a Dataset entry of common words that the task list also holds and whose
  head is a task's process noun ("Change Detection", "Visual Question
  Answering") is that task: left to the task list;
- a task acronym that the dataset list also holds (RTE, WNLI, MRPC) is a
  benchmark's name at least as often as the task's: dropped;
- a task whose head noun names a technique ("sentence embeddings",
  "representation learning", "unsupervised pre-training", "inductive bias")
  is relabelled Method (rule id ``lex.method.pwc-task``);
- the rest of the task list is judged by its head noun (:func:`task_label`;
  the head is the last word, or the last word before a preposition when the
  last word is no process noun: "Action Recognition In Videos"). A task is
  named by a process noun: one ending in -tion/-sion/-ment/-sis/-ing/-val
  (detection, assessment, analysis, tracking, retrieval), one of
  :data:`TASK_PROCESS_HEADS` (search, transfer, odometry, similarity, ...),
  a task acronym (:data:`TASK_ACRONYMS`: "Cross-Lingual NER", "STS"), or a
  conversion ("Text to Speech"). A head that names a technique
  (:data:`TECHNIQUE_TASK_HEADS`: "Thompson Sampling", "Data Augmentation",
  "Gaussian Processes", "Collaborative Filtering") makes the entry a Method,
  and so does an ambiguous head after a technique adjective ("Bayesian
  Inference", "Stochastic Optimization"; but "Natural Language Inference" is
  a task). Any other entry names data ("Time Series", "Point Clouds"), a
  thing ("Large Language Model", "Recommendation Systems"), a concept or
  field ("Feature Importance", "World Knowledge", "Remote Sensing"), a
  leaderboard cell ("Task 2", "BraTS2021", "SSIM") or an exam subject
  ("High School Physics"): dropped;
- a method entry named "... Network(s)" / "... Net" ("Feature Pyramid
  Network", "Graph Attention Networks") describes a network design: typed
  Architecture (``lex.architecture.pwc-method``, kept in lexicon_method.jsonl);
- a leaderboard "model" whose coined name ends in a technique's part
  ("GraphMix", "FixMatch", "AutoAugment", "RepLoss") is a Method
  (``lex.method.pwc-model``);
- a Metric entry that ends in a full stop ("Avg.", "Comb.") or is a common
  word in capitals ("KEEP", "SUCCESS") is a cut table header: dropped;
- common English words are no dataset or model names. A word is common when
  it is a spaCy stop word, is written in lower case in running text of the
  example corpus (``seeds/``), is a word of two or more multi-word task names
  or method long forms, or is flagged ``ambiguous`` by the raw lists. A
  single-word Dataset or (leaderboard) Model entry that is such a word
  ("Restricted", an alias of a grammar benchmark) is dropped, whatever its
  case; so is one the raw list flags ``ambiguous`` (company, city and person
  names: the raw Dataset list holds them as names of one-off data sets); a
  curated transformers model name that is a common word ("Whisper") is kept
  but marked ``ambiguous``; an all-capital entry whose lower case is a common
  word ("DROP") is matched with its exact case only (a surviving single-word
  dataset name such as "Charades" is still matched in any case: papers write
  it in lower case too);
- a short entry (up to 4 characters) needs a digit or two capitals ("SST2",
  "CoLA"); a capitalised short word ("Mall") is dropped from Dataset and Model;
- company and software names (:data:`NOT_DATA_NAMES`) are neither datasets
  nor models;
- the same run writes, into ``rules/lineage.json``, the families that
  :func:`kg.lineage.parse_model_name` must not split: ``dataset_families``
  (single-word dataset names and the stems of dataset names with a number,
  "Kinetics-400" -> "kinetics", less any stem the model lists also number)
  and ``depth_families`` (stems the model and method lists write with a
  two- or three-digit depth, "VGG-16" -> "vgg", less dataset stems).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.io import atomic_write  # noqa: E402

# list file -> (kg label, rule id, licence of the content)
LISTS = {
    "hf-transformers_models.jsonl": ("Model", "lex.model.hf", "Apache-2.0"),
    "merged_models.jsonl": ("Model", "lex.model.pwc", "CC-BY-SA-4.0"),
    "merged_datasets.jsonl": ("Dataset", "lex.dataset.pwc", "CC-BY-SA-4.0"),
    "merged_methods.jsonl": ("Method", "lex.method.pwc", "CC-BY-SA-4.0"),
    "merged_tasks.jsonl": ("Task", "lex.task.pwc", "CC-BY-SA-4.0"),
    "merged_metrics.jsonl": ("Metric", "lex.metric.pwc", "CC-BY-SA-4.0"),
}
LIST_ORDER = list(LISTS)
OUT_NAME = {"Model": "lexicon_model.jsonl", "Dataset": "lexicon_dataset.jsonl", "Method": "lexicon_method.jsonl",
            "Task": "lexicon_task.jsonl", "Metric": "lexicon_metric.jsonl",
            # the method list's networks ("Graph Convolutional Network") stay in its file, typed Architecture
            "Architecture": "lexicon_method.jsonl"}

# Generic nouns that the raw lists contain as names but that name nothing in particular.
GENERIC = {
    "model", "models", "data", "dataset", "datasets", "method", "methods", "network", "networks", "baseline",
    "baselines", "ours", "test", "train", "training", "dev", "val", "validation", "all", "average", "overall",
    "score", "system", "systems", "approach", "algorithm", "task", "tasks", "benchmark", "corpus", "framework",
    "architecture", "module", "layer", "loss", "time", "speed", "size", "params", "parameters", "none", "other",
    "mean", "total", "error", "result", "results", "value", "base", "large", "small", "best", "single", "ensemble",
    "english", "chinese", "german", "french", "text", "image", "images", "video", "audio", "language", "general",
    "simple", "standard", "original", "proposed", "full", "new", "human", "humans", "random", "default",
    "neural net", "neural nets",
}
_BAD_CHARS = re.compile(r"[()\[\]{}+*@,;:=<>|\\#%$?!\"“”‘’\x00-\x1f]|https?|www\.|\.com|\.\.")
_HAS_ALNUM = re.compile(r"[A-Za-z]")
# Papers with Code "methods" include many named models; a coined name ending like a model family is a Model
_MODEL_FAMILY = re.compile(r"(?:BERT|BERTa|GPT|ELMo|XLM|T5|BART|XLNet|ViT|CLIP|LLaMA|Llama|ELECTRA|Former|former|LM)(?:-[A-Z0-9][A-Za-z0-9.]*)?$")


# Broadly known companies and software that the raw Dataset / Model lists hold as
# names (a leaderboard row "run with PyTorch", a corpus "from Microsoft"): kg
# types neither as data nor as a model. General knowledge, not taken from any
# evaluation text.
NOT_DATA_NAMES = {
    "microsoft", "openai", "nvidia", "meta", "deepmind", "baidu", "alibaba", "tencent", "huawei", "ibm",
    "apple", "intel", "samsung", "anthropic", "salesforce", "bytedance", "adobe", "uber", "sony", "qualcomm",
    "pytorch", "keras", "jax", "scikit-learn", "sklearn", "numpy", "scipy", "pandas", "matlab", "opencv",
    "python", "java", "javascript", "cuda", "linux", "windows", "android", "ios", "ubuntu", "docker",
    "xgboost", "lightgbm", "catboost", "spark", "hadoop", "onnx", "tensorrt", "openvino", "caffe", "theano", "mxnet",
    "tensorflow", "tflite", "paddlepaddle", "mindspore", "github", "huggingface",
}
# two or more capitals, or a digit: what a short name needs to be told from a word
_SHORT_NAME_OK = re.compile(r"[0-9]|[A-Z].*[A-Z]")
# a word of a longer name: letters only, capitalised or not ("Extraction", "of")
_VOCAB_WORD = re.compile(r"^[A-Z]?[a-z]+$")
_LOWER_WORD = re.compile(r"\b[a-z]{2,30}\b")
# a dataset name's stem and its number ("Kinetics-400", "UCF101", "SST 2", "NYUv2")
_NUMBERED = re.compile(r"^([A-Za-z][A-Za-z.]{0,40}?[A-Za-z])(?:[\s_\-]|(?=[vV]?\d))[vV]?\d{1,4}(?:\.\d+)*[A-Za-z]?$")
# a model's stem and a depth ("VGG-16", "ResNet101")
_DEPTH = re.compile(r"^([A-Za-z][A-Za-z.\-]{0,40}?[A-Za-z])[\s_\-]?\d{2,3}$")
_SINGLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.\-]{0,40}[A-Za-z]$")


def read_list(path: Path) -> list[dict]:
    """The JSON objects of one raw list, or exit with a one-line error naming the file."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("//"):
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            sys.exit(f"{path}:{n}: malformed JSON line ({exc.msg})")
    return out


def _all_names(entry: dict) -> list[str]:
    return [" ".join(n.split()) for n in [entry["name"], *(entry.get("aliases") or [])] if n]


def common_words(lexicon_dir: Path, seeds_dir: Path | None = REPO / "seeds") -> frozenset[str]:
    """Lower-case common English words (see the module docstring for the sources)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = set(STOP_WORDS)
    if seeds_dir is not None and seeds_dir.is_dir():
        for path in sorted(seeds_dir.rglob("*.txt")):
            # a word written in lower case in prose is a word, not a name (names keep their capitals)
            words.update(_LOWER_WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    counts: dict[str, int] = {}
    for fname in ("merged_tasks.jsonl", "merged_methods.jsonl", "merged_metrics.jsonl"):
        path = lexicon_dir / fname
        if not path.exists():
            continue
        for entry in read_list(path):
            phrases = [entry["name"]] if fname == "merged_tasks.jsonl" else [entry.get("full_name") or ""]
            for phrase in phrases:
                tokens = phrase.split()
                if len(tokens) < 2:
                    continue
                for tok in {t for t in tokens if _VOCAB_WORD.match(t)}:
                    counts[tok.lower()] = counts.get(tok.lower(), 0) + 1
    words.update(w for w, c in counts.items() if c >= 2 and len(w) > 2)
    for fname in LISTS:
        path = lexicon_dir / fname
        if path.exists():
            words.update(e["name"].lower() for e in read_list(path) if e.get("ambiguous") and " " not in e["name"])
    return frozenset(words)


def lineage_families(lexicon_dir: Path) -> dict[str, list[str]]:
    """``dataset_families`` and ``depth_families`` for rules/lineage.json (lower case, sorted)."""
    model_names: set[str] = set()
    model_stems: set[str] = set()
    depth: set[str] = set()
    for fname in ("hf-transformers_models.jsonl", "merged_models.jsonl", "merged_methods.jsonl"):
        for entry in read_list(lexicon_dir / fname):
            for name in _all_names(entry):
                model_names.add(name.lower())
                if m := _NUMBERED.match(name):
                    model_stems.add(m.group(1).lower())
                if m := _DEPTH.match(name):
                    depth.add(m.group(1).lower())
    datasets: set[str] = set()
    dataset_stems: set[str] = set()
    for entry in read_list(lexicon_dir / "merged_datasets.jsonl"):
        for name in _all_names(entry):
            if m := _NUMBERED.match(name):
                dataset_stems.add(m.group(1).lower())
            elif _SINGLE_NAME.match(name):
                datasets.add(name.lower())
    # a stem both kinds of list number ("Florence-2" and a "Florence" data set) stays a model family;
    # stems of one or two letters are initials, which kg.lineage judges by shape
    data_fams = {s for s in dataset_stems - model_stems if len(s) > 2}
    data_fams |= {d for d in datasets - model_names if len(d) > 2}
    data_fams -= NOT_DATA_NAMES  # "TensorFlow-Lite" is software, not a version of a data set
    depth_fams = {s for s in depth - data_fams if len(s) > 2}
    return {"dataset_families": sorted(data_fams), "depth_families": sorted(depth_fams)}


def write_lineage(path: Path, families: dict[str, list[str]]) -> None:
    """Replace the generated lists in ``rules/lineage.json``, keeping its hand-written ones."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.update(families)
    # one key per line, so a diff shows which list changed
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in data.items())
    with atomic_write(path) as fh:
        fh.write("{\n" + body + "\n}\n")


# one ordinary word, capitalised or not, optionally hyphenated ("Survey", "Multi-Modal", "multiple-choice")
_PLAIN_WORD = re.compile(r"^[A-Za-z][a-z]+(?:-[A-Za-z][a-z]+)*$")
# a short all-capital acronym (SSL, MIT, RTE)
_SHORT_ACRONYM = re.compile(r"^[A-Z]{2,3}$")
# an all-capital leaderboard model acronym (NP, OCR, DNN, HAN)
_SHORT_CAPS = re.compile(r"^[A-Z]{2,4}$")
#: verdicts of :func:`name_verdict`
DROP, KEEP, LIST_ONLY = "drop", "keep", "list-only"
#: rule-id ending of list-only names (kg.pipeline.resolve tags them only inside a list of their kind)
LIST_ONLY_SUFFIX = "-ctx"
#: rule-id ending of mixed-case names matched in any case but all lower case (kg.pipeline.lexicon)
RECASED_SUFFIX = "-recased"
# a multi-word name's word: letters, capitalised or not, optionally hyphenated
_NAME_WORD = re.compile(r"^[A-Za-z][a-z]+(?:-[A-Za-z][a-z]+)*$")
#: a citation: "Liu et al.", "Liu et al 2019"; and, as a model name, "Chiu and Nichols"
_CITATION = re.compile(r"\bet al\b")
_TWO_AUTHORS = re.compile(r"^[A-Z][a-z]+ (?:and|&) [A-Z][a-z]+$")

# the last word of a leaderboard "model" made of common words that names a technique, not a model
# ("Sparse Coding", "Matrix Factorization", "Label Propagation", "Neural Architecture Search")
_TECHNIQUE_WORD = re.compile(r"(?:ing|[iy]zation|[iy]sation|propagation|search)$", re.I)
# the last word of a descriptive model name that is still a name ("Stochastic Answer Network",
# "Compressive Transformer", "Neural Semantic Encoder"); "... Model" is not ("Joint Model")
_NAMED_MODEL_HEAD = re.compile(r"(?:network|transformer|encoder|decoder|reader|parser|autoencoder)$", re.I)
# a mixed-case name matched in any case: one word of 6+ letters, digits and hyphens ("BookCorpus", "RoBERTa")
_RECASE_OK = re.compile(r"^[A-Za-z][A-Za-z0-9-]{5,}$")
# a hyphenated leaderboard name that ends like a model family is a name ("Go-Explore" is not, "Twin-Net" is)
_FAMILY_END = re.compile(r"-(?:net|transformer|reader|bert|gan|former|large|base|small)$", re.I)
# the head noun of a described network ("Feature Pyramid Network", "Highway networks", "Inflated 3D ConvNet")
_NETWORK_HEAD = re.compile(r"\s(?:[Nn]etworks?|[Nn]ets?|ConvNets?)$")
# the last part of a coined one-word name that makes a leaderboard "model" a training technique
# ("GraphMix", "FixMatch", "AutoAugment", "CutOut", "NeighborSampling", "RepLoss")
_TECHNIQUE_PART = re.compile(r"^[A-Za-z][A-Za-z0-9]*?[a-z0-9](?:Mix|Mixup|Match|Aug|Augment|Out|Sampling|Loss|Drop|Dropout)$")
# head nouns that make a "task" a technique (the Method list is where gold annotation and users expect them)
_TECHNIQUE_HEAD = re.compile(r"(?:embeddings?|learning|pre-?training|bias)$", re.I)

# --- the head noun of a task name (see task_label) ---------------------------------------------
# a task name's head is its last word before a preposition ("Action Recognition In Videos" -> recognition)
_TASK_PREP = re.compile(r"\s(?:in|of|from|on|for|with|within|using|via|under|by|at|over|across|without)\s", re.I)
# a process noun by its ending: detection, segmentation, assessment, analysis, tracking, retrieval
_PROCESS_SUFFIX = re.compile(r"(?:[st]ion|ment|[sy]sis|ing|val)$")
# process nouns without such an ending ("Style Transfer", "Code Search", "Visual Odometry")
TASK_PROCESS_HEADS = frozenset({
    "search", "transfer", "control", "design", "discovery", "recovery", "synthesis", "diagnosis", "odometry",
    "inference", "similarity", "retrosynthesis", "steganography", "dialog", "dialogue", "try-on", "try-off",
    "deblur", "summary", "forensics", "attribution", "entailment", "disambiguation", "imputation", "ranking",
    "defense", "repair", "constancy", "correspondence", "avoidance", "problem",
})
# acronyms that name a task ("Cross-Lingual NER", "Video Story QA"); other acronyms name data or devices (EEG, MRI)
TASK_ACRONYMS = frozenset({"ner", "qa", "vqa", "asr", "nmt", "mt", "nli", "mrc", "slam", "tts", "wsd", "srl", "ocr",
                           "htr", "iqa", "re", "ee", "absa", "kgc", "cqa", "sts", "pos", "nlu", "nlg"})
# heads with a process ending that name a field, a property or a thing, not a task
# ("Computer Vision", "Remote Sensing", "Electrical Engineering", "Human-Robot Interaction")
NOT_TASK_HEADS = frozenset({
    "sensing", "engineering", "computing", "processing", "interaction", "interactions", "communication",
    "communications", "intelligence", "imaging", "setting", "settings", "function", "functions", "position",
    "emotion", "emotions", "question", "questions", "expression", "expressions", "session", "version",
    "accounting", "preserving", "forgetting", "development", "deployment",
})
# heads that name a technique: such a "task" is a Method ("Thompson Sampling", "Data Augmentation",
# "Collaborative Filtering", "Gaussian Processes", "Self-Knowledge Distillation", "Network Pruning")
TECHNIQUE_TASK_HEADS = frozenset({
    "sampling", "distillation", "augmentation", "filtering", "programming", "processes", "regularization",
    "pruning", "quantization", "prompting", "tuning", "fine-tuning", "finetuning", "training", "hashing",
    "attention", "descent", "propagation", "factorization", "boosting", "bagging", "pooling", "attack", "attacks",
    "embedding", "splatting", "caching",
})
# heads that name a task or, after a technique adjective, a technique ("Natural Language Inference" is a task,
# "Bayesian Inference" a method; "Hyperparameter Optimization" / "Stochastic Optimization")
AMBIGUOUS_TASK_HEADS = frozenset({"inference", "optimization", "optimisation", "estimation", "search", "analysis"})
TECHNIQUE_ADJECTIVES = frozenset({
    "bayesian", "variational", "stochastic", "probabilistic", "riemannian", "metaheuristic", "evolutionary",
    "approximate", "amortized", "amortised", "gradient-based", "convex", "monte",
})
# a conversion task named by its input and output ("Text to Speech", "Image to 3D", "SQL-to-Text")
_CONVERSION_TASK = re.compile(r"^(?![A-Za-z]+ing\b)[A-Za-z0-9]+(?: to |-to-)[A-Za-z0-9]+$", re.I)


def _head_kind(word: str) -> str | None:
    """"Task", "Method", "not" or None (unknown) for one lower-case head word (see task_label)."""
    base = word.rsplit("-", 1)[-1]  # "re-identification" -> "identification", "super-resolution"
    if base.endswith("ions"):
        base = base[:-1]  # "Session-Based Recommendations"
    if word in TECHNIQUE_TASK_HEADS or base in TECHNIQUE_TASK_HEADS:
        return "Method"
    if word in NOT_TASK_HEADS or base in NOT_TASK_HEADS:
        return "not"
    if word in TASK_PROCESS_HEADS or base in TASK_PROCESS_HEADS:
        return "Task"
    return "Task" if base.isalpha() and _PROCESS_SUFFIX.search(base) else None


def task_head(name: str) -> str:
    """The head noun of a task name, lower case: its last word when that is a process or technique
    noun ("Figure Of Speech Detection"), else its last word before a preposition ("Action
    Recognition In Videos" -> "recognition")."""
    words = name.split()
    if not words:
        return ""
    last = words[-1].lower()
    if _head_kind(last) in ("Task", "Method"):
        return last
    m = _TASK_PREP.search(name)
    words = (name[: m.start()] if m else name).split()
    return words[-1].lower() if words else ""


def task_label(name: str) -> str | None:
    """What a Papers with Code task name is: "Task", "Method" (a technique), or None (no task).

    A task is named by a process noun (detection, classification, retrieval, odometry, ...):
    see the module docstring for the head-noun rules. A one-word entry is a task only when
    it is such a noun ("Summarization"); one-word codes ("EEG", "SSIM", "BraTS2021") are data,
    metrics or leaderboard cells.
    """
    if _CONVERSION_TASK.match(name):
        return "Task"
    head = task_head(name)
    if not head:
        return None
    modifiers = {w.lower() for w in name.split()[:-1]}
    if head in AMBIGUOUS_TASK_HEADS and not modifiers.isdisjoint(TECHNIQUE_ADJECTIVES):
        return "Method"
    if head in TASK_ACRONYMS:
        return "Task"
    kind = _head_kind(head)
    return kind if kind in ("Task", "Method") else None


def keep_name(
    name: str, label: str, sources: list[str], common: frozenset[str] = frozenset(), flagged: bool = False
) -> bool:
    """Whether a raw name looks like a name worth matching, alone or in a list (see the module docstring).

    ``common`` is the set of common English words (:func:`common_words`);
    ``flagged`` says the raw list marks this very name ``ambiguous``.
    """
    return name_verdict(name, label, sources, common, flagged) != DROP


def all_common_words(name: str, common: frozenset[str]) -> bool:
    """True for a name of two or more words that are all common English words ("Social Media")."""
    words = name.split()
    return len(words) > 1 and all(_NAME_WORD.match(w) and all(p in common for p in w.lower().split("-")) for w in words)


def name_verdict(
    name: str, label: str, sources: list[str], common: frozenset[str] = frozenset(), flagged: bool = False
) -> str:
    """:data:`KEEP`, :data:`LIST_ONLY` or :data:`DROP` for one raw name (arguments as :func:`keep_name`)."""
    name = name.strip()
    if not _keep_shape(name, label, sources, common, flagged):
        return DROP
    if label == "Dataset" and _SHORT_ACRONYM.match(name):
        # SSL, MIT, RTE, QQP: common acronyms and affiliations alone, a benchmark in a list of benchmarks
        return LIST_ONLY
    if label == "Model" and "hf-transformers" not in sources and _SHORT_CAPS.match(name):
        # NP, OCR, SW, DNN, MTL: a leaderboard row's acronym is a common acronym alone, a model in a list of models
        return LIST_ONLY
    if label == "Model" and "hf-transformers" not in sources and all_common_words(name, common) \
            and not _NAMED_MODEL_HEAD.search(name):
        # "Joint Model", "Deep Blue", "Sparse Coding": a leaderboard row's description, not a model's name
        # (a technique among them is relabelled Method by curate(), see _TECHNIQUE_WORD)
        return DROP
    return KEEP


def _keep_shape(name: str, label: str, sources: list[str], common: frozenset[str], flagged: bool) -> bool:
    """The checks of :func:`name_verdict` that drop a name outright."""
    if len(name) < 2 or not _HAS_ALNUM.search(name) or _BAD_CHARS.search(name):
        return False
    if name.lower() in GENERIC:
        return False
    if _CITATION.search(name) or (label == "Model" and _TWO_AUTHORS.match(name)):
        # leaderboard rows named after a paper ("Liu et al.", "Peters et al. 2018") are citations, not names
        return False
    curated = "hf-transformers" in sources
    if label in ("Model", "Dataset") and name.lower() in NOT_DATA_NAMES:
        return False
    if label in ("Model", "Dataset") and not curated and " " not in name and _PLAIN_WORD.match(name):
        # "Restricted", "Sketch", a company or a surname: a word first, a data set only in context
        if name.lower() in common or flagged:
            return False
        if len(name) <= 4 and not _SHORT_NAME_OK.search(name):
            return False
    words = name.split()
    max_words = {"Model": 3, "Dataset": 5, "Method": 5, "Task": 5, "Metric": 3}[label]
    if len(words) > max_words:
        return False
    if label == "Model" and sources and set(sources) <= {"pwc-evaltables-2020"}:
        # one-off leaderboard rows: keep only single-token names with a capital (e.g. "EfficientNet-B7")
        if len(words) > 1 or not re.search(r"[A-Z]", name[1:] + name[:1]):
            return False
    if label == "Metric":
        # table columns are mostly not metrics; keep compact names and names ending in a metric noun
        if len(words) > 1 and not re.search(r"(score|rate|error|accuracy|precision|recall|distance|loss|ratio|index|F1)$", name, re.I):
            return False
    if len(name) == 2 and not name.isupper():
        return False
    if label in ("Model", "Dataset") and "hf-transformers" not in sources and not re.search(r"[A-Z0-9]", name):
        # names of models and datasets are proper names; all-lower-case entries are leaderboard words
        return False
    if len(words) == 1 and _PLAIN_WORD.match(name) and not (label == "Model" and "hf-transformers" in sources):
        # a capitalised ordinary word is a header or title word ("Survey", "Heuristic", "Understanding")
        if label in ("Task", "Metric", "Method") or (label == "Model" and not _FAMILY_END.search(name)):
            return False
    if label == "Task" and len(words) == 1 and name.islower():
        # one lower-case word ("parsing", "regression") is a task only in context; lexicon_core.jsonl keeps the safe ones
        return False
    if label == "Metric" and (len(name) <= 2 or (len(words) == 1 and name.islower())):
        # single lower-case column headers ("count", "length"); real metric words are in lexicon_core.jsonl
        return False
    if label == "Metric" and (name.endswith(".") or (name.isupper() and len(name) > 3 and name.lower() in common)):
        # cut column headers ("Avg.", "Comb.") and shouted words ("KEEP", "DELETE"): no metric's name
        return False
    return True


def _names_by_label(lexicon_dir: Path) -> dict[str, set[str]]:
    """Lower-cased names (and aliases) of each list, to spot names that several lists claim."""
    out: dict[str, set[str]] = {}
    for fname, (label, _, _) in LISTS.items():
        path = lexicon_dir / fname
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                entry = json.loads(line)
                for name in [entry["name"], *(entry.get("aliases") or [])]:
                    out.setdefault(label, set()).add(name.lower())
    return out


def curate(lexicon_dir: Path, common: frozenset[str] | None = None) -> dict[str, list[dict]]:
    """Curated rules per kg label, from the raw lists in ``lexicon_dir``.

    ``common`` defaults to :func:`common_words` of the folder and kg's seeds.
    """
    if common is None:
        common = common_words(lexicon_dir)
    # lower-case name -> the exact forms kept, or None when one was kept case-insensitively
    seen: dict[str, set[str] | None] = {}
    seen_label: dict[str, str] = {}  # lower-case name -> the raw list label it was first kept under
    # lower-case name -> its spellings across every list ("SuperGLUE" and "SuperGlue" share one key)
    variants: dict[str, set[str]] = {}
    for fname in LIST_ORDER:
        if (lexicon_dir / fname).exists():
            for entry in read_list(lexicon_dir / fname):
                for name in _all_names(entry):
                    variants.setdefault(name.lower(), set()).add(name)
    list_only: dict[str, dict] = {}  # lower-case name -> its list-only rule
    by_label = _names_by_label(lexicon_dir)
    out: dict[str, list[dict]] = {label: [] for label in OUT_NAME}
    for fname in LIST_ORDER:
        label, rule_id, licence = LISTS[fname]
        path = lexicon_dir / fname
        if not path.exists():
            sys.exit(f"{path}: missing lexicon list")
        for entry in read_list(path):
            sources = entry.get("sources") or ["hf-transformers"]
            names = [entry["name"], *(entry.get("aliases") or [])]
            if entry.get("full_name") and label in ("Dataset", "Method", "Metric"):
                names.append(entry["full_name"])
            for i, name in enumerate(names):
                name = " ".join(name.split())
                verdict = name_verdict(name, label, sources, common, bool(entry.get("ambiguous")) and i == 0)
                technique = (label == "Model" and verdict == DROP and "hf-transformers" not in sources
                             and all_common_words(name, common) and _TECHNIQUE_WORD.search(name)
                             and _keep_shape(name, label, sources, common, False))
                if verdict == DROP and not technique:
                    continue
                key = name.lower()
                if key in seen and (seen[key] is None or name in seen[key]
                                    or (label != "Dataset" and label != seen_label[key])):
                    # a case variant is kept in its first list's label ("ConvNeXt" stays a Model), or as a
                    # benchmark whose name a model's differs from only in case ("SuperGLUE" / "SuperGlue")
                    continue
                others = [lab for lab, names in by_label.items() if lab != label and key in names]
                if label == "Model" and "Dataset" in others and "hf-transformers" not in sources:
                    # leaderboard rows name the dataset they were run on ("ImageNet"): a dataset name wins
                    continue
                if label == "Dataset" and "Task" in others and all_common_words(name, common) \
                        and task_label(name) == "Task":
                    # "Change Detection", "Visual Question Answering": a task's name first, the task list keeps it
                    continue
                if label in ("Task", "Metric") and "Dataset" in others and name.isupper() and len(name) <= 5:
                    # RTE, WNLI, MRPC: a benchmark's name, as a task or a table column named after it
                    continue
                if others and len(name) <= 4 and label in ("Model", "Dataset") and "hf-transformers" not in sources:
                    # a short acronym that is also a task / method / metric name (NER, MLM, STS): a dataset only
                    # in a list of datasets, a model never
                    if label == "Model":
                        continue
                    verdict = LIST_ONLY
                out_label, out_id = label, rule_id
                if technique or (label == "Model" and "hf-transformers" not in sources
                                 and _TECHNIQUE_PART.search(name)):
                    # "Sparse Coding"; "GraphMix", "FixMatch", "AutoAugment": a training technique's coined name
                    out_label, out_id = "Method", "lex.method.pwc-model"
                elif label == "Method" and " " not in name and _MODEL_FAMILY.search(name):
                    out_label, out_id = "Model", "lex.model.pwc-method"
                elif label == "Method" and " " in name and _NETWORK_HEAD.search(name):
                    # "Feature Pyramid Network", "Graph Attention Networks": a network design, not a technique
                    out_label, out_id = "Architecture", "lex.architecture.pwc-method"
                elif label == "Task" and _TECHNIQUE_HEAD.search(name):
                    out_label, out_id = "Method", "lex.method.pwc-task"
                elif label == "Task":
                    # "Time Series", "Feature Importance": no task; "Thompson Sampling": a technique
                    kind = task_label(name)
                    if kind is None:
                        continue
                    if kind == "Method":
                        out_label, out_id = "Method", "lex.method.pwc-task"
                ambiguous = bool(entry.get("ambiguous")) and i == 0
                case_sensitive = bool(entry.get("case_sensitive")) and i == 0
                recased = False
                if re.search(r"[A-Z]", name[1:]) and (" " not in name or label in ("Model", "Dataset")):
                    # mixed case (RoBERTa, SuperGLUE, mAP) is how the name is written; other cases are other words
                    case_sensitive = True
                    if label in ("Model", "Dataset") and _RECASE_OK.match(name) and name.lower() not in common \
                            and len(variants.get(key, ())) == 1 and not entry.get("case_sensitive"):
                        # ... unless it is a long coined word nothing else is spelt like: papers write
                        # "BOOKCORPUS", "Imagenet", "Roberta" for it too (but all lower case, "retouch",
                        # it is a word: the rule id's RECASED ending tells kg_lexicon to skip that)
                        case_sensitive = False
                        recased = True
                if len(name) <= 4 and name.isupper():
                    # short acronyms collide with words or other acronyms in lower case
                    case_sensitive = True
                if name.isupper() and name.lower() in common:
                    case_sensitive = True  # "DROP", "SONAR": the lower case is the word
                if label == "Model" and " " not in name and name.lower() in common and name[1:].islower():
                    ambiguous = True  # "Whisper", "Falcon": exact case, not as a sentence's first word
                if label == "Dataset" and all_common_words(name, common):
                    ambiguous = True  # "Social Media": a phrase in running text, a name only as written
                if key in seen and not (case_sensitive or ambiguous):
                    continue  # another case of this name is kept already; this one would match it too
                rule = {
                    "label": out_label, "pattern": name, "id": out_id,
                    "source": ",".join(sorted(sources)), "licence": licence,
                    "case_sensitive": case_sensitive, "ambiguous": ambiguous,
                }
                if recased:
                    rule["id"] += RECASED_SUFFIX
                if verdict == LIST_ONLY:
                    # decided after every list: a name another list keeps outright is not also list-only
                    rule["id"] += LIST_ONLY_SUFFIX
                    list_only.setdefault(key, rule)
                    continue
                seen[key] = (seen.get(key) or set()) | {name} if (case_sensitive or ambiguous) else None
                seen_label.setdefault(key, label)
                out[out_label].append(rule)
    for key, rule in list_only.items():
        if key not in seen:
            out[rule["label"]].append(rule)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: curate the lists in the given folder into rules/lexicon_*.jsonl."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lexicon_dir", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "rules")
    args = ap.parse_args(argv)
    if not args.lexicon_dir.is_dir():
        sys.exit(f"{args.lexicon_dir}: not a folder of lexicon lists")
    by_file: dict[str, list[dict]] = {}
    for label, rules in curate(args.lexicon_dir).items():
        by_file.setdefault(OUT_NAME[label], []).extend(rules)
    for fname, rules in by_file.items():
        rules.sort(key=lambda r: (r["id"], r["pattern"].lower()))
        target = args.out / fname
        with atomic_write(target) as f:
            for r in rules:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{target}: {len(rules)} rules", file=sys.stderr)
    families = lineage_families(args.lexicon_dir)
    write_lineage(args.out / "lineage.json", families)
    print(f"{args.out / 'lineage.json'}: " + ", ".join(f"{len(v)} {k}" for k, v in families.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
