"""Regenerate docs/scores.md: kg's extraction scored on every annotated file in a folder.

    python tools/score_table.py [FOLDER] [-o docs/scores.md] [--mapping FILE.json] [--split tune|held|all]

FOLDER defaults to ``../shared/eval/dev`` next to the repository. Every ``*.jsonl``
/ ``*.json`` file in it is read with :func:`kg.evaluate.read_gold`, run through
kg's pipeline (loaded once) and scored with :func:`kg.evaluate.evaluate`; the page
lists per corpus and gold label the exact / partial / doc-set P R F1, the relation
scores, and whether each target in :data:`TARGETS` is met. The output has no
timestamps, so a diff of the page shows only what changed in the scores.

``--split`` keeps part of the folder aside: every text goes, by a fixed hash of
its document id (the id up to a first "|", so the text units of one paper stay
together), to ``tune`` (80%) or ``held`` (20%). Tune rules on ``tune`` only and
read ``held`` to see whether a change generalises; ``all`` (the default) scores
every text.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.evaluate import (  # noqa: E402
    SCHEMES,
    Counts,
    CorpusReport,
    evaluate,
    load_default_pipeline,
    load_mappings,
    predict,
    read_gold,
)
from kg.io import atomic_write  # noqa: E402

DEFAULT_FOLDER = REPO.parent / "shared" / "eval" / "dev"
DEFAULT_OUTPUT = REPO / "docs" / "scores.md"
SCHEME_TITLES = {"exact": "exact", "partial": "partial", "doc_set": "doc-set"}
SPLITS = ("all", "tune", "held")
#: percent of documents in the tune split; the rest are held aside
TUNE_PERCENT = 80


@dataclass(frozen=True)
class Target:
    """A score goal: ``scheme`` F1 (and optionally precision) of ``label`` (None: overall) in ``corpus``."""

    corpus: str
    scheme: str
    label: str | None
    min_f1: float
    min_p: float | None = None

    def describe(self) -> str:
        """One line, e.g. "gsap exact F1 >= 60 MLModel, P >= 75"."""
        what = self.label or "overall"
        p = f", P >= {self.min_p:g}" if self.min_p is not None else ""
        return f"{self.corpus} {SCHEME_TITLES[self.scheme]} F1 >= {self.min_f1:g} {what}{p}"


#: the project's goals (issue 11: met on the unseen test split, so aim above them here);
#: percentages. Model and Dataset on gsap are gold labels MLModel and Dataset.
TARGETS: tuple[Target, ...] = (
    Target("gsap", "exact", "MLModel", 65, 75),
    Target("gsap", "exact", "Dataset", 68, 75),
    Target("gsap", "partial", None, 52),
    Target("scier", "partial", None, 70),
)
#: no (corpus, gold label) with predictions may have a precision below this, under this scheme
MIN_LABEL_PRECISION = 50.0
MIN_LABEL_PRECISION_SCHEME = "exact"


def pct(x: float) -> str:
    """A fraction as a percentage with one decimal."""
    return f"{100 * x:.1f}"


def split_of(text_id: str) -> str:
    """``"tune"`` or ``"held"``: the split a text belongs to, fixed by a hash of its document id.

    The document id is the text id up to a first "|" (GSAP-NER's ids are
    ``paper|text_unit_N``): the units of one paper, which repeat its names,
    never sit on both sides.
    """
    doc_id = text_id.split("|", 1)[0]
    bucket = int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") % 100
    return "tune" if bucket < TUNE_PERCENT else "held"


def select_split(docs: list, split: str) -> list:
    """The docs of ``split`` ("all", "tune" or "held"), in their order."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} (expected one of {', '.join(SPLITS)})")
    return docs if split == "all" else [d for d in docs if split_of(d.id) == split]


def score_folder(
    folder: Path, mapping: str | None = None, split: str = "all", rules_dir: str | None = None
) -> tuple[dict[str, CorpusReport], list[str], list[str]]:
    """Score every annotated file in ``folder`` (its ``split``); (reports by corpus, file names, pipeline components).

    ``rules_dir`` runs the pipeline on another rules folder (e.g. a copy holding
    the lexicons before a change) so two rule sets meet the same code.
    """
    files = sorted(p for p in folder.iterdir() if p.suffix in (".jsonl", ".json") and p.is_file())
    if not files:
        raise SystemExit(f"score_table: no .jsonl / .json files in {folder}")
    mappings = load_mappings(mapping)
    if rules_dir:
        from kg.pipeline import load_pipeline

        nlp = load_pipeline(rules_dir=rules_dir)
    else:
        nlp = load_default_pipeline()
    reports: dict[str, CorpusReport] = {}
    for path in files:
        docs = select_split(read_gold(path), split)
        if not docs:
            print(f"score_table: {path.name} has no texts in split {split!r}", file=sys.stderr)
            continue
        for key, rep in evaluate(docs, predict(nlp, docs, source=str(path)), mappings).items():
            if key in reports:  # one corpus spread over several files
                reports[key].n_docs += rep.n_docs
                for scheme in SCHEMES:
                    reports[key].entities[scheme].merge(rep.entities[scheme])
                reports[key].relations.merge(rep.relations)
            else:
                reports[key] = rep
        print(f"score_table: scored {path.name} ({len(docs)} texts)", file=sys.stderr)
    return reports, [p.name for p in files], list(nlp.pipe_names)


