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
  "Attention", "Multi-Modal") is a table header or title word, not a task,
  metric, method or leaderboard model name: dropped (models from the curated
  transformers list are kept);
- a dataset "name" of 2-3 capital letters (SSL, MLM, MIT) collides with
  common acronyms and affiliations far more often than it names the dataset:
  dropped (the context and acronym rules still find such a dataset when the
  text says "the XYZ dataset" or defines it);
- a task acronym that the dataset list also holds (RTE, WNLI, MRPC) is a
  benchmark's name at least as often as the task's: dropped;
- a task whose head noun names a technique ("sentence embeddings",
  "representation learning", "unsupervised pre-training", "inductive bias")
  is relabelled Method (rule id ``lex.method.pwc-task``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

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
            "Task": "lexicon_task.jsonl", "Metric": "lexicon_metric.jsonl"}

# Generic nouns that the raw lists contain as names but that name nothing in particular.
GENERIC = {
    "model", "models", "data", "dataset", "datasets", "method", "methods", "network", "networks", "baseline",
    "baselines", "ours", "test", "train", "training", "dev", "val", "validation", "all", "average", "overall",
    "score", "system", "systems", "approach", "algorithm", "task", "tasks", "benchmark", "corpus", "framework",
    "architecture", "module", "layer", "loss", "time", "speed", "size", "params", "parameters", "none", "other",
    "mean", "total", "error", "result", "results", "value", "base", "large", "small", "best", "single", "ensemble",
    "english", "chinese", "german", "french", "text", "image", "images", "video", "audio", "language", "general",
    "simple", "standard", "original", "proposed", "full", "new", "human", "humans", "random", "default",
}
_BAD_CHARS = re.compile(r"[()\[\]{}+*@,;:=<>|\\#%$?!\"“”‘’\x00-\x1f]|https?|www\.|\.com|\.\.")
_HAS_ALNUM = re.compile(r"[A-Za-z]")
# Papers with Code "methods" include many named models; a coined name ending like a model family is a Model
_MODEL_FAMILY = re.compile(r"(?:BERT|BERTa|GPT|ELMo|XLM|T5|BART|XLNet|ViT|CLIP|LLaMA|Llama|ELECTRA|Former|former|LM)(?:-[A-Z0-9][A-Za-z0-9.]*)?$")


# one ordinary word, capitalised or not, optionally hyphenated ("Survey", "Multi-Modal", "multiple-choice")
_PLAIN_WORD = re.compile(r"^[A-Za-z][a-z]+(?:-[A-Za-z][a-z]+)*$")
# a short all-capital acronym (SSL, MIT, RTE)
_SHORT_ACRONYM = re.compile(r"^[A-Z]{2,3}$")
# head nouns that make a "task" a technique (the Method list is where gold annotation and users expect them)
_TECHNIQUE_HEAD = re.compile(r"(?:embeddings?|learning|pre-?training|bias)$", re.I)


def keep_name(name: str, label: str, sources: list[str]) -> bool:
    """Whether a raw name looks like a name worth matching (see the module docstring)."""
    name = name.strip()
    if len(name) < 2 or not _HAS_ALNUM.search(name) or _BAD_CHARS.search(name):
        return False
    if name.lower() in GENERIC:
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
        if label in ("Task", "Metric", "Method") or (label == "Model" and name[1:].islower()):
            return False
    if label == "Dataset" and _SHORT_ACRONYM.match(name):
        # SSL, MLM, MIT: common acronyms and affiliations; context rules still find "the XYZ dataset"
        return False
    if label == "Task" and len(words) == 1 and name.islower():
        # one lower-case word ("parsing", "regression") is a task only in context; lexicon_core.jsonl keeps the safe ones
        return False
    if label == "Metric" and (len(name) <= 2 or (len(words) == 1 and name.islower())):
        # single lower-case column headers ("count", "length"); real metric words are in lexicon_core.jsonl
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


def curate(lexicon_dir: Path) -> dict[str, list[dict]]:
    """Curated rules per kg label, from the raw lists in ``lexicon_dir``."""
    seen: dict[str, str] = {}
    by_label = _names_by_label(lexicon_dir)
    out: dict[str, list[dict]] = {label: [] for label in OUT_NAME}
    for fname in LIST_ORDER:
        label, rule_id, licence = LISTS[fname]
        path = lexicon_dir / fname
        if not path.exists():
            sys.exit(f"{path}: missing lexicon list")
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            sources = entry.get("sources") or ["hf-transformers"]
            names = [entry["name"], *(entry.get("aliases") or [])]
            if entry.get("full_name") and label in ("Dataset", "Method", "Metric"):
                names.append(entry["full_name"])
            for i, name in enumerate(names):
                name = " ".join(name.split())
                if not keep_name(name, label, sources):
                    continue
                key = name.lower()
                if key in seen:
                    continue
                others = [lab for lab, names in by_label.items() if lab != label and key in names]
                if label == "Model" and "Dataset" in others and "hf-transformers" not in sources:
                    # leaderboard rows name the dataset they were run on ("ImageNet"): a dataset name wins
                    continue
                if label == "Task" and "Dataset" in others and name.isupper() and len(name) <= 5:
                    # RTE, WNLI, MRPC: as often the benchmark as the task
                    continue
                if others and len(name) <= 4 and label in ("Model", "Dataset") and "hf-transformers" not in sources:
                    # a short acronym that is also a task / method / metric name (NER, MLM, STS): too ambiguous
                    continue
                seen[key] = label
                out_label, out_id = label, rule_id
                if label == "Method" and " " not in name and _MODEL_FAMILY.search(name):
                    out_label, out_id = "Model", "lex.model.pwc-method"
                elif label == "Task" and _TECHNIQUE_HEAD.search(name):
                    out_label, out_id = "Method", "lex.method.pwc-task"
                ambiguous = bool(entry.get("ambiguous")) and i == 0
                case_sensitive = bool(entry.get("case_sensitive")) and i == 0
                if re.search(r"[A-Z]", name[1:]) and (" " not in name or label in ("Model", "Dataset")):
                    # mixed case (RoBERTa, SuperGLUE, mAP) is how the name is written; other cases are other words
                    case_sensitive = True
                if len(name) <= 4 and name.isupper():
                    # short acronyms collide with words or other acronyms in lower case
                    case_sensitive = True
                out[out_label].append({
                    "label": out_label, "pattern": name, "id": out_id,
                    "source": ",".join(sorted(sources)), "licence": licence,
                    "case_sensitive": case_sensitive, "ambiguous": ambiguous,
                })
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: curate the lists in the given folder into rules/lexicon_*.jsonl."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lexicon_dir", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "rules")
    args = ap.parse_args(argv)
    for label, rules in curate(args.lexicon_dir).items():
        rules.sort(key=lambda r: (r["id"], r["pattern"].lower()))
        target = args.out / OUT_NAME[label]
        with target.open("w", encoding="utf-8") as f:
            for r in rules:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{target}: {len(rules)} rules", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
