"""Sample what kg extracts from papers for reading by hand, and print the shares a review reports.

    python tools/sample_precision.py PATH... [-o review.md] [-n 50] [--seed 0]
    python tools/sample_precision.py --graph DIR [-o review.md] ...

PATH is anything ``kg build`` reads (files or folders: a titles/summaries CSV of
unseen abstracts, a JSONL export, listing dumps); the graph is built in memory with
kg's pipeline. ``--graph DIR`` reads a graph ``kg build -o DIR`` wrote instead. The
script prints one line of figures:

* papers, and entity nodes by type;
* findings: how many, in how many papers, the share with a ``metric`` edge to a
  Metric node and the share with a ``subject`` edge;
* ``proposes``: links per paper and the share of papers with at least one;
* ``variant_of`` edges (model lineage);

and writes a Markdown file with ``-n`` random items of each kind (findings,
proposes links, entity nodes, variant_of edges; ``random.Random(seed)``), one
numbered line each with its sentence, for a person to judge right or wrong.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.io import atomic_write  # noqa: E402


def _clip(text: str, n: int = 260) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _edges(g, key: str):
    return [(u, v, d) for u, v, k, d in g.edges(keys=True, data=True) if k == key]


def figures(g) -> dict[str, float | int | dict]:
    """The figures a review reports, from kg's graph ``g``."""
    types = Counter(d.get("type") for _, d in g.nodes(data=True))
    papers = [n for n, t in g.nodes(data="type") if t == "Paper"]
    findings = [n for n, t in g.nodes(data="type") if t == "Finding"]
    metric_node = {u for u, v, _ in _edges(g, "metric") if g.nodes[v].get("type") == "Metric"}
    subject = {u for u, _, _ in _edges(g, "subject")}
    proposes = _edges(g, "proposes")
    n_f = len(findings) or 1
    return {
        "papers": len(papers),
        "entities": {t: c for t, c in sorted(types.items()) if t not in ("Paper", "Finding")},
        "findings": len(findings),
        "papers_with_findings": len({g.nodes[f].get("paper") for f in findings}),
        "metric_node_share": sum(f in metric_node for f in findings) / n_f,
        "subject_share": sum(f in subject for f in findings) / n_f,
        "proposes_per_paper": len(proposes) / (len(papers) or 1),
        "papers_proposing": len({u for u, _, _ in proposes}) / (len(papers) or 1),
        "variant_of": len(_edges(g, "variant_of")),
    }


def review_items(g) -> dict[str, list[str]]:
    """Every finding, proposes link, entity node and variant_of edge of ``g`` as one review line."""
    def names(u: str, key: str) -> list[str]:
        return [g.nodes[v]["label"] for _, v, k in g.out_edges(u, keys=True) if k == key]

    items: dict[str, list[str]] = {"findings": [], "proposes": [], "entities": [], "variant_of": []}
    for n, d in sorted(g.nodes(data=True)):
        t = d.get("type")
        if t == "Finding":
            metric = [v for v in names(n, "metric")]
            items["findings"].append(
                f"`{d['paper']}` **{d['direction']} {d['value']:g}{d['unit']}** text={_clip(d['text'], 120)!r} "
                f"metric={d['metric']!r}{' -> Metric ' + repr(metric[0]) if metric else ''} subject={names(n, 'subject')} "
                f"compared_to={names(n, 'compared_to')} qualifier={d['qualifier']!r} baseline={d['baseline']!r} "
                f"settings={names(n, 'setting')} | {_clip(d['sentence'])}")
        elif t not in ("Paper", None):
            ev = next((d2["evidence"][0] for _, _, k, d2 in g.in_edges(n, keys=True, data=True) if k == "mentions"), None)
            where = _clip(ev["sentence"]) if ev else ""
            items["entities"].append(f"**{d.get('label')}** ({t}; aliases {d.get('aliases', [])}) | {where}")
    for u, v, d in _edges(g, "proposes"):
        ev = d["evidence"][0]
        items["proposes"].append(f"`{u}` **{g.nodes[v]['label']}** ({g.nodes[v]['type']}, {ev['rule']}) "
                                 f"| {_clip(g.nodes[u].get('title', ''), 120)} | {_clip(ev['sentence'])}")
    for u, v, d in _edges(g, "variant_of"):
        items["variant_of"].append(f"**{g.nodes[u]['label']}** -> **{g.nodes[v]['label']}** "
                                   f"(family {g.nodes[u].get('family')!r}, version {g.nodes[u].get('version')!r}, "
                                   f"size {g.nodes[u].get('size')!r})")
    return items


def main(argv: list[str] | None = None) -> int:
    """Print the figures and write the review file; return 0."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", help="papers to build the graph of (anything kg build reads)")
    ap.add_argument("--graph", type=Path, help="a folder kg build wrote (its graph.json) instead of paths")
    ap.add_argument("-o", "--out", type=Path, default=Path("precision_review.md"))
    ap.add_argument("-n", "--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if (args.graph is None) == (not args.paths):
        ap.error("give PATH... or --graph DIR")
    import kg

    g = kg.load(args.graph) if args.graph is not None else kg.build(args.paths)
    figs = figures(g)
    source = str(args.graph) if args.graph is not None else ", ".join(args.paths)
    head = (f"{figs['papers']} papers ({source}); entities {figs['entities']}; {figs['findings']} findings in "
            f"{figs['papers_with_findings']} papers, {figs['metric_node_share']:.0%} with a metric edge to a Metric node, "
            f"{figs['subject_share']:.0%} with a subject edge; proposes {figs['proposes_per_paper']:.2f} per paper, "
            f"{figs['papers_proposing']:.0%} of papers; {figs['variant_of']} variant_of edges")
    rng = random.Random(args.seed)
    lines = [f"# kg review sample (seed {args.seed})", "", head, ""]
    for kind, pool in review_items(g).items():
        sample = rng.sample(pool, min(args.n, len(pool)))
        lines += [f"## {kind}: {len(sample)} of {len(pool)}", ""] + [f"{i}. {s}" for i, s in enumerate(sample, 1)] + [""]
    with atomic_write(args.out) as fh:
        fh.write("\n".join(lines))
    print(head)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
