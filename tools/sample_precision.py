"""Sample kg's findings, ``proposes`` links and model-name parses on the dev texts for reading.

Runs the full pipeline over ``/work/shared/eval/dev/*.jsonl`` (or the files given), draws
``--n`` items of each kind at random with a fixed seed, and writes a Markdown review file
(one numbered item per line, with its sentence) that a person then judges by reading.

    .venv/bin/python tools/sample_precision.py -o /tmp/precision_review.md

With ``--graph DIR`` it samples the findings of a built graph instead (``kg build ... -o DIR``),
each with the Metric / subject / compared-to / setting nodes its edges reach, and prints the
shares a finding review reports (with a metric edge to a Metric node, with a subject edge):

    .venv/bin/python tools/sample_precision.py --graph /tmp/find_b --seed 0 -o /tmp/findings_review.md
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from kg.io import atomic_write
from kg.lineage import parse_model_name
from kg.pipeline import load_pipeline

DEV = Path("/work/shared/eval/dev")


def _texts(files: list[Path]) -> list[tuple[str, str]]:
    """(id, text) of every record in ``files``."""
    out = []
    for f in files:
        with f.open(encoding="utf-8") as fh:
            out.extend((json.loads(line)["id"], json.loads(line)["text"]) for line in fh if line.strip())
    return out


def _clip(text: str, n: int = 260) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def collect(files: list[Path]) -> dict[str, list[str]]:
    """Every finding, proposes link and Model-name parse on ``files``, each as one review line."""
    nlp = load_pipeline()
    items: dict[str, list[str]] = {"findings": [], "proposes": [], "lineage": []}
    records = _texts(files)
    for (rid, _), doc in zip(records, nlp.pipe(t for _, t in records)):
        for f in doc._.kg_findings or ():
            sent = doc.char_span(f["start"], f["end"], alignment_mode="expand").sent.text
            subj = f["subject"].text if f["subject"] is not None else None
            items["findings"].append(
                f"`{rid}` **{f['direction']} {f['value']:g}{f['unit']}** metric={f['metric']!r} subject={subj!r} "
                f"qualifier={f['qualifier']!r} baseline={f['baseline']!r} settings={[s.text for s in f['settings']]} "
                f"| {_clip(sent)}"
            )
        for label, span, rule in doc._.kg_links or ():
            if label == "proposes":
                items["proposes"].append(f"`{rid}` **{span.text}** ({span.label_}, {rule}) | {_clip(span.sent.text)}")
        for e in doc.ents:
            if e.label_ == "Model":
                parsed = parse_model_name(e.text)
                if parsed is not None:
                    items["lineage"].append(f"`{rid}` **{e.text}** -> {parsed}")
    return items


def graph_findings(folder: Path) -> tuple[list[str], dict[str, float]]:
    """Every finding of ``folder/graph.json`` as one review line, and the shares of findings with a
    ``metric`` edge to a Metric node and with a ``subject`` edge (plus the counts of findings and papers)."""
    with (folder / "graph.json").open(encoding="utf-8") as fh:
        g = json.load(fh)
    nodes = {n["id"]: n for n in g["nodes"]}
    findings = sorted(i for i, n in nodes.items() if n.get("type") == "Finding")
    out: dict[str, dict[str, list[str]]] = {i: {} for i in findings}
    for e in g.get("links") or g.get("edges") or ():
        if e["source"] in out:
            out[e["source"]].setdefault(e["key"], []).append(e["target"])
    lines = []
    for i in findings:
        n, edges = nodes[i], out[i]

        def names(key: str) -> list[str]:
            return [nodes[t]["label"] for t in edges.get(key, ())]

        metric_node = [t for t in edges.get("metric", ()) if nodes[t]["type"] == "Metric"]
        lines.append(
            f"`{n['paper']}` **{n['direction']} {n['value']:g}{n['unit']}** text={_clip(n['text'], 120)!r} "
            f"metric={n['metric']!r}{' -> Metric' if metric_node else ''} subject={names('subject')} "
            f"compared_to={names('compared_to')} qualifier={n['qualifier']!r} baseline={n['baseline']!r} "
            f"settings={names('setting')} | {_clip(n['sentence'])}"
        )
    total = len(findings) or 1
    shares = {
        "findings": len(findings),
        "papers": len({nodes[i]["paper"] for i in findings}),
        "metric_node": sum(any(nodes[t]["type"] == "Metric" for t in out[i].get("metric", ())) for i in findings) / total,
        "subject": sum(bool(out[i].get("subject")) for i in findings) / total,
    }
    return lines, shares


def main(argv: list[str] | None = None) -> int:
    """Write the review file; return 0."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="eval JSONL files (default: the dev split)")
    ap.add_argument("-o", "--out", type=Path, default=Path("precision_review.md"))
    ap.add_argument("-n", "--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--graph", type=Path, help="sample the findings of this built graph folder instead")
    args = ap.parse_args(argv)
    if args.graph is not None:
        pool, shares = graph_findings(args.graph)
        sample = random.Random(args.seed).sample(pool, min(args.n, len(pool)))
        head = (f"# kg findings review sample (seed {args.seed}, {args.graph}): {shares['findings']} findings in "
                f"{shares['papers']} papers, {shares['metric_node']:.0%} with a metric edge to a Metric node, "
                f"{shares['subject']:.0%} with a subject edge")
        with atomic_write(args.out) as fh:
            fh.write("\n".join([head, ""] + [f"{i}. {s}" for i, s in enumerate(sample, 1)]) + "\n")
        print(head)
        return 0
    files = args.files or sorted(DEV.glob("*.jsonl"))
    items = collect(files)
    rng = random.Random(args.seed)
    lines = [f"# kg precision review sample (seed {args.seed}, files: {', '.join(f.name for f in files)})", ""]
    for kind, pool in items.items():
        sample = rng.sample(pool, min(args.n, len(pool)))
        lines += [f"## {kind}: {len(sample)} of {len(pool)}", ""]
        lines += [f"{i}. {s}" for i, s in enumerate(sample, 1)] + [""]
    with atomic_write(args.out) as fh:
        fh.write("\n".join(lines))
    print(f"wrote {args.out}: " + ", ".join(f"{k} {len(v)}" for k, v in items.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
