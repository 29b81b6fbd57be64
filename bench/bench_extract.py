"""Throughput of kg's extraction pipeline, in words per second, single process.

    python bench/bench_extract.py [FILES_OR_GLOBS ...] [--repeat N] [--batch-size B]

Reads the ``text`` field of every JSONL line in the given files (default: the
development evaluation files, ``../shared/eval/dev/*.jsonl`` next to the
repository); if none are found, it generates a synthetic corpus of abstract-like
sentences. It then times, over the same texts in the same run:

* spaCy's blank English tokenizer alone (the floor every spaCy pipeline pays);
* kg's full pipeline (``kg.pipeline.load_pipeline()``) via ``nlp.pipe``;
* spaCy's small English model (``en_core_web_sm``), only if it is installed.

Words are whitespace-separated tokens of the input text. Pipeline load time is
reported separately and excluded from the rate; one warm-up batch runs first.
Target: the kg pipeline at >= 50,000 words/s.
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GLOB = str(REPO.parent / "shared" / "eval" / "dev" / "*.jsonl")
TARGET_WORDS_PER_S = 50_000


def read_texts(patterns: list[str]) -> list[str]:
    """The ``text`` of every JSONL record in the files the patterns name (silently none if absent)."""
    texts = []
    for pattern in patterns:
        for name in sorted(glob.glob(pattern)) or ([pattern] if Path(pattern).is_file() else []):
            with open(name, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        text = json.loads(line).get("text")
                        if isinstance(text, str):
                            texts.append(text)
    return texts


def synthetic_texts(n: int = 2000, seed: int = 0) -> list[str]:
    """Abstract-like texts from templates and made-up names (no real corpus needed)."""
    rng = random.Random(seed)

    def name() -> str:
        stem = "".join(rng.choice("BCDFGKLMNPRSTVXZ") for _ in range(rng.randint(2, 4)))
        size = rng.choice(["7B", "base", "XL"])
        return rng.choice([stem, f"{stem}-{rng.randint(1, 9)}", f"{stem.title()}Net", f"{stem}-{size}"])

    templates = [
        "We propose {a}, a novel method for {task} that combines attention with sparse retrieval.",
        "Experiments on {d} show that {a} outperforms {b} by {x}% in accuracy.",
        "{a} is trained on {d} and evaluated on the {d2} benchmark.",
        "Compared with {b}, our approach reduces latency by up to {x}% while keeping F1 within {y} points.",
        "Large language models such as {a} have shown strong results on {task}, but they remain costly to deploy.",
        "We release code and models to support further research on {task}.",
    ]
    tasks = ["question answering", "image classification", "machine translation", "speech recognition",
             "semantic segmentation", "named entity recognition"]
    texts = []
    for _ in range(n):
        sents = [rng.choice(templates).format(a=name(), b=name(), d=name(), d2=name(), task=rng.choice(tasks),
                                              x=rng.randint(2, 60), y=round(rng.random(), 1))
                 for _ in range(rng.randint(5, 10))]
        texts.append(" ".join(sents))
    return texts


def time_pipe(nlp, texts: list[str], batch_size: int) -> float:
    """Seconds to run ``nlp.pipe`` over every text (after a one-batch warm-up)."""
    for _ in nlp.pipe(texts[:batch_size], batch_size=batch_size):
        pass
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - t0


def measure(label: str, load: Callable[[], object], texts: list[str], n_words: int, batch_size: int) -> float:
    """Load, time and print one pipeline; returns its words/second."""
    t0 = time.perf_counter()
    nlp = load()
    load_s = time.perf_counter() - t0
    secs = time_pipe(nlp, texts, batch_size)
    rate = n_words / secs
    print(f"{label:<28} {rate:>12,.0f} words/s   ({secs:6.2f} s; load {load_s:5.2f} s)")
    return rate


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print rates; exit 1 if kg's pipeline misses the target."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[DEFAULT_GLOB], help="JSONL files or globs (field 'text')")
    ap.add_argument("--repeat", type=int, default=1, help="repeat the corpus N times (steadier timings)")
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args(argv)

    import spacy

    sys.path.insert(0, str(REPO))
    from kg.pipeline import load_pipeline

    texts = read_texts(args.paths)
    source = f"{len(texts)} texts from {', '.join(args.paths)}"
    if not texts:
        texts = synthetic_texts()
        source = f"{len(texts)} synthetic texts (no input files found)"
    texts = texts * max(1, args.repeat)
    n_words = sum(len(t.split()) for t in texts)
    print(f"corpus: {source}, x{max(1, args.repeat)} = {n_words:,} words; single process, batch {args.batch_size}")

    blank = measure("spaCy blank('en') tokenizer", lambda: spacy.blank("en"), texts, n_words, args.batch_size)
    kg_rate = measure("kg pipeline", load_pipeline, texts, n_words, args.batch_size)
    print(f"{'kg / tokenizer':<28} {kg_rate / blank:>12.2f} x")
    if spacy.util.is_package("en_core_web_sm"):
        sm = measure("spaCy en_core_web_sm", lambda: spacy.load("en_core_web_sm"), texts, n_words, args.batch_size)
        print(f"{'kg / en_core_web_sm':<28} {kg_rate / sm:>12.2f} x")
    else:
        print("spaCy en_core_web_sm: not installed, skipped")
    met = kg_rate >= TARGET_WORDS_PER_S
    print(f"target kg >= {TARGET_WORDS_PER_S:,} words/s: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
