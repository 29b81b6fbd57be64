"""A corpus of N papers for the benchmarks, replicated from real abstracts.

The pool is every paper in ``seeds/`` plus the texts of ``../shared/eval/dev``
(real ML paper abstracts and paragraphs that no rule was written from). Copy
``i`` of the pool gets its own synthetic arXiv id, so replicas are distinct
papers with the same text: the graph grows with N as a real corpus does
(paper nodes, mentions, evidence), while the entity vocabulary stays that of
the pool.

    python bench/corpus.py 10000 -o /tmp/papers-10k.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL_DEV = ROOT.parent / "shared" / "eval" / "dev"


def pool() -> list[tuple[str, str]]:
    """(title, text) of every real paper text available, in a fixed order."""
    sys.path.insert(0, str(ROOT))
    from kg.readers import read_papers

    out = [(p.title or "", p.text) for p in read_papers([ROOT / "seeds"])]
    for name in ("scierc.jsonl", "sciER.jsonl", "scinlp.jsonl", "gsap.jsonl"):
        path = EVAL_DEV / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text") or ""
                if len(text.split()) >= 20:
                    out.append(("", text))
    return out


def papers(n: int) -> Iterator[dict]:
    """``n`` paper records, cycling through :func:`pool` with distinct arXiv ids."""
    texts = pool()
    for i in range(n):
        title, text = texts[i % len(texts)]
        block = i // 99999  # ids of the form YYMM.NNNNN, one month per 99,999 papers
        yymm = f"{15 + block // 12:02d}{block % 12 + 1:02d}"
        yield {"arxiv_id": f"{yymm}.{i % 99999 + 1:05d}", "title": title, "abstract": text}


def write_corpus(n: int, path: str | Path) -> Path:
    """Write :func:`papers` ``(n)`` as JSON Lines to ``path``; returns the path."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        for rec in papers(n):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args(argv)
    write_corpus(args.n, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