def check_targets(reports: dict[str, CorpusReport]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) rows for :data:`TARGETS` and the minimum label precision."""
    rows = []
    for t in TARGETS:
        rep = reports.get(t.corpus)
        if rep is None:
            rows.append((t.describe(), "corpus not scored", False))
            continue
        scores = rep.entities[t.scheme]
        c = scores.per_label.get(t.label, Counts()) if t.label else scores.overall
        met = 100 * c.f1 >= t.min_f1 and (t.min_p is None or 100 * c.precision >= t.min_p)
        measured = f"F1 {pct(c.f1)}" + (f", P {pct(c.precision)}" if t.min_p is not None else "")
        rows.append((t.describe(), measured, met))
    low = []
    for name, rep in sorted(reports.items()):
        for label, c in sorted(rep.entities[MIN_LABEL_PRECISION_SCHEME].per_label.items()):
            if c.n_pred and 100 * c.precision < MIN_LABEL_PRECISION:
                low.append(f"{name} {label} {pct(c.precision)}")
    desc = (f"no label precision < {MIN_LABEL_PRECISION:g} "
            f"({SCHEME_TITLES[MIN_LABEL_PRECISION_SCHEME]}, labels with predictions)")
    rows.append((desc, "below: " + "; ".join(low) if low else "all labels >= 50", not low))
    return rows


def render(
    reports: dict[str, CorpusReport], files: list[str], components: list[str], folder: Path, split: str = "all"
) -> str:
    """The Markdown page."""
    which = "" if split == "all" else (
        f" Split `{split}` only: the texts whose document id hashes into it "
        f"({TUNE_PERCENT}% tune / {100 - TUNE_PERCENT}% held; `--split`)."
    )
    out = [
        "# Extraction scores",
        "",
        "Generated by `python tools/score_table.py` (do not edit by hand): kg's pipeline run on the",
        f"annotated files in `{folder.name}/` ({', '.join(files)}) and scored with `kg eval`'s rules",
        "(see `kg/evaluate.py`; label mappings in `rules/eval_mappings.json`). P / R / F1 in percent;",
        "gold / pred count mentions (doc-set counts distinct strings per text)." + which,
        "",
        f"Pipeline: {' -> '.join(components)}",
        "",
        "## Targets",
        "",
        "| target | measured | status |",
        "|---|---|---|",
    ]
    for desc, measured, met in check_targets(reports):
        out.append(f"| {desc} | {measured} | {'met' if met else '**not met**'} |")
    for name, rep in sorted(reports.items()):
        out += ["", f"## {name} ({rep.n_docs} texts)", "", "### Entities", ""]
        head = "| label | gold | pred |" + "".join(f" {SCHEME_TITLES[s]} P | R | F1 |" for s in SCHEMES)
        out += [head, "|---" * (3 + 3 * len(SCHEMES)) + "|"]
        labels = sorted({lab for s in SCHEMES for lab in rep.entities[s].per_label})
        rows = [(lab, {s: rep.entities[s].per_label.get(lab, Counts()) for s in SCHEMES}) for lab in labels]
        rows.append(("**overall**", {s: rep.entities[s].overall for s in SCHEMES}))
        for lab, cs in rows:
            cells = "".join(f" {pct(c.precision)} | {pct(c.recall)} | {pct(c.f1)} |" for c in cs.values())
            out.append(f"| {lab} | {cs['exact'].n_gold} | {cs['exact'].n_pred} |{cells}")
        if rep.has_relations:
            out += ["", "### Relations", "", "| label | gold | pred | P | R | F1 |", "|---|---|---|---|---|---|"]
            rel_rows = [(lab, c) for lab, c in sorted(rep.relations.per_label.items())]
            rel_rows.append(("**overall**", rep.relations.overall))
            for lab, c in rel_rows:
                out.append(f"| {lab} | {c.n_gold} | {c.n_pred} | {pct(c.precision)} | {pct(c.recall)} | {pct(c.f1)} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Score the folder and write the page; print the targets summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(DEFAULT_FOLDER), help="folder of annotated .jsonl files")
    ap.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT), help="Markdown page to write")
    ap.add_argument("--mapping", help="extra label mappings (format of rules/eval_mappings.json)")
    ap.add_argument("--split", choices=SPLITS, default="all",
                    help=f"score only the tune ({TUNE_PERCENT}%%) or held-aside texts (default: all)")
    ap.add_argument("--rules", help="read every rule file from this folder instead of kg's rules/")
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"score_table: {folder} is not a folder", file=sys.stderr)
        return 2
    reports, files, components = score_folder(folder, args.mapping, args.split, args.rules)
    with atomic_write(args.output) as fh:
        fh.write(render(reports, files, components, folder, args.split))
    for desc, measured, met in check_targets(reports):
        print(f"{'met    ' if met else 'NOT met'}  {desc}: {measured}")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
